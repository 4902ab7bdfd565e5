/**
 * `--rejects DIR [--load N]`: the rows a load quarantined, back to their senders. One
 * right-to-left workbook per source file that had quarantined rows, `DIR/<drop>/<file>.rejected.xlsx`,
 * listing each of those rows once, as the sender wrote it (its values as read from the file, or
 * the raw line when it could not be split into columns), with a column saying in Persian what is
 * wrong and what is expected.
 */
import { mkdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import ExcelJS from 'exceljs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import { queryRows } from '../db.ts';
import { columnMeta } from '../schema/columns.ts';
import { DATASETS, type DatasetDefinition, type DatasetName } from '../schema/datasets.ts';
import { problemsFa } from './problems-fa.ts';

interface QuarantinedRow {
  dataset: string;
  source_file: string;
  source_line: number | null;
  source_record: number | null;
  message: string;
  raw_values: string | null;
}

/** The header of a rejects sheet, before and after the file's own columns. */
export const REJECTS_HEADER = { place: 'محل در فایل', problem: 'ایراد و مقدار درست', rawLine: 'متن ردیف (تقسیم‌نشده به ستون‌ها)', english: 'پیام (انگلیسی)' };

/** The workbook a source file's rejected rows go to: `<drop>/<file stem>.rejected.xlsx` (a sheet's name in brackets). */
export function rejectsFileName(sourceFile: string): string {
  const slash = sourceFile.indexOf('/');
  const drop = slash >= 0 ? sourceFile.slice(0, slash) : '';
  const rest = slash >= 0 ? sourceFile.slice(slash + 1) : sourceFile;
  const sheet = /^(.*)\.xls[xm], sheet (.*)$/.exec(rest);
  const stem = sheet ? `${sheet[1]} (${sheet[2]})` : basename(rest, extname(rest));
  const safe = (name: string) => name.replace(/[\\/:*?"<>|]/g, '_');
  return join(safe(drop), `${safe(stem)}.rejected.xlsx`);
}

/** The values a quarantined row holds: its columns as read, or its raw line when it could not be split. */
function rowValues(row: QuarantinedRow, dataset: DatasetDefinition): { values: Record<string, string>; rawLine?: string } {
  if (row.raw_values === null) return { values: {} };
  try {
    const parsed = JSON.parse(row.raw_values) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const entries = Object.entries(parsed as Record<string, unknown>);
      if (entries.every(([k]) => k in dataset.schema.shape)) {
        return { values: Object.fromEntries(entries.filter(([, v]) => v !== null).map(([k, v]) => [k, String(v)])) };
      }
    }
  } catch {
    // Not JSON: the raw text of a line that could not be split into columns.
  }
  return { values: {}, rawLine: row.raw_values };
}

/** The load to export: `loadId`, else the latest; a plain message when there is none. */
async function chooseLoad(connection: DuckDBConnection, loadId: number | undefined): Promise<number> {
  const loads = (await queryRows<{ id: number }>(connection, `select load_id as id from load_runs order by load_id`)).map((r) => Number(r.id));
  if (loads.length === 0) throw new Error('the warehouse has no loads yet; run npm run pipeline -- DROP first');
  if (loadId === undefined) return loads.at(-1)!;
  if (!loads.includes(loadId)) throw new Error(`the warehouse has no load ${loadId}; its loads are ${loads.join(', ')}`);
  return loadId;
}

/** Writes a workbook of rejected rows per source file of load `loadId` (default the latest) under `dir`. */
export async function exportRejects(
  connection: DuckDBConnection, dir: string, loadId?: number,
): Promise<{ loadId: number; files: { sourceFile: string; path: string; rows: number }[] }> {
  const load = await chooseLoad(connection, loadId);
  const rows = await queryRows<QuarantinedRow>(connection, `
    select dataset, source_file, source_line, source_record, message, raw_values from quarantine
    where load_id = $load order by source_file, source_line, source_record`, { load });
  const byFile = new Map<string, QuarantinedRow[]>();
  for (const row of rows) byFile.set(row.source_file, [...(byFile.get(row.source_file) ?? []), row]);
  const files = [];
  for (const [sourceFile, fileRows] of byFile) {
    const path = join(dir, rejectsFileName(sourceFile));
    mkdirSync(join(path, '..'), { recursive: true });
    await writeRejectsWorkbook(path, sourceFile, load, fileRows);
    files.push({ sourceFile, path, rows: fileRows.length });
  }
  return { loadId: load, files };
}

async function writeRejectsWorkbook(path: string, sourceFile: string, loadId: number, rows: QuarantinedRow[]): Promise<void> {
  const dataset = DATASETS[rows[0]!.dataset as DatasetName] as DatasetDefinition;
  const parsed = rows.map((row) => ({ row, ...rowValues(row, dataset) }));
  const columns = Object.keys(dataset.schema.shape).filter((c) => parsed.some((p) => c in p.values));
  const hasRawLines = parsed.some((p) => p.rawLine !== undefined);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('ردیف‌های برگشتی', {
    views: [{ state: 'frozen', ySplit: 2, xSplit: 0, rightToLeft: true, topLeftCell: 'A3' } as ExcelJS.WorksheetView],
    // Printed, the rows fit the page's width (landscape), the header on every page.
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:2' },
  });
  const isSheet = /\.xls[xm], sheet /.test(sourceFile);
  sheet.addRow([`${rows.length} ردیف از «${sourceFile}» در بارگذاری ${loadId} پذیرفته نشد. لطفاً این ردیف‌ها را اصلاح کنید و پرونده را دوباره بفرستید.`]).font = { bold: true };
  const header = [
    isSheet ? 'ردیف در اکسل' : REJECTS_HEADER.place, REJECTS_HEADER.problem,
    ...columns.map((c) => columnMeta(dataset.schema.shape[c] as z.ZodType).label),
    ...(hasRawLines ? [REJECTS_HEADER.rawLine] : []), REJECTS_HEADER.english,
  ];
  const headerRow = sheet.addRow(header);
  headerRow.font = { bold: true };
  for (const { row, values, rawLine } of parsed) {
    const place = row.source_record !== null ? `رکورد ${row.source_record} (سطر ${row.source_line})` : row.source_line;
    const problem = problemsFa(dataset, row.message);
    const added = sheet.addRow([
      place, problem, ...columns.map((c) => values[c] ?? null),
      ...(hasRawLines ? [rawLine ?? null] : []), row.message,
    ]);
    added.alignment = { vertical: 'top' };
    added.getCell(2).alignment = { wrapText: true, vertical: 'top', horizontal: 'right', readingOrder: 'rtl' };
    // Excel does not grow a row for wrapped text it did not type itself: about 60 characters a line.
    added.height = 15 * problem.split('\n').reduce((lines, line) => lines + Math.max(1, Math.ceil(line.length / 60)), 0);
  }
  sheet.columns.forEach((column, i) => { column.width = i === 1 ? 70 : i === header.length - 1 ? 60 : 16; });
  sheet.mergeCells(1, 1, 1, header.length);
  sheet.getRow(1).height = 30;
  sheet.getCell(1, 1).alignment = { wrapText: true, vertical: 'middle', horizontal: 'right', readingOrder: 'rtl' };
  await workbook.xlsx.writeFile(path);
}
