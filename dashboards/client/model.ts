/**
 * The page's figures: the inlined mart rows filtered by the current selection and summed exactly
 * (money as BigInt micro-units, as DuckDB's DECIMAL). No DOM here, so node can test it.
 */
import type { DashboardData, Dimension } from '../data.ts';
import { microToDecimal, microToNumber, parseMicro } from '../format.ts';

/** The selection: a period and one code (or all) per filter dimension; codes as indices. */
export interface Filters {
  year: number;
  quarter: number;
  program: number;
  funding_source: number;
  bank: number;
  county: number;
}

/** The code filters, in the order the page shows them. */
export const FILTER_DIMS = ['program', 'funding_source', 'bank', 'county'] as const;

// Column positions in DashboardData.absorption rows.
const A = {
  y: 0,
  q: 1,
  program: 2,
  funding_source: 3,
  bank: 4,
  agency: 5,
  county: 6,
  flags: 7,
  allocated: 8,
  jobs: 9,
  // mart_absorption.known_disbursed_amount: the key's latest report of the year, carried to the quarter.
  known: 10,
} as const;
// mart_absorption's flags (dashboards/data.ts packs them into one number).
const IN_TOTALS = 1;
const REPORTED = 2;
const AGENCY_REPORT = 4;
const CARRIED = 8;
const ALLOCATION_REPORTED = 16;
const REPORTED_BY_AGENCIES = 32;

type Raw = (number | string | null)[];

const num = (v: unknown): number => v as number;
// Money cells are parsed into BigInt once, when the model is made (see MONEY_COLUMNS).
const micro = (v: unknown): bigint | null => (typeof v === 'bigint' ? v : parseMicro(v as string | null));

/** The money columns of each row set, parsed from text to BigInt micro-units once. */
const MONEY_COLUMNS = {
  absorption: [8, 10],
  gaps: [5, 6, 7, 8, 9],
  reasons: [7],
  timing: [3, 4, 5, 6, 7],
  carry: [3, 4, 5, 6, 7, 8, 9],
  coverage: [9, 10],
  ndf: [5, 6, 7],
} as const;

/** Sums of one group: exact money, plus what the rate and gap need (mart_absorption_trend's rule). */
export interface AbsorptionSum {
  allocated: bigint;
  /** Allocation not set beside any counted figure yet (not is_allocation_reported): out of the rate and the gap. */
  unreportedAllocated: bigint;
  disbursed: bigint | null;
  jobs: number | null;
  jobsUnknown: number;
  keys: number;
  reportedKeys: number;
  /** Counted keys with no report this quarter whose earlier report of the year is carried. */
  carriedKeys: number;
  /** Banks' keys with no figure of their own whose lending the agencies at them report (is_reported_by_agencies). */
  agencyReportedKeys: number;
}

function emptySum(): AbsorptionSum {
  return {
    allocated: 0n,
    unreportedAllocated: 0n,
    disbursed: null,
    jobs: null,
    jobsUnknown: 0,
    keys: 0,
    reportedKeys: 0,
    carriedKeys: 0,
    agencyReportedKeys: 0,
  };
}

/** The rate's denominator: allocated − the allocation of keys with no report yet. */
export const reportedAllocatedOf = (s: AbsorptionSum): bigint => s.allocated - s.unreportedAllocated;

/** Absorption rate as mart_absorption_trend computes it: disbursed ÷ reported allocated. */
export function rateOf(s: AbsorptionSum): number | null {
  const base = reportedAllocatedOf(s);
  if (s.disbursed === null || base <= 0n) return null;
  return (microToNumber(s.disbursed) as number) / (microToNumber(base) as number);
}

/** Gap as mart_absorption_trend computes it: reported allocated − disbursed (NULL when nothing was reported). */
export function gapOf(s: AbsorptionSum): bigint | null {
  return s.disbursed === null ? null : reportedAllocatedOf(s) - s.disbursed;
}

