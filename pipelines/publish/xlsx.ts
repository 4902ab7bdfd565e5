/**
 * `--xlsx FILE`: the marts in one right-to-left workbook for committee members. A sheet per mart,
 * two frozen header rows (the Persian name from the metric dictionary, then the column's name),
 * number formats for million rials, counts and percentages, and a sheet of definitions.
 *
 * Values are exact: a DECIMAL is written as an Excel number only when the double Excel stores
 * gives back exactly the same decimal at Excel's 15 significant digits (a money figure of up to
 * 15 digits, e.g. 12,345,678.123456 million rials); a longer one (a national 123,456,789,012.5)
 * is written as its exact text, and the definitions sheet says how many cells are such text.
 * Rounding is only in the format.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readMetricDictionary, type MetricDefinition } from '../../dashboards/dictionary.ts';
import { excelNumberText } from '../ingest/xlsx.ts';
import { trimDecimal } from '../validate.ts';
import { martTables, type PublishedTable, type TableColumn } from './tables.ts';

/** The README whose metric dictionary names and defines every mart column. */
export const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The sheet that closes the workbook. */
export const DEFINITIONS_SHEET = 'تعاریف';

/** A value as an Excel number when that number is exactly the decimal `text`; undefined when it is not. */
export function exactExcelNumber(text: string): number | undefined {
  const decimal = trimDecimal(text.replace(/^(-?)0+(?=\d)/, '$1'));
  const number = Number(decimal);
  return Number.isFinite(number) && excelNumberText(number) === decimal.replace(/^-0$/, '0') ? number : undefined;
}

/**
 * The Persian header of each column of `mart`. A dictionary row may define several columns under
 * one name ("تعداد / مبلغ معرفی به بانک (تجمعی)" for referred_count, referred_amount; "مدت
 * بازپرداخت، دوره تنفس" for term_months, grace_months): each column gets its own part when the
 * name splits into as many parts as the row has columns, else the whole name.
 */
export function persianHeaders(dictionary: Map<string, MetricDefinition>, mart: string, columns: string[]): string[] {
  const rows = new Map<string, string[]>();
  for (const d of dictionary.values()) {
    if (d.mart !== mart) continue;
    const key = `${d.nameFa}|${d.formula}|${d.unit}`;
    rows.set(key, [...(rows.get(key) ?? []), d.column]);
  }
  return columns.map((column) => {
    const d = dictionary.get(`${mart}.${column}`);
    if (!d) return column;
    const group = rows.get(`${d.nameFa}|${d.formula}|${d.unit}`)!;
    const index = group.indexOf(column);
    if (group.length === 1) return d.nameFa;
    const parts = d.nameFa.split('، ');
    if (parts.length === group.length) return parts[index]!;
    // "A / B rest": A rest, B rest.
    const slash = /^(\S+) \/ (\S+) (.+)$/.exec(d.nameFa);
    if (slash && group.length === 2) return `${slash[index + 1]} ${slash[3]}`;
    return d.nameFa;
  });
}

/** The number format of a column: percentages for ratios, thousands for amounts and counts. */
export function columnFormat(column: TableColumn, unit = ''): string | undefined {
  const { name } = column;
  if (/(_rate|_share|_ratio|_change|^utilization)$/.test(name) || /^ratio/.test(unit)) return '0.0%';
  if (/^(year|quarter|as_of_year|as_of_quarter|notification_quarter|.*_rank|load_id|source_line)$/.test(name)) return '0';
  if (/_amount$/.test(name) || unit.includes('million rials')) return '#,##0';
  if (/INT|DECIMAL|DOUBLE/.test(column.type)) return '#,##0';
  return undefined;
}

/** A DuckDB value (as getRowsJson gives it) as an Excel cell value; `asText` counts decimals kept as text. */
function cellValue(value: unknown, column: TableColumn, asText: { count: number }): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  if (/^(DECIMAL|BIGINT|HUGEINT|UBIGINT)/.test(column.type)) {
    const number = exactExcelNumber(String(value));
    if (number !== undefined) return number;
    asText.count++;
    return trimDecimal(String(value));
  }
  if (column.type === 'DATE') return new Date(`${String(value)}T00:00:00Z`);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/** Writes the marts of the warehouse behind `connection` to the workbook `path`; returns what it wrote. */
