/**
 * Reading one file of a drop into a temporary table of text columns named after the dataset's
 * columns (a big CSV's numeric columns already as numbers: see `typed`). CSV goes straight to
 * DuckDB's read_csv (after transcoding when it is not UTF-8); JSON is read in JavaScript, numbers
 * kept as written, and handed over as a UTF-8 CSV. Lines DuckDB cannot parse are kept, with their
 * line and text, for the quarantine.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Papa from 'papaparse';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import { columnMeta } from '../schema/columns.ts';
import { DATASETS, type DatasetDefinition } from '../schema/datasets.ts';
import { ident, literal, queryRows } from '../db.ts';
import { decode, detectEncoding, readHead, transcodeToUtf8, type Encoding } from './encoding.ts';
import { findHeader, headerColumn, headerNames, unitFromHeader } from './header.ts';
import { readJsonArray, readNdjson, type JsonReject } from './json.ts';
import { copyFrom, keepBlankLines, readCsvLines, unifyLineBreaks, type CsvSource } from './csv.ts';
import { countCsvRecords, countJsonElements, countNdjsonRecords, LINE_BREAK, lineBreakKinds, mixedLineBreaks, type RecordCount } from './count.ts';
import { numericFastType } from './numbers.ts';
import { headerVerdictProblem, type DropFile, type FileFormat, type Unit } from './drop.ts';
import { datasetFromHeaderText } from './sniff.ts';
import { sheetToCsv } from './xlsx.ts';
import { countSheetRows } from './xlsx-count.ts';

/** A file read into `table`, ready to be cleaned. */
export interface RawFile {
  file: DropFile;
  dataset: DatasetDefinition;
  /** Temporary table of VARCHAR columns (numbers for those in `typed`), one per dataset column present in the file. */
  table: string;
  columns: string[];
  encoding: Encoding;
  format: FileFormat;
  /** FROM clause over the raw table (alias r) that makes `sourceLine` available. */
  fromSql: string;
  /** SQL giving a raw row's line in the file (Excel's row number: a quoted multi-line cell counts once). */
  lineSql: string;
  /** SQL giving a raw row's position among the file's rows, in file order (tells copies apart). */
  positionSql: string;
  /** SQL giving a raw row's record number in a JSON array (several records may share a line), else NULL. */
  recordSql: string;
  /** Temporary table (line, raw, problem, record) of lines or records that could not be read as a row. */
  rejectsTable: string;
  /** The file's records as the independent counter found them (./count.ts). */
  counted: RecordCount;
  /** Things worth a warning that do not stop the file (e.g. columns not in the dataset). */
  notes: string[];
  /** Money columns whose header states a unit of its own, e.g. `مبلغ (ریال)`. */
  columnUnits: Record<string, Unit>;
  /**
   * Numeric columns that DuckDB's reader already read as numbers (a big CSV's typed read), each
   * with its SQL type; empty when every column is text. A column with a number the reader could
   * not take is text. A typed file's rows with a problem are read again as text (`textSource`)
   * and cleaned as a small file's are.
   */
  typed: Record<string, string>;
  /** Temporary table (line, column_name) of the lines with a number the typed read could not take (empty once the file is read). */
  castTable?: string;
  /** Where a typed file's lines can be read again as text. */
  textSource?: TextSource;
}

/** A typed CSV's own file as its reader read it, to read chosen lines of it again as text. */
export interface TextSource {
  source: CsvSource;
  /** Planner's line = physical line of `source.path` + this. */
  lineOffset: number;
  /** The byte that ends a line in `source.path` (LF, or CR in a file of lone CRs). */
  lineBreak: number;
  /** How many pieces the reader read the file in (more than one after a quote that never closed). */
  segments: number;
  tmpDir: string;
}

/** From this many bytes on, a CSV's numeric columns are read as numbers by DuckDB's reader itself. */
export const TYPED_READ_FROM_BYTES = 8 << 20;

export interface ReadOptions {
  /** From this many bytes on, read a CSV's numbers as numbers (tests set 0 to try it on small files). */
  typedFromBytes?: number;
}

