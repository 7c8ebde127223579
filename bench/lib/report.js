// Markdown for RESULTS.md: numbers, ratios and tables.
export const num = (v, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? '—' : Number(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
export const ms = (v) => (v === null || v === undefined ? '—' : v < 10 ? num(v, 2) : num(v, 1));
export const mb = (v) => num(v, 0);
/** `a / b` as "1.23×". */
export const ratio = (a, b, digits = 2) => (a == null || b == null || b === 0 ? '—' : `${num(a / b, digits)}×`);
/** `a - b` with a sign, in ms. */
export const plus = (a, b) => (a == null || b == null ? '—' : `${a - b >= 0 ? '+' : '−'}${ms(Math.abs(a - b))}`);

/** A markdown table; `align` is a string of l/r, one per column. */
export function table(columns, rows, align = 'l' + 'r'.repeat(columns.length - 1)) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(columns), line([...align].map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/** One scenario's part of the page. */
export function section({ title, what, baseline, body, notes = [] }) {
  return [`## ${title}`, '', what, '', baseline ? `Baseline: ${baseline}` : '', '', body, '', ...notes.map((n) => `- ${n}`), ''].filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n');
}
