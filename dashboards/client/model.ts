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
  referred: 9,
  approved: 10,
  contracted: 11,
  disbursed: 12,
  jobs: 13,
  firstStage: 14,
} as const;
const IN_TOTALS = 1;
const REPORTED = 2;
const AGENCY_REPORT = 4;

type Raw = (number | string | null)[];

const num = (v: unknown): number => v as number;
// Money cells are parsed into BigInt once, when the model is made (see MONEY_COLUMNS).
const micro = (v: unknown): bigint | null => (typeof v === 'bigint' ? v : parseMicro(v as string | null));

/** The money columns of each row set, parsed from text to BigInt micro-units once. */
const MONEY_COLUMNS = {
  absorption: [8, 9, 10, 11, 12, 14, 15, 16, 17, 18],
  reasons: [7],
  timing: [3, 4, 5],
  ndf: [5, 6, 7],
} as const;

/** Sums of one group: exact money, plus what the rate and gap need. */
export interface AbsorptionSum {
  allocated: bigint;
  disbursed: bigint | null;
  referred: bigint | null;
  jobs: number | null;
  jobsUnknown: number;
  keys: number;
  reportedKeys: number;
}

function emptySum(): AbsorptionSum {
  return { allocated: 0n, disbursed: null, referred: null, jobs: null, jobsUnknown: 0, keys: 0, reportedKeys: 0 };
}

/** Absorption rate as the marts compute it: disbursed ÷ allocated, NULL when nothing was allocated. */
export function rateOf(s: AbsorptionSum): number | null {
  if (s.disbursed === null || s.allocated === 0n) return null;
  return (microToNumber(s.disbursed) as number) / (microToNumber(s.allocated) as number);
}

