/** The dashboard's views, one function each, drawn for the current selection. */
import type { Dimension } from '../data.ts';
import { formatNumber, localDigits, microToDecimal, quarterName, quarterShort } from '../format.ts';
import { valueBars } from '../charts/bars.ts';
import { stackedBars } from '../charts/stacked.ts';
import { paretoChart } from '../charts/pareto.ts';
import { trendChart } from '../charts/trend.ts';
import { gapOf, rateOf, ratio, type AbsorptionSum } from './model.ts';
import { MEETING_TARGETS } from './strings.ts';
import { COVERAGE_METRICS, GAP_STAGE_METRICS } from '../metrics.ts';
import {
  absorptionBars,
  absorptionTable,
  bn,
  bnNum,
  card,
  data,
  exact,
  figure,
  filters,
  int,
  lang,
  model,
  nameOf,
  page,
  pct,
  period,
  printedTable,
  sectionEl,
  sourceLine,
  t,
  tableOf,
  el,
  type Table,
} from './page.ts';

/** Overview: the headline figures against the session's targets, and the trend by quarter. */
export function overview(): HTMLElement {
  const words = t();
  const s = model.sum(model.absorptionRows(filters));
  // Projects as mart_jobs_by_axis counts them: cancelled ones apart.
  const active = model.projects(filters).filter((p) => p[10] !== 0);
  const newJobs = active.reduce((n, p) => n + (p[6] as number), 0);
  const sustained = active.reduce((n, p) => n + (p[7] as number), 0);
  const rate = rateOf(s);
  const gap = gapOf(s);
  const carriedNote = (x: AbsorptionSum): string => (x.carriedKeys ? `${int(x.carriedKeys)} ${words.carriedKeys}` : '');
  const kpis = el(
    'div',
    { class: 'kpis' },
    figure(
      words.allocated,
      bn(s.allocated),
      'mart_absorption_trend.allocated_amount',
      microToDecimal(s.allocated),
      s.unreportedAllocated ? `${bn(s.unreportedAllocated)} ${words.unreportedAllocated}` : undefined,
      words.billion,
    ),
    figure(
      words.disbursed,
      bn(s.disbursed),
      'mart_absorption_trend.disbursed_amount',
      s.disbursed === null ? '' : microToDecimal(s.disbursed),
      carriedNote(s) || undefined,
      words.billion,
    ),
    figure(words.rate, pct(rate), 'mart_absorption_trend.absorption_rate', rate === null ? '' : String(rate)),
    figure(
      words.gap,
      bn(gap),
      'mart_absorption_trend.absorption_gap',
      gap === null ? '' : microToDecimal(gap),
      undefined,
      words.billion,
    ),
    figure(
      words.jobsCommitted,
      int(s.jobs),
      'mart_absorption.jobs_committed',
      String(s.jobs ?? ''),
      s.jobsUnknown ? `${int(s.jobsUnknown)} ${words.unknownReports}` : undefined,
      words.jobsUnit,
    ),
    figure(
      words.newJobs,
      int(newJobs),
      'mart_jobs_by_axis.new_jobs',
      String(newJobs),
      `${words.target}: ${int(MEETING_TARGETS.newJobs)} (${pct(newJobs / MEETING_TARGETS.newJobs)} ${words.ofTarget})`,
    ),
    figure(
      words.sustainedJobs,
      int(sustained),
      'mart_jobs_by_axis.sustained_jobs',
      String(sustained),
      `${words.target}: ${int(MEETING_TARGETS.sustainedJobs)} (${pct(sustained / MEETING_TARGETS.sustainedJobs)} ${words.ofTarget})`,
    ),
  );
  const trend = model.trend(filters);
  const trendRows = trend.map((p) => ({
    period: quarterShort(p.year, p.quarter, lang),
    allocated: bnNum(p.sum.allocated),
    disbursed: p.sum.disbursed === null ? null : bnNum(p.sum.disbursed),
    note: pct(rateOf(p.sum)),
    selected: p.year === filters.year && p.quarter === filters.quarter,
    allocatedTip: `${quarterName(p.year, p.quarter, lang)}\n${words.allocated}: ${exact(p.sum.allocated)}`,
    disbursedTip:
      `${quarterName(p.year, p.quarter, lang)}\n${words.disbursed}: ${exact(p.sum.disbursed)}\n` +
      `${words.rate}: ${pct(rateOf(p.sum))}` +
      (p.sum.carriedKeys ? `\n${int(p.sum.carriedKeys)} ${words.carriedKeysTip}` : ''),
  }));
  const carriedQuarters = trend.filter((p) => p.sum.carriedKeys > 0);
  const trendNote = carriedQuarters.length
    ? `${words.carriedNote}: ` +
      carriedQuarters
        .map((p) => `${quarterName(p.year, p.quarter, lang)} (${int(p.sum.carriedKeys)})`)
        .join(lang === 'fa' ? '، ' : ', ')
    : undefined;
  return sectionEl(
    'overview',
    `${words.overview}: ${period()}`,
    page(
      kpis,
      card(
        'chart-trend',
        words.trend,
        (width) =>
          trendChart(trendRows, {
            width,
            lang,
            label: words.billion,
            allocatedLabel: words.allocated,
            disbursedLabel: words.disbursed,
          }),
        {
          columns: [
            words.cols.quarter,
            words.cols.allocated,
            words.cols.disbursed,
            words.cols.rate,
            words.cols.carried,
          ],
          rows: trend.map((p) => [
            quarterName(p.year, p.quarter, lang),
            bn(p.sum.allocated),
            bn(p.sum.disbursed),
            pct(rateOf(p.sum)),
            int(p.sum.carriedKeys),
          ]),
        },
        'overview',
        undefined,
        trendNote,
      ),
    ),
  );
}

