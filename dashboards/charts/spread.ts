/**
 * The spread of a duration per category: a thin line from the 10th to the 90th percentile, a bar
 * over the middle half (25th to 75th), and a tick at the median, labelled; categories by median.
 */
import * as Plot from '@observablehq/plot';
import { formatNumber } from '../format.ts';
import { FONT, horizontalFrame, shortLabel, type ChartOptions } from './common.ts';

/** One category's percentiles (p10, p25, median, p75, p90) of a duration. */
export interface SpreadRow {
  label: string;
  p10: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  tip?: string;
}

/** Percentile bands per category, longest median first unless keepOrder; the median is labelled. */
export function spreadChart(
  rows: SpreadRow[],
  options: ChartOptions & { keepOrder?: boolean; color?: string } = {},
): SVGSVGElement | HTMLElement {
  const lang = options.lang ?? 'fa';
  const data = rows.map((r) => ({ ...r, short: shortLabel(r.label) }));
  const order = (options.keepOrder ? data : [...data].sort((a, b) => b.median - a.median)).map((d) => d.short);
  const color = options.color ?? '#1f5f99';
  return Plot.plot({
    ...horizontalFrame(options, {
      labels: data.map((d) => d.label),
      height: Math.max(104, data.length * 24 + 64),
      marginRight: 40,
      domain: [0, Math.max(1, ...data.map((d) => d.p90))],
    }),
    y: { label: null, domain: order },
    marks: [
      Plot.ruleY(data, { y: 'short', x1: 'p10', x2: 'p90', stroke: color, strokeOpacity: 0.6 }),
      Plot.barX(data, {
        y: 'short',
        x1: 'p25',
        x2: 'p75',
        fill: color,
        fillOpacity: 0.35,
        title: (d) => d.tip ?? d.label,
        tip: { fontFamily: FONT, lineHeight: 1.35 },
      }),
      Plot.tickX(data, { y: 'short', x: 'median', stroke: color, strokeWidth: 3 }),
      Plot.text(data, {
        y: 'short',
        x: 'p90',
        text: (d) => formatNumber(d.median, lang, 1),
        textAnchor: 'start',
        dx: 4,
        fill: 'currentColor',
      }),
    ],
  });
}
