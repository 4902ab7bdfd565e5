/**
 * Regressions found in review, each on its own tiny hand-made warehouse (a few rows, exact values):
 * rollups of keys not listed after the year's latest report, the NDF pool dropping keys that did
 * not report in the latest quarter, unknown amounts and jobs summed as 0, league-table ranks
 * broken by floating point, pro-rata shares that did not add up.
 */
import { afterEach, describe as group, expect, it } from 'vitest';
import { buildModels } from '../../pipelines/model.ts';
import type { Warehouse } from '../../pipelines/db.ts';
import type { DatasetName } from '../../pipelines/schema/datasets.ts';
import { closeWarehouse, fixtureWarehouse, insertRows, type FixtureRow } from '../fixtures/models/warehouse.ts';
import { pick, readRows } from './helpers.ts';

let warehouse: Warehouse | undefined;
afterEach(() => {
  if (warehouse) closeWarehouse(warehouse);
  warehouse = undefined;
});

/** A warehouse holding only `rows`, with every model built. */
async function build(rows: Partial<Record<DatasetName, FixtureRow[]>>) {
  warehouse = await fixtureWarehouse({ empty: true });
  for (const [dataset, list] of Object.entries(rows)) await insertRows(warehouse.connection, dataset as DatasetName, list);
  await buildModels(warehouse.connection);
  const { connection } = warehouse;
  return async (sql: string, columns: string[]) => pick(await readRows(connection, sql), columns);
}

const n = null;

/** One notification (budget_job, budget, at bank `bank`), year 1394. */
const notice = (quarter: number, bank: string, amount: string, extra: FixtureRow = {}): FixtureRow =>
  ({ year: 1394, quarter, program: 'budget_job', funding_source: 'budget', bank, amount, notification_id: `N-${bank}-${quarter}-${amount}`, ...extra });

/** One bank's report (budget_job, budget), year 1394, giving only the payout. */
const report = (quarter: number, bank: string, disbursed: string, extra: FixtureRow = {}): FixtureRow =>
  ({ year: 1394, quarter, program: 'budget_job', funding_source: 'budget', bank, disbursed_amount: disbursed, ...extra });

group('rollups after the year\'s latest report (review item 1)', () => {
  it('count every allocated key in every quarter up to the year\'s last notification or report', async () => {
    const query = await build({
      allocations: [
        notice(1, 'melli', '100'), notice(1, 'sepah', '3.3'), notice(2, 'mellat', '0.9'),
        notice(3, 'sepah', '20'),
        // A Q4 notification with no Q4 report: the cumulative allocation must not go down.
        notice(4, 'mellat', '0.1'),
      ],
      absorption: [report(1, 'melli', '10'), report(2, 'melli', '30'), report(2, 'sepah', '1')],
    });
    expect(await query(`select quarter, allocated_amount, disbursed_amount, absorption_gap, reporting_key_count, carried_key_count,
        unreported_key_count from mart_absorption_trend where scope = 'province' order by quarter`,
    ['quarter', 'allocated_amount', 'disbursed_amount', 'absorption_gap', 'reporting_key_count', 'carried_key_count', 'unreported_key_count'])).toEqual([
      // Issue 11: the gap is over the keys with a known figure: sepah's 3.3 (no report yet) is
      // out, 100 − 10 = 90 (was 103.3 − 10 = 93.3, the unreported quota counted as a gap).
      [1, '103.3', '10', '90', 1, 0, 1],
      // 103.3 − 31; mellat's 0.9 has no report (was 104.2 − 31 = 73.2).
      [2, '104.2', '31', '72.3', 2, 0, 1],
      // 100 + 3.3 + 0.9 + 20, though nobody reported Q3 (was 23.3: only the key notified in Q3).
      // melli's 30 and sepah's 1 carry forward (issue 11: they were unknown), over 124.2 − 0.9.
      [3, '124.2', '31', '92.3', 0, 2, 1],
      [4, '124.3', '31', '92.3', 0, 2, 1],
    ]);
    // Each key stays in the grid, unreported (NULL stages), through Q4.
    expect(await query(`select quarter, bank, is_reported, allocated_amount, disbursed_amount from mart_absorption
      where quarter >= 3 order by quarter, bank`, ['quarter', 'bank', 'is_reported', 'allocated_amount', 'disbursed_amount'])).toEqual([
      [3, 'mellat', false, '0.9', n], [3, 'melli', false, '100', n], [3, 'sepah', false, '23.3', n],
      [4, 'mellat', false, '1', n], [4, 'melli', false, '100', n], [4, 'sepah', false, '23.3', n],
    ]);
    expect(await query(`select quarter, code, allocated_amount from mart_league_tables where dimension = 'bank' and quarter = 4 order by code`,
      ['quarter', 'code', 'allocated_amount'])).toEqual([[4, 'mellat', '1'], [4, 'melli', '100'], [4, 'sepah', '23.3']]);
  });

});

