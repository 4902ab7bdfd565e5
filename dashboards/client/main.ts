/**
 * The page: reads the inlined JSON, keeps the selection in the URL's #, and draws every view with
 * the chart functions. Every name from a file reaches the DOM through textContent (el()), never
 * innerHTML.
 */
import type { CodeName, DashboardData, Dimension, ViewId, ViewSource } from '../data.ts';
import { formatBillions, formatExactMillions, formatNumber, formatPercent, localDigits, microToDecimal, microToNumber, quarterName,
  quarterShort, type Lang } from '../format.ts';
import { valueBars, type BarRow } from '../charts/bars.ts';
import { stackedBars } from '../charts/stacked.ts';
import { paretoChart } from '../charts/pareto.ts';
import { trendChart } from '../charts/trend.ts';
import { DashboardModel, FILTER_DIMS, gapOf, rateOf, type AbsorptionSum, type Filters } from './model.ts';
import { MEETING_TARGETS, STRINGS } from './strings.ts';

type S = (typeof STRINGS)['fa'];
type Table = { columns: string[]; rows: string[][] };

const data = JSON.parse(document.getElementById('dashboard-data')!.textContent!) as DashboardData;
const model = new DashboardModel(data);
const VIEWS: ViewId[] = ['overview', 'absorption', 'gaps', 'timing', 'ndf', 'jobs', 'quality', 'changes'];

let lang: Lang = 'fa';
let filters: Filters = defaultFilters();
let section = '';

function defaultFilters(): Filters {
  return { year: data.meta.asOf.year, quarter: data.meta.asOf.quarter, program: -1, funding_source: -1, bank: -1, county: -1 };
}

/** Creates an element with attributes and children; strings become text nodes, never markup. */
function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string | null | undefined)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

const t = (): S => STRINGS[lang] as S;
const nameOf = (dim: keyof DashboardData['codes'], code: number): string => {
  if (code < 0) return t().notGiven;
  const c: CodeName | undefined = data.codes[dim][code];
  return c ? c[lang] : t().notGiven;
};
const bn = (m: bigint | null): string => formatBillions(microToNumber(m), lang);
const bnNum = (m: bigint | null): number => (microToNumber(m) ?? 0) / 1000;
/** The exact amount for tooltips, in million rials. */
const exact = (m: bigint | null): string => `${formatExactMillions(m, lang)} ${t().million}`;
const pct = (r: number | null): string => formatPercent(r, lang);
const int = (n: number | null): string => formatNumber(n, lang);
const period = (): string => quarterName(filters.year, filters.quarter, lang);

// the URL: #section?year=1394&quarter=4&bank=melli&lang=en

function readHash(): void {
  const [name = '', query = ''] = decodeURIComponent(location.hash.slice(1)).split('?');
  section = name;
  const params = new URLSearchParams(query);
  const f = defaultFilters();
  const y = Number(params.get('year'));
  const q = Number(params.get('quarter'));
  if (data.meta.periods.some(([py, pq]) => py === y && pq === q)) { f.year = y; f.quarter = q; }
  for (const dim of FILTER_DIMS) {
    const code = params.get(dim);
    if (code) f[dim] = data.codes[dim].findIndex((c) => c.code === code);
  }
  filters = f;
  lang = params.get('lang') === 'en' ? 'en' : 'fa';
}

function writeHash(): void {
  const params = new URLSearchParams();
  const d = defaultFilters();
  if (filters.year !== d.year || filters.quarter !== d.quarter) {
    params.set('year', String(filters.year));
    params.set('quarter', String(filters.quarter));
  }
  for (const dim of FILTER_DIMS) if (filters[dim] >= 0) params.set(dim, data.codes[dim][filters[dim]]!.code);
  if (lang === 'en') params.set('lang', 'en');
  const query = params.toString();
  history.replaceState(null, '', `#${section}${query ? `?${query}` : ''}`);
}

// building blocks

/** A headline figure: its label, the shown value, and the exact mart value for readers and tests. */
function figure(label: string, shown: string, metric: string, value: string, note?: string, unit?: string): HTMLElement {
  return el('div', { class: 'kpi' }, el('div', { class: 'kpi-label' }, label),
    el('div', { class: 'kpi-value', 'data-metric': metric, 'data-value': value }, el('span', { class: 'num' }, shown),
      unit ? el('span', { class: 'kpi-unit' }, ` ${unit}`) : null),
    note ? el('div', { class: 'kpi-note' }, note) : null);
}

function tableOf(spec: Table): HTMLElement {
  return el('table', {}, el('thead', {}, el('tr', {}, ...spec.columns.map((c) => el('th', {}, c)))),
    // A cell with letters (a file path, a message, a Persian title) takes its direction from its own text.
    el('tbody', {}, ...spec.rows.map((r) => el('tr', {}, ...r.map((cell) => el('td', /[A-Za-z\u0620-\u064a\u0671-\u06d3]/.test(cell) ? { dir: 'auto' } : {},
      cell))))));
}

