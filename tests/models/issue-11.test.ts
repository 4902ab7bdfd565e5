/**
 * Issue 11, "every rial counted once, at every scale": one small hand-made warehouse per finding,
 * each with values worked out by hand (the comment beside each number says why it is right), and
 * national magnitudes through every model.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe as group, expect, it } from 'vitest';
import { buildModels, DEFAULT_SQL_DIR, planModels } from '../../pipelines/model.ts';
import type { Warehouse } from '../../pipelines/db.ts';
import type { DatasetName } from '../../pipelines/schema/datasets.ts';
import { closeWarehouse, fixtureWarehouse, insertRows, type FixtureRow } from '../fixtures/models/warehouse.ts';
import { load, rows, tempWarehouse } from '../helpers.ts';
import { readRows } from './helpers.ts';

let warehouse: Warehouse | undefined;
afterEach(() => {
  if (warehouse) closeWarehouse(warehouse);
  warehouse = undefined;
});

/** A warehouse holding only `data`, with every model built; returns a query giving rows as arrays of exact values. */
async function build(data: Partial<Record<DatasetName, FixtureRow[]>>) {
  warehouse = await fixtureWarehouse({ empty: true });
  for (const [dataset, list] of Object.entries(data)) await insertRows(warehouse.connection, dataset as DatasetName, list);
  const report = await buildModels(warehouse.connection);
  expect(report.failures.filter((f) => f.severity === 'error')).toEqual([]);
  const { connection } = warehouse;
  // Values in the order the query selects them, so each expectation reads like the select list.
  return async (sql: string) => (await readRows(connection, sql)).map((row) => Object.values(row));
}

const n = null;
type Stages = Partial<Record<'referred' | 'approved' | 'contracted' | 'disbursed', string>>;

/** One notification of 1394. */
const notice = (quarter: number, program: string, bank: string | null, amount: string, extra: FixtureRow = {}): FixtureRow => ({
  year: 1394, quarter, program, funding_source: 'budget', bank, amount,
  notification_id: `N-${program}-${bank}-${quarter}-${amount}`, ...extra,
});

/** One absorption report of 1394, cumulative for the year. */
const report = (quarter: number, program: string, bank: string | null, stages: Stages, extra: FixtureRow = {}): FixtureRow => ({
  year: 1394, quarter, program, funding_source: 'budget', bank,
  referred_amount: stages.referred ?? null, approved_amount: stages.approved ?? null,
  contracted_amount: stages.contracted ?? null, disbursed_amount: stages.disbursed ?? null, ...extra,
});