/** A ratio of two exact sums, NULL when the denominator is not > 0. */
export function ratio(part: bigint | null, whole: bigint | null): number | null {
  if (part === null || whole === null || whole <= 0n) return null;
  return (microToNumber(part) as number) / (microToNumber(whole) as number);
}

/** Notifications of one quarter (mart_notification_timing). */
export interface TimingSum {
  quarter: number;
  allocated: bigint;
  reported: bigint;
  absorbedInYear: bigint;
  nextReported: bigint;
  absorbedByNext: bigint | null;
}

/** One year's carry-over (mart_carry_over). */
export interface CarrySum {
  year: number;
  allocated: bigint;
  reported: bigint;
  absorbedInYear: bigint;
  unabsorbed: bigint;
  followed: bigint;
  absorbedNextYear: bigint;
  still: bigint;
  notifications: number;
}

/** A bank's NDF pools at a quarter (mart_ndf_quarterly); pools with no report since the deposit apart. */
export interface NdfSum {
  bank: number;
  resources: bigint;
  drawn: bigint;
  idle: bigint;
  lines: number;
  unknownPools: number;
}

/** One reporter's coverage at a quarter (mart_reporting_coverage). */
export interface CoverageRow {
  code: number;
  files: number;
  keys: number;
  reported: number;
  missing: number;
  late: number;
  allocated: bigint;
  covered: bigint;
}

/** Reads the page's data and answers every view's question for a selection. */
export class DashboardModel {
  private readonly byPeriod = new Map<number, Raw[]>();

  constructor(readonly data: DashboardData) {
    for (const [set, columns] of Object.entries(MONEY_COLUMNS) as [keyof typeof MONEY_COLUMNS, readonly number[]][]) {
      for (const row of data[set] as unknown[][]) for (const c of columns) row[c] = micro(row[c]);
    }
    for (const r of data.absorption) {
      const key = num(r[A.y]) * 10 + num(r[A.q]);
      const list = this.byPeriod.get(key);
      if (list) list.push(r);
      else this.byPeriod.set(key, [r]);
    }
  }

  /** The programme's own funding source code index (reasons and NDF lines carry only the programme). */
  programFunding(program: number): number {
    const extra = this.data.codes.program[program]?.extra ?? '';
    const fs = extra.split(';')[0] ?? '';
    return this.data.codes.funding_source.findIndex((f) => f.code === fs);
  }

  /** The programme's operational axis code index. */
  programAxis(program: number): number {
    const axis = (this.data.codes.program[program]?.extra ?? '').split(';')[1] ?? '';
    return this.data.codes.axis.findIndex((a) => a.code === axis);
  }

  private matches(row: Raw, f: Filters, cols: Partial<Record<(typeof FILTER_DIMS)[number], number>>): boolean {
    for (const dim of FILTER_DIMS) {
      const want = f[dim];
      if (want < 0) continue;
      const col = cols[dim];
      if (col !== undefined) {
        if (row[col] !== want) return false;
        continue;
      }
      if (dim === 'funding_source' && cols.program !== undefined) {
        if (this.programFunding(num(row[cols.program])) !== want) return false;
      }
    }
    return true;
  }

  /** mart_absorption rows of the selected period and filters. */
  absorptionRows(f: Filters, period: { year: number; quarter: number } = f): Raw[] {
    return (this.byPeriod.get(period.year * 10 + period.quarter) ?? []).filter((r) => this.matches(r, f, A));
  }

