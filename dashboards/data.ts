/**
 * Everything the dashboard reads from the warehouse, aggregated in DuckDB at build time: one query
 * per view, marts only (plus the load bookkeeping tables). Money leaves SQL as VARCHAR so every
 * digit survives; the page sums it exactly as BigInt micro-units. Rows are per reporting key, not
 * per application, so the file does not grow with the number of applications.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../pipelines/db.ts';
import { columnMeta } from '../pipelines/schema/columns.ts';
import { DATASETS } from '../pipelines/schema/datasets.ts';
import type { MetricDefinition } from './dictionary.ts';
import { COVERAGE_METRICS, GAP_STAGE_METRICS } from './metrics.ts';

/** A code list as the page needs it: code and both names (from the reference tables). */
export interface CodeName {
  code: string;
  fa: string;
  en: string;
  extra?: string;
}

/** The dimensions a mart_absorption row carries. */
export const DIMENSIONS = ['program', 'funding_source', 'bank', 'agency', 'county'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Where a view's figures come from: files, quarters, load time, quarantined rows, definitions. */
export interface ViewSource {
  datasets: string[];
  files: string[];
  quarters: [number, number][];
  loadedAt: string | null;
  quarantined: number;
  metrics: MetricDefinition[];
}

/** The whole payload inlined into the page as JSON. */
export interface DashboardData {
  meta: {
    asOf: { year: number; quarter: number };
    periods: [number, number][];
    synthetic: boolean;
    builtJalali: string;
    loadCount: number;
    hasReplacedRows: boolean;
  };
  codes: Record<Dimension | 'reason' | 'axis' | 'project_status', CodeName[]>;
  /** mart_absorption, the columns the page sums: [y, q, program, fs, bank, agency, county, flags, allocated,
   *  jobs_committed, known_disbursed]; codes as indices into `codes`, -1 for NULL;
   *  flags bit 1 = is_in_totals, bit 2 = is_reported, bit 4 = report_source agency, bit 8 = is_carried,
   *  bit 16 = is_allocation_reported, bit 32 = is_reported_by_agencies. */
  absorption: (number | string | null)[][];
  /** mart_gap_by_unit, one row per unit with a known gap: [y, q, program, bank, county, not_referred,
   *  not_approved, not_contracted, not_disbursed, residual]. */
  gaps: (number | string | null)[][];
  /** mart_reasons, origin 'reported': [y, q, reason, program, bank, agency, county, amount, count]. */
  reasons: (number | string | null)[][];
  /** mart_notification_timing by programme: [y, notification_quarter, program, allocated,
   *  reported_allocated, absorbed_in_year, next_year_reported_allocated, absorbed_by_next_year]. */
  timing: (number | string | null)[][];
  /** mart_carry_over: [y, program, bank, allocated, reported_allocated, absorbed_in_year, unabsorbed,
   *  next_year_followed, absorbed_next_year, still_unabsorbed, unabsorbed_notification_count]. */
  carry: (number | string | null)[][];
  /** mart_reporting_coverage: [y, q, reporter_type (0 bank, 1 agency), reporter, file_count, key_count,
   *  reported_key_count, missing_key_count, late_key_count, allocated, covered_allocated]. */
  coverage: (number | string | null)[][];
  /** mart_ndf_quarterly: [y, q, bank, program, line_count, resources, drawn, idle, is_reported]. */
  ndf: (number | string | null)[][];
  /** mart_jobs_by_axis: [axis, project_count, new_jobs, sustained_jobs, facility_jobs_committed,
   *  facility_jobs_unknown_count, investment_amount]. */
  axes: (number | string | null)[][];
  /** mart_projects: [project_id, title, axis, lead_agency, counties, status, new_jobs, sustained_jobs,
   *  investment_amount, decision_date_jalali, is_active (1/0)]. */
  projects: (number | string | null)[][];
  quality: {
    loads: {
      id: number;
      finishedJalali: string | null;
      drops: string;
      files: number;
      failed: number;
      read: number;
      loaded: number;
      quarantined: number;
      warnings: number;
      testFailures: number;
    }[];
    quarantine: { load: number; dataset: string; file: string; line: number; message: string }[];
    quarantineTotal: number;
    warnings: { rule: string; dataset: string; count: number; example: string }[];
  };
  changes: {
    loadId: number | null;
    newFiles: { file: string; dataset: string; loaded: number }[];
    changedFiles: { file: string; dataset: string; loaded: number; unchanged: number }[];
    replaced: { dataset: string; count: number }[];
    /** mart_absorption_trend by programme at the as-of quarter: [program, disbursed_qoq_change_amount,
     *  absorption_rate_qoq_change]. */
    moved: (number | string | null)[][];
  };
  sources: Record<ViewId, ViewSource>;
}

export type ViewId = 'overview' | 'absorption' | 'gaps' | 'timing' | 'ndf' | 'jobs' | 'quality' | 'changes';

/** Options of a build: the period shown first, and the clock used for the cover's date. */
export interface DataOptions {
  asOf?: { year: number; quarter: number };
  now?: Date;
}

type Row = Record<string, unknown>;

/** DuckDB's DECIMAL text without trailing zeros ("12.500000" → "12.5"), to keep the JSON small. */
function compactDecimal(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

async function tableExists(c: DuckDBConnection, name: string): Promise<boolean> {
  const rows = await queryRows(c, 'select 1 from information_schema.tables where table_name = $name', { name });
  return rows.length > 0;
}

async function columnExists(c: DuckDBConnection, table: string, column: string): Promise<boolean> {
  const rows = await queryRows(
    c,
    'select 1 from information_schema.columns where table_name = $table and column_name = $column',
    { table, column },
  );
  return rows.length > 0;
}

async function codeList(c: DuckDBConnection, table: string, extra?: string): Promise<CodeName[]> {
  const rows = await queryRows<Row>(
    c,
    `select code, name_fa, name_en${extra ? `, ${extra} as extra` : ''} from ${table} order by code`,
  );
  return rows.map((r) => ({
    code: String(r.code),
    fa: String(r.name_fa ?? r.code),
    en: String(r.name_en ?? r.code),
    ...(extra ? { extra: String(r.extra ?? '') } : {}),
  }));
}

/** Project statuses with their Persian names, from the projects schema (ref_statuses holds applications' only). */
function projectStatuses(): CodeName[] {
  const names = columnMeta(DATASETS.projects.schema.shape.status).valueNames ?? {};
  return Object.entries(names).map(([code, fa]) => ({ code, fa: fa[0] ?? code, en: code.replace(/_/g, ' ') }));
}

/** Reads every view's rows from the warehouse on `c`. */
export async function readDashboardData(
  c: DuckDBConnection,
  dictionary: Map<string, MetricDefinition>,
  options: DataOptions = {},
): Promise<DashboardData> {
  const codes = {
    program: await codeList(c, 'ref_programs', "funding_source || ';' || axis"),
    funding_source: await codeList(c, 'ref_funding_sources'),
    bank: await codeList(c, 'ref_banks'),
    agency: await codeList(c, 'ref_agencies'),
    county: await codeList(c, 'ref_counties'),
    reason: await codeList(c, 'ref_reasons', 'actor'),
    axis: await codeList(c, 'ref_axes'),
    project_status: projectStatuses(),
  };
  const index = new Map<string, Map<string, number>>();
  for (const [dim, list] of Object.entries(codes)) index.set(dim, new Map(list.map((x, i) => [x.code, i])));
  const code = (dim: string, value: unknown): number =>
    value === null || value === undefined ? -1 : (index.get(dim)!.get(String(value)) ?? addCode(dim, String(value)));
  // A code missing from the reference tables (should not happen after validation) is shown as is.
  const addCode = (dim: string, value: string): number => {
    const list = codes[dim as keyof typeof codes];
    list.push({ code: value, fa: value, en: value });
    index.get(dim)!.set(value, list.length - 1);
    return list.length - 1;
  };

  const periods = (
    await queryRows<Row>(c, `select distinct year, quarter from mart_absorption order by year, quarter`)
  ).map((r) => [Number(r.year), Number(r.quarter)] as [number, number]);
  const latest = periods.at(-1) ?? [0, 0];
  const asOf = options.asOf ?? { year: latest[0], quarter: latest[1] };
  if (options.asOf && !periods.some(([y, q]) => y === asOf.year && q === asOf.quarter)) {
    throw new Error(`--as-of ${asOf.year}-Q${asOf.quarter}: the warehouse has no figures for that quarter`);
  }

  const absorption = await readAbsorption(c, code);
  const gaps = await readGapUnits(c, code);
  const reasons = await readReasons(c, code);
  const timing = await readNotificationTiming(c, code);
  const carry = await readCarryOver(c, code);
  const coverage = await readCoverage(c, code);
  const ndf = await readNdfQuarterly(c, code);
  const { axes, projects } = await readJobs(c, code);
  const quality = await readQuality(c);
  const hasReplacedRows = await tableExists(c, 'replaced_rows');
  const changes = await readChanges(c, code, asOf, hasReplacedRows);
  const sources = await readSources(c, dictionary);
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  const built = await queryRows<Row>(c, 'select jalali from calendar_days where date = cast($d as date)', { d: today });

  return {
    meta: {
      asOf,
      periods,
      synthetic: await isSynthetic(c),
      builtJalali: String(built[0]?.jalali ?? today),
      loadCount: quality.loads.length,
      hasReplacedRows,
    },
    codes,
    absorption,
    gaps,
    reasons,
    timing,
    carry,
    coverage,
    ndf,
    axes,
    projects,
    quality,
    changes,
    sources,
  };
}

type Coder = (dim: string, value: unknown) => number;

/**
 * Overview and absorption views: mart_absorption at its own grain (one row per reporting key), with
 * the mart's own counting columns (known_disbursed_amount, the key's latest report carried;
 * is_carried; is_allocation_reported; is_reported_by_agencies), so the page's sums at any filter
 * follow mart_absorption_trend's and mart_league_tables' rule (README, metric dictionary 5 and 12)
 * without deriving it again.
 */
async function readAbsorption(c: DuckDBConnection, code: Coder): Promise<DashboardData['absorption']> {
  const rows = await queryRows<Row>(
    c,
    `
    select a.year, a.quarter, a.program, a.funding_source, a.bank, a.agency, a.county,
           (case when a.is_in_totals then 1 else 0 end) + (case when a.is_reported then 2 else 0 end)
             + (case when a.report_source = 'agency' then 4 else 0 end) + (case when a.is_carried then 8 else 0 end)
             + (case when a.is_allocation_reported then 16 else 0 end)
             + (case when a.is_reported_by_agencies then 32 else 0 end) as flags,
           a.allocated_amount::varchar as allocated, a.jobs_committed, a.known_disbursed_amount::varchar as known
    from mart_absorption a
    order by a.year, a.quarter, a.program, a.bank, a.agency, a.county`,
  );
  return rows.map((r) => [
    Number(r.year),
    Number(r.quarter),
    code('program', r.program),
    code('funding_source', r.funding_source),
    code('bank', r.bank),
    code('agency', r.agency),
    code('county', r.county),
    Number(r.flags),
    compactDecimal(r.allocated),
    r.jobs_committed === null ? null : Number(r.jobs_committed),
    compactDecimal(r.known),
  ]);
}

/**
 * Gap-stage view: mart_gap_by_unit's stage split per programme, bank and county, where every
 * allocation of the unit counts once against the lending the counting rule keeps (README, metric
 * dictionary 5 and 7). A unit's figures repeat on its reason rows: one row per unit here.
 */
async function readGapUnits(c: DuckDBConnection, code: Coder): Promise<DashboardData['gaps']> {
  const rows = await queryRows<Row>(
    c,
    `
    select year, quarter, program, bank, county,
           any_value(not_referred_amount)::varchar as g1, any_value(not_approved_amount)::varchar as g2,
           any_value(not_contracted_amount)::varchar as g3, any_value(not_disbursed_amount)::varchar as g4,
           any_value(residual_amount)::varchar as g5
    from mart_gap_by_unit
    where known_part_count > 0
    group by year, quarter, program, bank, county
    order by year, quarter, program, bank, county`,
  );
  return rows.map((r) => [
    Number(r.year),
    Number(r.quarter),
    code('program', r.program),
    code('bank', r.bank),
    code('county', r.county),
    compactDecimal(r.g1),
    compactDecimal(r.g2),
    compactDecimal(r.g3),
    compactDecimal(r.g4),
    compactDecimal(r.g5),
  ]);
}

/** Reasons view: the reasons files as reported (origin 'reported'), rows in totals, summed to the view's grain. */
async function readReasons(c: DuckDBConnection, code: Coder): Promise<DashboardData['reasons']> {
  const rows = await queryRows<Row>(
    c,
    `
    select year, quarter, reason_code, program, bank, agency, county, sum(amount)::varchar as amount, sum(count) as n
    from mart_reasons where origin = 'reported' and is_in_totals
    group by all order by all`,
  );
  return rows.map((r) => [
    Number(r.year),
    Number(r.quarter),
    code('reason', r.reason_code),
    code('program', r.program),
    code('bank', r.bank),
    code('agency', r.agency),
    code('county', r.county),
    compactDecimal(r.amount),
    r.n === null ? null : Number(r.n),
  ]);
}

/** Late quotas view: absorption by notification quarter, first notified first absorbed, per programme. */
async function readNotificationTiming(c: DuckDBConnection, code: Coder): Promise<DashboardData['timing']> {
  const rows = await queryRows<Row>(
    c,
    `
    select year, notification_quarter, program, allocated_amount::varchar as a,
           reported_allocated_amount::varchar as r, absorbed_in_year_amount::varchar as i,
           next_year_reported_allocated_amount::varchar as nr, absorbed_by_next_year_amount::varchar as n
    from mart_notification_timing where scope = 'program' order by all`,
  );
  return rows.map((r) => [
    Number(r.year),
    Number(r.notification_quarter),
    code('program', r.program),
    compactDecimal(r.a),
    compactDecimal(r.r),
    compactDecimal(r.i),
    compactDecimal(r.nr),
    compactDecimal(r.n),
  ]);
}

/** Carry-over view: each year's unabsorbed allocation per programme and bank, and what the next year absorbed. */
async function readCarryOver(c: DuckDBConnection, code: Coder): Promise<DashboardData['carry']> {
  const rows = await queryRows<Row>(
    c,
    `
    select year, program, bank, allocated_amount::varchar as a, reported_allocated_amount::varchar as r,
           absorbed_in_year_amount::varchar as i, unabsorbed_amount::varchar as u,
           next_year_followed_amount::varchar as f, absorbed_next_year_amount::varchar as n,
           still_unabsorbed_amount::varchar as s, unabsorbed_notification_count as k
    from mart_carry_over order by year, program, bank`,
  );
  return rows.map((r) => [
    Number(r.year),
    code('program', r.program),
    code('bank', r.bank),
    compactDecimal(r.a),
    compactDecimal(r.r),
    compactDecimal(r.i),
    compactDecimal(r.u),
    compactDecimal(r.f),
    compactDecimal(r.n),
    compactDecimal(r.s),
    Number(r.k ?? 0),
  ]);
}

/** Reporting coverage view: per bank (its own reports) and agency, per quarter. */
async function readCoverage(c: DuckDBConnection, code: Coder): Promise<DashboardData['coverage']> {
  const rows = await queryRows<Row>(
    c,
    `
    select year, quarter, reporter_type, reporter, file_count, key_count, reported_key_count, missing_key_count,
           late_key_count, allocated_amount::varchar as a, covered_allocated_amount::varchar as c
    from mart_reporting_coverage order by all`,
  );
  return rows.map((r) => {
    const agency = r.reporter_type === 'agency';
    return [
      Number(r.year),
      Number(r.quarter),
      agency ? 1 : 0,
      code(agency ? 'agency' : 'bank', r.reporter),
      Number(r.file_count),
      Number(r.key_count),
      Number(r.reported_key_count),
      Number(r.missing_key_count),
      Number(r.late_key_count),
      compactDecimal(r.a),
      compactDecimal(r.c),
    ];
  });
}

/** Idle NDF view: each bank's pool of lines per programme, quarter by quarter. */
async function readNdfQuarterly(c: DuckDBConnection, code: Coder): Promise<DashboardData['ndf']> {
  const rows = await queryRows<Row>(
    c,
    `
    select year, quarter, bank, program, line_count, resources_amount::varchar as r,
           drawn_amount::varchar as d, idle_amount::varchar as i, is_reported
    from mart_ndf_quarterly order by year, quarter, bank, program`,
  );
  return rows.map((r) => [
    Number(r.year),
    Number(r.quarter),
    code('bank', r.bank),
    code('program', r.program),
    Number(r.line_count),
    compactDecimal(r.r),
    compactDecimal(r.d),
    compactDecimal(r.i),
    r.is_reported ? 1 : 0,
  ]);
}

/** Jobs view: jobs per axis and the projects table. */
async function readJobs(c: DuckDBConnection, code: Coder): Promise<Pick<DashboardData, 'axes' | 'projects'>> {
  const axes = await queryRows<Row>(
    c,
    `
    select axis, project_count, new_jobs, sustained_jobs, facility_jobs_committed, facility_jobs_unknown_count,
           investment_amount::varchar as inv
    from mart_jobs_by_axis order by axis`,
  );
  const projects = await queryRows<Row>(
    c,
    `
    select project_id, title, axis, lead_agency, counties, status, new_jobs, sustained_jobs,
           investment_amount::varchar as inv, decision_date_jalali, is_active
    from mart_projects order by project_id`,
  );
  return {
    axes: axes.map((r) => [
      code('axis', r.axis),
      Number(r.project_count),
      Number(r.new_jobs),
      Number(r.sustained_jobs),
      r.facility_jobs_committed === null ? null : Number(r.facility_jobs_committed),
      Number(r.facility_jobs_unknown_count ?? 0),
      compactDecimal(r.inv),
    ]),
    projects: projects.map((r) => [
      String(r.project_id),
      String(r.title),
      code('axis', r.axis),
      code('agency', r.lead_agency),
      String(r.counties ?? ''),
      code('project_status', r.status),
      Number(r.new_jobs),
      Number(r.sustained_jobs),
      compactDecimal(r.inv),
      r.decision_date_jalali === null ? null : String(r.decision_date_jalali),
      r.is_active === false ? 0 : 1,
    ]),
  };
}

/** The most quarantined rows listed one by one; beyond this the page gives the count only. */
const QUARANTINE_LISTED = 200;

/** Data quality view: loads, quarantined rows with their messages, warnings by rule. */
async function readQuality(c: DuckDBConnection): Promise<DashboardData['quality']> {
  const loads = await queryRows<Row>(
    c,
    `
    select r.load_id, d.jalali, r.drops, r.files, r.files_failed, r.rows_read, r.rows_loaded, r.rows_quarantined,
           r.warnings, r.data_test_failures, strftime(r.finished_at, '%H:%M') as hm
    from load_runs r left join calendar_days d on d.date = cast(r.finished_at as date) order by r.load_id`,
  );
  const quarantine = await queryRows<Row>(
    c,
    `
    select load_id, dataset, source_file, source_line, message from quarantine
    order by load_id desc, source_file, source_line limit ${QUARANTINE_LISTED}`,
  );
  const total = await queryRows<Row>(c, 'select count(*) as n from quarantine');
  const warnings = await queryRows<Row>(
    c,
    `
    select rule, dataset, count(*) as n, min(message) as example from dq_warnings group by all order by n desc, rule`,
  );
  return {
    loads: loads.map((r) => ({
      id: Number(r.load_id),
      finishedJalali: r.jalali ? `${r.jalali} ${r.hm}` : null,
      drops: String(r.drops),
      files: Number(r.files),
      failed: Number(r.files_failed),
      read: Number(r.rows_read),
      loaded: Number(r.rows_loaded),
      quarantined: Number(r.rows_quarantined),
      warnings: Number(r.warnings),
      testFailures: Number(r.data_test_failures),
    })),
    quarantine: quarantine.map((r) => ({
      load: Number(r.load_id),
      dataset: String(r.dataset),
      file: String(r.source_file),
      line: Number(r.source_line),
      message: String(r.message),
    })),
    quarantineTotal: Number(total[0]?.n ?? 0),
    warnings: warnings.map((r) => ({
      rule: String(r.rule),
      dataset: String(r.dataset),
      count: Number(r.n),
      example: String(r.example),
    })),
  };
}

/** What-changed view: the latest load's new and changed files, corrected rows, figures that moved. */
async function readChanges(
  c: DuckDBConnection,
  code: Coder,
  asOf: { year: number; quarter: number },
  hasReplacedRows: boolean,
): Promise<DashboardData['changes']> {
  const last = await queryRows<Row>(c, 'select max(load_id) as id from load_runs');
  const loadId = last[0]?.id === null || last[0]?.id === undefined ? null : Number(last[0].id);
  const files = await queryRows<Row>(
    c,
    `
    select f.source_file, f.dataset, f.rows_loaded, f.rows_unchanged,
           -- Rows that are new or differ from the stored ones: whatever was read and neither left as it
           -- was nor rejected (load_files' rows_loaded includes unchanged rows on a reload).
           greatest(f.rows_read - f.rows_unchanged - f.rows_quarantined - f.rows_duplicate - f.rows_totals, 0) as changed,
           exists (select 1 from load_files p where p.source_file = f.source_file and p.load_id < f.load_id) as seen
    from load_files f where f.load_id = $id order by f.source_file`,
    { id: loadId ?? -1 },
  );
  const replaced = hasReplacedRows
    ? await queryRows<Row>(
        c,
        `select dataset, count(*) as n from replaced_rows where load_id = $id group by all order by all`,
        { id: loadId ?? -1 },
      )
    : [];
  // "Moved most" compares the as-of quarter with the one before: the marts keep no per-load snapshot.
  const moved = await queryRows<Row>(
    c,
    `
    select program, disbursed_qoq_change_amount::varchar as d, absorption_rate_qoq_change as r
    from mart_absorption_trend where scope = 'program' and year = $y and quarter = $q
    order by abs(disbursed_qoq_change_amount) desc nulls last`,
    { y: asOf.year, q: asOf.quarter },
  );
  return {
    loadId,
    newFiles: files
      .filter((f) => !f.seen)
      .map((f) => ({ file: String(f.source_file), dataset: String(f.dataset ?? ''), loaded: Number(f.rows_loaded) })),
    changedFiles: files
      .filter((f) => f.seen && Number(f.changed) > 0)
      .map((f) => ({
        file: String(f.source_file),
        dataset: String(f.dataset ?? ''),
        loaded: Number(f.changed),
        unchanged: Number(f.rows_unchanged),
      })),
    replaced: replaced.map((r) => ({ dataset: String(r.dataset), count: Number(r.n) })),
    moved: moved.map((r) => [code('program', r.program), compactDecimal(r.d), r.r === null ? null : Number(r.r)]),
  };
}

/** Which datasets and mart columns each view draws on (its source line). */
const VIEW_SOURCES: Record<ViewId, { datasets: string[]; metrics: string[] }> = {
  overview: {
    datasets: ['allocations', 'absorption', 'projects'],
    metrics: [
      'mart_absorption_trend.allocated_amount',
      'mart_absorption_trend.disbursed_amount',
      'mart_absorption_trend.absorption_rate',
      'mart_absorption_trend.absorption_gap',
      'mart_absorption_trend.carried_key_count',
      'mart_absorption_trend.unreported_allocated_amount',
      'mart_absorption.is_in_totals',
      'mart_absorption.is_allocation_reported',
      'mart_absorption.jobs_committed',
      'mart_jobs_by_axis.new_jobs',
      'mart_jobs_by_axis.sustained_jobs',
    ],
  },
  absorption: {
    datasets: ['allocations', 'absorption'],
    metrics: [
      'mart_absorption.allocated_amount',
      'mart_absorption.disbursed_amount',
      'mart_absorption.is_in_totals',
      'mart_absorption.is_reported_by_agencies',
      'mart_absorption_trend.carried_key_count',
      'mart_absorption_trend.absorption_rate',
      'mart_absorption_trend.absorption_gap',
    ],
  },
  gaps: {
    datasets: ['allocations', 'absorption', 'reasons'],
    metrics: [
      ...GAP_STAGE_METRICS,
      'mart_reasons.amount',
      'mart_reasons.reason_actor',
      'mart_reasons.is_in_totals',
    ],
  },
  timing: {
    datasets: ['allocations', 'absorption'],
    metrics: [
      'mart_notification_timing.allocated_amount',
      'mart_notification_timing.reported_allocated_amount',
      'mart_notification_timing.absorbed_in_year_amount',
      'mart_notification_timing.absorption_rate',
      'mart_notification_timing.next_year_reported_allocated_amount',
      'mart_notification_timing.absorbed_by_next_year_amount',
      'mart_notification_timing.absorbed_by_next_year_rate',
      'mart_carry_over.unabsorbed_amount',
      'mart_carry_over.next_year_followed_amount',
      'mart_carry_over.absorbed_next_year_amount',
      'mart_carry_over.still_unabsorbed_amount',
      'mart_carry_over.carried_absorption_rate',
    ],
  },
  ndf: {
    datasets: ['ndf_lines', 'absorption', 'allocations'],
    metrics: [
      'mart_ndf_quarterly.resources_amount',
      'mart_ndf_quarterly.drawn_amount',
      'mart_ndf_quarterly.idle_amount',
      'mart_ndf_quarterly.is_reported',
      ...COVERAGE_METRICS,
    ],
  },
  jobs: {
    datasets: ['projects', 'absorption'],
    metrics: [
      'mart_jobs_by_axis.new_jobs',
      'mart_jobs_by_axis.sustained_jobs',
      'mart_jobs_by_axis.cancelled_project_count',
      'mart_jobs_by_axis.facility_jobs_committed',
      'mart_projects.status',
      'mart_projects.is_active',
    ],
  },
  quality: { datasets: [], metrics: [] },
  changes: { datasets: [], metrics: ['mart_absorption_trend.disbursed_qoq_change_amount'] },
};

/** Source line facts per view, from load_files, quarantine and the core tables' quarters. */
async function readSources(
  c: DuckDBConnection,
  dictionary: Map<string, MetricDefinition>,
): Promise<Record<ViewId, ViewSource>> {
  const files = await queryRows<Row>(
    c,
    `
    select dataset, list(distinct source_file order by source_file) as files from load_files
    where error is null and dataset is not null group by dataset`,
  );
  const quarantined = await queryRows<Row>(c, 'select dataset, count(*) as n from quarantine group by dataset');
  const loaded = await queryRows<Row>(
    c,
    `
    select d.jalali || ' ' || strftime(r.finished_at, '%H:%M') as t from load_runs r
    left join calendar_days d on d.date = cast(r.finished_at as date) order by r.load_id desc limit 1`,
  );
  const quarterRows = await queryRows<Row>(
    c,
    `
    select 'allocations' as dataset, year, quarter from allocations union
    select 'absorption', year, quarter from absorption union
    select 'reasons', year, quarter from reasons union
    select 'ndf_lines', year, quarter from ndf_lines order by all`,
  );
  const filesOf = new Map(files.map((r) => [String(r.dataset), (r.files as string[]).map(String)]));
  const quarantinedOf = new Map(quarantined.map((r) => [String(r.dataset), Number(r.n)]));
  const result = {} as Record<ViewId, ViewSource>;
  for (const [view, spec] of Object.entries(VIEW_SOURCES) as [ViewId, (typeof VIEW_SOURCES)[ViewId]][]) {
    const datasets = view === 'quality' || view === 'changes' ? [...filesOf.keys()].sort() : spec.datasets;
    const quarters = quarterRows
      .filter((r) => datasets.includes(String(r.dataset)))
      .map((r) => [Number(r.year), Number(r.quarter)] as [number, number]);
    const unique = [...new Map(quarters.map((q) => [`${q[0]}-${q[1]}`, q])).values()].sort(
      (a, b) => a[0] - b[0] || a[1] - b[1],
    );
    result[view] = {
      datasets,
      files: datasets.flatMap((d) => filesOf.get(d) ?? []),
      quarters: unique,
      loadedAt: loaded[0]?.t ? String(loaded[0].t) : null,
      quarantined: datasets.reduce((sum, d) => sum + (quarantinedOf.get(d) ?? 0), 0),
      metrics: spec.metrics.map((m) => dictionary.get(m)).filter((m): m is MetricDefinition => m !== undefined),
    };
  }
  return result;
}

/**
 * Whether the warehouse holds the synthetic sample: a `load_drops` row marked synthetic, or (before
 * that table exists) a load whose drops are under data/sample.
 */
export async function isSynthetic(c: DuckDBConnection): Promise<boolean> {
  if ((await tableExists(c, 'load_drops')) && (await columnExists(c, 'load_drops', 'synthetic'))) {
    const rows = await queryRows(c, 'select 1 from load_drops where synthetic limit 1');
    if (rows.length > 0) return true;
  }
  if (!(await tableExists(c, 'load_runs'))) return false;
  const runs = await queryRows(c, "select 1 from load_runs where drops like '%data/sample%' limit 1");
  return runs.length > 0;
}