group('national magnitudes (finding 1)', () => {
  it('go through every model from a billion_rial drop, exact to the rial', async () => {
    const db = tempWarehouse();
    const summary = await load(['tests/fixtures/national/billion_rial'], db, { skipModels: false });
    // Every model was built (it stopped at mart_notification_timing with an overflow).
    expect(summary.models?.models.length).toBe(planModels(DEFAULT_SQL_DIR).length);
    expect(summary.models?.failures.filter((f) => f.severity === 'error')).toEqual([]);
    // 12,903 + 36,165 billion rial = 49,068,000 million rial allocated; 36,331 billion disbursed.
    expect(await rows(db, `select allocated_amount::varchar as a, disbursed_amount::varchar as d, absorption_gap::varchar as g
      from mart_absorption where program = 'qarz_employment' and quarter = 4`))
      .toEqual([{ a: '49068000.000000', d: '36331000.000000', g: '12737000.000000' }]);
    // First notified, first absorbed: F-1 (Q1) takes 12,903,000 in full, F-2 (Q3) the other
    // 36,331,000 − 12,903,000 = 23,428,000.
    expect(await rows(db, `select notification_quarter as q, absorbed_in_year_amount::varchar as a from mart_notification_timing
      where scope = 'program' and program = 'qarz_employment' and allocated_amount > 0 order by q`))
      .toEqual([{ q: 1, a: '12903000.000000' }, { q: 3, a: '23428000.000000' }]);
    // Referred 61,000,000 is capped at the 49,068,000 allocated: nothing "not referred"; then
    // 49,068,000 − 41,000,000, 41,000,000 − 38,000,000, 38,000,000 − 36,331,000: 12,737,000 in all.
    expect(await rows(db, `select not_referred_amount::varchar as r, not_approved_amount::varchar as a,
        not_contracted_amount::varchar as c, not_disbursed_amount::varchar as d
      from mart_gap_stages where program = 'qarz_employment' and quarter = 4`))
      .toEqual([{ r: '0.000000', a: '8068000.000000', c: '3000000.000000', d: '1669000.000000' }]);
    // F-2 keeps 36,165,000 − 23,428,000 unabsorbed at year end.
    expect(await rows(db, `select unabsorbed_amount::varchar as u from mart_carry_over where program = 'qarz_employment'`))
      .toEqual([{ u: '12737000.000000' }]);
    // 999,999.999999 billion = 999,999,999.999 million allocated; 750,000.123456 billion =
    // 750,000,123.456 million lent, all of it on the line (800,000,000 of resources), 49,999,876.544 idle.
    expect(await rows(db, `select disbursed_amount::varchar as d, idle_amount::varchar as i, resources_amount::varchar as r
      from mart_ndf_lines`)).toEqual([{ d: '750000123.456000', i: '49999876.544000', r: '800000000.000000' }]);
    // Quarter by quarter: the Q2 report's year to date is half Q1's, half Q2's (375,000,061.728
    // each); nothing was reported by Q1, so the line's Q1 position is unknown.
    expect(await rows(db, `select quarter, ndf_lending_in_quarter_amount::varchar as l, drawn_amount::varchar as d
      from mart_ndf_quarterly where quarter <= 2 order by quarter`)).toEqual([
      { quarter: 1, l: '375000061.728000', d: null },
      { quarter: 2, l: '375000061.728000', d: '750000123.456000' },
    ]);
    expect(await rows(db, `select code, absorption_gap::varchar as g, rate_rank from mart_league_tables
      where dimension = 'bank' and quarter = 4 order by code`)).toEqual([
      // 999,999,999.999 − 750,000,123.456 (carried from Q2); 750000123.456 / 999999999.999 ≈ 0.75 > 36331 / 49068 ≈ 0.74.
      { code: 'keshavarzi', g: '249999876.543000', rate_rank: 1 },
      { code: 'mellat', g: '12737000.000000', rate_rank: 2 },
    ]);
    // 850,000.5 billion = 850,000,500 million over 1,000,000 jobs = 850.0005 per job.
    expect(await rows(db, `select disbursed_per_job_amount::varchar as d from mart_cost_per_job where disbursed_count > 0`))
      .toEqual([{ d: '850.000500' }]);
    // 999,999,999.999 million over 1,500,000 jobs = 666.666666666 → 666.666667 (half up).
    expect(await rows(db, `select investment_per_job_amount::varchar as p from mart_jobs_by_axis where axis = 'A4'`))
      .toEqual([{ p: '666.666667' }]);
  }, 120_000);

  it('sum thousands of keys of 10^9 million rial each, beyond DECIMAL(18,6), exactly', async () => {
    warehouse = await fixtureWarehouse({ empty: true });
    const { connection } = warehouse;
    // 3,000 keys (programme × bank × county of the reference lists), each allocated
    // 999,999,999.999999 and disbursed 333,333,333.333333 million rial.
    const keys = `(select p.code as program, p.funding_source, b.code as bank, c.code as county,
        row_number() over (order by p.code, b.code, c.code) as i
      from ref_programs p, ref_banks b, ref_counties c order by i limit 3000)`;
    await connection.run(`insert into allocations (year, quarter, program, funding_source, bank, county, amount, notification_id,
        load_id, source_file, source_line)
      select 1394, 1, program, funding_source, bank, county, 999999999.999999, 'N-' || i, 1, 'allocations.csv', i + 1 from ${keys}`);
    await connection.run(`insert into absorption (year, quarter, program, funding_source, bank, county, disbursed_amount,
        load_id, source_file, source_line)
      select 1394, 1, program, funding_source, bank, county, 333333333.333333, 1, 'absorption.csv', i + 1 from ${keys}`);
    const report = await buildModels(connection);
    expect(report.failures.filter((f) => f.severity === 'error')).toEqual([]);
    const [province] = await readRows(connection, `select allocated_amount, disbursed_amount from mart_absorption_trend where scope = 'province'`);
    // 3,000 × 999,999,999.999999 = 2,999,999,999,999.997 (more than DECIMAL(18,6) holds).
    expect(province!.allocated_amount).toBe('2999999999999.997');
    // 3,000 × 333,333,333.333333 = 999,999,999,999.999.
    expect(province!.disbursed_amount).toBe('999999999999.999');
    expect(await readRows(connection, `select sum(absorbed_in_year_amount)::varchar as a from mart_notification_timing where scope = 'province'`))
      .toEqual([{ a: '999999999999.999000' }]);
    // 3,000 × (999,999,999.999999 − 333,333,333.333333) = 3,000 × 666,666,666.666666.
    expect(await readRows(connection, `select sum(unabsorbed_amount)::varchar as u from mart_carry_over`))
      .toEqual([{ u: '1999999999999.998000' }]);
  }, 120_000);

  it('name the failing model and the load\'s drop in a one-line message', async () => {
    warehouse = await fixtureWarehouse({ empty: true });
    await insertRows(warehouse.connection, 'allocations', [
      { ...notice(1, 'budget_job', 'melli', '999999999999'), load_id: 7, source_file: '1394-Q1/allocations.csv' },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'failing-model-'));
    for (const layer of ['staging', 'intermediate', 'marts']) mkdirSync(join(dir, layer));
    writeFileSync(join(dir, 'marts', 'mart_too_wide.sql'), 'select cast(amount as decimal(18, 6)) * 1000000000 as x from allocations');
    await expect(buildModels(warehouse.connection, { sqlDir: dir, loadId: 7 })).rejects.toThrow(
      /^[^\n]*marts\/mart_too_wide\.sql: [^\n]*Overflow[^\n]* \(the rows of this load came from drop 1394-Q1\)$/,
    );
  });
});

