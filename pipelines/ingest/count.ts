/**
 * The independent row count (CONTRACT §5): how many data records a file holds, counted by a
 * second, deliberately simple reader that shares no code with the one that loads the file.
 * The run checks every file against it: read = new + replaced + unchanged + quarantined +
 * duplicate + totals + blank. A loader bug that loses rows then shows as a file that does not balance.
 *
 * CSV is scanned as bytes of UTF-8 text (ASCII delimiters and quotes can be found without
 * decoding), streamed, so a file of gigabytes never sits whole in memory.
 */
import { createReadStream } from 'node:fs';

export interface RecordCount {
  /** Data records below the header, blank ones included. */
  records: number;
  /** Of those, the records that are empty lines, or lines of only spaces and tabs. */
  blank: number;
  /**
   * Where those blank records stand: each one's line, counted from 0 at the first line below the
   * header (CSV only). The reader's copy that keeps blank lines fills exactly these lines.
   */
  blankLines?: number[];
  /** Records whose quoted cells run over more than one line (or seem to: a quote never closed). */
  multiline?: number;
  /** The kinds of line break seen outside quotes, as bits (LINE_BREAK): DuckDB's reader cannot take a mix. */
  lineBreaks: number;
}

/** Bits of RecordCount.lineBreaks. */
export const LINE_BREAK = { lf: 1, crlf: 2, cr: 4 } as const;

/** The kinds of line break in `text` (e.g. the lines above a file's data), as LINE_BREAK bits. */
export function lineBreakKinds(text: string): number {
  return (/(?<!\r)\n/.test(text) ? LINE_BREAK.lf : 0) | (/\r\n/.test(text) ? LINE_BREAK.crlf : 0) | (/\r(?!\n)/.test(text) ? LINE_BREAK.cr : 0);
}

/** Whether line-break bits name more than one kind. */
export const mixedLineBreaks = (bits: number) => (bits & (bits - 1)) !== 0;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
/** DuckDB's own limit on one record (max_line_size); a longer "record" is a quote that never closed. */
const MAX_RECORD = 10_000_000;

/** How a record that starts with a quote on its line ends, as a careful parse finds it. */
interface QuotedRecord {
  /** Index just after the record's line break (or the buffer's end). */
  end: number;
  /** Whether the record runs over more than one physical line. */
  multiline: boolean;
  /** Whether every quoted field closed properly, followed by a delimiter or a line break. */
  wellQuoted: boolean;
  fields: number;
}

/** Length of the line break at `i` (2 for CR LF, 1 for LF or a lone CR, 0 for none). */
function breakLength(buf: Uint8Array, i: number): number {
  if (buf[i] === LF) return 1;
  if (buf[i] === CR) return buf[i + 1] === LF ? 2 : 1;
  return 0;
}

/** Whether the line `buf[from, to)` holds nothing, or only spaces and tabs. */
function isBlankLine(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== SPACE && buf[i] !== TAB) return false;
  return true;
}

/** How many lines `buf[from, to)` spans, `to` being just after a line break or the buffer's end. */
function linesSpanned(buf: Uint8Array, from: number, to: number): number {
  let lines = 0;
  for (let i = from; i < to; i++) if (buf[i] === LF || (buf[i] === CR && buf[i + 1] !== LF)) lines++;
  return to > from && breakLength(buf, to - 1) === 0 ? lines + 1 : lines;
}

/**
 * Parses one record from `start` character by character. Returns undefined when the buffer ends
 * inside it and more bytes may follow.
 */
function parseQuoted(buf: Uint8Array, start: number, delimiter: number, atEnd: boolean): QuotedRecord | undefined {
  let i = start;
  let fields = 1;
  let multiline = false;
  let wellQuoted = true;
  const finish = (end: number): QuotedRecord => ({ end, multiline, wellQuoted, fields });
  // Ends the record at the line break at `j`; a CR that is the buffer's last byte may be half of a
  // CR LF whose LF comes with the next chunk, so the record waits for it.
  const finishAtBreak = (j: number): QuotedRecord | undefined =>
    (buf[j] === CR && j + 1 >= buf.length && !atEnd ? undefined : finish(j + breakLength(buf, j)));
  for (;;) {
    // At the start of a field: spaces may stand before an opening quote.
    let j = i;
    while (buf[j] === SPACE) j++;
    if (buf[j] === QUOTE) {
      j++;
      for (;;) {
        if (j >= buf.length) return atEnd ? (wellQuoted = false, finish(buf.length)) : undefined;
        if (j - start > MAX_RECORD) return (wellQuoted = false, multiline = true, finish(j));
        const b = buf[j]!;
        if (b === QUOTE && buf[j + 1] === QUOTE) j += 2;
        else if (b === QUOTE) break;
        else {
          if (b === LF || b === CR) multiline = true;
          j++;
        }
      }
      j++;
      while (buf[j] === SPACE) j++;
      if (j >= buf.length && !atEnd) return undefined;
      if (j < buf.length && buf[j] !== delimiter && breakLength(buf, j) === 0) {
        // Text after a closing quote: the record is bad and ends with the line it stands on.
        wellQuoted = false;
        while (j < buf.length && breakLength(buf, j) === 0) j++;
        if (j >= buf.length && !atEnd) return undefined;
        return finishAtBreak(j);
      }
    } else {
      while (j < buf.length && buf[j] !== delimiter && breakLength(buf, j) === 0) j++;
      if (j >= buf.length && !atEnd) return undefined;
    }
    if (j >= buf.length) return finish(buf.length);
    if (buf[j] === delimiter) {
      fields++;
      i = j + 1;
      continue;
    }
    return finishAtBreak(j);
  }
}

