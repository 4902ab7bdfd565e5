/**
 * The planners' further analyses (issue 3, point 3) on the hand-made fixture: trends, timing of
 * notifications, the applications funnel, reconciliation, league tables, jobs against targets.
 */
import { afterAll, beforeAll, describe as group, expect, it } from 'vitest';
import { buildModels } from '../../pipelines/model.ts';
import type { Warehouse } from '../../pipelines/db.ts';
import { closeWarehouse, fixtureWarehouse } from '../fixtures/models/warehouse.ts';
import { describe, pick, readRows } from './helpers.ts';

let warehouse: Warehouse;
beforeAll(async () => {
  warehouse = await fixtureWarehouse();
  await buildModels(warehouse.connection);
});
afterAll(() => closeWarehouse(warehouse));

/** Every column of a mart, checked to be exactly `columns`, as arrays in `order`. */
async function table(name: string, columns: string[], order: string) {
  expect((await describe(warehouse.connection, name)).map((c) => c.name)).toEqual(columns);
  return pick(await readRows(warehouse.connection, `select * from ${name} ${order}`), columns);
}
const n = null;

group('mart_absorption_trend', () => {
  it('gives quarter-on-quarter and year-on-year changes for the province and each programme', async () => {
    const rows = await table('mart_absorption_trend', [
      'scope', 'year', 'quarter', 'program', 'allocated_amount', 'reported_allocated_amount', 'unreported_allocated_amount',
      'disbursed_amount', 'disbursed_in_quarter', 'absorption_rate', 'absorption_gap', 'reporting_key_count', 'carried_key_count',
      'unreported_key_count', 'disbursed_qoq_change_amount', 'disbursed_qoq_change_ratio',
      'absorption_rate_qoq_change', 'disbursed_yoy_change_amount', 'disbursed_yoy_change_ratio', 'absorption_rate_yoy_change',
    ], 'order by scope, year, quarter, program');
    // Issue 11: a key's latest report of the year is carried to the quarters it sends none
    // (carried_key_count), and the rate and gap leave out the allocation of keys in totals with no
    // report yet (unreported_allocated_amount). labour_welfare's quota at post stays in every
    // allocation: post's own report is in totals, the agency's (same money) is not.
    expect(rows).toEqual([
      ['program', 1393, 1, 'ndf_rural', '90', '90', '0', '30', '30', 30 / 90, '60', 1, 0, 0, n, n, n, n, n, n],
      // home_business: the bank's 30 counts, the agency's 25 of the same money does not.
      ['program', 1394, 1, 'home_business', '80', '80', '0', '30', '30', 30 / 80, '50', 1, 0, 0, n, n, n, n, n, n],
      ['program', 1394, 1, 'ndf_rural', '100', '100', '0', '40', '40', 40 / 100, '60', 1, 0, 0, n, n, n, '10', 10 / 30, 40 / 100 - 30 / 90],
      // budget_job has no report yet: its 200 is out of the rate; nothing known is disbursed.
      ['program', 1394, 2, 'budget_job', '200', '0', '200', n, n, n, n, 0, 0, 1, n, n, n, n, n, n],
      // post sent nothing in Q2: its Q1 figure carries, so nothing was paid in the quarter (was NULL).
      ['program', 1394, 2, 'home_business', '80', '80', '0', '30', '0', 30 / 80, '50', 0, 1, 0, '-30', -30 / 30, 0, n, n, n],
      ['program', 1394, 2, 'ndf_rural', '100', '100', '0', '70', '30', 70 / 100, '30', 1, 0, 0, '-10', -10 / 40, 70 / 100 - 40 / 100, n, n, n],
      ['program', 1394, 2, 'support_bodies', n, n, '0', '10', n, n, n, 1, 0, 0, n, n, n, n, n, n],
      ['program', 1394, 3, 'budget_job', '200', '200', '0', '60', n, 60 / 200, '140', 1, 0, 0, n, n, n, n, n, n],
      ['program', 1394, 3, 'home_business', '80', '80', '0', '30', '0', 30 / 80, '50', 0, 1, 0, '0', n, 0, n, n, n],
      ['program', 1394, 3, 'ndf_rural', '150', '150', '0', '160', '90', 160 / 150, '-10', 1, 0, 0, '60', 60 / 30, 160 / 150 - 70 / 100, n, n, n],
      ['program', 1394, 3, 'support_bodies', n, n, '0', '10', '0', n, n, 0, 1, 0, n, n, n, n, n, n],
      ['program', 1394, 4, 'budget_job', '200', '200', '0', '90', '30', 90 / 200, '110', 1, 0, 0, n, n, 90 / 200 - 60 / 200, n, n, n],
      ['program', 1394, 4, 'home_business', '80', '80', '0', '30', '0', 30 / 80, '50', 0, 1, 0, '0', n, 0, n, n, n],
      // ndf_rural sent no Q4 report: its Q3 160 carries (was NULL).
      ['program', 1394, 4, 'ndf_rural', '150', '150', '0', '160', '0', 160 / 150, '-10', 0, 1, 0, '-90', -90 / 90, 0, n, n, n],
      ['program', 1394, 4, 'support_bodies', n, n, '0', '10', '0', n, n, 0, 1, 0, '0', n, n, n, n, n],
      ['province', 1393, 1, n, '90', '90', '0', '30', '30', 30 / 90, '60', 1, 0, 0, n, n, n, n, n, n],
      ['province', 1394, 1, n, '180', '180', '0', '70', '70', 70 / 180, '110', 2, 0, 0, n, n, n, '40', 40 / 30, 70 / 180 - 30 / 90],
      // ndf_rural 70 + support_bodies 10 + post's 30 carried = 110, over 380 − budget_job's
      // unreported 200 = 180. It was 80 over 380, a flow of 10: post's missing file moved it.
      ['province', 1394, 2, n, '380', '180', '200', '110', '40', 110 / 180, '70', 2, 1, 1, '-30', -30 / 70, 110 / 180 - 70 / 180, n, n, n],
      // 60 + 160 + 30 and 10 carried = 260 (was 220).
      ['province', 1394, 3, n, '430', '430', '0', '260', '150', 260 / 430, '170', 2, 2, 0, '110', 110 / 40, 260 / 430 - 110 / 180, n, n, n],
      // 90 + 160, 30 and 10 carried = 290: it no longer falls to 90 (a flow of −130) because
      // ndf_rural's Q4 file is missing.
      ['province', 1394, 4, n, '430', '430', '0', '290', '30', 290 / 430, '140', 1, 3, 0, '-120', -120 / 150, 290 / 430 - 260 / 430, n, n, n],
    ]);
  });
});

