/**
 * What every view shares: the page's data and selection, words and number formats, and the
 * building blocks (cards with a chart, its table and source line). Names from files reach the DOM
 * through textContent (el()), never innerHTML.
 */
import type { CodeName, DashboardData, ViewId, ViewSource } from '../data.ts';
import {
  formatBillions,
  formatExactMillions,
  formatNumber,
  formatPercent,
  localDigits,
  microToNumber,
  quarterName,
  type Lang,
} from '../format.ts';
import { valueBars, type BarRow } from '../charts/bars.ts';
import { DashboardModel, gapOf, rateOf, type AbsorptionSum, type Filters } from './model.ts';
import { STRINGS } from './strings.ts';

type S = (typeof STRINGS)['fa'];
export type Table = { columns: string[]; rows: string[][] };

/** The marts' rows inlined in the page. */
export const data = JSON.parse(document.getElementById('dashboard-data')!.textContent!) as DashboardData;
/** The figures for any selection. */
export const model = new DashboardModel(data);

// The selection, read by every view; only main.ts changes it, through setState.
export let lang: Lang = 'fa';
export let filters: Filters = defaultFilters();
export let section = '';

/** Changes the selection (language, filters, section in view). */
export function setState(next: { lang?: Lang; filters?: Filters; section?: string }): void {
  if (next.lang) lang = next.lang;
  if (next.filters) filters = next.filters;
  if (next.section !== undefined) section = next.section;
}

/** The as-of quarter, every code filter off. */
export function defaultFilters(): Filters {
  return {
    year: data.meta.asOf.year,
    quarter: data.meta.asOf.quarter,
    program: -1,
    funding_source: -1,
    bank: -1,
    county: -1,
  };
}

/** Creates an element with attributes and children; strings become text nodes, never markup. */
export function el(
  tag: string,
  attrs: Record<string, string> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** The words of the current language. */
export const t = (): S => STRINGS[lang] as S;
/** A code's name in the current language (from the reference tables); «نامشخص» for NULL. */
export const nameOf = (dim: keyof DashboardData['codes'], code: number): string => {
  if (code < 0) return t().notGiven;
  const c: CodeName | undefined = data.codes[dim][code];
  return c ? c[lang] : t().notGiven;
};
/** Million rials shown in billion rials. */
export const bn = (m: bigint | null): string => formatBillions(microToNumber(m), lang);
/** Million rials as a number of billions, for charts. */
export const bnNum = (m: bigint | null): number => (microToNumber(m) ?? 0) / 1000;
/** The exact amount for tooltips, in million rials. */
export const exact = (m: bigint | null): string => `${formatExactMillions(m, lang)} ${t().million}`;
/** A ratio as a percentage. */
export const pct = (r: number | null): string => formatPercent(r, lang);
/** A whole number in the current language's digits. */
export const int = (n: number | null): string => formatNumber(n, lang);
/** The selected quarter's name («زمستان ۱۳۹۴»). */
export const period = (): string => quarterName(filters.year, filters.quarter, lang);

/** A headline figure: its label, the shown value, and the exact mart value for readers and tests. */
export function figure(
  label: string,
  shown: string,
  metric: string,
  value: string,
  note?: string,
  unit?: string,
): HTMLElement {
  return el(
    'div',
    { class: 'kpi' },
    el('div', { class: 'kpi-label' }, label),
    el(
      'div',
      { class: 'kpi-value', 'data-metric': metric, 'data-value': value },
      el('span', { class: 'num' }, shown),
      unit ? el('span', { class: 'kpi-unit' }, ` ${unit}`) : null,
    ),
    note ? el('div', { class: 'kpi-note' }, note) : null,
  );
}

/** A table of text cells (the table behind a chart). */
export function tableOf(spec: Table): HTMLElement {
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...spec.columns.map((c) => el('th', {}, c)))),
    // A cell with letters (a file path, a message, a Persian title) takes its direction from its own text.
    el(
      'tbody',
      {},
      ...spec.rows.map((r) =>
        el(
          'tr',
          {},
          ...r.map((cell) => el('td', /[A-Za-z\u0620-\u064a\u0671-\u06d3]/.test(cell) ? { dir: 'auto' } : {}, cell)),
        ),
      ),
    ),
  );
}

/** The source line under a chart: files, quarters, load time, quarantined rows, definitions. */
export function sourceLine(view: ViewId, metrics?: string[]): HTMLElement {
  const s: ViewSource = data.sources[view];
  const words = t();
  const quarters = s.quarters.length
    ? `${quarterName(s.quarters[0]![0], s.quarters[0]![1], lang)} ${words.to} ${quarterName(s.quarters.at(-1)![0], s.quarters.at(-1)![1], lang)}`
    : '—';
  const defs = s.metrics.filter((m) => !metrics || metrics.includes(`${m.mart}.${m.column}`));
  const p = el(
    'p',
    { class: 'source' },
    `${words.source}: ${int(s.files.length)} ${words.files} (${s.datasets.join(lang === 'fa' ? '، ' : ', ')}) · ${words.quarters}: ${quarters} · ` +
      `${words.loadedAt}: ${s.loadedAt ? localDigits(s.loadedAt, lang) : '—'} · ${int(s.quarantined)} ${words.quarantined}`,
  );
  p.setAttribute('title', s.files.join('\n'));
  if (!defs.length) return p;
  // Formulas are English (as in the README): each sits in its own LTR-isolated line.
  return el(
    'div',
    { class: 'source-box' },
    p,
    el(
      'details',
      { class: 'definitions' },
      el('summary', {}, words.definition),
      el(
        'ul',
        {},
        ...defs.map((d) =>
          el(
            'li',
            {},
            el('bdi', {}, `${d.mart}.${d.column}`),
            ` «${d.nameFa}»: `,
            el('bdi', { dir: 'ltr' }, `${d.formula} [${d.unit}]`),
          ),
        ),
      ),
    ),
  );
}