/** Absorption by programme, funding source, bank, agency and county. */
export function absorptionView(): HTMLElement {
  const words = t();
  const cards = (
    [
      ['program', words.byProgram],
      ['funding_source', words.byFunding],
      ['bank', words.byBank],
      ['agency', words.byAgency],
      ['county', words.byCounty],
    ] as [Dimension, string][]
  ).map(([dim, title]) => {
    const rows = model.byDimension(filters, dim).map((g) => ({ label: nameOf(dim, g.code), sum: g.sum }));
    return card(`chart-${dim}`, title, (width) => absorptionBars(rows, width), absorptionTable(rows), 'absorption');
  });
  return sectionEl(
    'absorption',
    `${words.absorption} (${period()})`,
    page(cards[0]!, cards[1]!),
    page(cards[2]!, cards[3]!),
    page(cards[4]!),
  );
}

/** Where the gap stalls (funnel stages) and the reasons cited (Pareto, by actor). */
export function gapsView(): HTMLElement {
  const words = t();
  const stageNames = [words.notReferred, words.notApproved, words.notContracted, words.notDisbursed, words.residual];
  const stages = model.gapStages(filters);
  const stackRows = stages.flatMap((g) =>
    g.parts.map((part, i) => ({
      label: nameOf('program', g.program),
      series: stageNames[i]!,
      value: bnNum(part),
      tip: `${nameOf('program', g.program)}\n${stageNames[i]}: ${exact(part)}`,
    })),
  );
  const reasons = model.reasons(filters);
  const total = reasons.reduce((s, r) => s + r.amount, 0n);
  let running = 0n;
  const reasonTable: Table = {
    columns: [words.cols.name, words.cols.amount, words.cols.share],
    rows: reasons.map((r) => {
      running += r.amount;
      return [nameOf('reason', r.reason), bn(r.amount), pct(total ? Number(running) / Number(total) : null)];
    }),
  };
  const actors = new Map<string, bigint>();
  for (const r of reasons) {
    const actor = data.codes.reason[r.reason]?.extra ?? '';
    actors.set(actor, (actors.get(actor) ?? 0n) + r.amount);
  }
  const actorLabel = (a: string): string => (words as unknown as Record<string, string>)[`actor_${a}`] ?? a;
  const actorRows = [...actors.entries()].map(([a, amount]) => ({ label: actorLabel(a), amount }));
  return sectionEl(
    'gaps',
    `${words.gaps} (${period()})`,
    page(
      card(
        'chart-stages',
        words.stages,
        (width) =>
          stackedBars(stackRows, {
            width,
            lang,
            series: stageNames,
            colors: ['#9ecae1', '#4a90c2', '#f2b26b', '#d9603b', '#bdbdbd'],
            label: words.billion,
          }),
        {
          columns: [words.cols.name, ...stageNames],
          rows: stages.map((g) => [nameOf('program', g.program), ...g.parts.map((p) => bn(p))]),
        },
        'gaps',
        [...GAP_STAGE_METRICS],
      ),
    ),
    page(
      card(
        'chart-pareto',
        words.pareto,
        (width) =>
          paretoChart(
            reasons.map((r) => ({
              label: nameOf('reason', r.reason),
              value: bnNum(r.amount),
              tip: `${nameOf('reason', r.reason)}: ${exact(r.amount)} (${int(r.count)})`,
            })),
            { width, lang, label: words.billion },
          ),
        reasonTable,
        'gaps',
        ['mart_reasons.amount', 'mart_reasons.is_in_totals'],
      ),
      card(
        'chart-actor',
        words.byActor,
        (width) =>
          valueBars(
            actorRows.map((a) => ({
              label: a.label,
              value: bnNum(a.amount),
              note: pct(total ? Number(a.amount) / Number(total) : null),
              tip: `${a.label}: ${exact(a.amount)}`,
            })),
            { width, lang, color: '#b5462f', label: words.billion },
          ),
        {
          columns: [words.cols.name, words.cols.amount],
          rows: actorRows.map((a) => [a.label, bn(a.amount)]),
        },
        'gaps',
        ['mart_reasons.amount', 'mart_reasons.reason_actor'],
      ),
    ),
  );
}

