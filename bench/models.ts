/**
 * Benchmark of the model build (every model and data test) on a large synthetic applications
 * table, against DuckDB's raw read_csv of the same rows as CSV — the yardstick of issue 3
 * (a whole run, load included, within 3× of it). Not a test: run it by hand.
 *
 *   npx tsx bench/models.ts [rows=1000000] [more row counts…] [--sql DIR]
 *
 * `--sql DIR` builds the models of another sql/ folder (e.g. an earlier commit's, from `git archive`).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeWarehouse, literal, openWarehouse, queryRows } from '../pipelines/db.ts';
import { loadReferenceTables } from '../pipelines/reference.ts';
import { warehouseDdl } from '../pipelines/schema/warehouse.ts';
import { buildModels } from '../pipelines/model.ts';

/** Synthetic applications: codes drawn from the reference tables, Jalali dates as text. */
const APPLICATIONS = (rows: number) => `
  with programs as (select list(code order by code) as c from ref_programs),
       banks as (select list(code order by code) as c from ref_banks),
       agencies as (select list(code order by code) as c from ref_agencies),
       counties as (select list(code order by code) as c from ref_counties),
       sectors as (select list(code order by code) as c from ref_sectors),
       reasons as (select list(code order by code) as c from ref_reasons),
       raw as (
         select i, hash(i) as h, 1393 + (i % 2) as year, 1 + (hash(i * 7) % 4)::int as quarter,
           ['referred','approved','contracted','disbursed','disbursed','disbursed','rejected','withdrawn'][1 + (hash(i * 3) % 8)::int] as status
         from range(${rows}) t(i))
  select
    'A' || i as application_id, year, quarter,
    p.c[1 + (h % len(p.c))::int] as program, b.c[1 + ((h >> 8) % len(b.c))::int] as bank,
    a.c[1 + ((h >> 16) % len(a.c))::int] as agency, k.c[1 + ((h >> 24) % len(k.c))::int] as county,
    s.c[1 + ((h >> 32) % len(s.c))::int] as sector,
    (100 + (h % 2000))::decimal(18,6) as requested_amount,
    case when status in ('approved','contracted','disbursed') then (100 + (h % 1500))::decimal(18,6) end as approved_amount,
    case when status = 'disbursed' then (100 + (h % 1400))::decimal(18,6) end as disbursed_amount,
    status,
    case when status in ('rejected','withdrawn') then r.c[1 + ((h >> 40) % len(r.c))::int] end as reason_code,
    (h % 5)::bigint as jobs_committed,
    date '2014-03-21' + ((year - 1393) * 365 + (quarter - 1) * 91 + (h % 60))::int as referral_date,
    printf('%d/%02d/%02d', year, (quarter - 1) * 3 + 1 + ((h % 60) // 31)::int, 1 + (h % 28)::int) as referral_date_jalali,
    case when status = 'disbursed' then date '2014-03-21' + ((year - 1393) * 365 + (quarter - 1) * 91 + (h % 60) + 20 + (h % 90))::int end as disbursement_date,
    case when status = 'disbursed' then printf('%d/%02d/%02d', year, least(12, (quarter - 1) * 3 + 2 + ((h % 90) // 31)::int), 1 + (h % 28)::int) end as disbursement_date_jalali,
    1 as load_id, 'applications.csv' as source_file, i + 2 as source_line
  from raw, programs p, banks b, agencies a, counties k, sectors s, reasons r`;

/** Small absorption, allocation and other tables, the shape of a province's year. */
const SMALL_TABLES = [
  `insert into allocations
     select y, q, p.code, p.funding_source, b.code, null, null, (1000 + hash(y, q, p.code, b.code) % 9000)::decimal(18,6), 50,
       'N-' || q, 1, 'allocations.csv', 2
     from range(1393, 1395) t(y), range(1, 5) u(q), ref_programs p, ref_banks b`,
  `insert into absorption
     select y, q, p.code, p.funding_source, b.code, null, null, 10, 900 * q, 8, 700 * q, 6, 600 * q, 5, 500 * q, 20 * q,
       1, 'absorption.csv', 2
     from range(1393, 1395) t(y), range(1, 5) u(q), ref_programs p, ref_banks b`,
];

async function bench(rows: number, sqlDir?: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-models-'));
  const warehouse = await openWarehouse(join(dir, 'warehouse.duckdb'));
  const { connection } = warehouse;
  try {
    for (const statement of warehouseDdl()) await connection.run(statement);
    await loadReferenceTables(connection, 'data/reference');
    await connection.run(`insert into applications ${APPLICATIONS(rows)}`);
    for (const statement of SMALL_TABLES) await connection.run(statement);
    const csv = join(dir, 'applications.csv');
    await connection.run(`copy (select * exclude (load_id, source_file, source_line, referral_date, disbursement_date) from applications) to ${literal(csv)} (header)`);

    let t = performance.now();
    await connection.run(`create or replace temp table raw_read as select * from read_csv(${literal(csv)}, header = true)`);
    const readMs = performance.now() - t;
    await connection.run('drop table raw_read');

    t = performance.now();
    await connection.run('begin');
    const report = await buildModels(connection, { loadId: 1, sqlDir });
    await connection.run('commit');
    const buildMs = performance.now() - t;
    const slowest = [...report.models].sort((a, b) => b.ms - a.ms).slice(0, 4).map((m) => `${m.name} ${m.ms} ms`).join(', ');
    const [count] = await queryRows<{ n: number }>(connection, 'select count(*) as n from applications');
    console.log(`${count!.n.toLocaleString('en')} applications, CSV ${(statSync(csv).size / 1e6).toFixed(0)} MB`);
    console.log(`  read_csv: ${readMs.toFixed(0)} ms`);
    console.log(`  models + ${report.tests.length} data tests: ${buildMs.toFixed(0)} ms (${(buildMs / readMs).toFixed(2)}× read_csv; models ${report.models.reduce((s, m) => s + m.ms, 0)} ms)`);
    console.log(`  slowest: ${slowest}`);
  } finally {
    closeWarehouse(warehouse);
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const sqlAt = args.indexOf('--sql');
const sqlDir = sqlAt >= 0 ? args[sqlAt + 1] : undefined;
const sizes = args.filter((_, i) => sqlAt < 0 || (i !== sqlAt && i !== sqlAt + 1)).map(Number).filter((n) => n > 0);
for (const rows of sizes.length ? sizes : [1_000_000]) await bench(rows, sqlDir);