  /**
   * Province (or filtered) sums in the mart_absorption_trend way, from the mart's own columns:
   * allocated over every key (README, metric dictionary 5), disbursed over the keys in totals
   * (is_in_totals) with each key's latest report carried (known_disbursed_amount); the allocation
   * not set beside a counted figure (is_allocation_reported false) is kept apart for the rate.
   * `agencyOwn` counts an agency's own reports instead (as mart_league_tables does for agencies).
   */
  sum(rows: Raw[], agencyOwn = false): AbsorptionSum {
    const s = emptySum();
    for (const r of rows) {
      const flags = num(r[A.flags]);
      s.keys += 1;
      const allocated = micro(r[A.allocated]) ?? 0n;
      s.allocated += allocated;
      if (flags & REPORTED) s.reportedKeys += 1;
      const known = micro(r[A.known]);
      const allocationReported = agencyOwn ? known !== null : (flags & ALLOCATION_REPORTED) !== 0;
      if (!allocationReported) s.unreportedAllocated += allocated;
      const counts = agencyOwn ? (flags & AGENCY_REPORT) !== 0 : (flags & IN_TOTALS) !== 0;
      if (!counts) continue;
      if (known !== null) s.disbursed = (s.disbursed ?? 0n) + known;
      if (flags & CARRIED) s.carriedKeys += 1;
      if (!agencyOwn && flags & REPORTED_BY_AGENCIES) s.agencyReportedKeys += 1;
      if (flags & REPORTED) {
        if (r[A.jobs] === null) s.jobsUnknown += 1;
        else s.jobs = (s.jobs ?? 0) + num(r[A.jobs]);
      }
    }
    return s;
  }

  /** Sums per code of one dimension, largest allocation first; NULL codes grouped as -1. */
  byDimension(f: Filters, dim: Dimension): { code: number; sum: AbsorptionSum }[] {
    const rows = this.absorptionRows(f);
    const groups = new Map<number, Raw[]>();
    for (const r of rows) {
      const code = num(r[A[dim]]);
      if (dim === 'agency' && code < 0) continue;
      const list = groups.get(code);
      if (list) list.push(r);
      else groups.set(code, [r]);
    }
    return [...groups.entries()]
      .map(([code, list]) => ({ code, sum: this.sum(list, dim === 'agency') }))
      .sort((a, b) => Number(b.sum.allocated - a.sum.allocated));
  }

  /** The trend: sums at every period up to the selected one, same filters. */
  trend(f: Filters): { year: number; quarter: number; sum: AbsorptionSum }[] {
    return this.data.meta.periods
      .filter(([y, q]) => y < f.year || (y === f.year && q <= f.quarter))
      .map(([year, quarter]) => ({ year, quarter, sum: this.sum(this.absorptionRows(f, { year, quarter })) }));
  }

  /**
   * Gap by funnel stage per programme, parts in stage order: mart_gap_by_unit's units (programme,
   * bank, county) of the period, each allocation counted once against the counted lending.
   */
  gapStages(f: Filters): { program: number; parts: bigint[] }[] {
    const groups = new Map<number, bigint[]>();
    for (const r of this.data.gaps) {
      if (r[0] !== f.year || r[1] !== f.quarter || !this.matches(r, f, { program: 2, bank: 3, county: 4 })) continue;
      const p = num(r[2]);
      const parts = groups.get(p) ?? [0n, 0n, 0n, 0n, 0n];
      for (let i = 0; i < 5; i++) parts[i]! += micro(r[5 + i]) ?? 0n;
      groups.set(p, parts);
    }
    return [...groups.entries()].map(([program, parts]) => ({ program, parts }));
  }

  /** Reported reasons at the period: amount per reason. */
  reasons(f: Filters): { reason: number; amount: bigint; count: number }[] {
    const cols = { program: 3, bank: 4, county: 6 };
    const groups = new Map<number, { amount: bigint; count: number }>();
    for (const r of this.data.reasons) {
      if (r[0] !== f.year || r[1] !== f.quarter || !this.matches(r, f, cols)) continue;
      const g = groups.get(num(r[2])) ?? { amount: 0n, count: 0 };
      g.amount += micro(r[7]) ?? 0n;
      g.count += r[8] === null ? 0 : num(r[8]);
      groups.set(num(r[2]), g);
    }
    return [...groups.entries()].map(([reason, g]) => ({ reason, ...g })).sort((a, b) => Number(b.amount - a.amount));
  }

