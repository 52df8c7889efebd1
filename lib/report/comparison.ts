/** What `npm run plan -- --compare` prints: the plan beside its priced alternatives. */
import type { Alternative } from '../pricing/alternatives';
import { formatUnitPrice, formatUsd, textTable } from './format';

export function comparisonText(environment: string, region: string, baseline: Alternative, alternatives: readonly Alternative[]): string {
  const base = baseline.totalMonthlyUsd ?? 0;
  const rows = [baseline, ...alternatives].map((a) => [
    a.name,
    a.totalMonthlyUsd === null ? 'fails validation' : formatUsd(a.totalMonthlyUsd),
    a.deltaUsd === null || a === baseline ? '' : `${a.deltaUsd < 0 ? '-' : '+'}${formatUsd(Math.abs(a.deltaUsd))} (${((a.deltaUsd / base) * 100).toFixed(1)} %)`,
    a.failure ?? [a.changes, ...a.notes].join('; '),
  ]);
  const prices = alternatives.flatMap((a) => a.prices.map((p) => `  ${a.name}: ${p.key} ${formatUnitPrice(p.usd)}/${p.unit} — ${p.source}; ${p.note}`));
  return [
    `MetricStream ${environment} — alternatives, ${region}, priced from the snapshot and planned through the same validation`,
    '',
    textTable(['alternative', 'monthly', 'vs as configured', 'what changes'], rows, [false, true, true, false]),
    '',
    'prices the alternatives use beyond the configured plan (snapshot entries, source and confidence):',
    ...(prices.length > 0 ? prices : ['  none']),
  ].join('\n');
}
