/**
 * Reading one sheet of an .xlsx workbook (CONTRACT §1) with exceljs's streaming reader, so a large
 * workbook never sits whole in memory. The sheet becomes a UTF-8 CSV copy, one line per Excel
 * row (row 11 of the sheet is line 11 of the copy), which the CSV reader then loads: every check,
 * the quarantine, the warnings and the row balance apply unchanged.
 *
 * A cell is written as its sender sees it in Excel: a number at Excel's full precision (15
 * significant digits, the most a double holds, in its shortest exact decimal), a percentage as
 * the percent shown (18% → 18), a date cell as its Jalali date (from the cell's day number,
 * never through the machine's time zone), a formula as its cached value, rich text as its text.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type ExcelJS from 'exceljs';
import { gregorianToJalali } from '../jalali.ts';
import type { SheetInfo } from './xlsx-count.ts';

/** Rows at the top of a sheet looked at for its width (titles and the header sit in them). */
const HEAD_ROWS = 30;

const significantDigits = (text: string) => text.replace(/^[-+]?0*\.?0*/, '').replace(/e.*$/i, '').replace('.', '').length;

/** A plain decimal for a number text in exponent form (1e-7 → 0.0000001). */
function plainDecimal(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?e([-+]?\d+)$/i.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = '', exponent] = match as unknown as [string, string, string, string | undefined, string];
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  let body: string;
  if (point <= 0) body = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) body = digits + '0'.repeat(point - digits.length);
  else body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + body.replace(/^0+(?=\d)/, '');
}

/**
 * The exact decimal text of an Excel number: the shortest text that reads back as the same
 * double, at most 15 significant digits (Excel's precision: a cell typed 7500.5 stays 7500.5,
 * and a formula's 0.30000000000000004 is the 0.3 Excel shows).
 */
export function excelNumberText(value: number): string {
  let text = String(value);
  if (significantDigits(text) > 15) text = String(Number(value.toPrecision(15)));
  return plainDecimal(text);
}

/** `text` × 10^places, exactly, on the decimal text (a percentage cell 0.185 → 18.5). */
function shiftDecimal(text: string, places: number): string {
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = text.replace(/^-/, '').split('.') as [string, string | undefined];
  const padded = fraction.padEnd(places, '0');
  const result = `${whole}${padded.slice(0, places)}.${padded.slice(places)}`.replace(/\.$/, '').replace(/^0+(?=\d)/, '');
  return (negative ? '-' : '') + result;
}

/** A number format's text with quoted literals and [colour/locale] parts left out. */
const formatCode = (numFmt: string | undefined) => (numFmt ?? '').replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '').replace(/\\./g, '');

/** Whether a number format shows a date (or a time): Excel stores the date as a day number. */
export function isDateFormat(numFmt: string | undefined): boolean {
  const code = formatCode(numFmt);
  return code !== '' && !/^general$/i.test(code) && /[ymdhs]/i.test(code.replace(/[eE][+-]/g, ''));
}

/** The Jalali date (yyyy/mm/dd) of a moment Excel stored as a day number, read in UTC. */
function jalaliOfDate(date: Date): string {
  const { year, month, day } = gregorianToJalali(date.toISOString().slice(0, 10));
  return `${year}/${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}`;
}

/** The date of an Excel day number (1900 system: day 25569 is 1970-01-01), as a UTC moment. */
function excelSerialDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** A number cell's text under its format: a date, a percentage or the number itself. */
function numberCellText(value: number, numFmt: string | undefined, date1904: boolean): string | undefined {
  if (!Number.isFinite(value)) return '';
  if (isDateFormat(numFmt)) return jalaliOfDate(excelSerialDate(value, date1904));
  const text = excelNumberText(value);
  return formatCode(numFmt).includes('%') ? shiftDecimal(text, 2) : text;
}

/**
 * The text of a cell as its sender sees it, or undefined for a cell that holds nothing (a
 * formula without a cached value holds nothing).
 */
