/**
 * Validate: cleans a file's raw text columns into typed values in set-based SQL passes, and
 * sends every row that breaks a hard rule to the quarantine with a message a planner understands.
 * Values the fast SQL casts cannot take (Persian digits, names, dates) are cleaned in JavaScript
 * once per distinct value and joined back.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import { columnMeta, numericRange, type ColumnMeta } from './schema/columns.ts';
import { SQL_TYPE } from './schema/warehouse.ts';
import type { References } from './reference.ts';
import { ident, literal, queryRows } from './db.ts';
import { cleanValue } from './ingest/values.ts';
import { createRejectsTable, type RawFile } from './ingest/read.ts';
import type { Unit } from './ingest/drop.ts';
import { locationSql, locationText } from './location.ts';
import { copyLinesAt, readCsvLines } from './ingest/csv.ts';
import { join } from 'node:path';
import { fastType, MONEY_PARSE, NUMERIC } from './ingest/numbers.ts';

export interface CleanFile {
  raw: RawFile;
  /**
   * Temp table (for a big file, a view over the raw table): typed dataset columns, source_line, source_record, source_position,
   * raw_rowid, is_total, problems. The rows with a problem or a totals row are in `${table}_flagged`.
   */
  table: string;
  /** Whether `table` is a view over the raw text (a big file) rather than a table of its own. */
  isView: boolean;
  /** The raw text table that the flagged rows' raw_rowid points into (for a typed file, its lines read again as text). */
  valuesTable: string;
  /** Records in the file, as the independent counter found them. */
  rowsRead: number;
  /** Records as the reader accounts for them: rows read + lines it could not parse + blank rows. */
  rowsAccounted: number;
  rowsBlank: number;
  rowsTotals: number;
  rowsQuarantined: number;
  warnings: number;
  /** When the drop folder's name states a year and quarter and rows are of another: what to warn. */
  periodNote?: string;
}

/** From this many rows on, a file's clean rows are a view over its raw text rather than a copy. */
export const CLEAN_VIEW_FROM_ROWS = 100_000;

/**
 * At most this many of a typed file's rows are read again as text by their line; a file with more
 * rows that need cleaning (Persian digits throughout, say) is read again whole, as text. A 10M-row
 * file with 1 % of them to clean loads in the typed way (README "Speed").
 */
export const SLOW_LINES_MAX = 100_000;
/** …or more than this share of its rows, whichever is more. */
export const SLOW_LINES_SHARE = 0.25;

/** Why a typed file must be read again whole, as text (for the log). */
export interface ReadAsText { readAsText: string }

/** A value map that would map every value to itself: the column is used as it is, without a join. */
const IDENTITY = '(identity)';

/** The SQL condition under which a raw value of a column needs cleaning in JavaScript. */
function needsCleaning(meta: ColumnMeta, col: string, unit: Unit): string {
  if (NUMERIC.has(meta.kind)) return `try_cast(${col} as ${fastType(meta, unit)}) is null`;
  // Non-ASCII (byte length ≠ character length) or any white space: cheaper than a regular expression.
  if (meta.kind === 'text') return `(strlen(${col}) <> length(${col}) or contains(${col}, ' ') or contains(${col}, chr(9)) or contains(${col}, chr(10)) or contains(${col}, chr(13)))`;
  return 'true';
}

/**
 * For the numeric (or the other) columns of `raw`, the distinct values the fast SQL path cannot
 * take, cleaned in JavaScript into a temp table (raw, clean, iso, problem, is_total) per column.
 */
