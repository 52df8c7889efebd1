/**
 * The pull-request comment: one body built from the cost diff and template diff JSON, found again
 * on the next push by its hidden marker and updated in place. Pure: reports in, Markdown out.
 */
import { formatUsd } from '../report/format';
import type { CostDiffReport } from './cost-diff';
import { costDiffMarkdown } from './cost-diff-markdown';
import { signedPercent, signedUsd } from './markdown';
import type { TemplateDiffReport } from './template-diff';
import { statefulCaution, templateDiffMarkdown } from './template-diff-markdown';

/** Hidden first line that identifies our comment among a PR's comments. */
export const REVIEW_MARKER = '<!-- metricstream-review -->';

/** GitHub rejects comment bodies over 65,536 characters; keep a margin. */
export const MAX_COMMENT_CHARS = 65_000;

export interface ReviewCommentInput {
  readonly cost: CostDiffReport;
  readonly template: TemplateDiffReport;
  /** Link to the workflow run that produced the comment. */
  readonly runUrl?: string;
  /** Commit the comment describes. */
  readonly headSha?: string;
}

export function buildReviewComment(input: ReviewCommentInput): string {
  const full = render(input, true);
  if (full.length <= MAX_COMMENT_CHARS) return full;
  // Too long: drop the per-stack resource tables; the summary and every warning stay.
  const short = render(input, false);
  if (short.length <= MAX_COMMENT_CHARS) return short;
  return `${short.slice(0, MAX_COMMENT_CHARS - 200)}\n\n… cut to fit GitHub's comment limit: see the workflow run for the whole report.`;
}

function render({ cost, template, runUrl, headSha }: ReviewCommentInput, details: boolean): string {
  const parts = [REVIEW_MARKER, `## MetricStream review${headSha ? ` of ${headSha.slice(0, 7)}` : ''}`, '', summary(cost, template)];
  if (template.warnings.length) parts.push('', statefulCaution(template));
  parts.push('', costDiffMarkdown(cost, 3), '', templateDiffMarkdown(template, { headingLevel: 3, warnings: false, details }));
  if (!details) parts.push('', '_Per-stack resource tables left out to fit the comment; run `npm run template:diff` for them._');
  parts.push('', `<sub>Built by \`scripts/review/comment.ts\` from \`npm run cost:diff -- --json\` and \`npm run template:diff -- --json\`${runUrl ? ` in [this run](${runUrl})` : ''}. Updated on every push.</sub>`);
  return parts.join('\n');
}

/** Two lines a reviewer reads first: dollars per environment, then what the templates do. */
function summary(cost: CostDiffReport, template: TemplateDiffReport): string {
  const dollars = cost.environments
    .map((e) => (e.deltaUsd === 0 ? `${e.environment} unchanged (${formatUsd(e.totalMonthlyUsdAfter)})` : `${e.environment} ${formatUsd(e.totalMonthlyUsdBefore)} → ${formatUsd(e.totalMonthlyUsdAfter)} (${signedUsd(e.deltaUsd)}, ${signedPercent(e.deltaPercent)})`))
    .join(' · ');
  const changed = template.stacks.filter((s) => s.status !== 'unchanged');
  const count = (kind: 'added' | 'removed' | 'modified' | 'replaced' | 'interrupted') => changed.reduce((n, s) => n + s.counts[kind], 0);
  const resources = changed.length
    ? `${changed.length} of ${template.stacks.length} stacks change: ${count('added')} added, ${count('removed')} removed, ${count('modified')} modified, ${count('replaced')} replaced, ${count('interrupted')} may interrupt`
    : `no resource changes in ${template.stacks.length} stacks`;
  const stateful = template.warnings.length ? ` — **${template.warnings.length} stateful resource${template.warnings.length === 1 ? '' : 's'} at risk**` : '';
  return [`**Monthly cost:** ${dollars}`, `**Templates:** ${resources}${stateful}`].join('  \n');
}
