/**
 * Horizontal bars of one value per category, optionally drawn over a lighter bar of what it is
 * measured against (disbursed over allocated, reported keys over all keys), with a label at the
 * end of each bar (the rate, or the value).
 */
import * as Plot from '@observablehq/plot';
import { FONT, horizontalFrame, shortLabel, type ChartOptions } from './common.ts';

/** One bar: a category, its value, what it is measured against, and the label at the bar's end. */
export interface BarRow {
  label: string;
  value: number | null;
  total?: number | null;
  note?: string;
  tip?: string;
}

/** Options of valueBars: colours, and whether the rows keep their given order. */
export interface BarOptions extends ChartOptions {
  color?: string;
  totalColor?: string;
  keepOrder?: boolean;
}

/** Horizontal bars, largest first unless keepOrder; `total` (if any) is drawn behind `value`. */
export function valueBars(rows: BarRow[], options: BarOptions = {}): SVGSVGElement | HTMLElement {
  const data = rows.map((r) => ({ ...r, short: shortLabel(r.label), value: r.value ?? 0, total: r.total ?? null }));
  const order = options.keepOrder
    ? data.map((d) => d.short)
    : [...data].sort((a, b) => (b.total ?? b.value) - (a.total ?? a.value)).map((d) => d.short);
  const hasTotal = data.some((d) => d.total !== null);
  const max = Math.max(1e-9, ...data.map((d) => Math.max(d.value, d.total ?? 0)));
  return Plot.plot({
    ...horizontalFrame(options, {
      labels: data.map((d) => d.label),
      height: Math.max(104, data.length * 24 + 64),
      marginRight: 70,
      domain: [0, max],
    }),
    y: { label: null, domain: order },
    marks: [
      ...(hasTotal
        ? [Plot.barX(data, { y: 'short', x: (d) => d.total ?? 0, fill: options.totalColor ?? '#cfdcec' })]
        : []),
      Plot.barX(data, {
        y: 'short',
        x: 'value',
        fill: options.color ?? '#1f5f99',
        title: (d) => d.tip ?? d.label,
        tip: { fontFamily: FONT, lineHeight: 1.35 },
      }),
      Plot.text(data, {
        y: 'short',
        x: (d) => Math.max(d.value, d.total ?? 0),
        text: (d) => d.note ?? '',
        textAnchor: 'start',
        dx: 4,
        fill: 'currentColor',
      }),
      Plot.ruleX([0]),
    ],
  });
}
