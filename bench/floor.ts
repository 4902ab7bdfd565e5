/**
 * What DuckDB alone costs for the steps any load that checks rows before storing them must take
 * (run by hand, not a test). On one generated applications file, in one fresh database file,
 * under the pipeline's own settings (memory limit, no FSST), it times:
 *
 *   1. read_csv straight into a stored table: the raw read the load is measured against;
 *   2. read_csv into a temporary table, numbers typed (what the load's first pass does);
 *   3. that temporary table copied into a stored table (the least its insert can cost);
 *   4. read_csv straight into a stored table with each row's position beside it (a positional
 *      join with range(), the only way to number rows in one pass);
 *   5. the other way round, store then check: read_csv straight into a stored table and, in the
 *      same transaction, the one check no load can skip (is a natural key given twice?) over the
 *      rows not yet committed, then the commit;
 *   6. that check over the committed table of (1), for comparison;
 *   7. store then check, keeping each row's line as CONTRACT §5 asks: read_csv inserted into an
 *      empty stored table, then each row's line set from its row id (the rows a transaction has
 *      not yet committed are numbered in the order they were inserted, which is file order), the
 *      key checked, the commit. DuckDB's reader gives no line numbers of its own.
 *
 * (2) + (3) against (1) is the floor of a check-then-store design, before any check is made;
 * (5) against (1) is the floor of a store-then-check design, with only the key checked, and (7)
 * the same with every row's line kept.
 *
 *   npx tsx bench/floor.ts [--rows 1000000]
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { closeWarehouse, literal, openWarehouse } from '../pipelines/db.ts';
import { parseOrExit } from '../pipelines/cli/command.ts';
import { DEFAULT_MEMORY_LIMIT } from '../pipelines/run.ts';
import { APPLICATION_COLUMNS, writeApplicationsCsv } from './applications.ts';

const spec = {
  name: 'npx tsx bench/floor.ts',
  summary: 'DuckDB alone: read_csv into a stored table, against reading into a temporary table and copying it, and against storing first and then checking the natural key, with and without the line of each row kept, on one generated applications file.',
  options: {
    rows: { value: 'N', help: 'rows of the generated applications file', default: '1000000' },
    out: { value: 'DIR', help: 'where the file and the database go', default: 'bench/out' },
  },
  examples: ['npx tsx bench/floor.ts --rows 10000000'],
};
const parsed = parseOrExit(spec);
if (!parsed) process.exit(0);
const rows = Number(parsed.values.rows);
if (!Number.isInteger(rows) || rows <= 0) {
  console.error(`error: --rows ${parsed.values.rows}: expected a whole number, e.g. 1000000`);
  process.exit(1);
}
const csv = join(parsed.values.out!, `applications-${rows}`, 'applications.csv');
if (!existsSync(csv)) {
  mkdirSync(dirname(csv), { recursive: true });
  await writeApplicationsCsv(csv, rows);
}
const db = join(parsed.values.out!, `floor-${rows}.duckdb`);
for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });

const NUMERIC: Record<string, string> = {
  year: 'DECIMAL(18,3)', quarter: 'DECIMAL(18,3)', jobs_committed: 'DECIMAL(18,3)',
  requested_amount: 'DECIMAL(18,6)', approved_amount: 'DECIMAL(18,6)', disbursed_amount: 'DECIMAL(18,6)',
};
const columns = APPLICATION_COLUMNS.map((c) => `${literal(c)}: '${NUMERIC[c] ?? 'VARCHAR'}'`).join(', ');
const read = `read_csv(${literal(csv)}, header = true, columns = {${columns}}, delim = ',', quote = '"', escape = '"',
  comment = '', auto_detect = false, strict_mode = true, max_line_size = 10000000)`;

const warehouse = await openWarehouse(db);
const { connection } = warehouse;
await connection.run(`set memory_limit = '${DEFAULT_MEMORY_LIMIT}'`);
await connection.run(`set disabled_compression_methods = 'fsst'`);
const timed = async (label: string, sql: string): Promise<number> => {
  const t0 = performance.now();
  await connection.run(sql);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(58)} ${seconds.toFixed(2)} s`);
  return seconds;
};
console.log(`${csv} (${rows.toLocaleString('en-US')} rows), memory_limit ${DEFAULT_MEMORY_LIMIT}`);
const direct = await timed('1. read_csv into a stored table', `create table direct as select * from ${read}`);
const temp = await timed('2. read_csv into a temporary table (numbers typed)', `create temp table raw as select * from ${read}`);
const copy = await timed('3. the temporary table copied into a stored table', `create table copied as select * from raw`);
await timed('4. read_csv into a stored table, rows numbered', `create table numbered as select r.*, n.range as position from ${read} r positional join range(${rows}) n`);
const repeatedKeys = (table: string) => `select count(*) from (select application_id from ${table} group by all having count(*) > 1)`;
const t0 = performance.now();
await connection.run('begin transaction');
const stored = await timed('5a. read_csv into a stored table, not yet committed', `create table stored_first as select * from ${read}`);
const checked = await timed('5b. repeated keys counted over those rows', repeatedKeys('stored_first'));
await timed('5c. commit', 'commit');
const storeThenCheck = (performance.now() - t0) / 1000;
console.log(`${'5. store, check the key, commit'.padEnd(58)} ${storeThenCheck.toFixed(2)} s`);
await timed('6. repeated keys counted over the committed table of 1', repeatedKeys('direct'));
await connection.run(`create table lined as select *, NULL::BIGINT as source_line from ${read} limit 0`);
const t7 = performance.now();
await connection.run('begin transaction');
const inserted = await timed('7a. read_csv inserted into an empty stored table', `insert into lined select *, NULL from ${read}`);
const lined = await timed('7b. each row\'s line set from its row id', `update lined set source_line = rowid - (select min(rowid) from lined) + 2`);
await timed('7c. repeated keys counted over those rows', repeatedKeys('lined'));
const committed = await timed('7d. commit', 'commit');
const linedStore = (performance.now() - t7) / 1000;
console.log(`${'7. store, number the lines, check the key, commit'.padEnd(58)} ${linedStore.toFixed(2)} s`);
// The lines must be the file's: its first and last data rows, against what the reader read there.
const [ends] = (await connection.runAndReadAll(`select
  (select application_id from lined where source_line = 2) = (select application_id from direct where rowid = 0) as first_ok,
  (select application_id from lined where source_line = ${rows + 1}) = (select application_id from direct where rowid = ${rows - 1}) as last_ok,
  (select count(distinct source_line) from lined) = ${rows} as all_numbered`)).getRowObjects();
if (!ends!.first_ok || !ends!.last_ok || !ends!.all_numbered) console.log(`7. the lines are not the file's: ${JSON.stringify(ends)}`);
console.log(`(2 + 3) ÷ 1: ${((temp + copy) / direct).toFixed(2)}×: the floor of reading into a table, checking, then storing`);
console.log(`5 ÷ 1: ${(storeThenCheck / direct).toFixed(2)}×: the floor of storing, then checking the key alone (5a ${stored.toFixed(2)} s, 5b ${checked.toFixed(2)} s)`);
console.log(`7 ÷ 1: ${(linedStore / direct).toFixed(2)}×: the same, with every row's line kept (7a ${inserted.toFixed(2)} s, 7b ${lined.toFixed(2)} s, 7d ${committed.toFixed(2)} s)`);
closeWarehouse(warehouse);
for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