/** Late quotas (absorption by notification quarter) and carry-over (each year's unabsorbed, and the next year). */
export function timingView(): HTMLElement {
  const words = t();
  const timing = model.timing(filters);
  const yearName = (y: number): string => formatNumber(y, lang).replace(/[٬,]/g, '');
  const inYear = (x: (typeof timing)[0]): number | null => ratio(x.absorbedInYear, x.reported);
  const byNext = (x: (typeof timing)[0]): number | null => ratio(x.absorbedByNext, x.nextReported);
  const carry = model.carryOver(filters);
  const carrySeries = [words.absorbedNextYear, words.stillUnabsorbed, words.notFollowed];
  const carryParts = (c: (typeof carry)[0]): bigint[] => [c.absorbedNextYear, c.still, c.unabsorbed - c.followed];
  return sectionEl(
    'timing',
    words.timing,
    page(
      card(
        'chart-timing',
        `${words.timingChart}: ${yearName(filters.year)}`,
        (width) =>
          valueBars(
            timing.map((x) => ({
              label: quarterName(filters.year, x.quarter, lang),
              value: bnNum(x.absorbedInYear),
              total: bnNum(x.reported),
              note: pct(inYear(x)) + (x.absorbedByNext !== null ? ` · ${words.byNextShort} ${pct(byNext(x))}` : ''),
              tip:
                `${quarterName(filters.year, x.quarter, lang)}\n${words.allocated}: ${exact(x.allocated)}\n` +
                `${words.reportedAllocated}: ${exact(x.reported)}\n${words.absorbedInYear}: ${exact(x.absorbedInYear)}` +
                ` (${pct(inYear(x))})` +
                (x.absorbedByNext !== null
                  ? `\n${words.absorbedByNext}: ${exact(x.absorbedByNext)} (${pct(byNext(x))})`
                  : `\n${words.absorbedByNext}: ${words.notFollowedYet}`),
            })),
            {
              width,
              lang,
              keepOrder: true,
              label: `${words.reportedAllocated} / ${words.absorbedInYear} (${words.billion})`,
            },
          ),
        {
          columns: [
            words.cols.quarter,
            words.cols.allocated,
            words.cols.reportedAllocated,
            words.cols.absorbedInYear,
            words.cols.rate,
            words.cols.byNextRate,
          ],
          rows: timing.map((x) => [
            // The year is in the title: the season alone keeps the column narrow.
            quarterName(filters.year, x.quarter, lang).split(' ')[0]!,
            bn(x.allocated),
            bn(x.reported),
            bn(x.absorbedInYear),
            pct(inYear(x)),
            x.absorbedByNext === null ? '—' : pct(byNext(x)),
          ]),
        },
        'timing',
        [
          'mart_notification_timing.allocated_amount',
          'mart_notification_timing.reported_allocated_amount',
          'mart_notification_timing.absorbed_in_year_amount',
          'mart_notification_timing.absorption_rate',
          'mart_notification_timing.next_year_reported_allocated_amount',
          'mart_notification_timing.absorbed_by_next_year_amount',
          'mart_notification_timing.absorbed_by_next_year_rate',
        ],
        words.notByBank,
      ),
      card(
        'chart-carry',
        words.carryOver,
        (width) =>
          stackedBars(
            carry.flatMap((c) =>
              carryParts(c).map((part, i) => ({
                label: yearName(c.year),
                series: carrySeries[i]!,
                value: bnNum(part),
                tip:
                  `${yearName(c.year)}\n${words.unabsorbedYearEnd}: ${exact(c.unabsorbed)}\n` +
                  `${carrySeries[i]}: ${exact(part)}`,
              })),
            ),
            {
              width,
              lang,
              series: carrySeries,
              colors: ['#3c8d5a', '#d9603b', '#bdbdbd'],
              label: words.billion,
              keepOrder: true,
            },
          ),
        {
          columns: [
            words.cols.year,
            words.cols.reportedAllocated,
            words.cols.unabsorbed,
            words.cols.followed,
            words.cols.absorbedNextYear,
            words.cols.still,
            words.cols.carriedRate,
          ],
          rows: carry.map((c) => [
            yearName(c.year),
            bn(c.reported),
            bn(c.unabsorbed),
            bn(c.followed),
            bn(c.absorbedNextYear),
            bn(c.still),
            pct(ratio(c.absorbedNextYear, c.followed)),
          ]),
        },
        'timing',
        [
          'mart_carry_over.unabsorbed_amount',
          'mart_carry_over.next_year_followed_amount',
          'mart_carry_over.absorbed_next_year_amount',
          'mart_carry_over.still_unabsorbed_amount',
          'mart_carry_over.carried_absorption_rate',
        ],
        words.carryNote,
      ),
    ),
  );
}