group('bank and agency overlap (finding 2)', () => {
  it('counts an agency\'s lending at a bank that reported nothing: 300 + 200 = 500', async () => {
    const query = await build({
      allocations: [notice(1, 'support_bodies', 'mellat', '1000'), notice(1, 'support_bodies', 'saderat', '1000')],
      absorption: [
        report(1, 'support_bodies', 'mellat', { disbursed: '300' }),
        // Saderat sends nothing; the relief committee reports 200 lent through Saderat.
        report(1, 'support_bodies', 'saderat', { disbursed: '200' }, { agency: 'relief_committee' }),
      ],
    });
    // Mellat's 300 and the committee's 200 at Saderat: 500 (it was 300, the committee's report
    // dropped because another bank reported the programme).
    expect(await query(`select disbursed_amount from mart_absorption_trend where scope = 'province'`))
      .toEqual([['500']]);
    // The rate and the gap over the same keys as the 500: Saderat's 1000 is reported through the
    // committee, so 500 ÷ 2000 = 0.25 and the gap is 2000 − 500 = 1500 (it was 0.5 and 500, with
    // Saderat's allocation left out of the denominator but its lending in the numerator).
    expect(await query(`select reported_allocated_amount, unreported_allocated_amount, absorption_rate, absorption_gap
      from mart_absorption_trend where scope = 'province'`)).toEqual([['2000', '0', 0.25, '1500']]);
    // Saderat's own key, allocated and not reported, is in totals: both allocations add up to
    // 2000 over is_in_totals (it was 1000).
    expect(await query(`select sum(allocated_amount) filter (where is_in_totals) as a, count(*) filter (where is_in_totals) as k
      from mart_absorption`)).toEqual([['2000', 3]]);
    expect(await query(`select bank, agency, is_reported, is_in_totals from mart_gap_stages order by bank, agency nulls first`))
      .toEqual([
      ['mellat', n, true, true], ['saderat', n, false, true], ['saderat', 'relief_committee', true, true],
    ]);
  });

  it('decides once per year and key, so totals do not switch source when the bank misses a quarter', async () => {
    const query = await build({
      allocations: [notice(1, 'support_bodies', 'mellat', '1000')],
      absorption: [
        report(1, 'support_bodies', 'mellat', { disbursed: '100' }),
        report(3, 'support_bodies', 'mellat', { disbursed: '400' }),
        // The committee reports the same lending at Mellat every quarter.
        report(1, 'support_bodies', 'mellat', { disbursed: '100' }, { agency: 'relief_committee' }),
        report(2, 'support_bodies', 'mellat', { disbursed: '250' }, { agency: 'relief_committee' }),
        report(3, 'support_bodies', 'mellat', { disbursed: '400' }, { agency: 'relief_committee' }),
      ],
    });
    // Mellat reported the programme in 1394: the committee's key is part of Mellat's figure in
    // every quarter (it was in totals in Q2 only, when Mellat's Q2 file was missing).
    expect(await query(`select quarter, is_in_totals from mart_absorption where agency is not null order by quarter`))
      .toEqual([[1, false], [2, false], [3, false]]);
    // Q2 carries Mellat's Q1 100 (it was the committee's 250); the flow is 0 then 300 (was 150, 150).
    expect(await query(`select quarter, disbursed_amount, disbursed_in_quarter, carried_key_count from mart_absorption_trend
      where scope = 'province' order by quarter`))
      .toEqual([[1, '100', '100', 0], [2, '100', '0', 1], [3, '400', '300', 0]]);
  });
});