group('mart_notification_timing', () => {
  it('gives the share notified in each quarter and absorption by notification quarter, first notified first absorbed', async () => {
    const rows = await table('mart_notification_timing', [
      'scope', 'year', 'notification_quarter', 'program', 'is_last_quarter', 'allocated_amount', 'year_allocated_amount',
      'notified_share', 'reported_allocated_amount', 'unreported_allocated_amount', 'disbursed_amount', 'absorbed_in_year_amount',
      'absorption_rate', 'next_year_reported_allocated_amount', 'absorbed_by_next_year_amount', 'absorbed_by_next_year_rate',
    ], 'order by scope, year, program, notification_quarter');
    const none = (scope: string, year: number, quarter: number, program: string | null, total: string) =>
      [scope, year, quarter, program, quarter === 4, '0', total, 0, '0', '0', n, n, n, '0', n, n];
    expect(rows).toEqual([
      // 30 of 90 in 1393; 1394's 160 at the key goes first to what is left (60): 90 by next year end.
      ['program', 1393, 1, 'ndf_rural', false, '90', '90', 1, '90', '0', '30', '30', 30 / 90, '90', '90', 1],
      none('program', 1393, 2, 'ndf_rural', '90'), none('program', 1393, 3, 'ndf_rural', '90'), none('program', 1393, 4, 'ndf_rural', '90'),
      none('program', 1394, 1, 'budget_job', '200'),
      // No 1395 report: not followed past year end.
      ['program', 1394, 2, 'budget_job', false, '200', '200', 1, '200', '0', '90', '90', 90 / 200, '0', n, n],
      none('program', 1394, 3, 'budget_job', '200'), none('program', 1394, 4, 'budget_job', '200'),
      // labour_welfare's quota at post absorbs post's 30, the lending the counting rule keeps (it
      // took the agency's own 25, a copy of money inside post's figure; issue 11 review).
      ['program', 1394, 1, 'home_business', false, '80', '80', 1, '80', '0', '30', '30', 30 / 80, '0', n, n],
      none('program', 1394, 2, 'home_business', '80'), none('program', 1394, 3, 'home_business', '80'), none('program', 1394, 4, 'home_business', '80'),
      // 160 disbursed by Q3 fills the Q1 notification (100) first, then the Q3 one (50): both full
      // (pro rata gave 106.666667 and 53.333333, more than the Q1 notification's own amount). A
      // 1395 has no report in the warehouse: nothing of 1394 is followed past year end.
      ['program', 1394, 1, 'ndf_rural', false, '100', '150', 100 / 150, '100', '0', '100', '100', 1, '0', n, n],
      none('program', 1394, 2, 'ndf_rural', '150'),
      ['program', 1394, 3, 'ndf_rural', false, '50', '150', 50 / 150, '50', '0', '50', '50', 1, '0', n, n],
      none('program', 1394, 4, 'ndf_rural', '150'),
      ['province', 1393, 1, n, false, '90', '90', 1, '90', '0', '30', '30', 30 / 90, '90', '90', 1],
      none('province', 1393, 2, n, '90'), none('province', 1393, 3, n, '90'), none('province', 1393, 4, n, '90'),
      // 100 (ndf_rural) + 30 (labour_welfare's quota at post, filled with post's figure; was 125).
      ['province', 1394, 1, n, false, '180', '430', 180 / 430, '180', '0', '130', '130', 130 / 180, '0', n, n],
      ['province', 1394, 2, n, false, '200', '430', 200 / 430, '200', '0', '90', '90', 90 / 200, '0', n, n],
      ['province', 1394, 3, n, false, '50', '430', 50 / 430, '50', '0', '50', '50', 1, '0', n, n],
      none('province', 1394, 4, n, '430'),
    ]);
  });
});