function sourceLine(view: ViewId, metrics?: string[]): HTMLElement {
  const s: ViewSource = data.sources[view];
  const words = t();
  const quarters = s.quarters.length
    ? `${quarterName(s.quarters[0]![0], s.quarters[0]![1], lang)} ${words.to} ${quarterName(s.quarters.at(-1)![0], s.quarters.at(-1)![1], lang)}`
    : '—';
  const defs = s.metrics.filter((m) => !metrics || metrics.includes(`${m.mart}.${m.column}`));
  const p = el('p', { class: 'source' },
    `${words.source}: ${int(s.files.length)} ${words.files} (${s.datasets.join(lang === 'fa' ? '، ' : ', ')}) · ${words.quarters}: ${quarters} · `
    + `${words.loadedAt}: ${s.loadedAt ? localDigits(s.loadedAt, lang) : '—'} · ${int(s.quarantined)} ${words.quarantined}`);
  p.setAttribute('title', s.files.join('\n'));
  if (!defs.length) return p;
  // Formulas are English (as in the README): each sits in its own LTR-isolated line.
  return el('div', { class: 'source-box' }, p, el('details', { class: 'definitions' }, el('summary', {}, words.definition),
    el('ul', {}, ...defs.map((d) => el('li', {}, el('bdi', {}, `${d.mart}.${d.column}`), ` «${d.nameFa}»: `,
      el('bdi', { dir: 'ltr' }, `${d.formula} [${d.unit}]`))))));
}

/** A chart card: title, table toggle, the chart in an LTR box, its table, its source line. */
function card(id: string, title: string, draw: (width: number) => Element, table: Table, view: ViewId,
  metrics?: string[], note?: string): HTMLElement {
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
  const c = el('figure', { class: 'card', id },
    el('div', { class: 'card-head' }, el('h3', {}, title), toggle),
    note ? el('p', { class: 'note' }, note) : null, box, tableBox, sourceLine(view, metrics));
  pending.push({
    width: () => Math.max(280, Math.floor(box.clientWidth || 600)),
    draw: (width) => box.replaceChildren(draw(width)),
  });
  return c;
}

let pending: { width: () => number; draw: (width: number) => void }[] = [];

function sectionEl(id: ViewId, title: string, ...children: HTMLElement[]): HTMLElement {
  return el('section', { id, class: 'view' }, el('h2', {}, title), ...children);
}

function page(...children: (HTMLElement | null)[]): HTMLElement {
  const cards = children.filter((c) => c?.classList.contains('card')).length;
  return el('div', { class: cards > 1 ? 'print-page two' : 'print-page' }, ...children);
}

const absorptionTable = (rows: { label: string; sum: AbsorptionSum }[]): Table => ({
  columns: [t().cols.name, t().cols.allocated, t().cols.disbursed, t().cols.rate, t().cols.gap],
  rows: rows.map((r) => [r.label, bn(r.sum.allocated), bn(r.sum.disbursed), pct(rateOf(r.sum)), bn(gapOf(r.sum))]),
});

function absorptionBars(rows: { label: string; sum: AbsorptionSum }[], width: number): Element {
  return valueBars(rows.map((r): BarRow => ({
    label: r.label, value: bnNum(r.sum.disbursed), total: bnNum(r.sum.allocated), note: pct(rateOf(r.sum)),
    tip: `${r.label}\n${t().allocated}: ${exact(r.sum.allocated)}\n${t().disbursed}: ${exact(r.sum.disbursed)}\n`
      + `${t().rate}: ${pct(rateOf(r.sum))}\n${t().gap}: ${exact(gapOf(r.sum))}`,
  })), { width, lang, label: `${t().allocated} / ${t().disbursed} (${t().billion})` });
}

// views