async function buildValueMaps(
  connection: DuckDBConnection, raw: RawFile, references: References, { numeric }: { numeric: boolean },
): Promise<Map<string, string>> {
  const unit = raw.file.unit;
  // (A column the reader already read as numbers has nothing to clean.)
  const columns = raw.columns
    .filter((name) => !raw.typed[name])
    .map((name) => ({ name, schema: raw.dataset.schema.shape[name] as z.ZodType }))
    .filter(({ schema }) => NUMERIC.has(columnMeta(schema).kind) === numeric);
  const distinct = columns.map(({ name, schema }, i) => {
    const col = `r.${ident(name)}`;
    return `select distinct ${i} as i, ${col} as v from ${ident(raw.table)} r where ${col} is not null and ${needsCleaning(columnMeta(schema), col, raw.columnUnits[name] ?? unit)}`;
  });
  const values = distinct.length === 0 ? [] : await queryRows<{ i: number; v: string }>(connection, distinct.join(' union all '));
  const maps = new Map<string, string>();
  for (const [i, { name, schema }] of columns.entries()) {
    const own = values.filter((row) => row.i === i);
    if (own.length === 0) continue;
    const results = own.map(({ v }) => ({ v, result: cleanValue(schema, v, references) }));
    // Codes already written as codes need no join at all: the most common case in machine exports.
    const identity = results.every(({ v, result }) => result.clean === v && !result.problem && !result.isTotal && !result.iso);
    if (identity) {
      maps.set(name, IDENTITY);
      continue;
    }
    const table = `${raw.table}_map_${name}`;
    await connection.run(`create or replace temp table ${ident(table)} (raw VARCHAR, clean VARCHAR, iso VARCHAR, problem VARCHAR, is_total BOOLEAN)`);
    const appender = await connection.createAppender(table, 'main', 'temp');
    for (const { v, result } of results) {
      appender.appendVarchar(v);
      for (const text of [result.clean, result.iso, result.problem]) {
        if (text === null || text === undefined) appender.appendNull(); else appender.appendVarchar(text);
      }
      appender.appendBoolean(result.isTotal);
      appender.endRow();
    }
    appender.closeSync();
    maps.set(name, table);
  }
  return maps;
}

/**
 * SQL pieces for one column. `typed` goes in a first pass that computes each value once (with the
 * raw text and the JavaScript map's verdict beside it, under `raw:`, `mp:`, `me:` and `p:` names);
 * `problem` reads those names in a second pass and gives the message, or NULL when the value is fine.
 */