/** Gap as the marts compute it: allocated − disbursed (NULL when nothing was reported). */
export function gapOf(s: AbsorptionSum): bigint | null {
  return s.disbursed === null ? null : s.allocated - s.disbursed;
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

  /** Province (or filtered) sums in the mart_absorption_trend way: allocated over every key, stages over reports in totals. */
  sum(rows: Raw[], agencyOwn = false): AbsorptionSum {
    const s = emptySum();
    for (const r of rows) {
      const flags = num(r[A.flags]);
      s.keys += 1;
      s.allocated += micro(r[A.allocated]) ?? 0n;
      if (flags & REPORTED) s.reportedKeys += 1;
      const counts = agencyOwn ? (flags & AGENCY_REPORT) !== 0 && (flags & REPORTED) !== 0 : (flags & IN_TOTALS) !== 0;
      if (!counts) continue;
      const d = micro(r[A.disbursed]);
      if (d !== null) s.disbursed = (s.disbursed ?? 0n) + d;
      const ref = micro(r[A.referred]);
      if (ref !== null) s.referred = (s.referred ?? 0n) + ref;
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

  /** Gap by funnel stage (mart_gap_stages, rows in totals), per programme; parts in stage order. */
  gapStages(f: Filters): { program: number; parts: bigint[] }[] {
    const groups = new Map<number, bigint[]>();
    for (const r of this.absorptionRows(f)) {
      if (!(num(r[A.flags]) & IN_TOTALS)) continue;
      const p = num(r[A.program]);
      const parts = groups.get(p) ?? [0n, 0n, 0n, 0n, 0n];
      for (let i = 0; i < 5; i++) parts[i]! += micro(r[A.firstStage + i]) ?? 0n;
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

  /** Notifications of the selected year by notification quarter (bank and county filters do not apply). */
  timing(f: Filters): { quarter: number; allocated: bigint; reported: bigint; disbursed: bigint }[] {
    const out = [1, 2, 3, 4].map((quarter) => ({ quarter, allocated: 0n, reported: 0n, disbursed: 0n }));
    for (const r of this.data.timing) {
      if (r[0] !== f.year || !this.matches(r, { ...f, bank: -1, county: -1 }, { program: 2 })) continue;
      const slot = out[num(r[1]) - 1];
      if (!slot) continue;
      slot.allocated += micro(r[3]) ?? 0n;
      slot.reported += micro(r[4]) ?? 0n;
      slot.disbursed += micro(r[5]) ?? 0n;
    }
    return out;
  }

  /** Unabsorbed at each year's last quarter, for the selected year and the years before. */
  carryOver(f: Filters): { year: number; quarter: number; gap: bigint | null }[] {
    // issue 11: mart_carry_over will give previous years' unabsorbed directly; until then, the gap
    // at each year's latest quarter in mart_absorption (for the selected year: the selected quarter).
    const years = [...new Set(this.data.meta.periods.map(([y]) => y))].filter((y) => y <= f.year);
    return years.map((year) => {
      const quarter =
        year === f.year ? f.quarter : Math.max(...this.data.meta.periods.filter(([y]) => y === year).map(([, q]) => q));
      return { year, quarter, gap: gapOf(this.sum(this.absorptionRows(f, { year, quarter }))) };
    });
  }

  /** NDF lines deposited up to the selected year, per bank: resources, disbursed, idle. */
  ndfByBank(f: Filters): { bank: number; resources: bigint; disbursed: bigint; idle: bigint; lines: number }[] {
    const groups = new Map<number, { resources: bigint; disbursed: bigint; idle: bigint; lines: number }>();
    for (const r of this.data.ndf) {
      if (num(r[1]) > f.year || !this.matches(r, { ...f, county: -1 }, { bank: 3, program: 4 })) continue;
      const g = groups.get(num(r[3])) ?? { resources: 0n, disbursed: 0n, idle: 0n, lines: 0 };
      g.resources += micro(r[5]) ?? 0n;
      g.disbursed += micro(r[6]) ?? 0n;
      g.idle += micro(r[7]) ?? 0n;
      g.lines += 1;
      groups.set(num(r[3]), g);
    }
    return [...groups.entries()].map(([bank, g]) => ({ bank, ...g })).sort((a, b) => Number(b.idle - a.idle));
  }

  /** Reporting coverage at the period: keys and reported keys per bank (banks' keys) or per agency. */
  coverage(f: Filters, dim: 'bank' | 'agency'): { code: number; keys: number; reported: number }[] {
    // issue 11: mart_reporting_coverage replaces this count of mart_absorption keys.
    const groups = new Map<number, { keys: number; reported: number }>();
    for (const r of this.absorptionRows(f)) {
      const isAgency = num(r[A.agency]) >= 0;
      if ((dim === 'bank') === isAgency) continue;
      const code = num(r[A[dim]]);
      if (code < 0) continue;
      const g = groups.get(code) ?? { keys: 0, reported: 0 };
      g.keys += 1;
      if (num(r[A.flags]) & REPORTED) g.reported += 1;
      groups.set(code, g);
    }
    return [...groups.entries()]
      .map(([code, g]) => ({ code, ...g }))
      .sort((a, b) => a.reported / a.keys - b.reported / b.keys);
  }

  /** Projects matching the county filter and the programme's axis. */
  projects(f: Filters): Raw[] {
    const county = f.county >= 0 ? this.data.codes.county[f.county]?.code : undefined;
    const axis = f.program >= 0 ? this.programAxis(f.program) : -1;
    return this.data.projects.filter(
      (p) => (!county || String(p[4]).split(';').includes(county)) && (axis < 0 || p[2] === axis),
    );
  }

  /** Projects' new and sustained jobs per axis. */
  jobsByAxis(f: Filters): { axis: number; newJobs: number; sustained: number; projects: number }[] {
    const groups = new Map<number, { newJobs: number; sustained: number; projects: number }>();
    for (const p of this.projects(f)) {
      const g = groups.get(num(p[2])) ?? { newJobs: 0, sustained: 0, projects: 0 };
      g.newJobs += num(p[6]);
      g.sustained += num(p[7]);
      g.projects += 1;
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
