import { describe, expect, it } from 'vitest';
import { load, rows, tempWarehouse } from '../helpers.ts';

const Q1 = 'tests/fixtures/reload/q1';
const snapshot = (db: string) => rows(db, `
  select 'allocations' as t, to_json(a)::VARCHAR as row from allocations a
  union all select 'absorption', to_json(b)::VARCHAR from absorption b
  order by t, row`);

describe('loading again (CONTRACT §5)', () => {
  it('leaves the warehouse identical when the same drop is loaded twice', async () => {
    const db = tempWarehouse();
    await load([Q1], db);
    const before = await snapshot(db);
    const second = await load([Q1], db);
    expect(await snapshot(db)).toEqual(before);
    // [file, new, replaced, unchanged]: the second load writes nothing.
    expect(second.files.map((f) => [f.file, f.rowsNew, f.rowsReplaced, f.rowsUnchanged])).toEqual([
      ['q1/absorption_melli.csv', 0, 0, 2],
      ['q1/allocations.csv', 0, 0, 2],
    ]);
    expect(await rows(db, `select load_id, rows_read, rows_new, rows_replaced, rows_unchanged from load_runs order by load_id`)).toEqual([
      { load_id: 1, rows_read: 4, rows_new: 4, rows_replaced: 0, rows_unchanged: 0 },
      { load_id: 2, rows_read: 4, rows_new: 0, rows_replaced: 0, rows_unchanged: 4 },
    ]);
    expect(await rows(db, `select count(*)::INTEGER as n from replaced_rows`)).toEqual([{ n: 0 }]);
  });

  it('replaces only the rows a corrected file changes, and a later bank adds to the quarter', async () => {
    const db = tempWarehouse();
    await load([Q1], db);
    await load(['tests/fixtures/reload/q1-corrected'], db);
    await load(['tests/fixtures/reload/q1-late-bank'], db);
    expect(await rows(db, `
      select program, bank, disbursed_amount::VARCHAR as disbursed, load_id, source_file, source_line
      from absorption order by bank, program`)).toEqual([
      { program: 'ndf_rural', bank: 'keshavarzi', disbursed: '900.000000', load_id: 3, source_file: 'q1-late-bank/absorption_keshavarzi.csv', source_line: 2 },
      { program: 'budget_job', bank: 'melli', disbursed: '450.000000', load_id: 2, source_file: 'q1-corrected/absorption_melli.csv', source_line: 2 },
      { program: 'working_capital', bank: 'melli', disbursed: '100.000000', load_id: 1, source_file: 'q1/absorption_melli.csv', source_line: 3 },
    ]);
  });

  it('compares with stored rows when the new file lacks a column the stored rows have values in', async () => {
    const db = tempWarehouse();
    await load(['tests/fixtures/reload/agency'], db);
    const again = await load([Q1, 'tests/fixtures/reload/agency'], db);
    expect(again.files.map((f) => [f.file, f.rowsNew, f.rowsReplaced, f.rowsUnchanged])).toEqual([
      ['q1/absorption_melli.csv', 2, 0, 0],
      ['q1/allocations.csv', 2, 0, 0],
      ['agency/absorption_relief_committee.csv', 0, 0, 1],
    ]);
    expect(await rows(db, `select agency, bank from absorption order by agency nulls first, bank`)).toEqual([
      { agency: null, bank: 'melli' }, { agency: null, bank: 'melli' }, { agency: 'relief_committee', bank: null },
    ]);
  });

  it('warns when a later quarter breaks soft rules against what is stored, and still loads it', async () => {
    const db = tempWarehouse();
    await load([Q1], db);
    const q2 = await load(['tests/fixtures/reload/q2'], db);
    expect(await rows(db, `select source_file, source_line, rule, message from dq_warnings order by source_file, source_line, rule`)).toEqual([
      { source_file: 'q2/absorption_keshavarzi.csv', source_line: 2, rule: 'disbursed_above_allocated',
        message: 'q2/absorption_keshavarzi.csv line 2: disbursed 2100 is above the 2000 allocated to the same key in 1394 up to quarter 2' },
      { source_file: 'q2/absorption_melli.csv', source_line: 2, rule: 'cumulative_decrease',
        message: "q2/absorption_melli.csv line 2: disbursed_amount 350 is lower than the same key's 400 in quarter 1, although reports are cumulative from the start of the year" },
      { source_file: 'q2/absorption_melli.csv', source_line: 3, rule: 'funnel_order',
        message: 'q2/absorption_melli.csv line 3: approved (مصوب) is above referred (معرفی به بانک): 320 > 300' },
    ]);
    expect(q2.files.map((f) => [f.file, f.rowsLoaded, f.warnings])).toEqual([
      ['q2/absorption_keshavarzi.csv', 1, 1],
      ['q2/absorption_melli.csv', 2, 2],
    ]);
  });
});
