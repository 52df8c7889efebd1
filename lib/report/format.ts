/** Number formatting shared by the CLI tables and reports. */

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatUsd(value: number): string {
  return usd.format(value);
}

/** Unit prices keep the precision the price list gives (e.g. $0.00099). */
export function formatUnitPrice(value: number): string {
  return `$${Number(value.toPrecision(6))}`;
}

export function formatCount(value: number): string {
  return Number.isInteger(value) ? integer.format(value) : value.toFixed(2);
}

/** Monthly quantities: whole numbers with separators, small ones with 2 decimals. */
export function formatQuantity(value: number): string {
  return value >= 100 ? integer.format(value) : value.toFixed(2);
}

export function formatInteger(value: number): string {
  return integer.format(value);
}

/** A plain-text table with right-aligned numeric columns. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