group('reasons reported by a bank and an agency at it (finding 3)', () => {
  it('count 100 once', async () => {
    const reason = (agency: string | null, amount: string, bank: string | null = 'mellat'): FixtureRow =>
      ({ year: 1394, quarter: 2, program: 'support_bodies', bank, agency, reason_code: 'collateral', amount, count: 4 });
    const query = await build({
      reasons: [
        reason(null, '100'), reason('relief_committee', '100'),
        // An agency naming no bank, for a programme no bank reported reasons for: it counts.
        { ...reason('labour_welfare', '40', null), program: 'home_business' },
      ],
    });
    // support_bodies: Mellat's 100 once (it was 200: the bank's and the committee's copy).
    expect(await query(`select sum(amount) filter (where is_in_totals) from mart_reasons where program = 'support_bodies'`))
      .toEqual([['100']]);
    // With home_business's 40 (an agency naming no bank, no bank reporting): 140 (it was 240).
    expect(await query(`select sum(amount) filter (where is_in_totals) as a from mart_reasons where origin = 'reported'`))
      .toEqual([['140']]);
    // Shares over the rows in totals: 100 / 140 and 40 / 140; the agency's copy has none.
    expect(await query(`select program, agency, is_in_totals, reason_share from mart_reasons order by program, agency nulls first`))
      .toEqual([
      ['home_business', 'labour_welfare', true, 40 / 140],
      ['support_bodies', n, true, 100 / 140],
      ['support_bodies', 'relief_committee', false, n],
    ]);
  });
});

group('trend rollups over a changing panel (finding 4)', () => {
  it('carry a key\'s last report forward and rate the same keys above and below the line', async () => {
    const query = await build({
      allocations: [notice(1, 'budget_job', 'melli', '100'), notice(1, 'budget_job', 'sepah', '100'), notice(1, 'budget_job', 'mellat', '100')],
      absorption: [
        report(1, 'budget_job', 'melli', { disbursed: '10' }), report(2, 'budget_job', 'melli', { disbursed: '30' }),
        report(3, 'budget_job', 'melli', { disbursed: '50' }),
        // sepah's Q2 file is missing.
        report(1, 'budget_job', 'sepah', { disbursed: '20' }), report(3, 'budget_job', 'sepah', { disbursed: '60' }),
        // mellat reports for the first time in Q3.
        report(3, 'budget_job', 'mellat', { disbursed: '40' }),
      ],
    });
    expect(await query(`select quarter, reported_allocated_amount, disbursed_amount, disbursed_in_quarter, absorption_rate,
        carried_key_count, unreported_key_count from mart_absorption_trend where scope = 'province' order by quarter`))
      .toEqual([
        // 10 + 20 over melli's and sepah's 200 (mellat has no report yet): was 30 / 300.
        [1, '200', '30', '30', 30 / 200, 0, 1],
        // melli 30, sepah's 20 carried: 50, a flow of 20 (was 30, a flow of 0, rate 30 / 300).
        [2, '200', '50', '20', 50 / 200, 1, 1],
        // 50 + 60 + 40 = 150 over all 300; a flow of 100 (was 120: sepah's 40 over Q2 and Q3 and
        // its own 20 again, since Q2 had dropped it).
        [3, '300', '150', '100', 150 / 300, 0, 0],
      ]);
  });
});

