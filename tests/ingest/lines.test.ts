import { describe, expect, it } from 'vitest';
import { load, rows, tempWarehouse, unaccounted } from '../helpers.ts';

describe('line numbers in messages and lineage are the file\'s own', () => {
  it('stay right after blank lines, unparsable lines side by side, and a header cell wrapped over two lines', async () => {
    const db = tempWarehouse();
    const summary = await load(['tests/fixtures/lines'], db);
    expect(unaccounted(summary)).toEqual([]);
    const bad = 'expected an amount greater than 0 (at most 999,999,999,999.999999 million rials)';
    expect(await rows(db, `select message from quarantine order by source_file, source_line`)).toEqual([
      { message: `lines/allocations_blank.csv line 4: column amount (مبلغ): found "xx", ${bad}` },
      { message: 'lines/allocations_short.csv line 2: the line has 3 values where the header has 5 columns' },
      { message: 'lines/allocations_short.csv line 3: the line has 2 values where the header has 5 columns' },
      { message: `lines/allocations_short.csv line 4: column amount (مبلغ): found "zz", ${bad}` },
      { message: `lines/allocations_short.csv line 5: column amount (مبلغ): found "qq", ${bad}` },
      { message: `lines/allocations_wrapped.csv line 4: column amount (مبلغ): found "ww", ${bad}` },
    ]);
    expect(await rows(db, `select source_file, source_line, notification_id from allocations order by 1, 2`)).toEqual([
      { source_file: 'lines/allocations_blank.csv', source_line: 2, notification_id: 'A' },
      { source_file: 'lines/allocations_blank.csv', source_line: 7, notification_id: 'C' },
      { source_file: 'lines/allocations_short.csv', source_line: 6, notification_id: 'F' },
      { source_file: 'lines/allocations_wrapped.csv', source_line: 3, notification_id: 'G' },
    ]);
  });

  it('says how many empty rows were skipped', async () => {
    const db = tempWarehouse();
    await load(['tests/fixtures/lines'], db);
    expect(await rows(db, `select source_file, rule, message from dq_warnings order by source_file`)).toEqual([
      { source_file: 'lines/allocations_blank.csv', rule: 'empty_rows', message: 'lines/allocations_blank.csv: 3 rows are empty in every allocations column and were skipped' },
    ]);
  });
});