group('mart_application_funnel', () => {
  it('counts each stage, its conversion, and the median days from referral to payout', async () => {
    const rows = await table('mart_application_funnel', [
      'year', 'program', 'bank', 'referred_count', 'approved_count', 'contracted_count', 'disbursed_count', 'rejected_count',
      'withdrawn_count', 'pending_count', 'decided_count', 'referred_amount', 'approved_amount', 'disbursed_amount', 'median_days_to_disbursement',
      'timed_disbursed_count', 'approval_rate', 'contract_rate', 'disbursement_rate', 'conversion_rate', 'amount_conversion_rate',
    ], 'order by year, program, bank');
    expect(rows).toEqual([
      // AP-7 was paid with no dates: no median. AP-6 still waits for the bank: not decided, so the
      // approval rate is 2 of 2 decided (it was 2 of 3 referred).
      [1394, 'budget_job', 'melli', 3, 2, 2, 1, 0, 0, 2, 2, '77', '52', '12', n, 0, 1, 1, 1 / 2, 1 / 3, 12 / 77],
      // AP-4 was withdrawn after approval: it passed approval. Paid after 36 and 71 days. Decided:
      // the three approved and AP-3, rejected.
      [1394, 'ndf_rural', 'keshavarzi', 4, 3, 2, 2, 1, 1, 0, 4, '65', '30', '25', 53.5, 2, 3 / 4, 2 / 3, 1, 2 / 4, 25 / 65],
    ]);
  });
});