export function cellText(cell: ExcelJS.Cell, date1904 = false): string | undefined {
  const value = cell.value as unknown;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : numberCellText(value, cell.numFmt, date1904);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  // exceljs turns a number under a date format into a Date of that UTC moment.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : jalaliOfDate(value);
  const object = value as { richText?: { text: string }[]; result?: unknown; formula?: string; sharedFormula?: string; error?: string; text?: string };
  if (object.richText) return object.richText.map((run) => run.text ?? '').join('');
  if ('formula' in object || 'sharedFormula' in object) {
    const result = object.result;
    if (result === undefined || result === null) return undefined;
    if (typeof result === 'number') return Number.isNaN(result) ? undefined : numberCellText(result, cell.numFmt, date1904);
    if (result instanceof Date) return jalaliOfDate(result);
    if (typeof result === 'object' && 'error' in (result as object)) return String((result as { error: string }).error);
    return String(result);
  }
  if (object.error !== undefined) return object.error;
  if (object.text !== undefined) return String(object.text);
  return String(value);
}

/** One CSV cell: a line break inside a cell reads as a space (as cleaning folds it), quoted when needed. */
function csvCell(text: string): string {
  const flat = text.replace(/\r\n|[\r\n]/g, ' ');
  return /[",]/.test(flat) ? `"${flat.replace(/"/g, '""')}"` : flat;
}

/**
 * Writes the sheet `sheet` of the workbook at `path` to `csvPath`: one line per Excel row from
 * row 1 to the last row that holds a value (rows that hold nothing become empty lines), every
 * line as wide as the widest of the first rows. Throws a plain message when the sheet is not found.
 */
export async function sheetToCsv(path: string, sheet: SheetInfo, csvPath: string): Promise<void> {
  // exceljs takes a third of a second to load: only a run with a workbook in it pays for that.
  const { default: Excel } = await import('exceljs');
  const input = createReadStream(path);
  const reader = new Excel.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore',
  });
  const out = createWriteStream(csvPath);
  const partNumber = /sheet(\d+)\.xml$/.exec(sheet.part)?.[1];
  let found = false;
  try {
    for await (const worksheet of reader) {
      const { name, id } = worksheet as unknown as { name: string; id: string | number };
      // exceljs names a sheet from the workbook's parts; when it cannot, it calls it Sheet<N> after its part.
      if (name !== sheet.name && !(name === `Sheet${id}` && String(id) === partNumber)) continue;
      found = true;
      const date1904 = Boolean((reader as unknown as { properties?: { model?: { date1904?: boolean } } }).properties?.model?.date1904);
      await writeRows(worksheet, out, date1904);
      break;
    }
  } finally {
    input.destroy();
    out.end();
    await once(out, 'close');
  }
  if (!found) throw new Error(`its sheet "${sheet.name}" (${sheet.part}) was not found by the workbook reader`);
}

/** Streams the rows of `worksheet` into `out` as CSV lines, numbered as Excel numbers them. */
async function writeRows(worksheet: ExcelJS.stream.xlsx.WorksheetReader, out: NodeJS.WritableStream, date1904: boolean): Promise<void> {
  const head: { number: number; cells: string[] }[] = [];
  let width = 0;
  let written = 0;
  // Rows that hold nothing are written (empty) only when a row with a value follows them.
  let chunk = '';
  const flush = async (force = false) => {
    if (chunk.length < 1 << 20 && !force) return;
    if (!out.write(chunk)) await once(out, 'drain');
    chunk = '';
  };
  const line = (cells: string[]) => {
    const padded = cells.length < width ? [...cells, ...Array<string>(width - cells.length).fill('')] : cells;
    chunk += `${padded.map(csvCell).join(',')}\n`;
  };
  const emit = async (number: number, cells: string[]) => {
    const blank = ','.repeat(Math.max(width - 1, 0));
    for (let gap = written + 1; gap < number; gap++) chunk += `${blank}\n`;
    line(cells);
    written = number;
    await flush();
  };
  for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
    const cells: string[] = [];
    let hasValue = false;
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      const text = cellText(cell, date1904);
      if (text === undefined) return;
      hasValue = true;
      cells[column - 1] = text;
    });
    if (!hasValue) continue;
    for (let i = 0; i < cells.length; i++) cells[i] ??= '';
    if (head.length < HEAD_ROWS && written === 0) {
      head.push({ number: row.number, cells });
      width = Math.max(width, cells.length);
      continue;
    }
    if (written === 0) for (const h of head.splice(0)) await emit(h.number, h.cells);
    await emit(row.number, cells);
  }
  for (const h of head.splice(0)) await emit(h.number, h.cells);
  await flush(true);
}