group('mart_ndf_lines pool (review item 2)', () => {
  it('takes each key\'s latest report of the year, less its own latest report before the deposit', async () => {
    const key = (county: string, quarter: number, disbursed: string): FixtureRow =>
      ({ year: 1394, quarter, program: 'ndf_rural', funding_source: 'ndf', bank: 'keshavarzi', county, disbursed_amount: disbursed });
    const query = await build({
      // shiraz reported Q1 and Q2 but not Q3; fasa reported Q1 and Q3.
      absorption: [key('shiraz', 1, '5'), key('shiraz', 2, '30'), key('fasa', 1, '4'), key('fasa', 3, '25')],
      ndf_lines: [{ line_id: 'L-1', year: 1394, quarter: 2, program: 'ndf_rural', bank: 'keshavarzi', ndf_amount: '100', bank_match_amount: '0', interest_rate: 4 }],
    });
    // (30 − 5) + (25 − 4) = 46; it was 25 − 9 = 16 (shiraz dropped from the Q3 pool).
    expect(await query('select line_id, disbursed_amount, idle_amount, pool_disbursed_amount, as_of_year, as_of_quarter from mart_ndf_lines',
      ['line_id', 'disbursed_amount', 'idle_amount', 'pool_disbursed_amount', 'as_of_year', 'as_of_quarter'])).toEqual([
      ['L-1', '46', '54', '46', 1394, 3],
    ]);
  });
});

/** One application, referred in Q1 1394 to budget_job, with no dates. */
const app = (id: string, bank: string, requested: string, approved: string | null, disbursed: string | null, status: string): FixtureRow => ({
  application_id: id, year: 1394, quarter: 1, program: 'budget_job', bank, agency: 'industry_mine_trade', county: 'shiraz',
  sector: 'industry', requested_amount: requested, approved_amount: approved, disbursed_amount: disbursed, status,
  reason_code: null, jobs_committed: 1,
});

group('applications approved or paid with no amount (review item 3)', () => {
  it('make the summed amount unknown, not smaller', async () => {
    const query = await build({
      applications: [
        app('A-1', 'melli', '20', '10', '10', 'disbursed'),
        // Paid, but the file gives neither the approved nor the paid amount.
        app('A-2', 'melli', '30', null, null, 'disbursed'),
        // All known: approved 7, nothing paid.
        app('A-3', 'mellat', '9', '7', null, 'approved'),
      ],
      absorption: [report(1, 'melli', '25')],
    });
    expect(await query('select bank, approved_count, disbursed_count, referred_amount, approved_amount, disbursed_amount, amount_conversion_rate from mart_application_funnel order by bank',
      ['bank', 'approved_count', 'disbursed_count', 'referred_amount', 'approved_amount', 'disbursed_amount', 'amount_conversion_rate'])).toEqual([
      ['mellat', 1, 0, '9', '7', '0', 0],
      // Was approved 10, disbursed 10, rate 10 / 50: A-2 counted as 0.
      ['melli', 2, 2, '50', n, n, n],
    ]);
    expect(await query(`select bank, applications_disbursed_count, applications_disbursed_amount, reported_disbursed_amount,
        disbursed_difference_amount, disbursed_difference_ratio from mart_reconciliation where bank = 'melli'`,
    ['bank', 'applications_disbursed_count', 'applications_disbursed_amount', 'reported_disbursed_amount', 'disbursed_difference_amount', 'disbursed_difference_ratio'])).toEqual([
      // Was 10, a difference of 15 and a ratio of 15 / 25.
      ['melli', 2, n, '25', n, n],
    ]);
  });
});