function overview(): HTMLElement {
  const words = t();
  const s = model.sum(model.absorptionRows(filters));
  const projects = model.projects(filters);
  const newJobs = projects.reduce((n, p) => n + (p[6] as number), 0);
  const sustained = projects.reduce((n, p) => n + (p[7] as number), 0);
  const rate = rateOf(s);
  const gap = gapOf(s);
  const kpis = el('div', { class: 'kpis' },
    figure(words.allocated, bn(s.allocated), 'mart_absorption.allocated_amount', microToDecimal(s.allocated), undefined,
      words.billion),
    figure(words.disbursed, bn(s.disbursed), 'mart_absorption.disbursed_amount',
      s.disbursed === null ? '' : microToDecimal(s.disbursed), undefined, words.billion),
    figure(words.rate, pct(rate), 'mart_absorption.absorption_rate', rate === null ? '' : String(rate)),
    figure(words.gap, bn(gap), 'mart_absorption.absorption_gap', gap === null ? '' : microToDecimal(gap), undefined,
      words.billion),
    figure(words.jobsCommitted, int(s.jobs), 'mart_absorption.jobs_committed', String(s.jobs ?? ''),
      s.jobsUnknown ? `${int(s.jobsUnknown)} ${words.unknownReports}` : undefined, words.jobsUnit),
    figure(words.newJobs, int(newJobs), 'mart_jobs_by_axis.new_jobs', String(newJobs),
      `${words.target}: ${int(MEETING_TARGETS.newJobs)} (${pct(newJobs / MEETING_TARGETS.newJobs)} ${words.ofTarget})`),
    figure(words.sustainedJobs, int(sustained), 'mart_jobs_by_axis.sustained_jobs', String(sustained),
      `${words.target}: ${int(MEETING_TARGETS.sustainedJobs)} (${pct(sustained / MEETING_TARGETS.sustainedJobs)} ${words.ofTarget})`),
  );
  const trend = model.trend(filters);
  const trendRows = trend.map((p) => ({
    period: quarterShort(p.year, p.quarter, lang), allocated: bnNum(p.sum.allocated),
    disbursed: p.sum.disbursed === null ? null : bnNum(p.sum.disbursed), note: pct(rateOf(p.sum)),
    selected: p.year === filters.year && p.quarter === filters.quarter,
    allocatedTip: `${quarterName(p.year, p.quarter, lang)}\n${words.allocated}: ${exact(p.sum.allocated)}`,
    disbursedTip: `${quarterName(p.year, p.quarter, lang)}\n${words.disbursed}: ${exact(p.sum.disbursed)}\n`
      + `${words.rate}: ${pct(rateOf(p.sum))}`,
  }));
  return sectionEl('overview', `${words.overview}: ${period()}`, page(kpis,
    card('chart-trend', words.trend, (width) => trendChart(trendRows, {
      width, lang, label: words.billion, allocatedLabel: words.allocated, disbursedLabel: words.disbursed,
    }), {
      columns: [words.cols.quarter, words.cols.allocated, words.cols.disbursed, words.cols.rate],
      rows: trend.map((p) => [quarterName(p.year, p.quarter, lang), bn(p.sum.allocated), bn(p.sum.disbursed), pct(rateOf(p.sum))]),
    }, 'overview')));
}

function absorptionView(): HTMLElement {
  const words = t();
  const cards = ([['program', words.byProgram], ['funding_source', words.byFunding], ['bank', words.byBank],
    ['agency', words.byAgency], ['county', words.byCounty]] as [Dimension, string][]).map(([dim, title]) => {
    const rows = model.byDimension(filters, dim).map((g) => ({ label: nameOf(dim, g.code), sum: g.sum }));
    return card(`chart-${dim}`, title, (width) => absorptionBars(rows, width), absorptionTable(rows), 'absorption');
  });
  return sectionEl('absorption', `${words.absorption} (${period()})`,
    page(cards[0]!, cards[1]!), page(cards[2]!, cards[3]!), page(cards[4]!));
}

function gapsView(): HTMLElement {
  const words = t();
  const stageNames = [words.notReferred, words.notApproved, words.notContracted, words.notDisbursed, words.residual];
  const stages = model.gapStages(filters);
  const stackRows = stages.flatMap((g) => g.parts.map((part, i) => ({
    label: nameOf('program', g.program), series: stageNames[i]!, value: bnNum(part),
    tip: `${nameOf('program', g.program)}\n${stageNames[i]}: ${exact(part)}`,
  })));
  const reasons = model.reasons(filters);
  const total = reasons.reduce((s, r) => s + r.amount, 0n);
  let running = 0n;
  const reasonTable: Table = { columns: [words.cols.name, words.cols.amount, words.cols.share], rows: reasons.map((r) => {
    running += r.amount;
    return [nameOf('reason', r.reason), bn(r.amount), pct(total ? Number(running) / Number(total) : null)];
  }) };
  const actors = new Map<string, bigint>();
  for (const r of reasons) {
    const actor = data.codes.reason[r.reason]?.extra ?? '';
    actors.set(actor, (actors.get(actor) ?? 0n) + r.amount);
  }
  const actorLabel = (a: string): string => (words as unknown as Record<string, string>)[`actor_${a}`] ?? a;
  const actorRows = [...actors.entries()].map(([a, amount]) => ({ label: actorLabel(a), amount }));
  return sectionEl('gaps', `${words.gaps} (${period()})`,
    page(card('chart-stages', words.stages, (width) => stackedBars(stackRows, {
      width, lang, series: stageNames, colors: ['#9ecae1', '#4a90c2', '#f2b26b', '#d9603b', '#bdbdbd'], label: words.billion,
    }), {
      columns: [words.cols.name, ...stageNames],
      rows: stages.map((g) => [nameOf('program', g.program), ...g.parts.map((p) => bn(p))]),
    }, 'gaps', ['mart_gap_stages.not_referred_amount', 'mart_gap_stages.not_approved_amount',
      'mart_gap_stages.not_contracted_amount', 'mart_gap_stages.not_disbursed_amount', 'mart_gap_stages.residual_amount'])),
    page(card('chart-pareto', words.pareto, (width) => paretoChart(reasons.map((r) => ({
      label: nameOf('reason', r.reason), value: bnNum(r.amount),
      tip: `${nameOf('reason', r.reason)}: ${exact(r.amount)} (${int(r.count)})`,
    })), { width, lang, label: words.billion }), reasonTable, 'gaps', ['mart_reasons.amount']),
    card('chart-actor', words.byActor, (width) => valueBars(actorRows.map((a) => ({
      label: a.label, value: bnNum(a.amount), note: pct(total ? Number(a.amount) / Number(total) : null),
      tip: `${a.label}: ${exact(a.amount)}`,
    })), { width, lang, color: '#b5462f', label: words.billion }), {
      columns: [words.cols.name, words.cols.amount],
      rows: actorRows.map((a) => [a.label, bn(a.amount)]),
    }, 'gaps', ['mart_reasons.amount', 'mart_reasons.reason_actor'])));
}

