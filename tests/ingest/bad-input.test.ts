import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../pipelines/run.ts';
import { load, rows, tempWarehouse, unaccounted } from '../helpers.ts';

const db = tempWarehouse();
let summary: RunSummary;
beforeAll(async () => {
  summary = await load(['tests/fixtures/bad'], db);
});

const file = (name: string) => summary.files.find((f) => f.file === `bad/${name}`)!;

describe('bad input gets a clear message and nothing is lost (CONTRACT §4)', () => {
  it('quarantines each kind of broken row with file, line, column, found and expected', async () => {
    const quarantined = await rows<{ source_line: number; column_name: string | null; column_label: string | null; found: string | null; message: string }>(
      db, `select source_line, column_name, column_label, found, message from quarantine order by source_file, source_line`);
    expect(quarantined.map((q) => q.message)).toEqual([
      'bad/absorption_bank.csv line 3: the line has 5 values where the header has 9 columns',
      // The unclosed quote costs line 4 only: line 5 after it is read on its own and loads.
      'bad/absorption_bank.csv line 4: a quote (") opened on this line is never closed properly, so the line cannot be split into columns',
      'bad/allocations.csv line 3: column quarter (فصل ابلاغ): found "5", expected a whole number from 1 to 4',
      'bad/allocations.csv line 4: column bank (بانک عامل): found "بانک کشاورز", expected a known bank (code or name from data/reference/banks.csv); nearest known: بانک کشاورزی، بانک تجارت، بانک رفاه کارگران',
      'bad/allocations.csv line 5: column amount (مبلغ): found nothing, expected an amount greater than 0 (at most 999,999,999,999.999999 million rials)',
      'bad/allocations.csv line 6: column amount (مبلغ): found "-20", expected an amount greater than 0 (at most 999,999,999,999.999999 million rials)',
      'bad/allocations.csv line 7: column amount (مبلغ): found "12abc", expected an amount greater than 0 (at most 999,999,999,999.999999 million rials)',
      'bad/allocations.csv line 8: column year (سال): found "1379", expected a whole number from 1380 to 1450; column jobs_target (تعهد اشتغال): found "2.5", expected a whole number ≥ 0',
      'bad/allocations.csv line 11: the natural key (year=1394, quarter=2, program=home_business, funding_source=budget, bank=post, agency=(empty), county=shiraz, notification_id=N-9) is given 2 times in this run with different values (bad/allocations.csv line 11, bad/allocations.csv line 12); expected one row per key, so none of them is loaded',
      'bad/allocations.csv line 12: the natural key (year=1394, quarter=2, program=home_business, funding_source=budget, bank=post, agency=(empty), county=shiraz, notification_id=N-9) is given 2 times in this run with different values (bad/allocations.csv line 11, bad/allocations.csv line 12); expected one row per key, so none of them is loaded',
      'bad/applications.csv line 3: column reason_code (علت عدم جذب): found nothing, expected a reason for a rejected or withdrawn application',
      'bad/applications.csv line 4: column referral_date (تاریخ معرفی): found "1394/12/30", which does not exist: month 12 of 1394 has 29 days (1394 is not a leap year); expected a Jalali date such as 1394/04/08',
      'bad/applications.csv line 5: column status (وضعیت): found "lost", expected one of referred, approved, contracted, disbursed, rejected, withdrawn',
    ]);
    expect(quarantined[3]).toMatchObject({ column_name: 'bank', column_label: 'بانک عامل', found: 'بانک کشاورز' });
  });

  it('keeps the raw values of a quarantined row', async () => {
    const [raw] = await rows<{ raw_values: string }>(db, `select raw_values from quarantine where source_file = 'bad/allocations.csv' and source_line = 4`);
    expect(JSON.parse(raw!.raw_values)).toEqual({
      year: '1394', quarter: '1', program: 'budget_job', funding_source: 'budget', bank: 'بانک کشاورز',
      county: 'jahrom', amount: '500', jobs_target: '5', notification_id: 'N-3',
    });
  });

  it('loads an identical duplicate once, with a warning', async () => {
    const warnings = await rows<{ rule: string; message: string }>(db, `select rule, message from dq_warnings order by source_file, source_line`);
    expect(warnings).toEqual([
      { rule: 'duplicate_row', message: 'bad/allocations.csv line 10: an identical copy of an earlier row (bad/allocations.csv line 9, bad/allocations.csv line 10); loaded once' },
      { rule: 'application_disbursed_above_approved', message: 'bad/applications.csv line 6: application A-5 was paid 700, more than the 600 approved' },
    ]);
    expect(await rows(db, `select notification_id from allocations order by notification_id`)).toEqual([{ notification_id: 'N-1' }, { notification_id: 'N-8' }]);
  });

  it('stops an unreadable file with a one-line reason and still loads the rest', () => {
    // budget_notes.csv (a,b / 1,2) names no dataset and no dataset's columns: ignored, not failed (issue 12).
    expect(summary.files.filter((f) => f.ignored).map((f) => [f.file, f.ignored])).toEqual([
      ['bad/budget_notes.csv', 'no dataset\'s columns were found in it (expected a header such as year, quarter, program, funding_source)'],
    ]);
    expect(summary.files.filter((f) => f.error).map((f) => f.error)).toEqual([
      'bad/ndf_lines.csv: no header line naming the ndf_lines columns was found in its first 30 lines (expected names such as line_id, year, quarter, program or their Persian labels)',
      'bad/projects.xlsx: it cannot be read as an Excel workbook: the file is not a ZIP archive, as an .xlsx workbook is (it may be cut short, or another format renamed .xlsx)',
      'bad/reasons.csv: it is not a text file (it holds binary bytes)',
    ]);
    expect(file('applications.csv').rowsLoaded).toBe(2);
  });

  it('accounts for every row read: new + replaced + unchanged + quarantined + duplicate + totals + blank', async () => {
    expect(unaccounted(summary)).toEqual([]);
    // absorption_bank.csv has 4 data lines (wc -l minus the header): line 2 loads, line 3 is short,
    // line 4 opens a quote that never closes, and line 5 after it loads.
    expect([file('allocations.csv'), file('applications.csv'), file('absorption_bank.csv')].map((f) =>
      [f.rowsRead, f.rowsNew, f.rowsQuarantined, f.rowsDuplicate, f.rowsTotals])).toEqual([[11, 2, 8, 1, 0], [5, 2, 3, 0, 0], [4, 2, 2, 0, 0]]);
    const [run] = await rows(db, `select files, files_failed, rows_read, rows_new, rows_loaded, rows_quarantined, rows_duplicate, rows_totals, warnings from load_runs`);
    expect(run).toEqual({
      files: 7, files_failed: 3, rows_read: 20, rows_new: 6, rows_loaded: 6, rows_quarantined: 13, rows_duplicate: 1, rows_totals: 0, warnings: 2,
    });
  });
});