group('NDF lines (finding 5)', () => {
  it('draw only on NDF-funded lending of their programme and bank, from the deposit quarter on', async () => {
    const ndf = (quarter: number, county: string, disbursed: string, funding = 'ndf'): FixtureRow =>
      ({ year: 1394, quarter, program: 'ndf_rural', funding_source: funding, bank: 'keshavarzi', county, disbursed_amount: disbursed });
    const app = (id: string, disbursed: [string, string]): FixtureRow => ({
      application_id: id, year: 1394, quarter: 2, program: 'ndf_rural', bank: 'keshavarzi', agency: 'nomads', county: 'shiraz',
      sector: 'agriculture', requested_amount: '10', approved_amount: '10', disbursed_amount: '10', status: 'disbursed', jobs_committed: 1,
      disbursement_date: disbursed[1], disbursement_date_jalali: disbursed[0],
    });
    const query = await build({
      absorption: [
        // shiraz: 30 by Q2, 90 by Q4; interpolated, 60 by Q3.
        ndf(2, 'shiraz', '30'), ndf(4, 'shiraz', '90'),
        // fasa's first report comes after the deposit: 80 for Q1–Q4, 20 a quarter.
        ndf(4, 'fasa', '80'),
        // The bank's own resources lent for the programme: not the fund's.
        ndf(4, 'shiraz', '500', 'bank'),
      ],
      ndf_lines: [{ line_id: 'L-1', year: 1394, quarter: 3, program: 'ndf_rural', bank: 'keshavarzi', ndf_amount: '800', bank_match_amount: '200', interest_rate: 4 }],
      // Paid before the deposit (1394/05/01), then 10 days after Mehr 1 (1394/07/11).
      applications: [app('A-1', ['1394/05/01', '2015-07-23']), app('A-2', ['1394/07/11', '2015-10-03'])],
    });
    // shiraz 90 − 30 (its Q2 figure, before the Q3 deposit) + fasa's Q3 and Q4, 2 × 20 = 100.
    // It was 60 + 80 + 500 = 640: the bank's own 500 and fasa's Q1–Q2 lending counted.
    expect(await query(`select disbursed_amount, idle_amount, pool_disbursed_amount, as_of_quarter from mart_ndf_lines`))
      .toEqual([['100', '900', '100', 4]]);
    expect(await query(`select quarter, resources_amount, ndf_lending_in_quarter_amount, drawn_amount, idle_amount, is_reported,
        days_to_first_lending from mart_ndf_quarterly order by quarter`))
      .toEqual([
        // Q3: shiraz 60 − 30 and fasa 20 = 50 lent, as the Q4 reports show; nothing was reported
        // by Q3, so what the line had lent then is unknown.
        [3, '1000', '50', n, n, false, 10],
        [4, '1000', '50', '100', '900', true, 10],
      ]);
  });

  it('set lending beyond the lines deposited so far against none of them', async () => {
    const ndf = (quarter: number, disbursed: string): FixtureRow =>
      ({ year: 1394, quarter, program: 'ndf_rural', funding_source: 'ndf', bank: 'keshavarzi', disbursed_amount: disbursed });
    const line = (id: string, quarter: number, amount: string): FixtureRow =>
      ({ line_id: id, year: 1394, quarter, program: 'ndf_rural', bank: 'keshavarzi', ndf_amount: amount, bank_match_amount: '0', interest_rate: 4 });
    const query = await build({
      absorption: [ndf(1, '150'), ndf(2, '170'), ndf(3, '200')],
      ndf_lines: [line('L-1', 1, '100'), line('L-2', 2, '100')],
    });
    // Q1 lends 150 against L-1's 100: 50 draws on no line. Q2 and Q3 lend 20 and 30, all on
    // L-2 (L-1 is used up): L-2 has lent 50, not 100 (the Q1 excess cannot move to it later).
    expect(await query(`select line_id, disbursed_amount, idle_amount from mart_ndf_lines order by line_id`))
      .toEqual([['L-1', '100', '0'], ['L-2', '50', '50']]);
  });
});

group('first notified, first absorbed (finding 6)', () => {
  it('fills a key\'s notifications in order and follows them past year end', async () => {
    const query = await build({
      allocations: [
        notice(1, 'budget_job', 'melli', '100'), notice(2, 'budget_job', 'melli', '100'), notice(4, 'budget_job', 'melli', '100'),
        { ...notice(1, 'budget_job', 'melli', '50'), year: 1395 },
      ],
      absorption: [report(4, 'budget_job', 'melli', { disbursed: '150' }), { ...report(2, 'budget_job', 'melli', { disbursed: '120' }), year: 1395 }],
    });
    expect(await query(`select year, notification_quarter, allocated_amount, absorbed_in_year_amount, absorption_rate,
        absorbed_by_next_year_amount, absorbed_by_next_year_rate from mart_notification_timing where scope = 'province' and allocated_amount > 0
        order by year, notification_quarter`))
      .toEqual([
        // 150 by year end: Q1's 100 in full, then 50 of Q2's, nothing of Q4's (pro rata gave 50 each).
        // 1395's 120 goes first to what is left: Q2's other 50, then 70 of Q4's.
        [1394, 1, '100', '100', 1, '100', 1],
        [1394, 2, '100', '50', 0.5, '100', 1],
        [1394, 4, '100', '0', 0, '70', 0.7],
        // 1396 has no report: not followed (absorbed in full or not).
        [1395, 1, '50', '50', 1, n, n],
      ]);
    expect(await query(`select year, allocated_amount, absorbed_in_year_amount, unabsorbed_amount, next_year_followed_amount,
        absorbed_next_year_amount, still_unabsorbed_amount, carried_absorption_rate from mart_carry_over order by year`))
      .toEqual([
        // 300 − 150 left at the end of 1394; 50 + 70 of it absorbed in 1395, 30 still not.
        [1394, '300', '150', '150', '150', '120', '30', 120 / 150],
        [1395, '50', '50', '0', '0', '0', '0', n],
      ]);
  });
});

