/**
 * Reading a CSV file with DuckDB's read_csv into a temporary table of text columns, line by
 * line as the file numbers them. A line whose quote never closes properly costs that line only:
 * it is kept as an unparsable line, and reading goes on at the next one (CONTRACT §4).
 */
import { closeSync, createReadStream, createWriteStream, openSync, readSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal, queryRows } from '../db.ts';

/** Where DuckDB is to read: a UTF-8 file, the lines to skip above the data, and the header's shape. */
export interface CsvSource {
  path: string;
  skip: number;
  /** What to add to a line number DuckDB gives to get the line of the planner's file. */
  lineOffset: number;
  delimiter: string;
  columns: number;
  /** The file's own encoding, named in messages about bytes that are not text. */
  encoding: string;
  /** The select list that names the positional columns c0…cN (`c0 as "year", …`): read in the same pass. */
  select: string;
  /**
   * The SQL type of each positional column, VARCHAR where not given. A line with a value that does
   * not cast is left out of the rows and listed, with the column, in `castTable` (the caller then
   * reads that column as text).
   */
  types?: (string | undefined)[];
  /** Temporary table (line, column_name) that receives the lines with a value that did not cast to its column's type. */
  castTable?: string;
}

/** Quote-opened lines recovered from before a file is given up as unreadable. */
const MAX_RECOVERIES = 100;

/** A line whose quote ran into the lines after it: its line in the file and its first byte. */
interface RunawayQuote { line: number; bytePosition: number }

/** read_csv over `path` into `table`, keeping unparsable lines in `${table}_errors`. */
async function readSegment(connection: DuckDBConnection, table: string, path: string, skip: number, source: CsvSource) {
  const positional = Array.from({ length: source.columns }, (_, i) => `'c${i}': '${source.types?.[i] ?? 'VARCHAR'}'`).join(', ');
  await connection.run(`drop table if exists ${ident(`${table}_errors`)}`);
  await connection.run(`drop table if exists ${ident(`${table}_scans`)}`);
  await connection.run(`
    create or replace temp table ${ident(table)} as
    select ${source.select} from read_csv(${literal(path)},
      header = false, skip = ${skip}, columns = {${positional}},
      delim = ${literal(source.delimiter)}, quote = '"', escape = '"', comment = '',
      auto_detect = false, strict_mode = true, max_line_size = 10000000,
      ignore_errors = true, store_rejects = true,
      rejects_table = ${literal(`${table}_errors`)}, rejects_scan = ${literal(`${table}_scans`)})`);
}

/** The first line of the segment whose rejected text runs over more than one line, if any. */
async function firstRunawayQuote(connection: DuckDBConnection, table: string, lineOffset: number): Promise<RunawayQuote | undefined> {
  const [found] = await queryRows<{ line: number; byte_position: number }>(connection, `
    select line + ${lineOffset} as line, line_byte_position as byte_position
    from ${ident(`${table}_errors`)}
    -- (DuckDB's text of a line after a CR LF begins with the LF: only breaks inside count.)
    where error_type <> 'CAST' and (regexp_matches(trim(csv_line, chr(13) || chr(10)), '[\\r\\n]')
       or error_type = 'LINE SIZE OVER MAXIMUM')
    order by line limit 1`);
  return found ? { line: Number(found.line), bytePosition: Number(found.byte_position) } : undefined;
}

/**
 * The line that starts at or just before byte `approx` (DuckDB's 1-based line_byte_position):
 * its text, and the byte offset where the next line begins.
 */