function timingView(): HTMLElement {
  const words = t();
  const timing = model.timing(filters);
  const rateOfTiming = (x: { reported: bigint; disbursed: bigint }): number | null =>
    x.reported ? Number(x.disbursed) / Number(x.reported) : null;
  const carry = model.carryOver(filters);
  return sectionEl('timing', words.timing, page(
    card('chart-timing', `${words.timingChart}: ${formatNumber(filters.year, lang).replace(/[٬,]/g, '')}`, (width) =>
      valueBars(timing.map((x) => ({
        label: quarterName(filters.year, x.quarter, lang), value: bnNum(x.disbursed), total: bnNum(x.reported),
        note: pct(rateOfTiming(x)),
        tip: `${words.allocated}: ${exact(x.allocated)}\n${words.disbursed}: ${exact(x.disbursed)}\n${words.rate}: ${pct(rateOfTiming(x))}`,
      })), { width, lang, keepOrder: true, label: `${words.allocated} / ${words.disbursed} (${words.billion})` }), {
      columns: [words.cols.quarter, words.cols.allocated, words.cols.disbursed, words.cols.rate],
      rows: timing.map((x) => [quarterName(filters.year, x.quarter, lang), bn(x.allocated), bn(x.disbursed), pct(rateOfTiming(x))]),
    }, 'timing', ['mart_notification_timing.allocated_amount', 'mart_notification_timing.disbursed_amount',
      'mart_notification_timing.absorption_rate'], words.notByBank),
    card('chart-carry', words.carryOver, (width) => valueBars(carry.map((c) => ({
      label: quarterName(c.year, c.quarter, lang), value: bnNum(c.gap), note: bn(c.gap),
      tip: `${quarterName(c.year, c.quarter, lang)}: ${exact(c.gap)}`,
    })), { width, lang, keepOrder: true, color: '#d9603b', label: words.billion }), {
      columns: [words.cols.quarter, words.cols.gap], rows: carry.map((c) => [quarterName(c.year, c.quarter, lang), bn(c.gap)]),
    }, 'timing', ['mart_absorption.absorption_gap'])));
}

function ndfView(): HTMLElement {
  const words = t();
  const ndf = model.ndfByBank(filters);
  const coverage = (dim: 'bank' | 'agency', title: string): HTMLElement => {
    const rows = model.coverage(filters, dim);
    return card(`chart-coverage-${dim}`, `${title} (${period()})`, (width) => valueBars(rows.map((r) => ({
      label: nameOf(dim, r.code), value: r.reported, total: r.keys, note: pct(r.reported / r.keys),
      tip: `${nameOf(dim, r.code)}: ${int(r.reported)} / ${int(r.keys)}`,
    })), { width, lang, keepOrder: true, color: '#3c8d5a', totalColor: '#d5e8da', label: words.cols.keys }), {
      columns: [words.cols.name, words.cols.reported, words.cols.keys, words.cols.coverage],
      rows: rows.map((r) => [nameOf(dim, r.code), int(r.reported), int(r.keys), pct(r.reported / r.keys)]),
    }, 'ndf', ['mart_absorption.is_reported']);
  };
  return sectionEl('ndf', words.ndf,
    page(card('chart-ndf', words.ndfChart, (width) => stackedBars(ndf.flatMap((b) => [
      { label: nameOf('bank', b.bank), series: words.ndfDisbursed, value: bnNum(b.disbursed),
        tip: `${nameOf('bank', b.bank)}\n${words.ndfDisbursed}: ${exact(b.disbursed)}` },
      { label: nameOf('bank', b.bank), series: words.ndfIdle, value: bnNum(b.idle),
        tip: `${nameOf('bank', b.bank)}\n${words.ndfIdle}: ${exact(b.idle)}` },
    ]), { width, lang, series: [words.ndfDisbursed, words.ndfIdle], colors: ['#1f5f99', '#e3a33b'], label: words.billion }), {
      columns: [words.cols.name, words.cols.resources, words.cols.disbursed, words.cols.idle],
      rows: ndf.map((b) => [nameOf('bank', b.bank), bn(b.resources), bn(b.disbursed), bn(b.idle)]),
    }, 'ndf', ['mart_ndf_lines.resources_amount', 'mart_ndf_lines.disbursed_amount', 'mart_ndf_lines.idle_amount'])),
    page(coverage('bank', words.coverageBank), coverage('agency', words.coverageAgency)));
}