group('mart_reconciliation', () => {
  it('sets applications against the banks\' reports, year to date, per bank and quarter', async () => {
    const rows = await table('mart_reconciliation', [
      'year', 'quarter', 'program', 'bank', 'is_reported',
      'applications_referred_count', 'reported_referred_count', 'referred_count_difference',
      'applications_referred_amount', 'reported_referred_amount', 'referred_difference_amount',
      'applications_disbursed_count', 'reported_disbursed_count', 'disbursed_count_difference',
      'applications_disbursed_amount', 'reported_disbursed_amount', 'disbursed_difference_amount', 'disbursed_difference_ratio',
    ], 'order by year, quarter, program, bank');
    const unreported = (quarter: number, program: string, bank: string, referred: [number, string], disbursed: [number, string]) =>
      [1394, quarter, program, bank, false, referred[0], n, n, referred[1], n, n, disbursed[0], n, n, disbursed[1], n, n, n];
    expect(rows).toEqual([
      [1393, 1, 'ndf_rural', 'keshavarzi', true, 0, 5, 5, '0', '60', '60', 0, 3, 3, '0', '30', '30', 1],
      unreported(1, 'budget_job', 'melli', [1, '40'], [0, '0']),
      [1394, 1, 'home_business', 'post', true, 0, 5, 5, '0', '50', '50', 0, 3, 3, '0', '30', '30', 1],
      [1394, 1, 'ndf_rural', 'keshavarzi', true, 2, 12, 10, '30', '120', '90', 1, 4, 3, '10', '40', '30', 30 / 40],
      unreported(2, 'budget_job', 'melli', [1, '40'], [0, '0']),
      unreported(2, 'home_business', 'post', [0, '0'], [0, '0']),
      // AP-2 referred in Q1 is paid in Q2 (its disbursement date).
      [1394, 2, 'ndf_rural', 'keshavarzi', true, 4, 15, 11, '65', '150', '85', 2, 7, 5, '25', '70', '45', 45 / 70],
      // The Q3 report gives no counts: their differences are unknown.
      [1394, 3, 'budget_job', 'melli', true, 3, n, n, '77', '150', '73', 1, n, n, '12', '60', '48', 48 / 60],
      unreported(3, 'home_business', 'post', [0, '0'], [0, '0']),
      [1394, 3, 'ndf_rural', 'keshavarzi', true, 4, 20, 16, '65', '200', '135', 2, 16, 14, '25', '160', '135', 135 / 160],
      [1394, 4, 'budget_job', 'melli', true, 3, 18, 15, '77', '180', '103', 1, 9, 8, '12', '90', '78', 78 / 90],
      unreported(4, 'home_business', 'post', [0, '0'], [0, '0']),
      unreported(4, 'ndf_rural', 'keshavarzi', [4, '65'], [2, '25']),
    ]);
  });
});