export async function exportMartsWorkbook(
  connection: DuckDBConnection, path: string, readmePath = README,
): Promise<{ sheets: string[]; rows: number; textCells: number }> {
  const dictionary = readMetricDictionary(readmePath);
  const marts = await martTables(connection);
  const stream = createWriteStream(path);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  let rows = 0;
  const asText = { count: 0 };
  const textBySheet = new Map<string, number>();
  for (const mart of marts) {
    const before = asText.count;
    rows += await writeMartSheet(workbook, connection, mart, dictionary, asText);
    textBySheet.set(mart.name, asText.count - before);
  }
  writeDefinitions(workbook, marts, dictionary, textBySheet);
  await workbook.commit();
  if (!stream.closed) await once(stream, 'close');
  return { sheets: [...marts.map((m) => m.name), DEFINITIONS_SHEET], rows, textCells: asText.count };
}

/** A right-to-left sheet whose first `rows` rows stay in view. */
const frozenRtl = (rows: number): Partial<ExcelJS.AddWorksheetOptions> => ({
  views: [{ state: 'frozen', ySplit: rows, xSplit: 0, rightToLeft: true, topLeftCell: `A${rows + 1}` } as ExcelJS.WorksheetView],
});

async function writeMartSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter, connection: DuckDBConnection, mart: PublishedTable,
  dictionary: Map<string, MetricDefinition>, asText: { count: number },
): Promise<number> {
  const sheet = workbook.addWorksheet(mart.name, frozenRtl(2));
  const definitions = mart.columns.map((c) => dictionary.get(`${mart.name}.${c.name}`));
  const headers = persianHeaders(dictionary, mart.name, mart.columns.map((c) => c.name));
  const rows = (await connection.runAndReadAll(`select * from "${mart.name}"`)).getRowsJson();
  // Wide enough for the headers and the longest value (a code never spills into the next column), at most 40.
  const longest = mart.columns.map((_, i) => rows.reduce((most: number, row) => Math.max(most, String(row[i] ?? '').length), 0));
  sheet.columns = mart.columns.map((column, i) => ({
    key: column.name, width: Math.min(Math.max(column.name.length, headers[i]!.length, longest[i]!) + 3, 40),
    style: { numFmt: columnFormat(column, definitions[i]?.unit), alignment: { horizontal: 'right', readingOrder: 'rtl' } },
  }));
  const persian = sheet.addRow(headers);
  persian.font = { bold: true };
  persian.commit();
  const names = sheet.addRow(mart.columns.map((c) => c.name));
  names.font = { italic: true, color: { argb: 'FF555555' } };
  names.commit();
  for (const values of rows) sheet.addRow(values.map((v, i) => cellValue(v, mart.columns[i]!, asText))).commit();
  sheet.commit();
  return rows.length;
}

/** The definitions sheet: every mart column with its Persian name, formula and unit, from the metric dictionary. */
function writeDefinitions(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter, marts: PublishedTable[], dictionary: Map<string, MetricDefinition>,
  textBySheet: Map<string, number>,
): void {
  const sheet = workbook.addWorksheet(DEFINITIONS_SHEET, frozenRtl(1));
  sheet.columns = [
    { header: 'جدول (برگه)', key: 'mart', width: 26 }, { header: 'ستون', key: 'column', width: 30 },
    { header: 'نام فارسی', key: 'nameFa', width: 40 }, { header: 'تعریف و فرمول', key: 'formula', width: 90 },
    { header: 'واحد', key: 'unit', width: 18 },
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for (const mart of marts) {
    for (const column of mart.columns) {
      const d = dictionary.get(`${mart.name}.${column.name}`);
      sheet.addRow({ mart: mart.name, column: column.name, nameFa: d?.nameFa ?? '', formula: d?.formula ?? '', unit: d?.unit ?? '' }).commit();
    }
  }
  sheet.addRow([]).commit();
  const note = 'مبالغ به میلیون ریال و دقیق‌اند؛ گرد کردن فقط در قالب نمایش است. عددی که اکسل (با ۱۵ رقم معنادار) نمی‌تواند دقیق نگه دارد به صورت متن نوشته شده است.';
  sheet.addRow({ mart: note }).commit();
  for (const [mart, count] of textBySheet) if (count > 0) sheet.addRow({ mart, column: `${count} خانه به صورت متن (عدد بیش از ۱۵ رقم)` }).commit();
  sheet.commit();
}
