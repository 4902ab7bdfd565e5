/**
 * The page: reads the selection from the URL's #, draws every view with the chart functions, and
 * keeps the # in step with the filters and the language so a link reopens the same view.
 */
import type { ViewId } from '../data.ts';
import { formatNumber, localDigits, quarterName } from '../format.ts';
import { FILTER_DIMS } from './model.ts';
import { findings } from './findings.ts';
import { data, defaultFilters, el, filters, lang, pending, section, setState, t } from './page.ts';
import {
  absorptionView,
  changesView,
  gapsView,
  jobsView,
  ndfView,
  overview,
  qualityView,
  timingView,
} from './views.ts';

const VIEWS: ViewId[] = ['overview', 'absorption', 'gaps', 'timing', 'ndf', 'jobs', 'quality', 'changes'];

// the URL: #section?year=1394&quarter=4&bank=melli&lang=en

function readHash(): void {
  const [name = '', query = ''] = decodeURIComponent(location.hash.slice(1)).split('?');
  setState({ section: name });
  const params = new URLSearchParams(query);
  const f = defaultFilters();
  const y = Number(params.get('year'));
  const q = Number(params.get('quarter'));
  if (data.meta.periods.some(([py, pq]) => py === y && pq === q)) {
    f.year = y;
    f.quarter = q;
  }
  for (const dim of FILTER_DIMS) {
    const code = params.get(dim);
    if (code) f[dim] = data.codes[dim].findIndex((c) => c.code === code);
  }
  setState({ filters: f, lang: params.get('lang') === 'en' ? 'en' : 'fa' });
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

function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  const o = el('option', { value }, label) as HTMLOptionElement;
  o.selected = selected;
  return o;
}

/** The year and quarter filters: one fiscal quarter at a time, since reports are cumulative for the year. */
function periodSelect(dim: 'year' | 'quarter'): HTMLElement {
  const s = el('select', { id: `filter-${dim}`, name: dim }) as HTMLSelectElement;
  const years = [...new Set(data.meta.periods.map(([y]) => y))].reverse();
  const quartersOf = (year: number): number[] => data.meta.periods.filter(([y]) => y === year).map(([, q]) => q);
  if (dim === 'year') {
    for (const y of years) s.append(option(String(y), formatNumber(y, lang).replace(/[٬,]/g, ''), y === filters.year));
  } else {
    for (const q of quartersOf(filters.year))
      s.append(option(String(q), quarterName(filters.year, q, lang).split(' ')[0]!, q === filters.quarter));
  }
  s.addEventListener('change', () => {
    if (dim === 'year') {
      const year = Number(s.value);
      const quarters = quartersOf(year);
      setState({
        filters: { ...filters, year, quarter: quarters.includes(filters.quarter) ? filters.quarter : quarters.at(-1)! },
      });
    } else setState({ filters: { ...filters, quarter: Number(s.value) } });
    writeHash();
    render();
  });
  return el('label', { class: 'filter' }, el('span', {}, t()[dim]), s);
}

/** A code filter: every code the absorption rows use, or all. */
function codeSelect(dim: (typeof FILTER_DIMS)[number]): HTMLElement {
  const s = el('select', { id: `filter-${dim}`, name: dim }) as HTMLSelectElement;
  s.append(option('-1', t().all, filters[dim] < 0));
  const used = new Set(
    data.absorption.map((r) => r[{ program: 2, funding_source: 3, bank: 4, county: 6 }[dim]] as number),
  );
  data.codes[dim].forEach((c, i) => {
    if (used.has(i)) s.append(option(String(i), c[lang], filters[dim] === i));
  });
  s.addEventListener('change', () => {
    setState({ filters: { ...filters, [dim]: Number(s.value) } });
    writeHash();
    render();
  });
  return el('label', { class: 'filter' }, el('span', {}, t()[dim]), s);
}

function header(): HTMLElement {
  const words = t();
  const langButton = el(
    'button',
    { type: 'button', id: 'lang-switch', lang: lang === 'fa' ? 'en' : 'fa' },
    words.switchLang,
  );
  langButton.addEventListener('click', () => {
    setState({ lang: lang === 'fa' ? 'en' : 'fa' });
    writeHash();
    render();
  });
  const reset = el('button', { type: 'button', id: 'reset' }, words.reset);
  reset.addEventListener('click', () => {
    setState({ filters: defaultFilters() });
    writeHash();
    render();
  });
  const asOf = quarterName(data.meta.asOf.year, data.meta.asOf.quarter, lang);
  const built = `${words.built}: ${localDigits(data.meta.builtJalali, lang)}`;
  return el(
    'header',
    { class: 'top' },
    el(
      'div',
      { class: 'print-cover' },
      el('h1', {}, words.title),
      el('p', {}, words.subtitle),
      data.meta.synthetic ? el('div', { class: 'synthetic' }, words.synthetic) : null,
      el('p', {}, `${words.asOf} ${asOf}`),
      el('p', {}, built),
    ),
    data.meta.synthetic ? el('div', { class: 'synthetic', role: 'note' }, words.synthetic) : null,
    el(
      'div',
      { class: 'cover' },
      el('h1', {}, words.title),
      el('p', { class: 'subtitle' }, words.subtitle),
      el('p', { class: 'dates' }, `${words.asOf} ${asOf} · ${built}`),
    ),
    el(
      'nav',
      { class: 'toc' },
      ...VIEWS.map((v) =>
        el(
          'a',
          { href: `#${v}` },
          v === 'absorption' ? words.absorptionShort : (words as unknown as Record<string, string>)[v]!,
        ),
      ),
    ),
    el(
      'div',
      { class: 'filters' },
      el('strong', {}, words.filters),
      periodSelect('year'),
      periodSelect('quarter'),
      ...FILTER_DIMS.map((d) => codeSelect(d)),
      reset,
      langButton,
    ),
  );
}

/** Draws the whole page for the current selection and language. */
function render(): void {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'fa' ? 'rtl' : 'ltr';
  document.title = t().title;
  pending.length = 0;
  const app = document.getElementById('app')!;
  app.replaceChildren(
    header(),
    findings(),
    overview(),
    absorptionView(),
    gapsView(),
    timingView(),
    ndfView(),
    jobsView(),
    qualityView(),
    changesView(),
  );
  // Read every box's width before drawing any, so the layout is computed once, not once per chart.
  const widths = pending.map((p) => p.width());
  pending.forEach((p, i) => p.draw(widths[i]!));
  document.body.dataset.rendered = String(Number(document.body.dataset.rendered ?? 0) + 1);
}

document.addEventListener('click', (event) => {
  const a = (event.target as Element).closest?.('a[href^="#"]');
  if (!a) return;
  event.preventDefault();
  setState({ section: a.getAttribute('href')!.slice(1) });
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
