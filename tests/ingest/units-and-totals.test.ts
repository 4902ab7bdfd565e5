import { describe, expect, it } from 'vitest';
import { load, rows, tempWarehouse, unaccounted } from '../helpers.ts';

describe('money units (CONTRACT §3)', () => {
  it('converts rial, toman and billion-rial files to million rials exactly, in rows and in sums', async () => {
    const db = tempWarehouse();
    const units = ['million_rial', 'rial', 'toman', 'billion_rial'];
    // The same three allocations in four units; give each drop its own notification ids.
    const summary = await load(units.map((u) => `tests/fixtures/units/${u}`), db);
    expect(summary.files.map((f) => [f.unit, f.rowsLoaded])).toEqual(units.map((u) => [u, 3]));
    const perUnit = await rows<{ source_file: string; amounts: string; total: string; type: string }>(db, `
      select source_file, string_agg(amount::VARCHAR, ' ' order by notification_id) as amounts,
             sum(amount)::VARCHAR as total, typeof(sum(amount)) as type
      from allocations group by source_file order by source_file`);
    expect(perUnit).toEqual([
      { source_file: 'billion_rial/allocations.csv', amounts: '12500.500000 0.000001 999999.999999', total: '1012500.500000', type: 'DECIMAL(38,6)' },
      { source_file: 'million_rial/allocations.csv', amounts: '12500.500000 0.000001 999999.999999', total: '1012500.500000', type: 'DECIMAL(38,6)' },
      { source_file: 'rial/allocations.csv', amounts: '12500.500000 0.000001 999999.999999', total: '1012500.500000', type: 'DECIMAL(38,6)' },
      { source_file: 'toman/allocations.csv', amounts: '12500.500000 0.000001 999999.999999', total: '1012500.500000', type: 'DECIMAL(38,6)' },
    ]);
  });

  it('takes billions up to what DECIMAL(18,6) million rials holds, and quarantines a larger figure', async () => {
    const db = tempWarehouse();
    const [file] = (await load(['tests/fixtures/units/billion_rial_large'], db)).files;
    expect([file?.rowsLoaded, file?.rowsQuarantined]).toEqual([2, 1]);
    expect(await rows(db, `select notification_id, amount::VARCHAR as amount from allocations order by 1`)).toEqual([
      { notification_id: 'L-1', amount: '1000000000.000000' },
      { notification_id: 'L-2', amount: '999999999999.999999' },
    ]);
    expect(await rows(db, `select message from quarantine`)).toEqual([{
      message: 'billion_rial_large/allocations.csv line 4: column amount (مبلغ): found "1000000000", expected an amount greater than 0 (at most 999,999,999,999.999999 million rials)',
    }]);
  });
});

describe('Excel-style files (CONTRACT §1)', () => {
  it('skips title lines, reads Persian headers and digits, and does not load the totals row', async () => {
    const db = tempWarehouse();
    const summary = await load(['tests/fixtures/excel'], db);
    expect(unaccounted(summary)).toEqual([]);
    expect(summary.files.map((f) => [f.file, f.rowsRead, f.rowsLoaded, f.rowsTotals, f.rowsQuarantined])).toEqual([
      ['excel/absorption_keshavarzi.csv', 3, 2, 1, 0],
      ['excel/absorption_sepah.csv', 3, 2, 1, 0],
    ]);
    expect(await rows(db, `
      select source_line, program, bank, county, referred_count, referred_amount::VARCHAR as referred, disbursed_amount::VARCHAR as disbursed
      from absorption order by source_file, source_line`)).toEqual([
      { source_line: 4, program: 'ndf_rural', bank: 'keshavarzi', county: 'shiraz', referred_count: 12, referred: '12500.000000', disbursed: '7500.500000' },
      { source_line: 5, program: 'working_capital', bank: 'keshavarzi', county: 'marvdasht', referred_count: 3, referred: '2000.000000', disbursed: '1000.000000' },
      { source_line: 3, program: 'budget_job', bank: 'sepah', county: 'fasa', referred_count: null, referred: '400.000000', disbursed: '300.000000' },
      { source_line: 4, program: 'budget_job', bank: 'sepah', county: 'darab', referred_count: null, referred: '600.000000', disbursed: '200.000000' },
    ]);
  });

  it('warns when a totals row does not add up, naming the column and both figures', async () => {
    const db = tempWarehouse();
    await load(['tests/fixtures/excel'], db);
    expect(await rows(db, `select rule, message from dq_warnings order by source_file, source_line`)).toEqual([
      { rule: 'totals_row_mismatch', message: 'excel/absorption_sepah.csv line 5: the totals row gives disbursed_amount (مبلغ پرداخت) = 600 but the rows above add up to 500' },
    ]);
  });
});

describe('a unit stated in a header', () => {
  it('is how that column is read, with a note when it differs from the file\'s unit', async () => {
    const db = tempWarehouse();
    await load(['tests/fixtures/header-units'], db);
    expect(await rows(db, `select amount::VARCHAR as amount from allocations`)).toEqual([{ amount: '5000.000000' }]);
    expect(await rows(db, `select referred_amount::VARCHAR as referred, disbursed_amount::VARCHAR as disbursed from absorption`))
      .toEqual([{ referred: '12500.000000', disbursed: '7000.000000' }]);
    expect(await rows(db, `select message from dq_warnings order by message`)).toEqual([
      { message: 'header-units/absorption_keshavarzi.csv: column "referred_amount (toman)" states its unit: its figures are read in toman, not million_rial' },
      { message: 'header-units/allocations.csv: column "مبلغ (ریال)" states its unit: its figures are read in rial, not million_rial' },
    ]);
  });
});