  /**
   * mart_notification_timing for the selected year by notification quarter, first notified first
   * absorbed (bank and county filters do not apply). `absorbedByNext` is NULL until the next year is followed.
   */
  timing(f: Filters, year = f.year): TimingSum[] {
    const out = [1, 2, 3, 4].map((quarter): TimingSum => ({
      quarter,
      allocated: 0n,
      reported: 0n,
      absorbedInYear: 0n,
      nextReported: 0n,
      absorbedByNext: null,
    }));
    for (const r of this.data.timing) {
      if (r[0] !== year || !this.matches(r, { ...f, bank: -1, county: -1 }, { program: 2 })) continue;
      const slot = out[num(r[1]) - 1];
      if (!slot) continue;
      slot.allocated += micro(r[3]) ?? 0n;
      slot.reported += micro(r[4]) ?? 0n;
      slot.absorbedInYear += micro(r[5]) ?? 0n;
      slot.nextReported += micro(r[6]) ?? 0n;
      const next = micro(r[7]);
      if (next !== null) slot.absorbedByNext = (slot.absorbedByNext ?? 0n) + next;
    }
    return out;
  }

  /** mart_carry_over for the years up to the selected one (programme, funding source and bank filters). */
  carryOver(f: Filters): CarrySum[] {
    const years = new Map<number, CarrySum>();
    for (const r of this.data.carry) {
      if (num(r[0]) > f.year || !this.matches(r, { ...f, county: -1 }, { program: 1, bank: 2 })) continue;
      const y = num(r[0]);
      const g =
        years.get(y) ??
        ({
          year: y,
          allocated: 0n,
          reported: 0n,
          absorbedInYear: 0n,
          unabsorbed: 0n,
          followed: 0n,
          absorbedNextYear: 0n,
          still: 0n,
          notifications: 0,
        } satisfies CarrySum);
      g.allocated += micro(r[3]) ?? 0n;
      g.reported += micro(r[4]) ?? 0n;
      g.absorbedInYear += micro(r[5]) ?? 0n;
      g.unabsorbed += micro(r[6]) ?? 0n;
      g.followed += micro(r[7]) ?? 0n;
      g.absorbedNextYear += micro(r[8]) ?? 0n;
      g.still += micro(r[9]) ?? 0n;
      g.notifications += num(r[10]);
      years.set(y, g);
    }
    return [...years.values()].sort((a, b) => a.year - b.year);
  }

  /** mart_ndf_quarterly's pools at one quarter (default the selected one), per bank; idle NULL while unknown. */
  ndfByBank(f: Filters, period: { year: number; quarter: number } = f): NdfSum[] {
    const groups = new Map<number, NdfSum>();
    for (const r of this.data.ndf) {
      if (r[0] !== period.year || r[1] !== period.quarter) continue;
      if (!this.matches(r, { ...f, county: -1 }, { bank: 2, program: 3 })) continue;
      const bank = num(r[2]);
      const g = groups.get(bank) ?? { bank, resources: 0n, drawn: 0n, idle: 0n, lines: 0, unknownPools: 0 };
      g.resources += micro(r[5]) ?? 0n;
      g.lines += num(r[4]);
      const drawn = micro(r[6]);
      const idle = micro(r[7]);
      if (drawn === null || idle === null) g.unknownPools += 1;
      else {
        g.drawn += drawn;
        g.idle += idle;
      }
      groups.set(bank, g);
    }
    return [...groups.values()].sort((a, b) => Number(b.idle - a.idle));
  }

  /** mart_ndf_quarterly summed over the selected banks and programmes, every quarter up to the selected one. */
  ndfByQuarter(f: Filters): (NdfSum & { year: number; quarter: number })[] {
    return this.data.meta.periods
      .filter(([y, q]) => y < f.year || (y === f.year && q <= f.quarter))
      .map(([year, quarter]) => {
        const banks = this.ndfByBank(f, { year, quarter });
        const total = { bank: -1, resources: 0n, drawn: 0n, idle: 0n, lines: 0, unknownPools: 0 };
        for (const b of banks) {
          total.resources += b.resources;
          total.drawn += b.drawn;
          total.idle += b.idle;
          total.lines += b.lines;
          total.unknownPools += b.unknownPools;
        }
        return { year, quarter, ...total };
      })
      .filter((p) => p.lines > 0);
  }