function jobsView(): HTMLElement {
  const words = t();
  const axes = model.jobsByAxis(filters);
  const facility = model.facilityJobsByAxis(filters);
  const projects = model.projects(filters);
  const counties = (list: string): string => list.split(';').filter(Boolean)
    .map((c) => nameOf('county', data.codes.county.findIndex((x) => x.code === c))).join('، ');
  return sectionEl('jobs', words.jobs,
    page(card('chart-axes', words.axisChart, (width) => stackedBars(axes.flatMap((a) => [
      { label: nameOf('axis', a.axis), series: words.cols.newJobs, value: a.newJobs,
        tip: `${nameOf('axis', a.axis)}\n${words.cols.newJobs}: ${int(a.newJobs)}` },
      { label: nameOf('axis', a.axis), series: words.cols.sustained, value: a.sustained,
        tip: `${nameOf('axis', a.axis)}\n${words.cols.sustained}: ${int(a.sustained)}` },
    ]), { width, lang, series: [words.cols.newJobs, words.cols.sustained], colors: ['#3c8d5a', '#a6d3b3'],
      label: words.jobsUnit, keepOrder: true }), {
      columns: [words.cols.axis, words.cols.count, words.cols.newJobs, words.cols.sustained],
      rows: axes.map((a) => [nameOf('axis', a.axis), int(a.projects), int(a.newJobs), int(a.sustained)]),
    }, 'jobs', ['mart_jobs_by_axis.new_jobs', 'mart_jobs_by_axis.sustained_jobs']),
    card('chart-facility-jobs', `${words.facilityJobsAxis}: ${period()}`, (width) => valueBars(facility.map((a) => ({
      label: nameOf('axis', a.axis), value: a.jobs, note: int(a.jobs) + (a.unknown ? ` · ${int(a.unknown)} ${words.noFigure}` : ''),
      tip: `${nameOf('axis', a.axis)}: ${int(a.jobs)} ${words.jobsUnit}`,
    })), { width, lang, keepOrder: true, color: '#3c8d5a', label: words.jobsUnit }), {
      columns: [words.cols.axis, words.cols.jobs, words.unknownReports],
      rows: facility.map((a) => [nameOf('axis', a.axis), int(a.jobs), int(a.unknown)]),
    }, 'jobs', ['mart_jobs_by_axis.facility_jobs_committed'], words.unknownNote)),
    page(el('figure', { class: 'card', id: 'table-projects' }, el('div', { class: 'card-head' }, el('h3', {}, words.projectsTable)),
      tableOf({
        columns: [words.cols.id, words.cols.title, words.cols.axis, words.cols.lead, words.cols.counties, words.cols.status,
          words.cols.newJobs, words.cols.sustained],
        rows: projects.map((p) => [String(p[0]), String(p[1]), nameOf('axis', p[2] as number), nameOf('agency', p[3] as number),
          counties(String(p[4])), nameOf('project_status', p[5] as number), int(p[6] as number), int(p[7] as number)]),
      }), sourceLine('jobs', ['mart_projects.status']))));
}

function qualityView(): HTMLElement {
  const words = t();
  const q = data.quality;
  const c = words.cols;
  const listed = q.quarantine.length;
  return sectionEl('quality', words.quality, page(
    el('p', { class: 'note' }, words.filtersNotApplied),
    el('h3', {}, words.loads),
    printedTable({ columns: [c.load, c.time, c.filesN, c.read, c.loaded, c.quarantined, c.warnings, c.tests],
      rows: [...q.loads].reverse().map((l) => [int(l.id), localDigits(l.finishedJalali ?? '—', lang), int(l.files),
        int(l.read), int(l.loaded), int(l.quarantined), int(l.warnings), int(l.testFailures)]) }, 0),
    el('h3', {}, `${words.quarantine} (${int(q.quarantineTotal)})`),
    printedTable({ columns: [c.load, c.dataset, c.file, c.line, c.message],
      rows: q.quarantine.map((r) => [int(r.load), r.dataset, r.file, int(r.line), r.message]) }, q.quarantineTotal - listed),
    sourceLine('quality')),
  page(el('h3', {}, words.warnings),
    printedTable({ columns: [c.rule, c.dataset, c.count, c.example],
      rows: q.warnings.map((w) => [w.rule, w.dataset, int(w.count), w.example]) }, 0)));
}