/** Idle NDF resources per bank and per quarter, and reporting coverage of banks and agencies. */
export function ndfView(): HTMLElement {
  const words = t();
  const ndf = model.ndfByBank(filters);
  const quarters = model.ndfByQuarter(filters);
  const unknownNote = (n: number): string => (n ? ` · ${int(n)} ${words.ndfUnknown}` : '');
  const coverage = (dim: 'bank' | 'agency', title: string): HTMLElement => {
    const rows = model.coverage(filters, dim);
    return card(
      `chart-coverage-${dim}`,
      `${title} (${period()})`,
      (width) =>
        valueBars(
          rows.map((r) => ({
            label: nameOf(dim, r.code),
            value: bnNum(r.covered),
            total: bnNum(r.allocated),
            note: pct(ratio(r.covered, r.allocated)) + (r.missing ? ` · ${int(r.missing)} ${words.missingShort}` : ''),
            tip:
              `${nameOf(dim, r.code)}\n${words.cols.files}: ${int(r.files)}\n` +
              `${words.cols.reported}: ${int(r.reported)} / ${int(r.keys)}\n` +
              `${words.cols.missing}: ${int(r.missing)} · ${words.cols.late}: ${int(r.late)}\n` +
              `${words.cols.covered}: ${exact(r.covered)} / ${exact(r.allocated)}`,
          })),
          {
            width,
            lang,
            keepOrder: true,
            color: '#3c8d5a',
            totalColor: '#d5e8da',
            label: `${words.cols.covered} / ${words.allocated} (${words.billion})`,
          },
        ),
      {
        columns: [
          words.cols.name,
          words.cols.files,
          words.cols.reported,
          words.cols.keys,
          words.cols.missing,
          words.cols.late,
          words.cols.coverage,
        ],
        rows: rows.map((r) => [
          nameOf(dim, r.code),
          int(r.files),
          int(r.reported),
          int(r.keys),
          int(r.missing),
          int(r.late),
          pct(ratio(r.covered, r.allocated)),
        ]),
      },
      'ndf',
      [...COVERAGE_METRICS],
      dim === 'bank' ? words.coverageNote : words.coverageAgencyNote,
    );
  };
  const ndfMetrics = [
    'mart_ndf_quarterly.resources_amount',
    'mart_ndf_quarterly.drawn_amount',
    'mart_ndf_quarterly.idle_amount',
    'mart_ndf_quarterly.is_reported',
  ];
  const drawnIdle = (label: string, x: { drawn: bigint; idle: bigint }) => [
    {
      label,
      series: words.ndfDisbursed,
      value: bnNum(x.drawn),
      tip: `${label}\n${words.ndfDisbursed}: ${exact(x.drawn)}`,
    },
    { label, series: words.ndfIdle, value: bnNum(x.idle), tip: `${label}\n${words.ndfIdle}: ${exact(x.idle)}` },
  ];
  const stackOptions = (width: number, keepOrder: boolean) => ({
    width,
    lang,
    series: [words.ndfDisbursed, words.ndfIdle],
    colors: ['#1f5f99', '#e3a33b'],
    label: words.billion,
    keepOrder,
  });
  return sectionEl(
    'ndf',
    words.ndf,
    page(
      card(
        'chart-ndf',
        `${words.ndfChart} (${period()})`,
        (width) =>
          stackedBars(
            ndf.flatMap((b) => drawnIdle(nameOf('bank', b.bank), b)),
            stackOptions(width, false),
          ),
        {
          columns: [words.cols.name, words.cols.resources, words.cols.disbursed, words.cols.idle, words.cols.lines],
          rows: ndf.map((b) => [
            nameOf('bank', b.bank),
            bn(b.resources),
            bn(b.drawn),
            bn(b.idle) + unknownNote(b.unknownPools),
            int(b.lines),
          ]),
        },
        'ndf',
        ndfMetrics,
      ),
      card(
        'chart-ndf-quarters',
        words.ndfQuarterChart,
        (width) =>
          stackedBars(
            quarters.flatMap((q) => drawnIdle(quarterShort(q.year, q.quarter, lang), q)),
            stackOptions(width, true),
          ),
        {
          columns: [words.cols.quarter, words.cols.resources, words.cols.disbursed, words.cols.idle, words.cols.lines],
          rows: quarters.map((q) => [
            quarterName(q.year, q.quarter, lang),
            bn(q.resources),
            bn(q.drawn),
            bn(q.idle) + unknownNote(q.unknownPools),
            int(q.lines),
          ]),
        },
        'ndf',
        ndfMetrics,
      ),
    ),
    page(coverage('bank', words.coverageBank), coverage('agency', words.coverageAgency)),
  );
}