function columnSql(name: string, schema: z.ZodType, map: string | undefined, unit: Unit) {
  const meta = columnMeta(schema);
  const col = `r.${ident(name)}`;
  const isIdentity = map === IDENTITY;
  if (isIdentity) map = undefined;
  const m = map ? `m_${name}` : undefined;
  // Map fields are VARCHAR; without a map they are a VARCHAR NULL, so that every column keeps its
  // warehouse type even when it is empty throughout the file.
  const mapped = (field: string) => (m ? `${m}.${field}` : 'NULL::VARCHAR');
  const q = (prefix: string) => ident(`${prefix}:${name}`);
  const typed: string[] = [`${col} as ${q('raw')}`];
  if (m) typed.push(`${m}.problem as ${q('mp')}`, `(${m}.raw is not null and ${m}.clean is null and ${m}.problem is null) as ${q('me')}`);
  let value: string;
  let outOfRange = 'false';
  switch (meta.kind) {
    case 'int':
    case 'decimal': {
      const scale = meta.kind === 'int' ? 3 : 6;
      typed.push(`coalesce(try_cast(${col} as DECIMAL(18,${scale})), try_cast(${mapped('clean')} as DECIMAL(18,${scale}))) as ${q('p')}`);
      const { min, max } = numericRange(schema);
      const parsed = q('p');
      outOfRange = `(${parsed} < ${min} or ${parsed} > ${max}${meta.kind === 'int' ? ` or ${parsed} <> trunc(${parsed})` : ''})`;
      value = `try_cast(coalesce(try_cast(${col} as DECIMAL(18,${scale})), try_cast(${mapped('clean')} as DECIMAL(18,${scale}))) as ${meta.kind === 'int' ? 'BIGINT' : 'DECIMAL(9,4)'})`;
      break;
    }
    case 'money': {
      const { type, factor } = MONEY_PARSE[unit];
      const parsed = `coalesce(try_cast(${col} as ${type}), try_cast(${mapped('clean')} as ${type}))`;
      // Billions are multiplied in a wider decimal (their product needs 9 more digits), and only
      // below what DECIMAL(18,6) million rials can hold; a larger figure is quarantined, not a crash.
      value = unit === 'billion_rial'
        ? `case when abs(${parsed}) < 1000000000 then cast(cast(${parsed} as DECIMAL(22,9))${factor} as DECIMAL(18,6)) end`
        : `cast(${parsed}${factor} as DECIMAL(18,6))`;
      outOfRange = meta.positive ? `${ident(name)} <= 0` : `${ident(name)} < 0`;
      break;
    }
    case 'text':
      value = m ? `coalesce(${m}.clean, case when ${m}.raw is null then ${col} end)` : col;
      break;
    case 'code':
    case 'code_list':
    case 'enum':
      value = isIdentity ? col : mapped('clean');
      break;
    case 'date':
      value = `cast(${mapped('iso')} as DATE)`;
      typed.push(`${mapped('clean')} as ${ident(`${name}_jalali`)}`);
      break;
    default:
      value = mapped('clean');
  }
  typed.unshift(`${value} as ${ident(name)}`);
  const required = !schema.isOptional();
  const label = `'column ${name} (${meta.label.replace(/'/g, "''")}): '`;
  const expected = meta.expected.replace(/'/g, "''");
  // (A typed file's numbers are numbers here; its rows with a problem are read again as text for their messages.)
  const found = `${label} || 'found "' || cast(${q('raw')} as VARCHAR) || '", expected ${expected}'`;
  const missing = `${label} || 'found nothing, expected ${expected}'`;
  const emptied = m ? q('me') : 'false';
  // The first branch whose condition holds decides; a NULL message means no problem.
  const branches: [string, string][] = [
    [m ? `${q('mp')} is not null` : 'false', m ? `${label} || ${q('mp')}` : 'NULL'],
    [`${ident(name)} is null and ${q('raw')} is not null and ${emptied}`, required ? missing : 'NULL'],
    [`${ident(name)} is null and ${q('raw')} is not null`, found],
    [`${ident(name)} is null and ${required}`, missing],
    [outOfRange, found],
  ];
  const problem = `case ${branches.map(([when, then]) => `when ${when} then ${then}`).join(' ')} end`;
  // The same decision as a boolean, cheap enough for every row: messages are built only for the
  // rows it flags. Written out rather than derived from the branches: DuckDB inlines the typed
  // value into every place a filter names it, and the branches name it up to five times.
  // An empty value is a problem when the column is required, or when the text was not emptied by
  // cleaning; a value present is one when it is out of range.
  const emptyProblem = `${required} or (${q('raw')} is not null and not ${emptied})`;
  const hasProblem = `(${m ? `${q('mp')} is not null or ` : ''}case when ${ident(name)} is null then ${emptyProblem} else coalesce(${outOfRange}, false) end)`;
  const join = m ? `left join ${ident(map!)} ${m} on ${m}.raw = ${col}` : '';
  return { typed, problem, hasProblem, join, totals: m ? `coalesce(${m}.is_total, false)` : 'false' };
}

/** SQL that is true for a raw row (alias `r`) empty in every column of its dataset. */
function blankRowSql(raw: RawFile): string {
  return raw.columns.length > 0 ? raw.columns.map((c) => `r.${ident(c)} is null`).join(' and ') : 'true';
}

/**
 * Creates the view `${table}_all`: every raw row's typed values, whether it is blank or a totals
 * row, `has_problem` and its problem messages, computed where they are read, never copied.
 */
async function createAllView(
  connection: DuckDBConnection, raw: RawFile, references: References, maps: Map<string, string>, table: string,
): Promise<void> {
  const { dataset, file } = raw;
  const pieces: ReturnType<typeof columnSql>[] = [];
  const missing: string[] = [];
  for (const [name, schema] of Object.entries(dataset.schema.shape) as [string, z.ZodType][]) {
    if (!raw.columns.includes(name)) {
      const { kind } = columnMeta(schema);
      missing.push(`NULL::${SQL_TYPE[kind]} as ${ident(name)}`);
      if (kind === 'date') missing.push(`NULL::VARCHAR as ${ident(`${name}_jalali`)}`);
      continue;
    }
    pieces.push(columnSql(name, schema, maps.get(name), raw.columnUnits[name] ?? file.unit));
  }
  const fundingDefault = 'funding_source' in dataset.schema.shape && 'program' in dataset.schema.shape;
  if (fundingDefault) {
    // Each programme's own funding source, from the code list (the ref_ tables are only replaced
    // inside the load transaction, which has not begun yet).
    const pairs = references.programs.rows.map((row) => `(${literal(row.code!)}, ${literal(row.funding_source ?? '')})`).join(', ');
    await connection.run(`create or replace temp table program_funding (code VARCHAR, funding_source VARCHAR)`);
    if (pairs) await connection.run(`insert into temp.program_funding values ${pairs}`);
  }
  const blank = blankRowSql(raw);
  const typedColumns = Object.entries(dataset.schema.shape).flatMap(([name, schema]) =>
    columnMeta(schema as z.ZodType).kind === 'date' ? [name, `${name}_jalali`] : [name]);
  const ruleProblems = dataset.rules.map((rule) => {
    const label = columnMeta(dataset.schema.shape[rule.column] as z.ZodType).label;
    return `case when ${rule.breaks} then 'column ${rule.column} (${label}): found nothing, expected ${rule.expected}' end`;
  });
  // Every row's typed values, as a view over the raw text: computed where they are read, never copied.
  await connection.run(`
    create or replace temp view ${ident(`${table}_all`)} as
    with typed as (
      select
        ${[...pieces.flatMap((p) => p.typed), ...missing].join(',\n        ')},
        ${raw.lineSql} as source_line,
        ${raw.recordSql} as source_record,
        ${raw.positionSql} as source_position,
        r.rowid as raw_rowid,
        ${pieces.map((p) => p.totals).join(' or ') || 'false'} as is_total,
        (${blank}) as is_blank
      from ${raw.fromSql}
      ${pieces.map((p) => p.join).join('\n      ')}
    ),
    defaulted as (
      select * replace (${fundingDefault ? 'coalesce(typed.funding_source, program_ref.funding_source) as funding_source' : 'typed.source_line as source_line'})
      from typed
      ${fundingDefault ? 'left join temp.program_funding program_ref on program_ref.code = typed.program' : ''}
    )
    select ${typedColumns.map(ident).join(', ')}, source_line, source_record, source_position, raw_rowid, is_total, is_blank,
      (${[...pieces.map((p) => p.hasProblem), ...dataset.rules.map((rule) => `coalesce(${rule.breaks}, false)`)].join(' or ') || 'false'}) as has_problem,
      nullif(concat_ws('; ', ${[...pieces.map((p) => p.problem), ...ruleProblems].join(',\n        ') || 'NULL'}), '') as problems
    from defaulted`);
}

/**
 * Creates `table`, the file's typed rows with their problems, and `${table}_flagged`, the rows with
 * a problem or a totals row. A big file's `table` is a view over its raw text (`asView`): its typed
 * values are computed where they are read, never held twice in memory. A small one is a table,
 * since many views in one union cost DuckDB more than the copies.
 */
async function createCleanTable(
  connection: DuckDBConnection, raw: RawFile, references: References, maps: Map<string, string>, table: string, asView: boolean,
): Promise<number> {
  await createAllView(connection, raw, references, maps, table);
  const blank = blankRowSql(raw);
  const all = ident(`${table}_all`);
  const flagged = ident(`${table}_flagged`);
  if (!asView) {
    await connection.run(`create or replace temp table ${ident(table)} as select * exclude (has_problem, is_blank) from ${all} where not is_blank`);
    await connection.run(`
      create or replace temp table ${flagged} as
      select raw_rowid, source_line, source_record, problems, is_total from ${ident(table)} where problems is not null or is_total`);
    const [{ blank: blankRows }] = (await queryRows<{ blank: number }>(connection,
      `select count(*)::BIGINT as blank from ${ident(raw.table)} r where ${blank}`)) as [{ blank: number }];
    return Number(blankRows);
  }
  // One pass over the raw text finds the few rows with a problem, the totals rows and the blank
  // rows, with their messages; only they are kept.
  const marked = ident(`${table}_marked`);
  await connection.run(`
    create or replace temp table ${marked} as
    select raw_rowid, source_line, source_record, problems, is_total, is_blank from ${all} where has_problem or is_total or is_blank`);
  await connection.run(`
    create or replace temp table ${flagged} as select * exclude (is_blank) from ${marked} where not is_blank`);
  const [{ blank: blankRows }] = (await queryRows<{ blank: number }>(connection,
    `select count(*)::BIGINT as blank from ${marked} where is_blank`)) as [{ blank: number }];
  await connection.run(`drop table ${marked}`);
  const [{ flaggedRows }] = (await queryRows<{ flaggedRows: number }>(connection,
    `select count(*)::BIGINT as "flaggedRows" from ${flagged}`)) as [{ flaggedRows: number }];
  // A file without a problem or a totals row, as machine exports mostly are, needs no join at all.
  await connection.run(`
    create or replace temp view ${ident(table)} as
    select a.* exclude (has_problem, problems, is_blank), ${Number(flaggedRows) === 0 ? 'NULL::VARCHAR as problems' : 'f.problems'}
    from ${all} a ${Number(flaggedRows) === 0 ? '' : `left join ${flagged} f on f.raw_rowid = a.raw_rowid`}
    where not a.is_blank`);
  return Number(blankRows);
}

/**
 * Cleans a file of text columns into `table` (a view for a big file, else a table) and
 * `${table}_flagged`; returns its blank rows. Numbers are taken by the fast SQL cast alone at
 * first; only when that leaves rows with problems are the odd numbers (Persian digits,
 * separators) cleaned in JavaScript and the pass run again.
 */
async function cleanText(
  connection: DuckDBConnection, raw: RawFile, references: References, table: string, asView: boolean,
): Promise<number> {
  let maps = await buildValueMaps(connection, raw, references, { numeric: false });
  let blankRows = await createCleanTable(connection, raw, references, maps, table, asView);
  const [{ bad }] = (await queryRows<{ bad: number }>(connection, `select count(*)::BIGINT as bad from ${ident(`${table}_flagged`)} where problems is not null`)) as [{ bad: number }];
  if (Number(bad) > 0) {
    const numericMaps = await buildValueMaps(connection, raw, references, { numeric: true });
    if (numericMaps.size > 0) {
      maps = new Map([...maps, ...numericMaps]);
      blankRows = await createCleanTable(connection, raw, references, maps, table, asView);
    }
  }
  return blankRows;
}

/**
 * Cleans a typed file (its numbers read as numbers, bar the columns with a number the reader
 * could not take) into the view `table`. One pass over the rows finds those with a problem, the
 * totals rows and the blank rows; the rows with a problem or a totals row are read again from the
 * file as text and cleaned as a small file is (`${table}_slow`), so that their messages and values
 * are exactly a text file's. Says why instead when the file must be read again whole, as text:
 * those rows cannot be found by their line (a quoted cell runs over several lines), or there are
 * more than `slowLinesMax` of them and more than a quarter of the file.
 */
async function cleanTyped(
  connection: DuckDBConnection, raw: RawFile, references: References, table: string,
  rows: number, slowLinesMax: number, viewFrom: number,
): Promise<{ blankRows: number; valuesTable: string } | ReadAsText> {
  // Numbers that stayed text (a column with Persian digits, say) are cleaned as a text file's are.
  const maps = new Map([
    ...await buildValueMaps(connection, raw, references, { numeric: false }),
    ...await buildValueMaps(connection, raw, references, { numeric: true }),
  ]);
  await createAllView(connection, raw, references, maps, table);
  const all = ident(`${table}_all`);
  const marked = ident(`${table}_marked`);
  await connection.run(`
    create or replace temp table ${marked} as
    select raw_rowid, source_line, is_blank from ${all} where has_problem or is_total or is_blank`);
  const [counts] = (await queryRows<{ blank: number; slow: number }>(connection, `
    select (select count(*) from ${marked} where is_blank)::BIGINT as blank,
           (select count(*) from ${marked} where not is_blank)::BIGINT as slow`)) as [{ blank: number; slow: number }];
  const blankRows = Number(counts.blank);
  const slow = Number(counts.slow);
  const flagged = ident(`${table}_flagged`);
  const slowTable = `${raw.table}_slow`;
  const slowClean = `${table}_slow`;
  if (slow === 0) {
    await connection.run(`create or replace temp table ${flagged} (raw_rowid BIGINT, source_line BIGINT, source_record BIGINT, problems VARCHAR, is_total BOOLEAN)`);
    await connection.run(`
      create or replace temp view ${ident(table)} as
      select a.* exclude (has_problem, problems, is_blank), NULL::VARCHAR as problems from ${all} a where not a.is_blank`);
    return { blankRows, valuesTable: raw.table };
  }
  const text = raw.textSource!;
  if ((raw.counted.multiline ?? 1) > 0 || text.segments > 1) {
    return { readAsText: 'a quoted cell runs over several lines, so its rows with a problem cannot be found again by their line' };
  }
  const most = Math.max(slowLinesMax, Math.floor(rows * SLOW_LINES_SHARE));
  if (slow > most) {
    return { readAsText: `${slow.toLocaleString('en-US')} of its rows need cleaning (more than ${most.toLocaleString('en-US')}), quicker from the whole text` };
  }
  // The lines to read again, in order: the i-th line read again is the i-th of them.
  const slowLines = ident(`${slowTable}_lines`);
  await connection.run(`
    create or replace temp table ${slowLines} as
    select source_line as line, row_number() over (order by source_line) - 1 as i
    from ${marked} where not is_blank`);
  // As numbers (a line number fits), not one object per row: there may be millions.
  const reader = await connection.runAndReadAll(`select (line - ${text.lineOffset})::INTEGER from ${slowLines} order by i`);
  const lines = reader.getColumnsJS()[0] as number[];
  const slowCsv = join(text.tmpDir, `${raw.table}.slow.csv`);
  const found = await copyLinesAt(text.source.path, lines, text.lineBreak, slowCsv);
  const mismatch = { readAsText: 'its lines read again by their number did not match the rows read' };
  if (found !== lines.length) return mismatch;
  const slowRead = `${slowTable}_read`;
  const slowRejects = `${slowTable}_rejects`;
  await createRejectsTable(connection, slowRejects);
  await readCsvLines(connection, { ...text.source, path: slowCsv, skip: 0, lineOffset: 0 }, slowRead, slowRejects, text.tmpDir);
  const [check] = (await queryRows<{ rows: number; rejects: number }>(connection, `
    select (select count(*) from ${ident(slowRead)})::BIGINT as rows, (select count(*) from ${ident(slowRejects)})::BIGINT as rejects`)) as [{ rows: number; rejects: number }];
  if (Number(check.rows) !== lines.length || Number(check.rejects) > 0) return mismatch;
  await connection.run(`
    create or replace temp table ${ident(slowTable)} as
    select r.*, l.line as __line from ${ident(slowRead)} r join ${slowLines} l on l.i = r.rowid order by r.rowid`);
  const slowRaw: RawFile = {
    ...raw, table: slowTable, typed: {}, castTable: undefined, fromSql: `${ident(slowTable)} r`,
    lineSql: 'r.__line', positionSql: 'r.__line', recordSql: 'NULL::BIGINT', rejectsTable: slowRejects,
  };
  await cleanText(connection, slowRaw, references, slowClean, lines.length >= viewFrom);
  await connection.run(`create or replace temp table ${flagged} as select * from ${ident(`${slowClean}_flagged`)}`);
  await connection.run(`
    create or replace temp view ${ident(table)} as
    select a.* exclude (has_problem, problems, is_blank), NULL::VARCHAR as problems
    from ${all} a anti join (select raw_rowid from ${marked} where not is_blank) m on m.raw_rowid = a.raw_rowid
    where not a.is_blank
    union all by name
    select * from ${ident(slowClean)}`);
  return { blankRows, valuesTable: slowTable };
}

/** Drops what cleaning a file left: its views, its flagged rows and the raw text they read. */
export async function dropCleanFile(connection: DuckDBConnection, clean: CleanFile): Promise<void> {
  await dropCleaning(connection, clean.raw, clean.table, clean.isView);
}

/** Drops what a typed read and its cleaning left, before the file is read again as text. */
export async function dropTypedRead(connection: DuckDBConnection, raw: RawFile): Promise<void> {
  await dropCleaning(connection, raw, cleanTableName(raw), true);
}

const cleanTableName = (raw: RawFile) => `clean_${raw.table.replace(/^raw_/, '')}`;

async function dropCleaning(connection: DuckDBConnection, raw: RawFile, table: string, isView: boolean): Promise<void> {
  await connection.run(`drop ${isView ? 'view' : 'table'} if exists temp.${ident(table)}`);
  await connection.run(`drop view if exists temp.${ident(`${table}_all`)}`);
  await connection.run(`drop view if exists temp.${ident(`${table}_slow_all`)}`);
  // (A typed file's rows read again as text are a view when they are many, else a table.)
  const views = new Set((await queryRows<{ name: string }>(connection,
    `select view_name as name from duckdb_views() where temporary and view_name = $slow`, { slow: `${table}_slow` })).map((v) => v.name));
  for (const name of [`${table}_flagged`, `${table}_marked`, `${table}_slow`, `${table}_slow_flagged`, raw.table, raw.castTable,
    `${raw.table}_slow`, `${raw.table}_slow_read`, `${raw.table}_slow_lines`, `${raw.table}_slow_rejects`]) {
    if (name) await connection.run(`drop ${views.has(name) ? 'view' : 'table'} if exists temp.${ident(name)}`);
  }
}

/**
 * Cleans `raw` into a typed temp view (or, for a small file, a table) with each row's problems,
 * keeping only the rows with a problem (and totals rows) in a table of their own. Runs before the
 * load transaction opens: DuckDB scans a table made inside a transaction at about half the speed.
 * Says why instead when a typed file must be read again whole, as text (see cleanTyped).
 */
export async function cleanFile(
  connection: DuckDBConnection, raw: RawFile, references: References,
  { viewFrom = CLEAN_VIEW_FROM_ROWS, slowLinesMax = SLOW_LINES_MAX }: { viewFrom?: number; slowLinesMax?: number } = {},
): Promise<CleanFile | ReadAsText> {
  const table = cleanTableName(raw);
  const [{ rows }] = (await queryRows<{ rows: number }>(connection, `select count(*)::BIGINT as rows from ${ident(raw.table)}`)) as [{ rows: number }];
  const isTyped = Object.keys(raw.typed).length > 0;
  const asView = isTyped || Number(rows) >= viewFrom;
  let blankRows: number;
  let valuesTable = raw.table;
  if (isTyped) {
    const typed = await cleanTyped(connection, raw, references, table, Number(rows), slowLinesMax, viewFrom);
    if ('readAsText' in typed) return typed;
    ({ blankRows, valuesTable } = typed);
  } else {
    blankRows = await cleanText(connection, raw, references, table, asView);
  }
  const flagged = ident(`${table}_flagged`);
  const [counts] = await queryRows<{ totals: number; bad: number; rejects: number }>(connection, `
    select (select count(*) from ${flagged} where is_total)::BIGINT as totals,
           (select count(*) from ${flagged} where problems is not null and not is_total)::BIGINT as bad,
           (select count(*) from ${ident(raw.rejectsTable)})::BIGINT as rejects`);
  const c = counts!;
  const periodNote = await folderPeriodNote(connection, raw, table);
  return {
    periodNote,
    raw,
    table,
    isView: asView,
    valuesTable,
    rowsRead: raw.counted.records,
    rowsAccounted: Number(rows) + Number(c.rejects),
    rowsBlank: blankRows,
    rowsTotals: Number(c.totals),
    rowsQuarantined: Number(c.bad) + Number(c.rejects),
    warnings: raw.notes.length + (periodNote ? 1 : 0),
  };
}

/**
 * When the drop's folder is named for a quarter (`1395-Q1`) and rows of the file are of another,
 * the words of a warning (the rows still load: the folder may simply be misnamed).
 */
async function folderPeriodNote(connection: DuckDBConnection, raw: RawFile, table: string): Promise<string | undefined> {
  const folder = /^(\d{4})-Q([1-4])$/i.exec(raw.file.name.split('/')[0] ?? '');
  if (!folder || !('year' in raw.dataset.schema.shape) || !('quarter' in raw.dataset.schema.shape)) return undefined;
  const [year, quarter] = [Number(folder[1]), Number(folder[2])];
  const others = await queryRows<{ year: number; quarter: number; n: number }>(connection, `
    select year, quarter, count(*)::BIGINT as n from ${ident(table)}
    where problems is null and not is_total and (year <> $year or quarter <> $quarter)
    group by all order by n desc, year, quarter`, { year, quarter });
  if (others.length === 0) return undefined;
  const parts = others.map((o, i) => `${Number(o.n).toLocaleString('en-US')}${i === 0 ? ` of its ${Number(o.n) === 1 ? 'rows is' : 'rows are'}` : ''} of ${o.year} Q${o.quarter}`);
  return `${raw.file.name}: the drop folder is named for ${year} Q${quarter}, but ${parts.join(', ')}; `
    + 'they were loaded as their rows say (rename the folder if it is misnamed)';
}

/**
 * Records a cleaned file's issues for load `loadId`: its bad rows and unparsable lines in the
 * quarantine, a totals row that does not add up and ignored columns in dq_warnings. Runs inside
 * the load transaction; returns the number of warnings.
 */
export async function recordFileIssues(connection: DuckDBConnection, clean: CleanFile, loadId: number): Promise<number> {
  const { raw, table } = clean;
  const { dataset, file } = raw;
  const labels = Object.entries(dataset.schema.shape).map(([name, schema]) =>
    `when '${name}' then '${columnMeta(schema as z.ZodType).label}'`).join(' ');
  if (clean.rowsQuarantined > 0) {
    // The column a message names first, its Persian label and the value found there.
    await connection.run(`
      insert into quarantine (load_id, dataset, source_file, source_line, source_record, column_name, column_label, found, message, raw_values)
      select $load_id, $dataset, $file, source_line, source_record, column_name, case column_name ${labels} end,
             coalesce(json_extract_string(raw_values, '$."' || column_name || '"'), ''), message, raw_values
      from (
        select c.source_line, c.source_record, split_part(c.problems, ' ', 2) as column_name,
               ${locationSql('$file', 'c.source_line', 'c.source_record')} || ': ' || c.problems as message,
               ${rawValuesJson(raw.columns, 'r')} as raw_values
        from ${ident(`${table}_flagged`)} c join ${ident(clean.valuesTable)} r on r.rowid = c.raw_rowid
        where c.problems is not null and not c.is_total)`, { load_id: loadId, dataset: dataset.name, file: file.name });
    await connection.run(`
      insert into quarantine (load_id, dataset, source_file, source_line, source_record, message, raw_values)
      select $load_id, $dataset, $file, line, record, ${locationSql('$file', 'line', 'record')} || ': ' || problem, raw
      from ${ident(raw.rejectsTable)}`, { load_id: loadId, dataset: dataset.name, file: file.name });
  }
  const warnings = clean.rowsTotals > 0 ? await checkTotals(connection, raw, table, loadId) : 0;
  if (clean.rowsBlank > 0) {
    await connection.run(`insert into dq_warnings values ($load_id, $dataset, $file, NULL, 'empty_rows', $message)`, {
      load_id: loadId, dataset: dataset.name, file: file.name,
      message: `${file.name}: ${clean.rowsBlank} ${clean.rowsBlank === 1 ? 'row is' : 'rows are'} empty in every ${dataset.name} column and ${clean.rowsBlank === 1 ? 'was' : 'were'} skipped`,
    });
  }
  if (clean.periodNote) {
    await connection.run(`insert into dq_warnings (load_id, dataset, source_file, source_line, rule, message)
      values ($load_id, $dataset, $file, NULL, 'folder_period_mismatch', $message)`,
    { load_id: loadId, dataset: dataset.name, file: file.name, message: clean.periodNote });
  }
  for (const note of raw.notes) {
    await connection.run(`insert into dq_warnings values ($load_id, $dataset, $file, NULL, 'ignored_column', $message)`, {
      load_id: loadId, dataset: dataset.name, file: file.name, message: `${file.name}: ${note}`,
    });
  }
  return warnings + raw.notes.length + (clean.rowsBlank > 0 ? 1 : 0) + (clean.periodNote ? 1 : 0);
}

/** SQL of a row's values as the file gave them, as JSON text (alias `r` over `columns`). */
export function rawValuesJson(columns: string[], r: string): string {
  return columns.length === 0 ? `'{}'` : `to_json({${columns.map((c) => `${literal(c)}: ${r}.${ident(c)}`).join(', ')}})::VARCHAR`;
}

/** Warns when a file's totals row does not equal the sum of the rows above it. */
async function checkTotals(connection: DuckDBConnection, raw: RawFile, table: string, loadId: number): Promise<number> {
  const moneyColumns = raw.columns.filter((c) => ['money', 'int'].includes(columnMeta(raw.dataset.schema.shape[c] as z.ZodType).kind) && !['year', 'quarter'].includes(c));
  if (moneyColumns.length === 0) return 0;
  // One pass over the file's rows for every totals row and column: the sums of the rows above it.
  const summed = await queryRows<Record<string, string | number | null>>(connection, `
    select t.source_line, ${moneyColumns.map((c, i) => `any_value(t.${ident(c)})::VARCHAR as stated_${i}, sum(a.${ident(c)})::VARCHAR as summed_${i}`).join(', ')}
    from ${ident(table)} t left join ${ident(table)} a on a.source_line < t.source_line and not a.is_total
    where t.is_total
    group by t.source_line order by t.source_line`);
  let warnings = 0;
  for (const row of summed) {
    for (const [i, c] of moneyColumns.entries()) {
      const stated = row[`stated_${i}`] as string | null;
      const total = (row[`summed_${i}`] as string | null) ?? '0';
      if (stated === null || stated === total || trimDecimal(stated) === trimDecimal(total)) continue;
      const label = columnMeta(raw.dataset.schema.shape[c] as z.ZodType).label;
      await connection.run(`insert into dq_warnings values ($load_id, $dataset, $file, $line, 'totals_row_mismatch', $message)`, {
        load_id: loadId, dataset: raw.dataset.name, file: raw.file.name, line: Number(row.source_line),
        message: `${locationText(raw.file.name, Number(row.source_line))}: the totals row gives ${c} (${label}) = ${trimDecimal(stated)} but the rows above add up to ${trimDecimal(total)}`,
      });
      warnings++;
    }
  }
  return warnings;
}

/** A decimal's text without trailing zeros (12500.500000 → 12500.5). */
export function trimDecimal(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