function lineAt(path: string, approx: number): { next: number; text: string } {
  const fd = openSync(path, 'r');
  try {
    const base = Math.max(0, approx - 1 - 64);
    const window = Buffer.alloc(1 << 20);
    const bytes = window.subarray(0, readSync(fd, window, 0, window.length, base));
    const isBreak = (b: number | undefined) => b === 0x0a || b === 0x0d;
    let start = Math.min(approx - 1 - base, bytes.length);
    while (start > 0 && !isBreak(bytes[start - 1])) start--;
    if (bytes[start] === 0x0a && bytes[start - 1] === 0x0d) start++; // DuckDB counts a CR LF's LF with the next line
    let end = start;
    while (end < bytes.length && !isBreak(bytes[end])) end++;
    const after = bytes[end] === 0x0d && bytes[end + 1] === 0x0a ? end + 2 : Math.min(end + 1, bytes.length);
    return { next: base + after, text: bytes.subarray(start, end).toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads `source` into `table` (its columns named by `source.select`) and its unparsable lines into `rejectsTable`
 * (line, raw, problem), each line numbered as in the planner's file. When a quote opened on a
 * line runs into the lines below it, that line is set aside and the rest is read again from the
 * next line on, so that one bad line never swallows the rows after it.
 */
export async function readCsvLines(
  connection: DuckDBConnection, source: CsvSource, table: string, rejectsTable: string, tmpDir: string,
): Promise<{ segments: number }> {
  const segments: { table: string; keepRows?: number }[] = [];
  let path = source.path;
  let skip = source.skip;
  let lineOffset = source.lineOffset;
  let fileOffset = 0;
  for (let k = 0; ; k++) {
    const segment = k === 0 ? table : `${table}_from_${k}`;
    await readSegment(connection, segment, path, skip, source);
    const runaway = k < MAX_RECOVERIES ? await firstRunawayQuote(connection, segment, lineOffset) : undefined;
    const before = runaway ? `where line + ${lineOffset} < ${runaway.line}` : '';
    await insertRejects(connection, rejectsTable, `${segment}_errors`, lineOffset, source, before);
    if (source.castTable) await insertCastLines(connection, source.castTable, `${segment}_errors`, lineOffset, before);
    if (!runaway) {
      segments.push({ table: segment });
      break;
    }
    // Rows read before the runaway line stand; it is the bad line; the rest is read anew.
    const [{ rejects }] = (await queryRows<{ rejects: number }>(connection,
      `select count(*)::INTEGER as rejects from ${ident(rejectsTable)} where line >= $from and line < $line`,
      { from: skip + 1 + lineOffset, line: runaway.line })) as [{ rejects: number }];
    segments.push({ table: segment, keepRows: runaway.line - (skip + 1 + lineOffset) - Number(rejects) });
    const bad = lineAt(path, runaway.bytePosition);
    await connection.run(`insert into ${ident(rejectsTable)} (line, raw, problem) values ($line, $raw, $problem)`, {
      line: runaway.line, raw: bad.text,
      problem: 'a quote (") opened on this line is never closed properly, so the line cannot be split into columns',
    } as never);
    fileOffset += bad.next;
    path = `${tmpDir}/${table}.from-line-${runaway.line + 1}.csv`;
    await copyFrom(source.path, path, fileOffset);
    skip = 0;
    lineOffset = runaway.line;
  }
  if (segments.length > 1) {
    // The file's rows in file order, one segment after the other.
    const parts = segments.map((s, i) => `select *, ${i} as segment_no, rowid as segment_row from ${ident(s.table)}${s.keepRows === undefined ? '' : ` where rowid < ${s.keepRows}`}`);
    await connection.run(`create or replace temp table ${ident(`${table}_joined`)} as
      select * exclude (segment_no, segment_row) from (${parts.join(' union all ')}) order by segment_no, segment_row`);
    for (const s of segments) await connection.run(`drop table if exists ${ident(s.table)}`);
    await connection.run(`alter table ${ident(`${table}_joined`)} rename to ${ident(table)}`);
  }
  return { segments: segments.length };
}

/** Copies a segment's unparsable lines (those `where` keeps) into the rejects table, in a planner's words. */
async function insertRejects(
  connection: DuckDBConnection, rejectsTable: string, errors: string, lineOffset: number, source: CsvSource, where: string,
): Promise<void> {
  const columns = source.columns;
  await connection.run(`
    insert into ${ident(rejectsTable)} (line, raw, problem)
    select line + ${lineOffset}, trim(csv_line, chr(13) || chr(10)),
      case error_type
        when 'MISSING COLUMNS' then 'the line has ' || regexp_extract(error_message, 'Found: (\\d+)', 1) || ' values where the header has ${columns} columns'
        when 'TOO MANY COLUMNS' then 'the line has ' || regexp_extract(error_message, 'Found: (\\d+)', 1) || ' values where the header has ${columns} columns'
        when 'UNQUOTED VALUE' then 'a quote (") on this line is not closed properly (text follows the closing quote), so the line cannot be split into columns'
        when 'INVALID ENCODING' then 'the line holds bytes that are not valid text in ${source.encoding}'
        when 'LINE SIZE OVER MAXIMUM' then 'the line is longer than 10 MB'
        else error_message
      end
    from ${ident(errors)}
    ${where ? `${where} and` : 'where'} line not in (select line from ${ident(errors)} group by line having bool_and(error_type = 'CAST'))
    -- A short line is reported once per missing column: keep one report per line.
    qualify row_number() over (partition by line order by column_idx) = 1`);
}

/** Lists the lines whose only fault is a value that did not cast to its column's type, with those columns (c0…), in `castTable`. */
async function insertCastLines(connection: DuckDBConnection, castTable: string, errors: string, lineOffset: number, where: string): Promise<void> {
  await connection.run(`
    insert into ${ident(castTable)} (line, column_name)
    select line + ${lineOffset}, column_name from ${ident(errors)}
    ${where ? `${where} and` : 'where'} line in (select line from ${ident(errors)} group by line having bool_and(error_type = 'CAST'))`);
}

/** Copies `source` from byte `offset` to the end into `target`. */
export async function copyFrom(source: string, target: string, offset: number): Promise<void> {
  await pipeline(createReadStream(source, { start: offset }), createWriteStream(target));
}

/**
 * DuckDB skips blank lines, which would shift every later line number. Writes a copy of `path`
 * in which each blank line is a row of empty cells (counted as blank, not lost), streaming, so
 * that a file of any size can be handled. The blank lines below the header are the ones the
 * independent count found (`blankLines`, counted from `dataLine`, the first line below the
 * header): it follows quotes as the reader does, so a quote never closed does not hide the blank
 * lines after it, and a line of only spaces and tabs is blank too. Above the header, an empty line
 * is filled as it stands (there are no quotes there: a file with any is read from its data on).
 */
export async function keepBlankLines(
  path: string, copy: string, delimiter: string, columns: number, dataLine: number, blankLines: readonly number[],
  chunkBytes = 8 << 20,
): Promise<void> {
  const filler = Buffer.from(delimiter.repeat(Math.max(columns - 1, 1)));
  const out = createWriteStream(copy);
  let line = 0;
  let next = 0; // the next of blankLines to fill
  let atLineStart = true;
  let pendingCr = false;
  // A listed line is held back until its line break shows it holds only spaces and tabs; then it
  // becomes the filler, otherwise it is written as it stands (and loads as the row it is).
  let holding = false;
  let held: Buffer[] = [];
  for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    const parts: Buffer[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (pendingCr) {
        pendingCr = false;
        if (b === 0x0a) continue; // CR LF: one line break
      }
      const isBreak = b === 0x0a || b === 0x0d;
      if (atLineStart) {
        atLineStart = false;
        while (next < blankLines.length && blankLines[next]! + dataLine < line) next++;
        if (line >= dataLine && blankLines[next] === line - dataLine) {
          parts.push(chunk.subarray(from, i));
          from = i;
          holding = true;
        } else if (line < dataLine && isBreak) {
          parts.push(chunk.subarray(from, i), filler);
          from = i;
        }
      }
      if (holding) {
        if (isBreak) {
          parts.push(filler);
          from = i;
          holding = false;
          held = [];
        } else if (b !== 0x20 && b !== 0x09) {
          parts.push(...held);
          held = [];
          holding = false;
        }
      }
      if (isBreak) {
        atLineStart = true;
        line++;
        if (b === 0x0d) pendingCr = true;
      }
    }
    if (holding) held.push(Buffer.from(chunk.subarray(from)));
    else parts.push(chunk.subarray(from));
    if (!out.write(Buffer.concat(parts))) await once(out, 'drain');
  }
  // A last line of spaces with no line break after it.
  if (holding) out.write(filler);
  out.end();
  await once(out, 'finish');
}

/** Writes a copy of `path` in which every line break (CR LF, a lone CR) is a plain LF, streaming. */
export async function unifyLineBreaks(path: string, copy: string): Promise<void> {
  const out = createWriteStream(copy);
  let pendingCr = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 8 << 20 }) as AsyncIterable<Buffer>) {
    const bytes = Buffer.alloc(chunk.length + 1);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (pendingCr) {
        pendingCr = false;
        bytes[n++] = 0x0a;
        if (b === 0x0a) continue;
      }
      if (b === 0x0d) pendingCr = true;
      else bytes[n++] = b;
    }
    if (!out.write(bytes.subarray(0, n))) await once(out, 'drain');
  }
  out.end(pendingCr ? '\n' : '');
  await once(out, 'finish');
}

