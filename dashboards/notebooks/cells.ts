/**
 * Small helpers the notebooks' cells import beside the dashboard's chart functions: a chart's
 * left-to-right box, figures that carry their exact value, and exact sums of money given as text.
 */
import { formatBillions, formatNumber, formatPercent, microToDecimal, parseMicro } from '../format.ts';

/**
 * A chart in a left-to-right box: Plot lays its axes out left to right, and inside the page's
 * `dir="rtl"` its text anchors would flip and put tick labels into the bars.
 */
export function chart(element: Element, caption?: string): HTMLElement {
  const box = document.createElement('figure');
  box.className = 'chart';
  box.dir = 'ltr';
  box.append(element);
  if (caption) {
    const note = document.createElement('figcaption');
    note.className = 'note';
    note.dir = 'rtl';
    note.textContent = caption;
    box.append(note);
  }
  return box;
}

/** Exact sum of DECIMAL texts (money in million rials), as DuckDB prints it; NULLs are skipped. */
export function sumAmounts<T>(rows: T[], amount: (row: T) => unknown): string {
  let total = 0n;
  for (const row of rows) total += parseMicro(amountText(amount(row))) ?? 0n;
  return microToDecimal(total);
}

const amountText = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** Million rials (exact text or a number) as a number of billion rials, for a chart's scale. */
export const billions = (amount: unknown): number =>
  amount === null || amount === undefined ? 0 : Number(amount) / 1000;

/**
 * A figure in a finding: shown in Persian, with the exact value it stands for in `data-value`
 * (and what it is in `data-metric`), so a reader or a test can trace it.
 */
export function figure(shown: string, value: unknown, metric: string): HTMLElement {
  const b = document.createElement('b');
  b.textContent = shown;
  b.dataset.value = String(value);
  b.dataset.metric = metric;
  return b;
}

/** A money figure: billion rials in the text, the exact million rials in `data-value`. */
export const money = (amount: unknown, metric: string): HTMLElement =>
  figure(
    `${formatBillions(amount === null || amount === undefined ? null : Number(amount), 'fa')} میلیارد ریال`,
    amount,
    metric,
  );

/** A ratio figure shown as a percentage. */
export const percent = (ratio: number | null, metric: string): HTMLElement =>
  figure(formatPercent(ratio, 'fa'), ratio, metric);

/** A count figure in Persian digits. */
export const count = (n: number | null, metric: string): HTMLElement => figure(formatNumber(n, 'fa'), n, metric);