/** The units stated by the headers of money columns, with a note for each that overrides the file's unit. */
function statedUnits(dataset: DatasetDefinition, headers: [string, string | undefined][], fileUnit: Unit, notes: string[]): Record<string, Unit> {
  const units: Record<string, Unit> = {};
  for (const [cell, column] of headers) {
    if (!column || units[column] || columnMeta(dataset.schema.shape[column] as z.ZodType).kind !== 'money') continue;
    const unit = unitFromHeader(cell);
    if (!unit) continue;
    units[column] = unit;
    if (unit !== fileUnit) notes.push(`column "${cell}" states its unit: its figures are read in ${unit}, not ${fileUnit}`);
  }
  return units;
}

export type ReadResult = { ok: true; raw: RawFile } | { ok: false; error: string };

function requiredMissing(dataset: DatasetDefinition, present: string[]): string[] {
  return Object.entries(dataset.schema.shape)
    .filter(([name, column]) => !(column as z.ZodType).isOptional() && !present.includes(name))
    .map(([name, column]) => `${name} (${columnMeta(column as z.ZodType).label})`);
}

/** Creates (or empties) the table of lines or records that could not be read as a row. */
export async function createRejectsTable(connection: DuckDBConnection, table: string): Promise<void> {
  await connection.run(`create or replace temp table ${ident(table)} (line BIGINT, raw VARCHAR, problem VARCHAR, record BIGINT)`);
}

/** Reads `file` into temp tables named after `key`; never throws for a bad file. */
export async function readFile(
  connection: DuckDBConnection, file: DropFile, key: string, tmpDir: string, { typedFromBytes = TYPED_READ_FROM_BYTES }: ReadOptions = {},
): Promise<ReadResult> {
  if (file.error) return { ok: false, error: file.error };
  if (file.format === 'xlsx') return await readWorkbookSheet(connection, file, key, tmpDir);
  const dataset = DATASETS[file.dataset!] as DatasetDefinition;
  try {
    const size = statSync(file.path).size;
    if (size === 0) return { ok: false, error: 'the file is empty' };
    const head = readHead(file.path);
    const detected = file.encoding ? { encoding: file.encoding } : detectEncoding(head, head.length === size);
    if ('error' in detected) return { ok: false, error: detected.error };
    const encoding = detected.encoding;
    const headText = decode(head, encoding);
    const format: FileFormat = file.format === 'json' && !headText.trimStart().startsWith('[') ? 'ndjson' : file.format!;
    const rejectsTable = `rejects_${key}`;
    await createRejectsTable(connection, rejectsTable);
    if (format === 'csv') return await readCsv(connection, file, dataset, key, tmpDir, encoding, headText, rejectsTable, size >= typedFromBytes);
    return await readJson(connection, file, dataset, key, tmpDir, encoding, format, rejectsTable);
  } catch (error) {
    return { ok: false, error: `it could not be read (${(error as Error).message.split('\n')[0]})` };
  }
}

/**
 * A workbook's sheet (./xlsx.ts): its CSV copy, one line per Excel row, read as a CSV is; its
 * rows counted from the workbook's own XML (./xlsx-count.ts), not from the copy.
 */
async function readWorkbookSheet(connection: DuckDBConnection, file: DropFile, key: string, tmpDir: string): Promise<ReadResult> {
  const sheet = file.sheet!;
  const csvPath = join(tmpDir, `${key}.sheet.csv`);
  try {
    await sheetToCsv(file.path, sheet, csvPath);
  } catch (error) {
    return { ok: false, error: `its sheet "${sheet.name}" could not be read as an Excel sheet (${(error as Error).message.split('\n')[0]})` };
  }
  if (statSync(csvPath).size === 0) return { ok: false, error: `its sheet "${sheet.name}" is empty` };
  const headText = decode(readHead(csvPath), 'utf-8');
  if (!file.dataset) {
    // The name does not tell: the sheet's header does, when one dataset's columns fit it best.
    const found = datasetFromHeaderText(headText, 'xlsx');
    if (!('dataset' in found)) {
      const problem = headerVerdictProblem(found, basename(file.path));
      return { ok: false, error: 'error' in problem ? problem.error : `its sheet "${sheet.name}" holds no data: ${problem.ignored}` };
    }
    Object.assign(file, { dataset: found.dataset, datasetFrom: 'header' });
  }
  const dataset = DATASETS[file.dataset!] as DatasetDefinition;
  const rejectsTable = `rejects_${key}`;
  await createRejectsTable(connection, rejectsTable);
  const result = await readCsv(connection, { ...file, path: csvPath }, dataset, key, tmpDir, 'utf-8', headText, rejectsTable, false);
  if (!result.ok) return result;
  const headerRow = findHeader(headText, dataset)!.lastLine + 1;
  const counted = await countSheetRows(file.path, sheet.part, headerRow);
  return { ok: true, raw: { ...result.raw, file, format: 'xlsx', counted } };
}

