/** Options every chart function takes, and the small helpers they share. */
import { formatNumber, type Lang } from '../format.ts';

/** What a chart needs besides its rows: width, language, and (in node) the document to draw in. */
export interface ChartOptions {
  width?: number;
  lang?: Lang;
  /** A DOM document (jsdom in tests); the page's own by default. */
  document?: Document;
  /** Label of the value axis, already translated. */
  label?: string;
}

/** The charts' font: the page's inlined Vazirmatn first. */
export const FONT = 'Vazirmatn, Tahoma, sans-serif';

/** Left margin wide enough for the longest category label (labels are cut at MAX_LABEL). */
export function labelMargin(labels: string[]): number {
  const longest = Math.max(0, ...labels.map((l) => Math.min(l.length, MAX_LABEL)));
  return Math.min(300, Math.max(60, Math.round(longest * 6.4) + 14));
}

/** Longest category label drawn in full. */
export const MAX_LABEL = 42;

/** A category label cut to MAX_LABEL characters (the full name stays in the tooltip and table). */
export function shortLabel(label: string): string {
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

/** Tick format for billions of rials or plain counts, in the chart's digits. */
export function tickFormat(lang: Lang, digits = 0): (v: number) => string {
  return (v: number) => formatNumber(v, lang, digits);
}

/** How many value ticks fit the plot area's width without labels running into each other. */
export function tickCount(plotWidth: number): number {
  return Math.max(2, Math.min(8, Math.floor(plotWidth / 85)));
}

/**
 * The frame the horizontal bar charts share: categories down the left (with room for the longest
 * label), values along the bottom with a grid, the axis label below the ticks rather than beside
 * the last one, and as many ticks as fit.
 */
export function horizontalFrame(
  options: ChartOptions,
  {
    labels,
    height,
    marginRight,
    domain,
  }: { labels: string[]; height: number; marginRight: number; domain?: [number, number] },
) {
  const width = options.width ?? 640;
  const marginLeft = labelMargin(labels);
  return {
    document: options.document,
    width,
    height,
    marginLeft,
    marginRight,
    marginBottom: 44,
    style: { fontFamily: FONT, fontSize: '12px' },
    x: {
      labelOffset: 40,
      labelAnchor: 'right' as const,
      label: options.label ?? null,
      tickFormat: tickFormat(options.lang ?? 'fa'),
      grid: true,
      ...(domain ? { domain } : {}),
      nice: true,
      ticks: tickCount(width - marginLeft - marginRight),
    },
  };
}
