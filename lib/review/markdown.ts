/** Markdown helpers shared by the review reports: escaped table cells, signed dollars and percents. */
import { formatCount, formatUsd } from '../report/format';

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly boolean[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${rightAligned.map((right) => (right ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function signedUsd(value: number): string {
  if (value === 0) return '$0.00';
  return `${value > 0 ? '+' : '−'}${formatUsd(Math.abs(value))}`;
}

export function signedPercent(value: number | null): string {
  if (value === null) return 'new';
  if (value === 0) return '0.0 %';
  return `${value > 0 ? '+' : '−'}${Math.abs(value).toFixed(1)} %`;
}

/** "12" when unchanged, "12 → 22" otherwise. */
export function beforeAfter(before: number, after: number, format: (n: number) => string = formatCount): string {
  return before === after ? format(after) : `${format(before)} → ${format(after)}`;
}

export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