/**
 * Copies chosen physical lines of `path` (1-based, ascending) into `target`, each ended by an LF,
 * a line ending at each `lineBreak` byte (a CR before an LF is dropped); returns how many it
 * found. Streams both ways: one pass over the file, whatever its size and however many lines.
 */
export async function copyLinesAt(path: string, lines: number[], lineBreak: number, target: string): Promise<number> {
  const out = createWriteStream(target);
  let next = 0;
  let line = 1;
  let parts: Buffer[] = [];
  let pending: Buffer[] = [];
  const keep = () => {
    let text = Buffer.concat(parts);
    if (lineBreak === 0x0a && text[text.length - 1] === 0x0d) text = text.subarray(0, text.length - 1);
    pending.push(text, LF_BUFFER);
    parts = [];
    next++;
  };
  const flush = async () => {
    if (pending.length > 0 && !out.write(Buffer.concat(pending))) await once(out, 'drain');
    pending = [];
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 8 << 20 }) as AsyncIterable<Buffer>) {
    let from = 0;
    while (next < lines.length) {
      const end = chunk.indexOf(lineBreak, from);
      if (end < 0) {
        if (line === lines[next]) parts.push(chunk.subarray(from));
        break;
      }
      if (line === lines[next]) {
        parts.push(chunk.subarray(from, end));
        keep();
      }
      line++;
      from = end + 1;
    }
    await flush();
    if (next >= lines.length) break;
  }
  if (next < lines.length && line === lines[next] && parts.length > 0) keep();
  await flush();
  out.end();
  await once(out, 'finish');
  return next;
}

const LF_BUFFER = Buffer.from('\n');