/** Rows a table shows in print; the rest stay in the HTML file, and the page says how many. */
const PRINTED_ROWS = 8;

/** A table whose rows beyond PRINTED_ROWS are left out of print, with a note of how many (plus `unlisted`). */
function printedTable(spec: Table, unlisted: number): HTMLElement {
  const table = tableOf(spec);
  table.querySelectorAll('tbody tr').forEach((tr, i) => { if (i >= PRINTED_ROWS) tr.classList.add('screen-only'); });
  const hiddenInPrint = Math.max(0, spec.rows.length - PRINTED_ROWS);
  return el('div', {}, table,
    unlisted > 0 ? el('p', { class: 'note' }, `+${int(unlisted)} ${t().more}`) : null,
    hiddenInPrint > 0 ? el('p', { class: 'note print-only' }, `+${int(hiddenInPrint)} ${t().more} (HTML)`) : null);
}

function changesView(): HTMLElement {
  const words = t();
  const ch = data.changes;
  const c = words.cols;
  const moved = model.moved(filters);
  const asOf = quarterName(data.meta.asOf.year, data.meta.asOf.quarter, lang);
  const movedRows = moved.slice(0, 10);
  // Files grouped by dataset: a first load brings every file of every drop.
  const byDataset = (files: { file: string; dataset: string; loaded: number }[]): Table => {
    const groups = new Map<string, { files: string[]; loaded: number }>();
    for (const f of files) {
      const g = groups.get(f.dataset) ?? { files: [], loaded: 0 };
      g.files.push(f.file);
      g.loaded += f.loaded;
      groups.set(f.dataset, g);
    }
    return { columns: [c.dataset, c.filesN, c.loaded, c.file], rows: [...groups.entries()].map(([d, g]) =>
      [d, int(g.files.length), int(g.loaded), g.files.length > 2 ? `${g.files[0]} … ${g.files.at(-1)}` : g.files.join('، ')]) };
  };
  return sectionEl('changes', `${words.changes} (${words.cols.load} ${int(ch.loadId)})`, page(
    el('h3', {}, `${words.newFiles} (${int(ch.newFiles.length)})`),
    ch.newFiles.length ? tableOf(byDataset(ch.newFiles)) : el('p', {}, words.none),
    el('h3', {}, `${words.changedFiles} (${int(ch.changedFiles.length)})`),
    ch.changedFiles.length ? tableOf(byDataset(ch.changedFiles)) : el('p', {}, words.none),
    el('h3', {}, words.replaced),
    !data.meta.hasReplacedRows ? el('p', {}, words.noReplaced)
      : ch.replaced.length ? tableOf({ columns: [c.dataset, c.count], rows: ch.replaced.map((r) => [r.dataset, int(r.count)]) })
        : el('p', {}, words.none),
    card('chart-moved', `${words.moved}: ${asOf}`, (width) => valueBars(movedRows.map((m) => ({
      label: nameOf('program', m.program), value: Math.abs(bnNum(m.change)),
      note: `${bn(m.change)}`, tip: `${nameOf('program', m.program)}: ${exact(m.change)}`,
    })), { width, lang, keepOrder: true, color: '#6a51a3', label: words.billion }), {
      columns: [c.name, c.change, c.rateChange],
      rows: moved.map((m) => [nameOf('program', m.program), bn(m.change), pct(m.rateChange)]),
    }, 'changes')));
}

// findings: four to six sentences, each number a link to the chart it comes from