group('the new analyses', () => {
  it('mart_reporting_coverage: files, keys reported, the allocation they cover, missing and late reports', async () => {
    const query = await build({
      allocations: [notice(1, 'budget_job', 'melli', '100', { county: 'shiraz' }), notice(1, 'budget_job', 'melli', '300', { county: 'fasa' })],
      absorption: [
        report(1, 'budget_job', 'melli', { disbursed: '10' }, { county: 'shiraz', load_id: 1, source_file: '1394-Q1/absorption_melli.csv' }),
        report(1, 'support_bodies', null, { disbursed: '5' }, { agency: 'relief_committee', load_id: 1, source_file: '1394-Q1/relief.csv' }),
        report(2, 'budget_job', 'melli', { disbursed: '20' }, { county: 'shiraz', load_id: 2, source_file: '1394-Q2/absorption_melli.csv' }),
        report(2, 'budget_job', 'melli', { disbursed: '50' }, { county: 'fasa', load_id: 2, source_file: '1394-Q2/absorption_melli.csv' }),
        // The committee's Q2 file came in a later load than the quarter's first.
        report(2, 'support_bodies', null, { disbursed: '8' }, { agency: 'relief_committee', load_id: 3, source_file: '1394-Q2/relief.csv' }),
      ],
    });
    expect(await query(`select quarter, reporter_type, reporter, file_count, key_count, reported_key_count, missing_key_count,
        late_key_count, allocated_amount, covered_allocated_amount, coverage_rate from mart_reporting_coverage order by quarter, reporter`))
      .toEqual([
        // melli in Q1: shiraz (100) reported, fasa (300) missing: 100 / 400 covered.
        [1, 'bank', 'melli', 1, 2, 1, 1, 0, '400', '100', 100 / 400],
        // Nothing allocated to the committee's key: no rate.
        [1, 'agency', 'relief_committee', 1, 1, 1, 0, 0, '0', '0', n],
        [2, 'bank', 'melli', 1, 2, 2, 0, 0, '400', '400', 1],
        [2, 'agency', 'relief_committee', 1, 1, 1, 0, 1, '0', '0', n],
      ]);
  });

  it('mart_gap_by_unit: the unit\'s gap by stage, with each reason\'s share of it', async () => {
    const reason = (county: string, code: string, amount: string, agency: string | null = null): FixtureRow =>
      ({ year: 1394, quarter: 2, program: 'budget_job', bank: 'melli', agency, county, reason_code: code, amount, count: 2 });
    const query = await build({
      allocations: [notice(1, 'budget_job', 'melli', '200', { county: 'shiraz' }), notice(1, 'budget_job', 'melli', '100', { county: 'fasa' })],
      absorption: [report(2, 'budget_job', 'melli', { referred: '150', approved: '120', contracted: '100', disbursed: '80' }, { county: 'shiraz' })],
      reasons: [
        reason('shiraz', 'collateral', '60'), reason('shiraz', 'late_quota', '30'),
        // The committee's copy of melli's reason: not in totals (melli reported reasons).
        reason('shiraz', 'collateral', '60', 'relief_committee'),
      ],
    });
    expect(await query(`select county, absorption_gap, not_referred_amount, not_approved_amount, not_contracted_amount,
        not_disbursed_amount, known_part_count, unknown_part_count, reason_code, reason_amount, reason_gap_share
        from mart_gap_by_unit where quarter = 2 order by county, reason_code`))
      .toEqual([
        // fasa has no report: its gap is unknown, one unknown part, no reason cited.
        ['fasa', n, n, n, n, n, 0, 1, n, n, n],
        // 200 − 80 = 120 = 50 not referred + 30 not approved + 20 not contracted + 20 not paid;
        // collateral 60 of 120 (counted once), late quota 30 of 120.
        ['shiraz', '120', '50', '30', '20', '20', 1, 0, 'collateral', '60', 60 / 120],
        ['shiraz', '120', '50', '30', '20', '20', 1, 0, 'late_quota', '30', 30 / 120],
      ]);
  });

  it('mart_cost_per_job: disbursed and requested per job, beside the 680–750 reported for referred projects', async () => {
    const app = (id: string, sector: string, requested: string, disbursed: string | null, status: string, jobs: number): FixtureRow => ({
      application_id: id, year: 1394, quarter: 1, program: 'budget_job', bank: 'melli', agency: 'industry_mine_trade', county: 'shiraz',
      sector, requested_amount: requested, approved_amount: null, disbursed_amount: disbursed, status,
      reason_code: status === 'rejected' ? 'collateral' : null, jobs_committed: jobs,
    });
    const query = await build({
      applications: [
        app('A-1', 'industry', '720', '700', 'disbursed', 1), app('A-2', 'industry', '700', '650', 'disbursed', 1),
        app('A-3', 'industry', '1500', null, 'rejected', 2),
        // Paid, but the file gives no amount.
        app('A-4', 'services', '300', null, 'disbursed', 1),
      ],
    });
    expect(await query(`select sector, requested_per_job_amount, disbursed_count, known_disbursed_count, disbursed_amount,
        disbursed_per_job_amount, reference_low_amount, reference_high_amount from mart_cost_per_job order by sector`))
      .toEqual([
        // (720 + 700 + 1500) ÷ 4 jobs = 730 requested per job; (700 + 650) ÷ 2 jobs = 675 paid.
        ['industry', '730', 2, 2, '1350', '675', '680', '750'],
        ['services', '300', 1, 0, n, n, '680', '750'],
      ]);
  });
});

