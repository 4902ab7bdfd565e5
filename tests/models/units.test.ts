import { describe, expect, it } from 'vitest';
import { load, rows, tempWarehouse } from '../helpers.ts';

describe('money in rials, tomans and billion rials', () => {
  it('arrives in the marts as the same million-rial figures, exact to the rial', async () => {
    const db = tempWarehouse();
    await load(['rial', 'toman', 'billion_rial'].map((u) => `tests/fixtures/units-marts/${u}`), db, { skipModels: false });
    expect(await rows(db, `
      select bank, allocated_amount::VARCHAR as allocated, referred_amount::VARCHAR as referred,
             disbursed_amount::VARCHAR as disbursed, absorption_gap::VARCHAR as gap
      from mart_absorption order by bank`)).toEqual([
      { bank: 'mellat', allocated: '12500.500000', referred: '9000.250000', disbursed: '7500.000001', gap: '5000.499999' },
      { bank: 'melli', allocated: '12500.500000', referred: '9000.250000', disbursed: '7500.000001', gap: '5000.499999' },
      { bank: 'sepah', allocated: '12500.500000', referred: '9000.250000', disbursed: '7500.000001', gap: '5000.499999' },
    ]);
    expect(await rows(db, `select sum(absorption_gap)::VARCHAR as gap, sum(not_referred_amount)::VARCHAR as not_referred from mart_gap_stages`))
      .toEqual([{ gap: '15001.499997', not_referred: '10500.750000' }]);
  });
});