/** Jobs per axis and the projects table. */
export function jobsView(): HTMLElement {
  const words = t();
  const axes = model.jobsByAxis(filters);
  const facility = model.facilityJobsByAxis(filters);
  const projects = model.projects(filters);
  const counties = (list: string): string =>
    list
      .split(';')
      .filter(Boolean)
      .map((c) =>
        nameOf(
          'county',
          data.codes.county.findIndex((x) => x.code === c),
        ),
      )
      .join('، ');
  return sectionEl(
    'jobs',
    words.jobs,
    page(
      card(
        'chart-axes',
        words.axisChart,
        (width) =>
          stackedBars(
            axes.flatMap((a) => [
              {
                label: nameOf('axis', a.axis),
                series: words.cols.newJobs,
                value: a.newJobs,
                tip: `${nameOf('axis', a.axis)}\n${words.cols.newJobs}: ${int(a.newJobs)}`,
              },
              {
                label: nameOf('axis', a.axis),
                series: words.cols.sustained,
                value: a.sustained,
                tip: `${nameOf('axis', a.axis)}\n${words.cols.sustained}: ${int(a.sustained)}`,
              },
            ]),
            {
              width,
              lang,
              series: [words.cols.newJobs, words.cols.sustained],
              colors: ['#3c8d5a', '#a6d3b3'],
              label: words.jobsUnit,
              keepOrder: true,
            },
          ),
        {
          columns: [words.cols.axis, words.cols.count, words.cols.newJobs, words.cols.sustained, words.cols.cancelled],
          rows: axes.map((a) => [
            nameOf('axis', a.axis),
            int(a.projects),
            int(a.newJobs),
            int(a.sustained),
            int(a.cancelled),
          ]),
        },
        'jobs',
        ['mart_jobs_by_axis.new_jobs', 'mart_jobs_by_axis.sustained_jobs', 'mart_jobs_by_axis.cancelled_project_count'],
        words.cancelledNote,
      ),
      card(
        'chart-facility-jobs',
        `${words.facilityJobsAxis}: ${period()}`,
        (width) =>
          valueBars(
            facility.map((a) => ({
              label: nameOf('axis', a.axis),
              value: a.jobs,
              note: int(a.jobs) + (a.unknown ? ` · ${int(a.unknown)} ${words.noFigure}` : ''),
              tip: `${nameOf('axis', a.axis)}: ${int(a.jobs)} ${words.jobsUnit}`,
            })),
            { width, lang, keepOrder: true, color: '#3c8d5a', label: words.jobsUnit },
          ),
        {
          columns: [words.cols.axis, words.cols.jobs, words.unknownReports],
          rows: facility.map((a) => [nameOf('axis', a.axis), int(a.jobs), int(a.unknown)]),
        },
        'jobs',
        ['mart_jobs_by_axis.facility_jobs_committed'],
        words.unknownNote,
      ),
    ),
    page(
      el(
        'figure',
        { class: 'card', id: 'table-projects' },
        el('div', { class: 'card-head' }, el('h3', {}, words.projectsTable)),
        tableOf({
          columns: [
            words.cols.id,
            words.cols.title,
            words.cols.axis,
            words.cols.lead,
            words.cols.counties,
            words.cols.status,
            words.cols.newJobs,
            words.cols.sustained,
          ],
          rows: projects.map((p) => [
            String(p[0]),
            String(p[1]),
            nameOf('axis', p[2] as number),
            nameOf('agency', p[3] as number),
            counties(String(p[4])),
            nameOf('project_status', p[5] as number),
            int(p[6] as number),
            int(p[7] as number),
          ]),
        }),
        sourceLine('jobs', ['mart_projects.status', 'mart_projects.is_active']),
      ),
    ),
  );
}