  /** mart_reporting_coverage at the period, banks' own reports or agencies', least covered first. */
  coverage(f: Filters, dim: 'bank' | 'agency'): CoverageRow[] {
    const type = dim === 'bank' ? 0 : 1;
    return this.data.coverage
      .filter((r) => r[0] === f.year && r[1] === f.quarter && r[2] === type)
      .filter((r) => dim !== 'bank' || f.bank < 0 || r[3] === f.bank)
      .map((r) => ({
        code: num(r[3]),
        files: num(r[4]),
        keys: num(r[5]),
        reported: num(r[6]),
        missing: num(r[7]),
        late: num(r[8]),
        allocated: micro(r[9]) ?? 0n,
        covered: micro(r[10]) ?? 0n,
      }))
      .sort(
        (a, b) =>
          (ratio(a.covered, a.allocated) ?? 2) - (ratio(b.covered, b.allocated) ?? 2) ||
          a.reported / a.keys - b.reported / b.keys,
      );
  }

  /** Projects matching the county filter and the programme's axis. */
  projects(f: Filters): Raw[] {
    const county = f.county >= 0 ? this.data.codes.county[f.county]?.code : undefined;
    const axis = f.program >= 0 ? this.programAxis(f.program) : -1;
    return this.data.projects.filter(
      (p) => (!county || String(p[4]).split(';').includes(county)) && (axis < 0 || p[2] === axis),
    );
  }

  /** Projects' new and sustained jobs per axis, as mart_jobs_by_axis: cancelled projects apart. */
  jobsByAxis(f: Filters): { axis: number; newJobs: number; sustained: number; projects: number; cancelled: number }[] {
    const groups = new Map<number, { newJobs: number; sustained: number; projects: number; cancelled: number }>();
    for (const p of this.projects(f)) {
      const g = groups.get(num(p[2])) ?? { newJobs: 0, sustained: 0, projects: 0, cancelled: 0 };
      if (p[10] === 0) g.cancelled += 1;
      else {
        g.newJobs += num(p[6]);
        g.sustained += num(p[7]);
        g.projects += 1;
      }
      groups.set(num(p[2]), g);
    }
    return [...groups.entries()].map(([axis, g]) => ({ axis, ...g })).sort((a, b) => a.axis - b.axis);
  }

  /** Facility jobs committed at the period through each programme's axis. */
  facilityJobsByAxis(f: Filters): { axis: number; jobs: number; unknown: number }[] {
    const groups = new Map<number, { jobs: number; unknown: number }>();
    for (const r of this.absorptionRows(f)) {
      const flags = num(r[A.flags]);
      if (!(flags & IN_TOTALS) || !(flags & REPORTED)) continue;
      const axis = this.programAxis(num(r[A.program]));
      const g = groups.get(axis) ?? { jobs: 0, unknown: 0 };
      if (r[A.jobs] === null) g.unknown += 1;
      else g.jobs += num(r[A.jobs]);
      groups.set(axis, g);
    }
    return [...groups.entries()].map(([axis, g]) => ({ axis, ...g })).sort((a, b) => a.axis - b.axis);
  }

  /** Programmes whose quarterly disbursement moved most since the previous quarter (as-of quarter only). */
  moved(f: Filters): { program: number; change: bigint | null; rateChange: number | null }[] {
    return this.data.changes.moved
      .map((r) => ({ program: num(r[0]), change: micro(r[1]), rateChange: r[2] as number | null }))
      .filter(
        (r) =>
          (f.program < 0 || r.program === f.program) &&
          (f.funding_source < 0 || this.programFunding(r.program) === f.funding_source),
      );
  }
}

export { microToDecimal, microToNumber };
