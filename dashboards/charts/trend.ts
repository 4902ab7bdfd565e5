/**
 * The trend by quarter: allocated and disbursed (both cumulative for the fiscal year), one line
 * each, with the absorption rate at each disbursed point.
 */
import * as Plot from '@observablehq/plot';
import { FONT, tickFormat, type ChartOptions } from './common.ts';

/** One quarter: its label (in order), allocated and disbursed, and the rate label. */
export interface TrendRow {
  period: string;
  allocated: number | null;
  disbursed: number | null;
  note?: string;
  selected?: boolean;
  /** Tooltips with the exact figures; by default the plotted value. */
  allocatedTip?: string;
  disbursedTip?: string;
}

/** Options of trendChart: the two series' names, already translated. */
export interface TrendOptions extends ChartOptions {
  allocatedLabel: string;
  disbursedLabel: string;
}

/** Two lines over the quarters in the given order, dots with exact tooltips, the selected quarter ringed. */
export function trendChart(rows: TrendRow[], options: TrendOptions): SVGSVGElement | HTMLElement {
  const lang = options.lang ?? 'fa';
  const long = rows
    .flatMap((r) => [
      {
        period: r.period,
        series: options.allocatedLabel,
        value: r.allocated,
        note: '',
        selected: r.selected,
        tip: r.allocatedTip,
      },
      {
        period: r.period,
        series: options.disbursedLabel,
        value: r.disbursed,
        note: r.note ?? '',
        selected: r.selected,
        tip: r.disbursedTip,
      },
    ])
    .filter((d) => d.value !== null) as {
    period: string;
    series: string;
    value: number;
    note: string;
    selected?: boolean;
    tip?: string;
  }[];
  return Plot.plot({
    document: options.document,
    width: options.width ?? 640,
    height: 300,
    marginLeft: 60,
    marginBottom: 40,
    style: { fontFamily: FONT, fontSize: '12px' },
    color: { domain: [options.allocatedLabel, options.disbursedLabel], range: ['#8aa6c8', '#1f5f99'], legend: true },
    x: { label: null, domain: rows.map((r) => r.period), type: 'point', padding: 0.4 },
    y: { label: options.label ?? null, tickFormat: tickFormat(lang), grid: true, nice: true, zero: true },
    marks: [
      Plot.lineY(long, { x: 'period', y: 'value', stroke: 'series', z: 'series', strokeWidth: 2 }),
      Plot.dot(long, {
        x: 'period',
        y: 'value',
        fill: 'series',
        r: 3.5,
        title: (d) => d.tip ?? `${d.period} · ${d.series}: ${tickFormat(lang, 1)(d.value)}`,
        tip: { fontFamily: FONT, lineHeight: 1.35 },
      }),
      Plot.dot(
        long.filter((d) => d.selected),
        { x: 'period', y: 'value', r: 7, stroke: '#b5462f', strokeWidth: 2 },
      ),
      Plot.text(
        long.filter((d) => d.note),
        { x: 'period', y: 'value', text: 'note', dy: -12, fontSize: 10 },
      ),
      Plot.ruleY([0]),
    ],
  });
}