function findings(): HTMLElement {
  const words = t();
  const fa = lang === 'fa';
  const items: (string | Node)[][] = [];
  const link = (href: string, text: string, metric?: string, value?: string): HTMLElement => {
    const a = el('a', { href: `#${href}`, class: 'num' }, text);
    if (metric) a.setAttribute('data-metric', metric);
    if (value !== undefined) a.setAttribute('data-value', value);
    return a;
  };
  const stageNames = [words.notReferred, words.notApproved, words.notContracted, words.notDisbursed, words.residual];
  const programs = model.byDimension(filters, 'program').filter((g) => gapOf(g.sum) !== null)
    .sort((a, b) => Number(gapOf(b.sum)! - gapOf(a.sum)!));
  const stages = model.gapStages(filters);
  for (const g of programs.slice(0, 2)) {
    const parts = stages.find((s) => s.program === g.code)?.parts ?? [];
    const top = parts.reduce((best, p, i) => (p > (parts[best] ?? 0n) ? i : best), 0);
    const name = nameOf('program', g.code);
    items.push(fa
      ? [`برنامه «${name}» `, link('chart-program', `${bn(gapOf(g.sum))} میلیارد ریال`, 'mart_absorption.absorption_gap',
        microToDecimal(gapOf(g.sum)!)), ' جذب‌نشده دارد (نرخ جذب ', link('chart-program', pct(rateOf(g.sum))),
        `)؛ بیشترین بخش آن، `, link('chart-stages', `${bn(parts[top] ?? 0n)} میلیارد ریال`), `، در مرحلهٔ «${stageNames[top]}» مانده است.`]
      : [`"${name}" has `, link('chart-program', `${bn(gapOf(g.sum))} billion rials`, 'mart_absorption.absorption_gap',
        microToDecimal(gapOf(g.sum)!)), ' unabsorbed (rate ', link('chart-program', pct(rateOf(g.sum))),
        '); most of it, ', link('chart-stages', `${bn(parts[top] ?? 0n)} billion rials`), `, stalls at "${stageNames[top]}".`]);
  }
  const reasons = model.reasons(filters);
  const total = reasons.reduce((s, r) => s + r.amount, 0n);
  if (reasons.length >= 2 && total > 0n) {
    const [a, b] = reasons as [(typeof reasons)[0], (typeof reasons)[0]];
    const share = Number(a.amount + b.amount) / Number(total);
    items.push(fa
      ? ['بیشترین علل عدم جذب گزارش‌شده «', nameOf('reason', a.reason), '» و «', nameOf('reason', b.reason), '» است که با هم ',
        link('chart-pareto', pct(share)), ' از مبلغ جذب‌نشدهٔ گزارش‌شده را توضیح می‌دهند.']
      : ['The reasons cited most are "', nameOf('reason', a.reason), '" and "', nameOf('reason', b.reason), '", together ',
        link('chart-pareto', pct(share)), ' of the reported unabsorbed amount.']);
  }
  const timing = model.timing(filters);
  const late = timing[3];
  const early = timing.slice(0, 3).reduce((s, x) => ({ reported: s.reported + x.reported, disbursed: s.disbursed + x.disbursed }),
    { reported: 0n, disbursed: 0n });
  if (late && late.reported > 0n && early.reported > 0n) {
    const lateRate = Number(late.disbursed) / Number(late.reported);
    const earlyRate = Number(early.disbursed) / Number(early.reported);
    items.push(fa
      ? [`از سهمیه‌هایی که در زمستان ابلاغ شد (`, link('chart-timing', `${bn(late.allocated)} میلیارد ریال`), `) `,
        link('chart-timing', pct(lateRate)), ` جذب شد، در برابر `, link('chart-timing', pct(earlyRate)),
        ` برای ابلاغ‌های سه فصل نخست؛ `, lateRate < earlyRate ? 'سهمیهٔ دیرهنگام کمتر جذب می‌شود.' : 'ابلاغ دیرهنگام جذب را کم نکرده است.']
      : ['Of the quotas notified in winter (', link('chart-timing', `${bn(late.allocated)} billion rials`), ') ',
        link('chart-timing', pct(lateRate)), ' was absorbed, against ', link('chart-timing', pct(earlyRate)),
        ' for the first three quarters: ', lateRate < earlyRate ? 'late quotas go less absorbed.' : 'late notification did not lower absorption.']);
  }
  const ndf = model.ndfByBank(filters);
  const idle = ndf.reduce((s, b) => s + b.idle, 0n);
  const resources = ndf.reduce((s, b) => s + b.resources, 0n);
  if (ndf.length && resources > 0n) {
    const top = ndf[0]!;
    items.push(fa
      ? [`از منابع صندوق توسعه ملی نزد بانک‌ها `, link('chart-ndf', `${bn(idle)} میلیارد ریال`, 'mart_ndf_lines.idle_amount',
        microToDecimal(idle)), ` (`, link('chart-ndf', pct(Number(idle) / Number(resources))), `) راکد مانده است؛ بیشترین آن نزد `,
        nameOf('bank', top.bank), ` (`, link('chart-ndf', `${bn(top.idle)} میلیارد ریال`), `).`]
      : ['Of the NDF resources at the banks, ', link('chart-ndf', `${bn(idle)} billion rials`, 'mart_ndf_lines.idle_amount',
        microToDecimal(idle)), ' (', link('chart-ndf', pct(Number(idle) / Number(resources))), ') lies idle; most of it at ',
        nameOf('bank', top.bank), ' (', link('chart-ndf', `${bn(top.idle)} billion rials`), ').']);
  }
  const projects = model.projects(filters);
  const newJobs = projects.reduce((n, p) => n + (p[6] as number), 0);
  const sustained = projects.reduce((n, p) => n + (p[7] as number), 0);
  items.push(fa
    ? [link('chart-axes', int(projects.length)), ' طرح پیشنهادی ', link('chart-axes', int(newJobs)), ' شغل جدید و ',
      link('chart-axes', int(sustained)), ` حفظ اشتغال را هدف گرفته‌اند (هدف جلسه: ${int(MEETING_TARGETS.newJobs)} و `
      + `${int(MEETING_TARGETS.sustainedJobs)}).`]
    : [link('chart-axes', int(projects.length)), ' proposed projects aim at ', link('chart-axes', int(newJobs)), ' new jobs and ',
      link('chart-axes', int(sustained)), ` sustained jobs (meeting targets: ${int(MEETING_TARGETS.newJobs)} and `
      + `${int(MEETING_TARGETS.sustainedJobs)}).`]);
  return el('section', { id: 'findings', class: 'view findings' }, el('h2', {}, `${words.findings}: ${period()}`),
    el('ol', {}, ...items.slice(0, 6).map((parts) => el('li', {}, ...parts))));
}