/** A streaming counter of CSV records; feed it chunks, then call `end` (exported for its tests). */
export class CsvRecordCounter {
  records = 0;
  blank = 0;
  multiline = 0;
  readonly blankLines: number[] = [];
  /** The line the next record starts on, counted from 0 at the first line below the header. */
  private line = 0;
  /** The kinds of line break seen outside quotes, as LINE_BREAK bits. */
  private breakKinds = 0;
  private carry: Buffer = Buffer.alloc(0);

  constructor(private readonly delimiter: number, private readonly fields: number) {}

  /** Counts the complete records of `chunk` (after what was carried over). */
  push(chunk: Buffer): void {
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const rest = this.scan(buf, false);
    this.carry = Buffer.from(buf.subarray(rest));
  }

  /** Counts what is left at the end of the file. */
  end(): RecordCount {
    if (this.carry.length > 0) this.scan(this.carry, true);
    return { records: this.records, blank: this.blank, blankLines: this.blankLines, multiline: this.multiline, lineBreaks: this.breakKinds };
  }

  /** Counts records from the start of `buf`; returns where the first unfinished one starts. */
  private scan(buf: Buffer, atEnd: boolean): number {
    let pos = 0;
    let nextQuote = buf.indexOf(QUOTE);
    let nextCr = buf.indexOf(CR);
    while (pos < buf.length) {
      if (nextCr >= 0 && nextCr < pos) nextCr = buf.indexOf(CR, pos);
      if (nextQuote >= 0 && nextQuote < pos) nextQuote = buf.indexOf(QUOTE, pos);
      const lf = buf.indexOf(LF, pos);
      const lineEnd = lf < 0 ? nextCr : nextCr < 0 ? lf : Math.min(lf, nextCr);
      if (lineEnd < 0 && !atEnd) return pos;
      const lineStop = lineEnd < 0 ? buf.length : lineEnd;
      const next = lineEnd < 0 ? buf.length : lineEnd + breakLength(buf, lineEnd);
      if (lineEnd >= 0 && buf[lineEnd] === CR && lineEnd + 1 >= buf.length && !atEnd) return pos; // CR LF may be split
      if (lineEnd >= 0) this.breakKinds |= buf[lineEnd] === LF ? LINE_BREAK.lf : buf[lineEnd + 1] === LF ? LINE_BREAK.crlf : LINE_BREAK.cr;
      if (nextQuote < 0 || nextQuote >= lineStop) {
        this.records++;
        // Settled at the first byte for a line that holds anything.
        if (isBlankLine(buf, pos, lineStop)) {
          this.blank++;
          this.blankLines.push(this.line);
        }
        this.line++;
        pos = next;
        continue;
      }
      const record = parseQuoted(buf, pos, this.delimiter, atEnd);
      if (!record) return pos;
      this.records++;
      if (record.multiline) this.multiline++;
      // A record over several lines stands only when it is well quoted and has the header's shape;
      // otherwise its first line is the bad one, and counting goes on at the next line.
      const end = record.multiline && (!record.wellQuoted || record.fields !== this.fields) ? next : record.end;
      this.line += end === next ? 1 : linesSpanned(buf, pos, end);
      pos = end;
    }
    return pos;
  }
}

/**
 * Counts the CSV records of the UTF-8 file at `path` from byte `start` (where the data begins,
 * below the title and header lines), with `fields` columns in the header.
 */
export async function countCsvRecords(path: string, start: number, delimiter: string, fields: number): Promise<RecordCount> {
  const counter = new CsvRecordCounter(delimiter.charCodeAt(0), fields);
  for await (const chunk of createReadStream(path, { start, highWaterMark: 8 << 20 })) counter.push(chunk as Buffer);
  return counter.end();
}

/** Counts the elements of a JSON array's text (strings skipped, nesting followed). */
export function countJsonElements(text: string): number {
  let depth = 0;
  let elements = 0;
  let pending = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length && text.charCodeAt(i) !== QUOTE; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (depth === 1) pending = true;
    } else if (c === 0x5b || c === 0x7b) { // [ {
      if (depth === 1) pending = true;
      depth++;
    } else if (c === 0x5d || c === 0x7d) { // ] }
      depth--;
      if (depth === 0 && pending) elements++, pending = false;
    } else if (c === 0x2c && depth === 1) { // ,
      elements++;
      pending = false;
    } else if (depth === 1 && c > SPACE) pending = true;
  }
  return elements;
}

/** Counts the records of NDJSON text: its lines that hold anything but white space. */
export function countNdjsonRecords(text: string): number {
  let records = 0;
  for (const line of text.split('\n')) if (line.trim() !== '') records++;
  return records;
}
