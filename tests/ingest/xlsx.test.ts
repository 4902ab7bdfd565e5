/**
 * Excel workbooks in a drop (issue 8, item 1): they load like CSV, with the same checks,
 * quarantine, warnings and row balance, and messages that name the file, the sheet and the
 * Excel row. Every workbook is written here with exceljs. Run under Asia/Tehran (UTC+3:30 or
 * +4:30), where a date read through the machine's clock would move a late-evening date a day on.
 */
process.env.TZ = 'Asia/Tehran';

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cellText, excelNumberText } from '../../pipelines/ingest/xlsx.ts';
import { exportRejects } from '../../pipelines/publish/rejects.ts';
import { withWarehouse } from '../../pipelines/publish/tables.ts';
import { countSheetRows, workbookSheets } from '../../pipelines/ingest/xlsx-count.ts';
import { gregorianToJalali, jalaliMonthLength, jalaliToGregorian } from '../../pipelines/jalali.ts';
import type { RunSummary } from '../../pipelines/run.ts';
import { load, rows, tempWarehouse, unaccounted } from '../helpers.ts';
import { MELLAT_FILE, MELLAT_SHEET, writeApplicationsDrop, writeMellatDrop } from '../fixtures/make-xlsx-fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'xlsx-'));
const mellatDrop = join(root, '1394-Q1');
const mellatName = `1394-Q1/${MELLAT_FILE}, sheet ${MELLAT_SHEET}`;
let db: string;
let summary: RunSummary;

beforeAll(async () => {
  await writeMellatDrop(mellatDrop);
  await writeApplicationsDrop(join(root, 'apps'));
  db = tempWarehouse();
  summary = await load([mellatDrop, join(root, 'apps')], db);
});

describe('a bank workbook with a title, merged group cells, a notes sheet and a totals row', () => {
  it('reads the sheet the manifest names, and balances: read 9 = new 6 + quarantined 1 + totals 1 + blank 1', () => {
    expect(unaccounted(summary)).toEqual([]);
    const file = summary.files.find((f) => f.file === mellatName)!;
    // Rows 4–12 below the header in row 3: six good rows, row 6 empty, row 11 bad, row 12 the totals.
    expect([file.format, file.dataset, file.rowsRead, file.rowsNew, file.rowsQuarantined, file.rowsTotals, file.rowsBlank])
      .toEqual(['xlsx', 'absorption', 9, 6, 1, 1, 1]);
  });

  it('counts the sheet from the workbook itself, not from the copy the reader loads', async () => {
    const sheets = workbookSheets(join(mellatDrop, MELLAT_FILE));
    expect(sheets.map((s) => [s.name, s.hidden])).toEqual([['راهنما', false], [MELLAT_SHEET, false]]);
    expect(await countSheetRows(join(mellatDrop, MELLAT_FILE), sheets[1]!.part, 3)).toEqual({ records: 9, blank: 1, lineBreaks: 0 });
    // Below a header in row 6 only rows 7–12 are data.
    expect(await countSheetRows(join(mellatDrop, MELLAT_FILE), sheets[1]!.part, 6)).toEqual({ records: 6, blank: 0, lineBreaks: 0 });
  });

  it('keeps every number exact: real numbers, text with Persian digits and ٬, a formula\'s cached 0.1 + 0.2', async () => {
    expect(await rows(db, `
      select source_line, program, county, referred_count, referred_amount::VARCHAR as referred, disbursed_amount::VARCHAR as disbursed
      from absorption order by source_line`)).toEqual([
      { source_line: 4, program: 'budget_job', county: 'shiraz', referred_count: 12, referred: '12500.000000', disbursed: '7500.500000' },
      { source_line: 5, program: 'working_capital', county: 'marvdasht', referred_count: 3, referred: '2000.000000', disbursed: '1000.250000' },
      { source_line: 7, program: 'home_business', county: 'jahrom', referred_count: 2, referred: '0.300000', disbursed: '0.200000' },
      { source_line: 8, program: 'budget_job', county: 'fasa', referred_count: 1, referred: '100.000000', disbursed: '70.000000' },
      { source_line: 9, program: 'budget_job', county: 'darab', referred_count: 1, referred: '200.000000', disbursed: '140.000000' },
      { source_line: 10, program: 'budget_job', county: 'kazerun', referred_count: 1, referred: '300.000000', disbursed: '210.000000' },
    ]);
  });

  it('names the file, the sheet and the Excel row of a bad row, and checks the SUM row without loading it', async () => {
    expect(await rows(db, `select source_file, source_line, column_name, found, message from quarantine`)).toEqual([{
      source_file: mellatName, source_line: 11, column_name: 'quarter', found: '5',
      message: `${mellatName}, row 11: column quarter (فصل): found "5", expected a whole number from 1 to 4`,
    }]);
    // The totals row's cached sums match the rows above (row 11's figures included), so no totals warning.
    expect(await rows(db, `select rule, message from dq_warnings where source_file = $f`, { f: mellatName })).toEqual([
      { rule: 'empty_rows', message: `${mellatName}: 1 row is empty in every absorption column and was skipped` },
    ]);
  });
});

