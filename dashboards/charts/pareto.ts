/**
 * A Pareto chart of the reasons cited: bars largest first, each labelled with the cumulative
 * share of the total it brings the list to.
 */
import * as Plot from '@observablehq/plot';
import { formatPercent } from '../format.ts';
import { FONT, horizontalFrame, shortLabel, type ChartOptions } from './common.ts';

/** One reason and its amount. */
export interface ParetoRow {
  label: string;
  value: number;
  tip?: string;
}

/** Bars largest first with the running share of the total («۳۴٪ تجمعی») at each bar's end. */
export function paretoChart(
  rows: ParetoRow[],
  options: ChartOptions & { color?: string } = {},
): SVGSVGElement | HTMLElement {
  const lang = options.lang ?? 'fa';
  const sorted = [...rows].filter((r) => r.value > 0).sort((a, b) => b.value - a.value);
  const total = sorted.reduce((s, r) => s + r.value, 0) || 1;
  let running = 0;
  const data = sorted.map((r) => {
    running += r.value;
    return { ...r, short: shortLabel(r.label), cumulative: running / total };
  });
  return Plot.plot({
    ...horizontalFrame(options, {
      labels: data.map((d) => d.label),
      height: Math.max(104, data.length * 24 + 64),
      marginRight: 60,
    }),
    y: { label: null, domain: data.map((d) => d.short) },
    marks: [
      Plot.barX(data, {
        y: 'short',
        x: 'value',
        fill: (d) => (d.cumulative - d.value / total < 0.8 ? (options.color ?? '#b5462f') : '#e0a899'),
        title: (d) => d.tip ?? d.label,
        tip: { fontFamily: FONT, lineHeight: 1.35 },
      }),
      Plot.text(data, {
        y: 'short',
        x: 'value',
        text: (d) => formatPercent(d.cumulative, lang),
        textAnchor: 'start',
        dx: 4,
      }),
      Plot.ruleX([0]),
    ],
  });
}