async function readCsv(
  connection: DuckDBConnection, file: DropFile, dataset: DatasetDefinition, key: string, tmpDir: string,
  encoding: Encoding, headText: string, rejectsTable: string, typedRead: boolean,
): Promise<ReadResult> {
  // A lone CR ends a line too (old Mac Excel's "CSV (Macintosh)"); one character for another, so offsets hold.
  const header = findHeader(headText.replace(/\r(?!\n)/g, '\n'), dataset);
  if (!header) {
    return { ok: false, error: `no header line naming the ${dataset.name} columns was found in its first 30 lines (expected names such as ${Object.keys(dataset.schema.shape).slice(0, 4).join(', ')} or their Persian labels)` };
  }
  const present = header.columns.filter((c): c is string => Boolean(c));
  const missing = requiredMissing(dataset, present);
  if (missing.length > 0) {
    return { ok: false, error: `its header (line ${header.firstLine + 1}) has no column for ${missing.join(', ')}; found: ${header.cells.join(' | ')}` };
  }
  let path = file.path;
  if (encoding !== 'utf-8') {
    path = join(tmpDir, `${key}.utf8.csv`);
    await transcodeToUtf8(file.path, path, encoding);
  }
  const bom = readHead(path, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? 3 : 0;
  const dataStart = bom + Buffer.byteLength(headText.slice(0, header.dataOffset), 'utf8');
  // Lines above the data: DuckDB's `skip` counts them, but it loses its way when a cell there is
  // quoted across lines; then the file is read from a copy that starts where the data starts.
  const linesAbove = header.lastLine + 1;
  const utf8Path = path;
  let skip = linesAbove;
  if (headText.slice(0, header.dataOffset).includes('"')) {
    const copy = join(tmpDir, `${key}.from-data.csv`);
    await copyFrom(path, copy, dataStart);
    path = copy;
    skip = 0;
  }
  const table = `raw_${key}`;
  const select = header.columns.flatMap((column, i) => (column ? [`c${i} as ${ident(column)}`] : [])).join(', ');
  const names = headerNames(dataset);
  const notes = header.cells.flatMap((cell, i) => {
    if (header.columns[i]) return [];
    const repeats = headerColumn(names, cell);
    return [repeats
      ? `column "${cell}" (position ${i + 1}) repeats the ${repeats} column; only the first one is read`
      : `column "${cell}" (position ${i + 1}) is not one of the ${dataset.name} columns and was ignored`];
  });
  const columnUnits = statedUnits(dataset, header.cells.map((cell, i) => [cell, header.columns[i]]), file.unit, notes);
  // A big file's numbers are read as numbers by the reader itself, in the same pass: faster, and
  // less memory than their text. A column with a number the reader cannot take (Persian digits,
  // say) is read again as text, below, so that no row goes missing.
  const types = header.columns.map((column) => (typedRead && column
    ? numericFastType(dataset.schema.shape[column] as z.ZodType, columnUnits[column] ?? file.unit) : undefined));
  const castTable = types.some(Boolean) ? `${table}_cast` : undefined;
  const createCastTable = async () => {
    if (castTable) await connection.run(`create or replace temp table ${ident(castTable)} (line BIGINT, column_name VARCHAR)`);
  };
  await createCastTable();
  const source = (from: string): CsvSource => ({
    path: from, skip, lineOffset: linesAbove - skip, delimiter: header.delimiter, columns: header.cells.length, encoding, select,
    ...(castTable ? { types, castTable } : {}),
  });
  let readPath = path;
  let segments = 1;
  const read = async (from: string) => {
    readPath = from;
    ({ segments } = await readCsvLines(connection, source(from), table, rejectsTable, tmpDir));
  };
  // The independent count runs in JavaScript while DuckDB reads the file in its own threads.
  let readError: unknown;
  const [counted] = await Promise.all([
    countCsvRecords(utf8Path, dataStart, header.delimiter, header.cells.length),
    read(path).catch((error: unknown) => { readError = error; }),
  ]);
  // Most files are read as they are. DuckDB's reader cannot take a file whose lines end in several
  // ways, and it skips blank lines, which would shift every later line number: such a file, which
  // only the count tells, is read again from a copy that mends it.
  const mixed = mixedLineBreaks(counted.lineBreaks | lineBreakKinds(headText.slice(0, header.dataOffset)));
  if (mixed || counted.blank > 0) {
    if (mixed) {
      const copy = join(tmpDir, `${key}.line-breaks.csv`);
      await unifyLineBreaks(path, copy);
      path = copy;
    }
    if (counted.blank > 0) {
      const copy = join(tmpDir, `${key}.blank-lines.csv`);
      await keepBlankLines(path, copy, header.delimiter, header.cells.length, skip > 0 ? linesAbove : 0, counted.blankLines ?? []);
      path = copy;
    }
    await createRejectsTable(connection, rejectsTable);
    await createCastTable();
    await read(path);
  } else if (readError) {
    throw readError;
  }
  // The reader leaves out a line with a number it cannot take, and every later row would then
  // need its line looked up: the columns where that happened are read again as text, and cleaned
  // as a text file's are (Persian digits, separators). Each read can only turn columns to text.
  for (let retyped = 0; castTable && retyped < types.length; retyped++) {
    const failing = (await queryRows<{ column_name: string }>(connection, `select distinct column_name from ${ident(castTable)}`))
      .map((row) => Number(row.column_name.slice(1)));
    if (failing.length === 0) break;
    for (const i of failing) types[i] = undefined;
    await createRejectsTable(connection, rejectsTable);
    await createCastTable();
    await read(path);
  }
  const typed = Object.fromEntries(header.columns.flatMap((column, i) => (column && types[i] ? [[column, types[i]]] : [])));
  const [{ rejects }] = await queryRows<{ rejects: number }>(connection, `select count(*)::INTEGER as rejects from ${ident(rejectsTable)}`) as [{ rejects: number }];
  let fromSql = `${ident(table)} r`;
  let lineSql = `(${linesAbove} + r.rowid + 1)`;
  if (rejects > 0) {
    // Rows after an unparsable line sit one line further down than their position says.
    await connection.run(`
      create or replace temp table ${ident(`${table}_shift`)} as
      select threshold, max(before) as before
      from (
        select line - ${linesAbove} - 1 - (row_number() over (order by line) - 1) as threshold,
               row_number() over (order by line) as before
        from ${ident(rejectsTable)})
      group by threshold`);
    fromSql = `${ident(table)} r asof left join ${ident(`${table}_shift`)} shift on r.rowid >= shift.threshold`;
    lineSql = `(${linesAbove} + r.rowid + 1 + coalesce(shift.before, 0))`;
  }
  const lineBreak = mixed || counted.lineBreaks !== LINE_BREAK.cr ? 0x0a : 0x0d;
  return {
    ok: true,
    raw: {
      file, dataset, table, columns: present, encoding, format: 'csv', fromSql, lineSql,
      // A typed file's rows come from two reads (the typed rows, and those read again as text): their line orders them.
      positionSql: castTable ? lineSql : 'r.rowid',
      recordSql: 'NULL::BIGINT', rejectsTable, notes, columnUnits, counted, typed,
      ...(castTable ? { castTable, textSource: { source: { ...source(readPath), types: undefined, castTable: undefined }, lineOffset: linesAbove - skip, lineBreak, segments, tmpDir } } : {}),
    },
  };
}

async function readJson(
  connection: DuckDBConnection, file: DropFile, dataset: DatasetDefinition, key: string, tmpDir: string,
  encoding: Encoding, format: FileFormat, rejectsTable: string,
): Promise<ReadResult> {
  const text = decode(readFileSync(file.path), encoding);
  const counted = { records: format === 'json' ? countJsonElements(text) : countNdjsonRecords(text), blank: 0, lineBreaks: 0 };
  const parsed = format === 'json' ? readJsonArray(text) : readNdjson(text);
  if ('error' in parsed) return { ok: false, error: parsed.error };
  const names = headerNames(dataset);
  // Each field name in the file → the dataset column it names. Records may spell a column
  // differently (canonical name in one, Persian label in another): all spellings are read.
  const keys = new Map<string, string>();
  const ignored = new Set<string>();
  for (const record of parsed.records) {
    for (const k of Object.keys(record.values)) {
      if (keys.has(k) || ignored.has(k)) continue;
      const column = headerColumn(names, k);
      if (column) keys.set(k, column);
      else ignored.add(k);
    }
  }
  const present = [...new Set(keys.values())];
  if (parsed.records.length > 0) {
    const missing = requiredMissing(dataset, present);
    if (missing.length > 0) return { ok: false, error: `its records have no field for ${missing.join(', ')}; found: ${[...keys.keys(), ...ignored].join(', ')}` };
  }
  const rows: string[][] = [];
  const rejects = [...parsed.rejects];
  for (const record of parsed.records) {
    const values = new Map<string, string>();
    let conflict: string | undefined;
    for (const [k, v] of Object.entries(record.values)) {
      const column = keys.get(k);
      if (!column || v === null || v === '') continue;
      const earlier = values.get(column);
      if (earlier !== undefined && earlier !== v) conflict ??= `the fields of this record give ${column} twice with different values ("${earlier}" and "${v}")`;
      values.set(column, earlier ?? v);
    }
    const raw = JSON.stringify(record.values);
    const { line } = record;
    if (conflict) rejects.push({ line, record: record.record, raw, problem: conflict });
    else if (values.size === 0) {
      const problem = `the record has none of the ${dataset.name} fields (it has: ${Object.keys(record.values).join(', ') || 'no fields'})`;
      rejects.push({ line, record: record.record, raw, problem });
    } else rows.push([...present.map((c) => values.get(c) ?? ''), String(line), String(record.record)]);
  }
  const csvPath = join(tmpDir, `${key}.json.csv`);
  const fields = [...present, '__line', '__record'];
  writeFileSync(csvPath, Papa.unparse({ fields, data: rows }, { newline: '\n' }));
  const table = `raw_${key}`;
  const columns = fields.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ');
  // A record of up to 10 MB, as a CSV line may be: DuckDB sets aside 16 times that for its buffer
  // (100 MB asked for a 1.5 GB one, more than the memory limit).
  await connection.run(`
    create or replace temp table ${ident(table)} as
    select * from read_csv(${literal(csvPath)}, header = true, columns = {${columns}}, delim = ',', quote = '"', escape = '"',
      auto_detect = false, comment = '', max_line_size = 10000000)`);
  // Records are numbered in a JSON array (several may share a line); NDJSON's lines say it all.
  const numbered = format === 'json';
  for (const reject of rejects as JsonReject[]) {
    await connection.run(`insert into ${ident(rejectsTable)} (line, raw, problem, record) values ($line, $raw, $problem, $record)`,
      { ...reject, record: numbered ? reject.record : null } as never);
  }
  const notes = [...ignored].map((k) => `field "${k}" is not one of the ${dataset.name} columns and was ignored`);
  const columnUnits = statedUnits(dataset, [...keys.entries()], file.unit, notes);
  return {
    ok: true,
    raw: {
      file, dataset, table, columns: present, encoding, format, fromSql: `${ident(table)} r`, lineSql: 'cast(r.__line as BIGINT)',
      positionSql: 'cast(r.__record as BIGINT)', recordSql: numbered ? 'cast(r.__record as BIGINT)' : 'NULL::BIGINT',
      rejectsTable, notes, columnUnits, counted, typed: {},
    },
  };
}