describe('a workbook\'s rejected rows back to the bank', () => {
  it('go to a workbook named after the file and its sheet, by Excel row, with the problem in Persian', async () => {
    const dir = join(root, 'rejects');
    const result = await withWarehouse(db, (c) => exportRejects(c, dir));
    expect(result.files.map((f) => [f.path.slice(dir.length + 1), f.rows])).toEqual([[`1394-Q1/گزارش بانک ملت (${MELLAT_SHEET}).rejected.xlsx`, 1]]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(result.files[0]!.path);
    const sheet = workbook.worksheets[0]!;
    expect((sheet.getRow(2).values as string[]).slice(1, 6)).toEqual(['ردیف در اکسل', 'ایراد و مقدار درست', 'سال', 'فصل', 'برنامه']);
    expect((sheet.getRow(3).values as unknown[]).slice(1, 6)).toEqual([11, 'ستون «فصل»: «5» پذیرفته نیست؛ درست آن: عدد صحیح از 1 تا 4', '1394', '5', 'budget_job']);
  });
});

describe('a workbook loaded again', () => {
  it('changes nothing, and its rejected row stays one open row', async () => {
    const again = await load([mellatDrop], db);
    expect(again.files.map((f) => [f.file, f.rowsRead, f.rowsNew, f.rowsUnchanged, f.rowsQuarantined])).toEqual([[mellatName, 9, 0, 6, 1]]);
    expect(await rows(db, `select source_line from quarantine_open where source_file = $f`, { f: mellatName })).toEqual([{ source_line: 11 }]);
  });
});

describe('dates in a workbook', () => {
  it('converts date cells from their day number, whatever the machine\'s time zone', async () => {
    // The test runs in Tehran: 2015-06-29 23:55 UTC is already the 30th on this machine's clock.
    expect(new Date(Date.UTC(2015, 5, 29, 23, 55)).getDate()).toBe(30);
    expect(await rows(db, `
      select application_id, referral_date::VARCHAR as referral, referral_date_jalali, disbursement_date_jalali, jobs_committed
      from applications order by application_id`)).toEqual([
      // 1394/04/08 is 2015-06-29 (the session's date); 15 July 2015 is 1394/04/24.
      { application_id: 'A-1', referral: '2015-06-29', referral_date_jalali: '1394/04/08', disbursement_date_jalali: '1394/04/24', jobs_committed: 2 },
      { application_id: 'A-2', referral: '2015-06-29', referral_date_jalali: '1394/04/08', disbursement_date_jalali: '1394/04/24', jobs_committed: 2 },
      // Nowruz 1395 fell on 20 March 2016.
      { application_id: 'A-3', referral: '2016-03-20', referral_date_jalali: '1395/01/01', disbursement_date_jalali: null, jobs_committed: 3 },
    ]);
  });

  it('has a Gregorian → Jalali conversion that undoes jalaliToGregorian on every day of 1380–1450', () => {
    const wrong: string[] = [];
    for (let year = 1380; year <= 1450; year++) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 1; day <= jalaliMonthLength(year, month); day++) {
          const back = gregorianToJalali(jalaliToGregorian({ year, month, day }));
          if (back.year !== year || back.month !== month || back.day !== day) wrong.push(`${year}/${month}/${day}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('cells as the sender sees them', () => {
  const cell = (value: unknown, numFmt?: string) => cellText({ value, numFmt } as unknown as ExcelJS.Cell);

  it('writes numbers in their shortest exact decimal, at Excel\'s 15 significant digits', () => {
    expect([0.30000000000000004, 7500.5, 12345678.123456, 98765432.654321, 1e-7, 1e21, -2.5].map(excelNumberText))
      .toEqual(['0.3', '7500.5', '12345678.123456', '98765432.654321', '0.0000001', '1000000000000000000000', '-2.5']);
  });

  it('reads percentages as the percent shown, formulas by their cached value, and nothing for a formula without one', () => {
    expect([
      cell(0.185, '0.0%'), cell(0.18, '0%'), cell({ formula: 'A1*2', result: 42 }), cell({ formula: 'A1*2' }),
      cell({ richText: [{ text: 'بانک ' }, { text: 'ملت' }] }), cell({ error: '#N/A' }), cell(true), cell(42185.5, 'dd/mm/yyyy'),
    ]).toEqual(['18.5', '18', '42', undefined, 'بانک ملت', '#N/A', 'TRUE', '1394/04/09']);
  });
});

describe('choosing the sheet', () => {
  /** A workbook whose first tab is a hidden list and second the allocations, with no dataset in its name. */
  async function writeReport(dir: string, manifest?: object): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('lists', { state: 'hidden' }).getCell('A1').value = 'year';
    const sheet = workbook.addWorksheet('ابلاغیه‌ها');
    sheet.getRow(1).values = ['سال', 'فصل ابلاغ', 'برنامه', 'بانک عامل', 'مبلغ'];
    sheet.getRow(2).values = [1394, 1, 'budget_job', 'mellat', 1500];
    await workbook.xlsx.writeFile(join(dir, 'report.xlsx'));
    if (manifest) writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  }

  it('takes the first visible sheet, and the dataset from its header when neither name nor manifest tells', async () => {
    const dir = join(root, 'first-visible');
    await writeReport(dir);
    const run = await load([dir], tempWarehouse());
    expect(run.files.map((f) => [f.file, f.dataset, f.datasetFrom, f.rowsRead, f.rowsNew, f.error ?? null])).toEqual([
      ['first-visible/report.xlsx, sheet ابلاغیه‌ها', 'allocations', 'header', 1, 1, null],
    ]);
  });

  it('stops a workbook whose manifest names a sheet it does not have, listing its sheets', async () => {
    const dir = join(root, 'no-such-sheet');
    await writeReport(dir, { files: [{ path: 'report.xlsx', dataset: 'allocations', sheet: 'عملکرد' }] });
    const run = await load([dir], tempWarehouse());
    expect(run.files.map((f) => f.error)).toEqual([
      'no-such-sheet/report.xlsx: the workbook has no sheet named "عملکرد" (its sheets: "lists", "ابلاغیه‌ها"); correct "sheet" in manifest.json',
    ]);
  });
});
