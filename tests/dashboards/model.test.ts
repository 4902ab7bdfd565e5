/**
 * The page's sums (dashboards/client/model.ts) read the marts' counting columns instead of deriving
 * them again: on the overlap example of issue 11, every bank's figure and the province's are those
 * of mart_league_tables and mart_absorption_trend, computed by hand in the comments.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DashboardModel, gapOf, rateOf, reportedAllocatedOf, type Filters } from '../../dashboards/client/model.ts';
import { readDashboardData } from '../../dashboards/data.ts';
import { readMetricDictionary } from '../../dashboards/dictionary.ts';
import { microToDecimal } from '../../dashboards/format.ts';
import type { Warehouse } from '../../pipelines/db.ts';
import { buildModels } from '../../pipelines/model.ts';
import { closeWarehouse, fixtureWarehouse, insertRows, type FixtureRow } from '../fixtures/models/warehouse.ts';
import { readRows } from '../models/helpers.ts';

let warehouse: Warehouse | undefined;
afterEach(() => {
  if (warehouse) closeWarehouse(warehouse);
  warehouse = undefined;
});

const allocation = (bank: string, amount: string, extra: FixtureRow = {}): FixtureRow => ({
  year: 1394,
  quarter: 1,
  program: 'support_bodies',
  funding_source: 'budget',
  bank,
  amount,
  notification_id: `N-${bank}-${amount}`,
  ...extra,
});
const report = (quarter: number, bank: string, disbursed: string, extra: FixtureRow = {}): FixtureRow => ({
  year: 1394,
  quarter,
  program: 'support_bodies',
  funding_source: 'budget',
  bank,
  disbursed_amount: disbursed,
  ...extra,
});

/** The dashboard's model over a warehouse holding only `allocations` and `absorption`, every model built. */
async function modelOf(allocations: FixtureRow[], absorption: FixtureRow[]) {
  warehouse = await fixtureWarehouse({ empty: true });
  await insertRows(warehouse.connection, 'allocations', allocations);
  await insertRows(warehouse.connection, 'absorption', absorption);
  await buildModels(warehouse.connection);
  const data = await readDashboardData(warehouse.connection, readMetricDictionary());
  return new DashboardModel(data);
}

/** Exact money as DuckDB prints a DECIMAL(38, 6), in whole million rials for these fixtures. */
const money = (v: bigint | null) => (v === null ? null : microToDecimal(v).replace(/\.000000$/, ''));

describe('the dashboard model', () => {
  it('keeps a bank whose lending the agencies report beside their figure, as mart_league_tables does', async () => {
    // Mellat and Saderat are each allocated 1,000; Mellat reports 300 in Q1 and sends nothing in Q2
    // (carried); Saderat sends nothing; the relief committee reports 200 lent through Saderat.
    const model = await modelOf(
      [allocation('mellat', '1000'), allocation('saderat', '1000')],
      [
        report(1, 'mellat', '300'),
        report(1, 'saderat', '200', { agency: 'relief_committee' }),
        report(2, 'saderat', '200', { agency: 'relief_committee' }),
      ],
    );
    const all: Filters = { year: 1394, quarter: 2, program: -1, funding_source: -1, bank: -1, county: -1 };
    const province = model.sum(model.absorptionRows(all));
    // 300 (carried) + 200 = 500 of 2000: 0.25, a gap of 1500; Mellat's key is the one carried.
    expect([
      money(province.allocated),
      money(reportedAllocatedOf(province)),
      money(province.disbursed),
      rateOf(province),
      money(gapOf(province)),
      province.carriedKeys,
      province.agencyReportedKeys,
    ]).toEqual(['2000', '2000', '500', 0.25, '1500', 1, 1]);
    const banks = model
      .byDimension(all, 'bank')
      .map(({ code, sum }) => [
        model.data.codes.bank[code]!.code,
        money(sum.allocated),
        money(sum.unreportedAllocated),
        money(sum.disbursed),
        rateOf(sum),
        money(gapOf(sum)),
        sum.agencyReportedKeys,
      ]);
    // Saderat: 1000 − 200 = 800 at 0.2 (the page derived its own rule and gave 1000 unreported and a gap of −200).
    expect(banks).toEqual([
      ['mellat', '1000', '0', '300', 0.3, '700', 0],
      ['saderat', '1000', '0', '200', 0.2, '800', 1],
    ]);
    // The same figures as the marts (readRows gives DECIMAL as exact text without trailing zeros).
    const league = await readRows(
      warehouse!.connection,
      `select code, allocated_amount, unreported_allocated_amount,
        disbursed_amount, absorption_rate, absorption_gap
      from mart_league_tables where dimension = 'bank' and quarter = 2 order by code`,
    );
    expect(banks.map((b) => b.slice(0, 6))).toEqual(league.map((l) => Object.values(l)));
    const [trend] = await readRows(
      warehouse!.connection,
      `select disbursed_amount, absorption_rate, absorption_gap
      from mart_absorption_trend where scope = 'province' and quarter = 2`,
    );
    expect([money(province.disbursed), rateOf(province), money(gapOf(province))]).toEqual(Object.values(trend!));
  });

  it("splits a unit's gap by stage with every allocation once, as mart_gap_by_unit does", async () => {
    // Mellat 1,000 and the relief committee's own quota of 500 at Mellat; Mellat reports its funnel
    // (900 referred, 700 approved, 500 contracted, 300 paid), which includes the committee's 100.
    const model = await modelOf(
      [allocation('mellat', '1000'), allocation('mellat', '500', { agency: 'relief_committee' })],
      [
        { ...report(1, 'mellat', '300'), referred_amount: '900', approved_amount: '700', contracted_amount: '500' },
        report(1, 'mellat', '100', { agency: 'relief_committee' }),
      ],
    );
    const stages = model.gapStages({ year: 1394, quarter: 1, program: -1, funding_source: -1, bank: -1, county: -1 });
    // 1500 − 900, 900 − 700, 700 − 500, 500 − 300, nothing left: 1200, the whole gap. The page
    // summed mart_gap_stages over keys in totals: Mellat's own 1000 − 900 = 100 not referred, the
    // committee's 500 left out.
    expect(stages.map((g) => g.parts.map(money))).toEqual([['600', '200', '200', '200', '0']]);
  });

  it('leaves out of the rate the allocation of a county the agencies did not report', async () => {
    // Saderat is allocated 1,000 in Shiraz and 1,000 in Fasa, sends nothing; the committee reports
    // 200 through it in Shiraz only: 200 of 1000, a gap of 800, and 1000 (Fasa) kept apart.
    const model = await modelOf(
      [
        allocation('saderat', '1000', { county: 'shiraz' }),
        allocation('saderat', '1000', { county: 'fasa', notification_id: 'N-f' }),
      ],
      [report(1, 'saderat', '200', { agency: 'relief_committee', county: 'shiraz' })],
    );
    const s = model.sum(
      model.absorptionRows({ year: 1394, quarter: 1, program: -1, funding_source: -1, bank: -1, county: -1 }),
    );
    expect([money(s.allocated), money(s.unreportedAllocated), money(s.disbursed), rateOf(s), money(gapOf(s))]).toEqual([
      '2000',
      '1000',
      '200',
      0.2,
      '800',
    ]);
  });
});