group('review: the counting rule in every rollup', () => {
  /** The overlap example: Mellat and Saderat are each allocated 1,000 of support_bodies; Mellat reports 300; Saderat sends nothing; the relief committee reports 200 lent through Saderat. */
  const overlap = {
    allocations: [notice(1, 'support_bodies', 'mellat', '1000'), notice(1, 'support_bodies', 'saderat', '1000')],
    absorption: [
      report(1, 'support_bodies', 'mellat', { disbursed: '300' }),
      report(1, 'support_bodies', 'saderat', { referred: '600', approved: '400', contracted: '250', disbursed: '200' },
        { agency: 'relief_committee' }),
    ],
  };

  it('ranks a bank whose lending the agencies report with its allocation beside their figure (league tables, gap by unit)', async () => {
    const query = await build(overlap);
    expect(await query(`select code, is_reported, is_reported_by_agencies, allocated_amount, unreported_allocated_amount,
        disbursed_amount, absorption_gap, absorption_rate, gap_rank, rate_rank, ranked_count
      from mart_league_tables where dimension = 'bank' order by code`)).toEqual([
      // 1000 − 300 = 700, 300 / 1000 = 0.3: the higher rate, the smaller gap.
      ['mellat', true, false, '1000', '0', '300', '700', 0.3, 2, 1, 2],
      // 1000 − 200 (the committee's, in Saderat's stead) = 800, 200 / 1000 = 0.2. It was a gap of
      // 1000 − 1000 unreported − 200 = −200 and no rate: its allocation was dropped, the lending kept.
      ['saderat', true, true, '1000', '0', '200', '800', 0.2, 1, 2, 2],
    ]);
    expect(await query(`select bank, allocated_amount, absorption_gap, not_referred_amount, not_approved_amount,
        not_contracted_amount, not_disbursed_amount, residual_amount, known_part_count, unknown_part_count
      from mart_gap_by_unit order by bank`)).toEqual([
      // Mellat gives only the payout: 700, all at unknown stages.
      ['mellat', '1000', '700', n, n, n, n, '700', 1, 0],
      // Saderat's 1000 against the committee's funnel: 1000 − 600 = 400 not referred, 600 − 400,
      // 400 − 250, 250 − 200: 400 + 200 + 150 + 50 = 800. It was an unknown gap (1 unknown part).
      ['saderat', '1000', '800', '400', '200', '150', '50', '0', 1, 0],
    ]);
    // The flags behind them, on mart_absorption: Saderat's own key is set beside the committee's figure.
    expect(await query(`select bank, agency, is_in_totals, is_allocation_reported, is_reported_by_agencies, known_disbursed_amount
      from mart_absorption order by bank, agency nulls first`)).toEqual([
      ['mellat', n, true, true, false, '300'],
      ['saderat', n, true, true, true, n],
      ['saderat', 'relief_committee', true, true, false, '200'],
    ]);
  });

  /** The relief committee's own quota of 500 at Mellat; Mellat reports 300; the committee reports 100 lent at Mellat. */
  const quota = {
    allocations: [
      notice(1, 'support_bodies', 'mellat', '1000'),
      // The relief committee's own quota at Mellat, notified later.
      notice(2, 'support_bodies', 'mellat', '500', { agency: 'relief_committee' }),
    ],
    absorption: [
      report(2, 'support_bodies', 'mellat', { referred: '900', approved: '700', contracted: '500', disbursed: '300' }),
      // The committee's 100 at Mellat is inside Mellat's 300 (the counting rule).
      report(2, 'support_bodies', 'mellat', { disbursed: '100' }, { agency: 'relief_committee' }),
    ],
  };

  it('counts an agency\'s own quota at a bank that reports once in the unit\'s allocation, against the bank\'s figure', async () => {
    const query = await build(quota);
    expect(await query(`select quarter, allocated_amount, absorption_gap, not_referred_amount, not_approved_amount,
        not_contracted_amount, not_disbursed_amount, residual_amount, known_part_count, unknown_part_count
      from mart_gap_by_unit order by quarter`)).toEqual([
      // Q1: Mellat's 1000, not reported yet: an unknown part.
      [1, '1000', n, n, n, n, n, n, 0, 1],
      // Q2: 1000 + 500 = 1500 allocated, once each, against Mellat's 300: a gap of 1200 =
      // (1500 − 900) + (900 − 700) + (700 − 500) + (500 − 300) = 600 + 200 + 200 + 200. It was
      // 1000 and 700: the committee's quota dropped out with its (uncounted) report.
      [2, '1500', '1200', '600', '200', '200', '200', '0', 1, 0],
    ]);
    // The province agrees: 300 of 1500, a gap of 1200.
    expect(await query(`select allocated_amount, disbursed_amount, absorption_rate, absorption_gap from mart_absorption_trend
      where scope = 'province' and quarter = 2`)).toEqual([['1500', '300', 0.2, '1200']]);
  });

  it('fills an agency\'s quota at a bank that reports with the bank\'s figure, not a second time with its own', async () => {
    const query = await build(quota);
    // First notified, first absorbed with Mellat's 300: its own Q1 notice takes all of it, the
    // committee's Q2 quota nothing. It was 300 and 100: the committee's 100 counted a second time.
    expect(await query(`select notification_quarter, agency, allocated_amount, is_reported, absorbed_in_year_amount
      from int_notification_fill order by notification_quarter`))
      .toEqual([[1, n, '1000', true, '300'], [2, 'relief_committee', '500', true, '0']]);
    // 1500 − 300 = 1200 left at year end (it was 1500 − 400 = 1100).
    expect(await query(`select bank, allocated_amount, absorbed_in_year_amount, unabsorbed_amount, unabsorbed_notification_count
      from mart_carry_over`)).toEqual([['mellat', '1500', '300', '1200', 2]]);
  });

  it('fills a bank\'s notifications with the agencies\' lending when they report in its stead (the overlap example)', async () => {
    const query = await build({
      allocations: overlap.allocations,
      absorption: [
        ...overlap.absorption,
        // 1395: Mellat reports 100 again; Saderat still sends nothing, the committee reports 500 through it.
        { ...report(1, 'support_bodies', 'mellat', { disbursed: '100' }), year: 1395 },
        { ...report(1, 'support_bodies', 'saderat', { disbursed: '500' }, { agency: 'relief_committee' }), year: 1395 },
      ],
    });
    expect(await query(`select bank, allocated_amount, is_reported, absorbed_in_year_amount, absorbed_by_next_year_amount
      from int_notification_fill order by bank`)).toEqual([
      // Mellat's 300, then 1395's 100 on what is left: 400 by the end of 1395.
      ['mellat', '1000', true, '300', '400'],
      // The committee's 200 at Saderat, then its 500 of 1395 on the 800 left: 700. It was
      // unreported (NULL): Saderat's key had no report of its own.
      ['saderat', '1000', true, '200', '700'],
    ]);
    // 300 + 200 = 500 of 2000, as mart_absorption_trend (it was 300 of the 1000 "reported").
    expect(await query(`select allocated_amount, reported_allocated_amount, absorbed_in_year_amount, absorption_rate
      from mart_notification_timing where scope = 'province' and year = 1394 and notification_quarter = 1`))
      .toEqual([['2000', '2000', '500', 0.25]]);
    expect(await query(`select bank, reported_allocated_amount, absorbed_in_year_amount, unabsorbed_amount, next_year_followed_amount,
        absorbed_next_year_amount, still_unabsorbed_amount from mart_carry_over where year = 1394 order by bank`)).toEqual([
      ['mellat', '1000', '300', '700', '700', '100', '600'],
      // 1000 − 200 = 800 unabsorbed, 500 of it absorbed in 1395, 300 still not (it was all 0).
      ['saderat', '1000', '200', '800', '800', '500', '300'],
    ]);
  });

  it('sets a bank\'s key beside the agencies\' lending of its own county only', async () => {
    const query = await build({
      allocations: [
        notice(1, 'support_bodies', 'saderat', '1000', { county: 'shiraz' }),
        notice(1, 'support_bodies', 'saderat', '1000', { county: 'fasa', notification_id: 'N-fasa' }),
      ],
      // Saderat sends nothing; the committee reports lending through it in Shiraz only.
      absorption: [report(1, 'support_bodies', 'saderat', { disbursed: '200' }, { agency: 'relief_committee', county: 'shiraz' })],
    });
    // Shiraz's 1000 stands beside the 200; Fasa's lending is unknown, so its 1000 is out of the
    // rate: 200 / 1000 = 0.2 and a gap of 800 (not 200 / 2000 and 1800, as if the committee's
    // Shiraz report told Fasa's lending too).
    expect(await query(`select reported_allocated_amount, unreported_allocated_amount, disbursed_amount, absorption_rate,
        absorption_gap, unreported_key_count from mart_absorption_trend where scope = 'province'`))
      .toEqual([['1000', '1000', '200', 0.2, '800', 1]]);
    expect(await query(`select code, is_reported_by_agencies, unreported_allocated_amount, absorption_gap from mart_league_tables
      where dimension = 'county' order by code`)).toEqual([['fasa', false, '1000', n], ['shiraz', true, '0', '800']]);
    expect(await query(`select county, absorption_gap, known_part_count, unknown_part_count from mart_gap_by_unit order by county`))
      .toEqual([['fasa', n, 0, 1], ['shiraz', '800', 1, 0]]);
  });
});