group('jobs with an unknown part (review item 4)', () => {
  it('are unknown (NULL) in every sum, with the number of unknown parts beside them', async () => {
    const query = await build({
      allocations: [
        notice(1, 'melli', '100', { jobs_target: 10 }),
        // The second notification to melli gives no jobs target.
        notice(2, 'melli', '50', { jobs_target: null }),
        notice(1, 'sepah', '40', { jobs_target: 4 }),
      ],
      absorption: [
        report(1, 'melli', '10', { jobs_committed: 3 }),
        report(2, 'melli', '20', { jobs_committed: 5 }),
        // sepah's report gives no jobs.
        report(2, 'sepah', '5', { jobs_committed: null }),
      ],
    });
    expect(await query('select quarter, bank, jobs_target from mart_absorption order by quarter, bank', ['quarter', 'bank', 'jobs_target']))
      .toEqual([[1, 'melli', 10], [1, 'sepah', 4], [2, 'melli', n], [2, 'sepah', 4]]);
    // budget_job is axis A1. Was 14 targeted (10 + 4, the unknown as 0) and 5 committed (5 + 0).
    expect(await query(`select year, axis, allocation_jobs_target, allocation_target_unknown_count, facility_jobs_committed,
        facility_jobs_unknown_count, allocation_target_rate from mart_jobs_vs_targets where axis = 'A1'`,
    ['year', 'axis', 'allocation_jobs_target', 'allocation_target_unknown_count', 'facility_jobs_committed', 'facility_jobs_unknown_count', 'allocation_target_rate']))
      .toEqual([[1394, 'A1', n, 1, n, 1, n]]);
    expect(await query(`select axis, facility_jobs_committed, facility_jobs_unknown_count from mart_jobs_by_axis where axis in ('A1', 'A2') order by axis`,
      ['axis', 'facility_jobs_committed', 'facility_jobs_unknown_count'])).toEqual([['A1', n, 1], ['A2', n, 0]]);
  });

  it('sum as before when every part is known', async () => {
    const query = await build({
      allocations: [notice(1, 'melli', '100', { jobs_target: 10 }), notice(2, 'melli', '50', { jobs_target: 2 })],
      absorption: [report(1, 'melli', '10', { jobs_committed: 3 }), report(2, 'melli', '20', { jobs_committed: 5 })],
    });
    expect(await query(`select allocation_jobs_target, allocation_target_unknown_count, facility_jobs_committed, facility_jobs_unknown_count
      from mart_jobs_vs_targets where axis = 'A1'`, ['allocation_jobs_target', 'allocation_target_unknown_count', 'facility_jobs_committed', 'facility_jobs_unknown_count']))
      .toEqual([[12, 0, 5, 0]]);
  });
});

group('league-table ranks of equal rates (review item 5)', () => {
  it('tie, whatever the floating-point quotient', async () => {
    const query = await build({
      allocations: [notice(1, 'melli', '0.9'), notice(1, 'sepah', '3.3'), notice(1, 'mellat', '10')],
      absorption: [report(1, 'melli', '0.3'), report(1, 'sepah', '1.1'), report(1, 'mellat', '1')],
    });
    // 0.3 / 0.9 = 1.1 / 3.3 = 1/3: both rank 1 (they ranked 1 and 2), then 1/10 ranks 3.
    expect(await query(`select code, absorption_rate, rate_rank from mart_league_tables where dimension = 'bank' order by code`,
      ['code', 'absorption_rate', 'rate_rank'])).toEqual([
      ['mellat', 1 / 10, 3], ['melli', 0.3 / 0.9, 1], ['sepah', 1.1 / 3.3, 1],
    ]);
  });
});

group('mart_notification_timing shares (review item 6)', () => {
  it('are exact and add up to the key\'s disbursed amount', async () => {
    const query = await build({
      allocations: [notice(1, 'melli', '1'), notice(2, 'melli', '1'), notice(3, 'melli', '1'), notice(4, 'melli', '5')],
      absorption: [report(3, 'melli', '1')],
    });
    // 1 disbursed by Q3 over three notifications of 1: filled first notified, first absorbed
    // (issue 11), the Q1 notification takes all of it and the later two nothing (pro rata gave
    // 0.333333, 0.333333 and 0.333334). The Q4 notification came after the report.
    expect(await query(`select notification_quarter, allocated_amount, reported_allocated_amount, disbursed_amount
      from mart_notification_timing where scope = 'program' order by notification_quarter`,
    ['notification_quarter', 'allocated_amount', 'reported_allocated_amount', 'disbursed_amount'])).toEqual([
      [1, '1', '1', '1'], [2, '1', '1', '0'], [3, '1', '1', '0'], [4, '5', '0', n],
    ]);
    expect(await query(`select sum(disbursed_amount) as total, typeof(sum(disbursed_amount)) as type from mart_notification_timing where scope = 'province'`,
      ['total', 'type'])).toEqual([['1', 'DECIMAL(38,6)']]);
  });
});