// filters, header, cover

function select(dim: 'period' | (typeof FILTER_DIMS)[number]): HTMLElement {
  const words = t();
  const s = el('select', { id: `filter-${dim}`, name: dim }) as HTMLSelectElement;
  if (dim === 'period') {
    for (const [y, q] of [...data.meta.periods].reverse()) {
      const o = el('option', { value: `${y}-${q}` }, quarterName(y, q, lang)) as HTMLOptionElement;
      o.selected = y === filters.year && q === filters.quarter;
      s.append(o);
    }
  } else {
    s.append(el('option', { value: '-1' }, words.all));
    const used = new Set(data.absorption.map((r) => r[{ program: 2, funding_source: 3, bank: 4, county: 6 }[dim]] as number));
    data.codes[dim].forEach((c, i) => {
      if (!used.has(i)) return;
      const o = el('option', { value: String(i) }, c[lang]) as HTMLOptionElement;
      o.selected = filters[dim] === i;
      s.append(o);
    });
  }
  s.addEventListener('change', () => {
    if (dim === 'period') {
      const [y, q] = s.value.split('-').map(Number) as [number, number];
      filters = { ...filters, year: y, quarter: q };
    } else filters = { ...filters, [dim]: Number(s.value) };
    writeHash();
    render();
  });
  const label = dim === 'period' ? `${words.year} / ${words.quarter}` : words[dim];
  return el('label', { class: 'filter' }, el('span', {}, label), s);
}

function header(): HTMLElement {
  const words = t();
  const langButton = el('button', { type: 'button', id: 'lang-switch', lang: lang === 'fa' ? 'en' : 'fa' }, words.switchLang);
  langButton.addEventListener('click', () => { lang = lang === 'fa' ? 'en' : 'fa'; writeHash(); render(); });
  const reset = el('button', { type: 'button', id: 'reset' }, words.reset);
  reset.addEventListener('click', () => { filters = defaultFilters(); writeHash(); render(); });
  const asOf = quarterName(data.meta.asOf.year, data.meta.asOf.quarter, lang);
  const built = `${words.built}: ${localDigits(data.meta.builtJalali, lang)}`;
  return el('header', { class: 'top' },
    el('div', { class: 'print-cover' }, el('h1', {}, words.title), el('p', {}, words.subtitle),
      data.meta.synthetic ? el('div', { class: 'synthetic' }, words.synthetic) : null,
      el('p', {}, `${words.asOf} ${asOf}`), el('p', {}, built)),
    data.meta.synthetic ? el('div', { class: 'synthetic', role: 'note' }, words.synthetic) : null,
    el('div', { class: 'cover' },
      el('h1', {}, words.title),
      el('p', { class: 'subtitle' }, words.subtitle),
      el('p', { class: 'dates' }, `${words.asOf} ${asOf} · ${built}`)),
    el('nav', { class: 'toc' }, ...VIEWS.map((v) => el('a', { href: `#${v}` }, (words as unknown as Record<string, string>)[v]!))),
    el('div', { class: 'filters' }, el('strong', {}, words.filters), select('period'),
      ...FILTER_DIMS.map((d) => select(d)), reset, langButton));
}

/** Draws the whole page for the current selection and language. */
function render(): void {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'fa' ? 'rtl' : 'ltr';
  document.title = t().title;
  pending = [];
  const app = document.getElementById('app')!;
  app.replaceChildren(header(), findings(), overview(), absorptionView(), gapsView(), timingView(), ndfView(), jobsView(),
    qualityView(), changesView());
  // Read every box's width before drawing any, so the layout is computed once, not once per chart.
  const widths = pending.map((p) => p.width());
  pending.forEach((p, i) => p.draw(widths[i]!));
  document.body.dataset.rendered = String(Number(document.body.dataset.rendered ?? 0) + 1);
}

document.addEventListener('click', (event) => {
  const a = (event.target as Element).closest?.('a[href^="#"]');
  if (!a) return;
  event.preventDefault();
  section = a.getAttribute('href')!.slice(1);
  writeHash();
  document.getElementById(section)?.scrollIntoView();
});

readHash();
render();
// Milliseconds from navigation start to the first full render (read by the benchmark).
document.body.dataset.renderMs = String(Math.round(performance.now()));
if (section) document.getElementById(section)?.scrollIntoView();
// The PDF build redraws the charts at the printed width before printing.
(window as unknown as { redraw: () => void }).redraw = render;