/** Data quality: loads, quarantined rows, warnings. */
export function qualityView(): HTMLElement {
  const words = t();
  const q = data.quality;
  const c = words.cols;
  const listed = q.quarantine.length;
  return sectionEl(
    'quality',
    words.quality,
    page(
      el('p', { class: 'note' }, words.filtersNotApplied),
      el('h3', {}, words.loads),
      printedTable(
        {
          columns: [c.load, c.time, c.filesN, c.read, c.loaded, c.quarantined, c.warnings, c.tests],
          rows: [...q.loads]
            .reverse()
            .map((l) => [
              int(l.id),
              localDigits(l.finishedJalali ?? '—', lang),
              int(l.files),
              int(l.read),
              int(l.loaded),
              int(l.quarantined),
              int(l.warnings),
              int(l.testFailures),
            ]),
        },
        0,
      ),
      el('h3', {}, `${words.quarantine} (${int(q.quarantineTotal)})`),
      printedTable(
        {
          columns: [c.load, c.dataset, c.file, c.line, c.message],
          rows: q.quarantine.map((r) => [int(r.load), r.dataset, r.file, int(r.line), r.message]),
        },
        q.quarantineTotal - listed,
      ),
      sourceLine('quality'),
    ),
    page(
      el('h3', {}, words.warnings),
      printedTable(
        {
          columns: [c.rule, c.dataset, c.count, c.example],
          rows: q.warnings.map((w) => [w.rule, w.dataset, int(w.count), w.example]),
        },
        0,
      ),
    ),
  );
}

export function changesView(): HTMLElement {
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
    return {
      columns: [c.dataset, c.filesN, c.loaded, c.file],
      rows: [...groups.entries()].map(([d, g]) => [
        d,
        int(g.files.length),
        int(g.loaded),
        g.files.length > 2 ? `${g.files[0]} … ${g.files.at(-1)}` : g.files.join('، '),
      ]),
    };
  };
  return sectionEl(
    'changes',
    `${words.changes} (${words.cols.load} ${int(ch.loadId)})`,
    page(
      el('h3', {}, `${words.newFiles} (${int(ch.newFiles.length)})`),
      ch.newFiles.length ? tableOf(byDataset(ch.newFiles)) : el('p', {}, words.none),
      el('h3', {}, `${words.changedFiles} (${int(ch.changedFiles.length)})`),
      ch.changedFiles.length ? tableOf(byDataset(ch.changedFiles)) : el('p', {}, words.none),
      el('h3', {}, words.replaced),
      !data.meta.hasReplacedRows
        ? el('p', {}, words.noReplaced)
        : ch.replaced.length
          ? tableOf({ columns: [c.dataset, c.count], rows: ch.replaced.map((r) => [r.dataset, int(r.count)]) })
          : el('p', {}, words.none),
      card(
        'chart-moved',
        `${words.moved}: ${asOf}`,
        (width) =>
          valueBars(
            movedRows.map((m) => ({
              label: nameOf('program', m.program),
              value: Math.abs(bnNum(m.change)),
              note: `${bn(m.change)}`,
              tip: `${nameOf('program', m.program)}: ${exact(m.change)}`,
            })),
            { width, lang, keepOrder: true, color: '#6a51a3', label: words.billion },
          ),
        {
          columns: [c.name, c.change, c.rateChange],
          rows: moved.map((m) => [nameOf('program', m.program), bn(m.change), pct(m.rateChange)]),
        },
        'changes',
      ),
    ),
  );
}
