/** The cost diff as Markdown: one section per environment, changed lines first, the rest folded. */
import { formatUsd } from '../report/format';
import type { CostDiffReport, EnvironmentCostDiff } from './cost-diff';
import { beforeAfter, markdownTable, signedPercent, signedUsd } from './markdown';

export function costDiffMarkdown(report: CostDiffReport, headingLevel = 2): string {
  const h = '#'.repeat(headingLevel);
  const parts = [
    `${h} Monthly cost: ${report.head} vs ${report.base}`,
    '',
    summaryTable(report),
    '',
    `Counts come from the synthesized templates; usage lines (LCUs, data transfer, log and access-log volumes, backups) from each side's plan; prices from the snapshot of ${report.pricesAsOf}.`,
  ];
  for (const env of report.environments) parts.push('', environmentSection(env, `${h}#`));
  return parts.join('\n');
}

function summaryTable(report: CostDiffReport): string {
  return markdownTable(
    ['environment', 'before', 'after', 'delta', 'change'],
    report.environments.map((e) => [e.environment, formatUsd(e.totalMonthlyUsdBefore), formatUsd(e.totalMonthlyUsdAfter), signedUsd(e.deltaUsd), signedPercent(e.deltaPercent)]),
    [false, true, true, true, true],
  );
}

function environmentSection(env: EnvironmentCostDiff, h: string): string {
  const changed = env.rows.filter((r) => r.changed);
  const unchanged = env.rows.filter((r) => !r.changed);
  const header = ['tier', 'resource', 'type', 'count', 'monthly before', 'monthly after', 'delta'];
  const right = [false, false, false, true, true, true, true];
  const toRow = (r: EnvironmentCostDiff['rows'][number]) => [
    r.tier,
    r.resource,
    r.type,
    beforeAfter(r.countBefore, r.countAfter),
    formatUsd(r.monthlyUsdBefore),
    formatUsd(r.monthlyUsdAfter),
    signedUsd(Math.abs(r.deltaUsd) < 0.005 ? 0 : r.deltaUsd),
  ];
  const total = ['**total**', '', '', '', `**${formatUsd(env.totalMonthlyUsdBefore)}**`, `**${formatUsd(env.totalMonthlyUsdAfter)}**`, `**${signedUsd(env.deltaUsd)} (${signedPercent(env.deltaPercent)})**`];
  const lines = [
    `${h} ${env.environment} (${env.region}, ${env.pricing}): ${formatUsd(env.totalMonthlyUsdBefore)} → ${formatUsd(env.totalMonthlyUsdAfter)}, ${signedUsd(env.deltaUsd)} (${signedPercent(env.deltaPercent)})`,
    '',
  ];
  if (changed.length) lines.push(markdownTable(header, [...changed.map(toRow), total], right));
  else lines.push('No billed line changes.');
  if (unchanged.length) {
    lines.push('', `<details><summary>${unchanged.length} unchanged line${unchanged.length === 1 ? '' : 's'}</summary>`, '', markdownTable(header, unchanged.map(toRow), right), '', '</details>');
  }
  for (const note of env.notes) lines.push('', `> Note: ${note}`);
  return lines.join('\n');
}
