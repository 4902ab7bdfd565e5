/**
 * Horizontal stacked bars: each category's total split into parts (the gap by funnel stage, an
 * NDF line's resources into disbursed and idle, an axis's jobs into new and sustained).
 */
import * as Plot from '@observablehq/plot';
import { FONT, horizontalFrame, shortLabel, type ChartOptions } from './common.ts';

/** One part of one category's bar. */
export interface StackRow {
  label: string;
  series: string;
  value: number;
  tip?: string;
}

/** Options of stackedBars: the parts in stacking order with their colours. */
export interface StackOptions extends ChartOptions {
  series: string[];
  colors: string[];
  keepOrder?: boolean;
}

/** Stacked horizontal bars with a legend; categories largest total first unless keepOrder. */
export function stackedBars(rows: StackRow[], options: StackOptions): SVGSVGElement | HTMLElement {
  const data = rows.map((r) => ({ ...r, short: shortLabel(r.label), value: Math.max(0, r.value) }));
  const totals = new Map<string, number>();
  for (const d of data) totals.set(d.short, (totals.get(d.short) ?? 0) + d.value);
  const order = options.keepOrder
    ? [...new Set(data.map((d) => d.short))]
    : [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  return Plot.plot({
    ...horizontalFrame(options, {
      labels: data.map((d) => d.label),
      height: Math.max(124, order.length * 26 + 84),
      marginRight: 30,
    }),
    color: { domain: options.series, range: options.colors, legend: true },
    y: { label: null, domain: order },
    marks: [
      Plot.barX(data, {
        y: 'short',
        x: 'value',
        fill: 'series',
        order: options.series,
        title: (d) => d.tip ?? `${d.label}: ${d.series}`,
        tip: { fontFamily: FONT, lineHeight: 1.35 },
      }),
      Plot.ruleX([0]),
    ],
  });
}