/** A chart card: title, table toggle, the chart in an LTR box, its table, its source line. */
export function card(
  id: string,
  title: string,
  draw: (width: number) => Element,
  table: Table,
  view: ViewId,
  metrics?: string[],
  note?: string,
): HTMLElement {
  const box = el('div', { class: 'chart', dir: 'ltr' });
  const tableBox = el('div', { class: 'table-box', hidden: '' }, tableOf(table));
  const toggle = el('button', { type: 'button', class: 'toggle', 'aria-pressed': 'false' }, t().table);
  toggle.addEventListener('click', () => {
    const showTable = tableBox.hasAttribute('hidden');
    tableBox.toggleAttribute('hidden', !showTable);
    box.toggleAttribute('hidden', showTable);
    toggle.textContent = showTable ? t().chart : t().table;
    toggle.setAttribute('aria-pressed', String(showTable));
  });
  const c = el(
    'figure',
    { class: 'card', id },
    el('div', { class: 'card-head' }, el('h3', {}, title), toggle),
    note ? el('p', { class: 'note' }, note) : null,
    box,
    tableBox,
    sourceLine(view, metrics),
  );
  pending.push({
    width: () => Math.max(280, Math.floor(box.clientWidth || 600)),
    draw: (width) => box.replaceChildren(draw(width)),
  });
  return c;
}

/** Charts waiting to be drawn once their cards are in the page (widths are read first, then all drawn). */
export const pending: { width: () => number; draw: (width: number) => void }[] = [];

/** A view: its section with an anchor and a heading. */
export function sectionEl(id: ViewId, title: string, ...children: HTMLElement[]): HTMLElement {
  return el('section', { id, class: 'view' }, el('h2', {}, title), ...children);
}

/** One printed page of a view: one or two cards. */
export function page(...children: (HTMLElement | null)[]): HTMLElement {
  const cards = children.filter((c) => c?.classList.contains('card')).length;
  return el('div', { class: cards > 1 ? 'print-page two' : 'print-page' }, ...children);
}

/** The table behind an absorption chart. */
export const absorptionTable = (rows: { label: string; sum: AbsorptionSum }[]): Table => ({
  columns: [t().cols.name, t().cols.allocated, t().cols.disbursed, t().cols.rate, t().cols.gap],
  rows: rows.map((r) => [r.label, bn(r.sum.allocated), bn(r.sum.disbursed), pct(rateOf(r.sum)), bn(gapOf(r.sum))]),
});

/** Disbursed over allocated bars, with the rate and an exact tooltip. */
export function absorptionBars(rows: { label: string; sum: AbsorptionSum }[], width: number): Element {
  return valueBars(
    rows.map((r): BarRow => ({
      label: r.label,
      value: bnNum(r.sum.disbursed),
      total: bnNum(r.sum.allocated),
      note: pct(rateOf(r.sum)),
      tip:
        `${r.label}\n${t().allocated}: ${exact(r.sum.allocated)}\n${t().disbursed}: ${exact(r.sum.disbursed)}\n` +
        `${t().rate}: ${pct(rateOf(r.sum))}\n${t().gap}: ${exact(gapOf(r.sum))}` +
        (r.sum.agencyReportedKeys ? `\n${int(r.sum.agencyReportedKeys)} ${t().agencyReportedTip}` : ''),
    })),
    { width, lang, label: `${t().allocated} / ${t().disbursed} (${t().billion})` },
  );
}

/** Rows a table shows in print; the rest stay in the HTML file, and the page says how many. */
export const PRINTED_ROWS = 8;

/** A table whose rows beyond PRINTED_ROWS are left out of print, with a note of how many (plus `unlisted`). */
export function printedTable(spec: Table, unlisted: number): HTMLElement {
  const table = tableOf(spec);
  table.querySelectorAll('tbody tr').forEach((tr, i) => {
    if (i >= PRINTED_ROWS) tr.classList.add('screen-only');
  });
  const hiddenInPrint = Math.max(0, spec.rows.length - PRINTED_ROWS);
  return el(
    'div',
    {},
    table,
    unlisted > 0 ? el('p', { class: 'note' }, `+${int(unlisted)} ${t().more}`) : null,
    hiddenInPrint > 0 ? el('p', { class: 'note print-only' }, `+${int(hiddenInPrint)} ${t().more} (HTML)`) : null,
  );
}
