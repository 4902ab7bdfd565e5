/**
 * Soft rules (CONTRACT §4): checked on the rows this run loaded, after the upsert, so that they
 * compare with earlier quarters already in the warehouse. A broken soft rule is a warning in
 * dq_warnings; the row stays loaded.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from './db.ts';
import { locationSql } from './location.ts';

const FUNNEL = [
  ['referred_amount', 'approved_amount', 'approved (مصوب) is above referred (معرفی به بانک)'],
  ['approved_amount', 'contracted_amount', 'contracted (قرارداد) is above approved (مصوب)'],
  ['contracted_amount', 'disbursed_amount', 'disbursed (پرداخت) is above contracted (قرارداد)'],
] as const;

const STAGE_AMOUNTS = ['referred_amount', 'approved_amount', 'contracted_amount', 'disbursed_amount'] as const;
const ABSORPTION_KEY = ['program', 'funding_source', 'bank', 'agency', 'county'] as const;

type Dataset = 'absorption' | 'applications';

/**
 * SQL true for a row of `dataset` (alias `a`) that this run loaded or found unchanged: a reload
 * warns about the rows it repeats as the first load did.
 */
function inThisRun(dataset: Dataset, a: string, unchanged: Set<Dataset>): string {
  // Without unchanged rows, only the load's own rows: their row groups alone are read.
  if (!unchanged.has(dataset)) return `(${a}.load_id = $load_id)`;
  const keys = dataset === 'absorption' ? ['year', 'quarter', ...ABSORPTION_KEY] : ['application_id'];
  return `(${a}.load_id = $load_id or exists (select 1 from temp.unchanged_${dataset} u where ${keys.map((k) => `u.${k} is not distinct from ${a}.${k}`).join(' and ')}))`;
}

const fmt = (column: string) => `regexp_replace(${column}::VARCHAR, '\\.?0+$', '')`;

/**
 * The soft-rule checks, each a SELECT of dq_warnings rows for load $load_id, over the rows loaded
 * and, for the datasets in `unchanged`, the rows the run found unchanged.
 */
function softRules(unchanged: Set<Dataset>): { rule: string; sql: string }[] {
  const inThis = (dataset: Dataset, a: string) => inThisRun(dataset, a, unchanged);
  return [
    ...FUNNEL.map(([earlier, later, words]) => ({
      rule: 'funnel_order',
      sql: `select 'absorption', source_file, source_line, 'funnel_order',
        ${locationSql('source_file', 'source_line', 'source_record')} || ': ${words}: ' || ${fmt(later)} || ' > ' || ${fmt(earlier)}
        from absorption a where ${inThis('absorption', 'a')} and ${later} > ${earlier}`,
    })),
    ...STAGE_AMOUNTS.map((column) => ({
      rule: 'cumulative_decrease',
      sql: `select 'absorption', cur.source_file, cur.source_line, 'cumulative_decrease',
        ${locationSql('cur.source_file', 'cur.source_line', 'cur.source_record')} || ': ${column} ' || ${fmt(`cur.${column}`)} ||
          ' is lower than the same key''s ' || ${fmt(`prev.${column}`)} || ' in quarter ' || prev.quarter ||
          ', although reports are cumulative from the start of the year'
        from absorption cur join absorption prev
          on prev.year = cur.year and prev.quarter = cur.quarter - 1
          and ${ABSORPTION_KEY.map((k) => `prev.${k} is not distinct from cur.${k}`).join(' and ')}
        where ${inThis('absorption', 'cur')} and cur.${column} < prev.${column}`,
    })),
    {
      rule: 'disbursed_above_allocated',
      sql: `select 'absorption', a.source_file, a.source_line, 'disbursed_above_allocated',
        ${locationSql('a.source_file', 'a.source_line', 'a.source_record')} || ': disbursed ' || ${fmt('a.disbursed_amount')} ||
          ' is above the ' || ${fmt('sum(al.amount)')} || ' allocated to the same key in ' || a.year || ' up to quarter ' || a.quarter
        from absorption a join allocations al
          on al.year = a.year and al.quarter <= a.quarter
          and ${ABSORPTION_KEY.map((k) => `al.${k} is not distinct from a.${k}`).join(' and ')}
        where ${inThis('absorption', 'a')}
        group by a.source_file, a.source_line, a.source_record, a.disbursed_amount, a.year, a.quarter
        having a.disbursed_amount > sum(al.amount)`,
    },
    {
      rule: 'application_disbursed_above_approved',
      sql: `select 'applications', source_file, source_line, 'application_disbursed_above_approved',
        ${locationSql('source_file', 'source_line', 'source_record')} || ': application ' || application_id || ' was paid ' || ${fmt('disbursed_amount')} ||
          ', more than the ' || ${fmt('approved_amount')} || ' approved'
        from applications a where ${inThis('applications', 'a')} and disbursed_amount > approved_amount`,
    },
  ];
}

/** Runs every soft rule for load `loadId`; returns the number of warnings per source file. */
export async function checkSoftRules(connection: DuckDBConnection, loadId: number): Promise<Map<string, number>> {
  const unchanged = new Set<Dataset>();
  for (const dataset of ['absorption', 'applications'] as const) {
    await connection.run(`create temp table if not exists unchanged_${dataset} as select * from ${dataset} limit 0`);
    const [{ n }] = (await queryRows<{ n: number }>(connection, `select count(*)::BIGINT as n from temp.unchanged_${dataset}`)) as [{ n: number }];
    if (Number(n) > 0) unchanged.add(dataset);
  }
  const rules = softRules(unchanged);
  for (const { sql } of rules) {
    await connection.run(`insert into dq_warnings select $load_id, * from (${sql})`, { load_id: loadId });
  }
  const rows = await queryRows<{ source_file: string; n: number }>(connection, `
    select source_file, count(*)::BIGINT as n from dq_warnings
    where load_id = $load_id and rule in (${[...new Set(rules.map((r) => `'${r.rule}'`))].join(', ')})
    group by all`, { load_id: loadId });
  return new Map(rows.map((r) => [r.source_file, Number(r.n)]));
}