group('mart_league_tables', () => {
  it('ranks banks, agencies and counties by gap (largest first) and rate (highest first)', async () => {
    const rows = await table('mart_league_tables', [
      'year', 'quarter', 'dimension', 'code', 'is_reported', 'is_reported_by_agencies', 'allocated_amount',
      'unreported_allocated_amount', 'disbursed_amount', 'absorption_gap', 'absorption_rate', 'gap_rank', 'rate_rank', 'ranked_count',
    ], 'order by year, quarter, dimension, code');
    // Issue 11: each key's latest report carries to the quarters it sends none, and a code with
    // no known gap or rate ranks after every code with one (is_reported says whether it sent any).
    expect(rows).toEqual([
      [1393, 1, 'bank', 'keshavarzi', true, false, '90', '0', '30', '60', 30 / 90, 1, 1, 1],
      [1394, 1, 'agency', 'labour_welfare', true, false, '80', '0', '25', '55', 25 / 80, 1, 1, 1],
      [1394, 1, 'bank', 'keshavarzi', true, false, '100', '0', '40', '60', 40 / 100, 1, 1, 2],
      // post: the agency's quota (80) against the bank's own report (30).
      [1394, 1, 'bank', 'post', true, false, '80', '0', '30', '50', 30 / 80, 2, 2, 2],
      // labour_welfare's Q1 25 carries (it had no figure, no rank).
      [1394, 2, 'agency', 'labour_welfare', true, false, '80', '0', '25', '55', 25 / 80, 1, 1, 1],
      // Nothing allocated at relief_committee: no gap, ranked last.
      [1394, 2, 'agency', 'relief_committee', true, false, n, '0', '10', n, n, 2, 2, 1],
      [1394, 2, 'bank', 'keshavarzi', true, false, '100', '0', '70', '30', 70 / 100, 2, 1, 2],
      // melli sent nothing yet: ranked after the two that did, flagged (it had no rank).
      [1394, 2, 'bank', 'melli', false, false, '200', '200', n, n, n, 3, 3, 2],
      [1394, 2, 'bank', 'post', true, false, '80', '0', '30', '50', 30 / 80, 1, 2, 2],
      [1394, 2, 'county', 'shiraz', false, false, '200', '200', n, n, n, 1, 1, 0],
      [1394, 3, 'agency', 'labour_welfare', true, false, '80', '0', '25', '55', 25 / 80, 1, 1, 1],
      [1394, 3, 'agency', 'relief_committee', true, false, n, '0', '10', n, n, 2, 2, 1],
      [1394, 3, 'bank', 'keshavarzi', true, false, '150', '0', '160', '-10', 160 / 150, 3, 1, 3],
      [1394, 3, 'bank', 'melli', true, false, '200', '0', '60', '140', 60 / 200, 1, 3, 3],
      [1394, 3, 'bank', 'post', true, false, '80', '0', '30', '50', 30 / 80, 2, 2, 3],
      [1394, 3, 'county', 'shiraz', true, false, '200', '0', '60', '140', 60 / 200, 1, 1, 1],
      [1394, 4, 'agency', 'labour_welfare', true, false, '80', '0', '25', '55', 25 / 80, 1, 1, 1],
      [1394, 4, 'agency', 'relief_committee', true, false, n, '0', '10', n, n, 2, 2, 1],
      // keshavarzi's Q3 160 carries into Q4 (it had no figure, no rank).
      [1394, 4, 'bank', 'keshavarzi', true, false, '150', '0', '160', '-10', 160 / 150, 3, 1, 3],
      [1394, 4, 'bank', 'melli', true, false, '200', '0', '90', '110', 90 / 200, 1, 2, 3],
      [1394, 4, 'bank', 'post', true, false, '80', '0', '30', '50', 30 / 80, 2, 3, 3],
      [1394, 4, 'county', 'shiraz', true, false, '200', '0', '90', '110', 90 / 200, 1, 1, 1],
    ]);
  });
});

group('mart_jobs_vs_targets', () => {
  it('sets facility jobs against the allocations\' and the projects\' targets per year and axis', async () => {
    const rows = await table('mart_jobs_vs_targets', [
      'year', 'axis', 'allocation_jobs_target', 'facility_jobs_committed', 'application_jobs_committed', 'project_count',
      'project_new_jobs', 'allocation_target_rate', 'project_target_rate', 'allocation_target_unknown_count', 'facility_jobs_unknown_count',
      'allocation_jobs_target_lower_bound', 'allocation_target_known_part_count', 'facility_jobs_lower_bound', 'facility_jobs_known_part_count',
    ], 'order by year, axis');
    const empty = (year: number, axis: string) => [year, axis, n, n, n, 0, 0, n, n, 0, 0, 0, 0, 0, 0];
    expect(rows).toEqual([
      // A1's only project, P-03, is cancelled: no target (issue 11; it counted 1 project, 50 jobs).
      empty(1393, 'A1'),
      empty(1393, 'A2'), empty(1393, 'A3'),
      [1393, 'A4', 9, 6, n, 2, 100, 6 / 9, 6 / 100, 0, 0, 9, 1, 6, 1],
      empty(1393, 'A5'),
      // budget_job's allocation gives no jobs target: unknown, and counted as such; its known
      // lower bound is 0, from no known part.
      [1394, 'A1', n, 9, 1, 0, 0, n, n, 1, 0, 0, 0, 9, 1],
      empty(1394, 'A2'), empty(1394, 'A3'),
      // support_bodies' report (counted in totals) gives no jobs: the facility total is unknown,
      // not 20 + 3 + 0 = 23 as it was; 23 is its known lower bound, from 2 known parts of 3.
      [1394, 'A4', 23, n, 5, 2, 100, n, n, 0, 1, 23, 3, 23, 2],
      empty(1394, 'A5'),
    ]);
  });
});
