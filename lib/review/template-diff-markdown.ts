/** The template diff as Markdown: stateful data-loss warnings first, then a table per stack. */
import { code, markdownTable } from './markdown';
import type { ResourceChange, StackDiff, TemplateDiffReport } from './template-diff';

const KIND_LABEL: Record<ResourceChange['kind'], string> = {
  replaced: '**REPLACED**',
  removed: '**removed**',
  interrupted: 'may interrupt',
  modified: 'modified',
  added: 'added',
};

export interface TemplateDiffMarkdownOptions {
  readonly headingLevel?: number;
  /** The caution block of stateful changes (a PR comment puts it at its own top instead). */
  readonly warnings?: boolean;
  /** Per-stack resource tables; off to fit a size limit. */
  readonly details?: boolean;
}

export function templateDiffMarkdown(report: TemplateDiffReport, options: TemplateDiffMarkdownOptions = {}): string {
  const { headingLevel = 2, warnings = true, details = true } = options;
  const h = '#'.repeat(headingLevel);
  const changed = report.stacks.filter((s) => s.status !== 'unchanged');
  const parts = [`${h} Template changes: ${report.head} vs ${report.base}`, ''];
  if (warnings && report.warnings.length) parts.push(statefulCaution(report), '');
  if (!changed.length) {
    parts.push(`No resource changes in ${report.stacks.length} stack${report.stacks.length === 1 ? '' : 's'}.`);
    return parts.join('\n');
  }
  parts.push(
    markdownTable(
      ['stack', 'added', 'removed', 'modified', 'replaced', 'may interrupt'],
      changed.map((s) => [`${s.stackName}${s.status === 'added' || s.status === 'removed' ? ` (stack ${s.status})` : ''}`, ...(['added', 'removed', 'modified', 'replaced', 'interrupted'] as const).map((k) => String(s.counts[k]))]),
      [false, true, true, true, true, true],
    ),
    '',
    `${report.stacks.length - changed.length} other stack${report.stacks.length - changed.length === 1 ? '' : 's'} unchanged.`,
  );
  if (details) for (const stack of changed) parts.push('', stackSection(stack));
  return parts.join('\n');
}

/** A GitHub caution alert listing every stateful resource a deploy would replace, remove or restart. */
export function statefulCaution(report: TemplateDiffReport): string {
  const n = report.warnings.length;
  return [
    '> [!CAUTION]',
    `> **${n} stateful resource${n === 1 ? '' : 's'} replaced, removed or restarted — data loss on deploy:**`,
    '>',
    ...report.warnings.map((w) => `> - \`${w.stackName}\` ${code(w.logicalId)} (${w.type}) ${w.message}`),
  ].join('\n');
}

function stackSection(stack: StackDiff): string {
  const rows = stack.changes.map((c) => [code(c.logicalId), c.type, `${KIND_LABEL[c.kind]}${c.stateful ? ' (stateful)' : ''}`, describe(c)]);
  // Large stacks fold: the summary line carries the counts, the details the resources.
  return [
    `<details${stack.changes.some((c) => c.kind === 'replaced' || c.kind === 'removed') ? ' open' : ''}><summary>${stack.stackName}: ${summary(stack)}</summary>`,
    '',
    markdownTable(['logical id', 'type', 'change', 'what'], rows, [false, false, false, false]),
    '',
    '</details>',
  ].join('\n');
}

function summary(stack: StackDiff): string {
  const parts = (['replaced', 'removed', 'interrupted', 'modified', 'added'] as const).filter((k) => stack.counts[k]).map((k) => `${stack.counts[k]} ${k === 'interrupted' ? 'may interrupt' : k}`);
  return parts.join(', ');
}

const MAX_PROPERTIES = 6;

function describe(change: ResourceChange): string {
  if (change.kind === 'added') return '';
  if (change.kind === 'removed') return change.deletionPolicy ? `DeletionPolicy ${change.deletionPolicy}` : '';
  const shown = change.properties.slice(0, MAX_PROPERTIES).map((p) => {
    const mark = p.impact === 'replacement' ? ' (replaces)' : p.impact === 'conditional' ? ' (may interrupt)' : '';
    if (p.because) return `${code(p.path)}${mark}: ${p.because}`;
    return `${code(p.path)}${mark}: ${p.before ?? '(none)'} → ${p.after ?? '(none)'}`;
  });
  const more = change.properties.length - shown.length;
  return [...shown, ...(more > 0 ? [`… ${more} more`] : [])].join('<br>');
}
