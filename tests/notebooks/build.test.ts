/**
 * The notebooks built from a clean state on a warehouse made here from the sample drops, and each
 * page opened in Chromium: offline, drawn, in Persian, and showing the marts' own figures.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deserialize } from '@observablehq/notebook-kit';
import { JSDOM } from 'jsdom';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../dashboards/pdf.ts';
import {
  buildNotebooks,
  listNotebooks,
  NOTEBOOKS_DIR,
  type NotebookBuildResult,
} from '../../dashboards/notebooks/build.ts';
import { closeWarehouse, openWarehouse } from '../../pipelines/db.ts';
import { runPipeline } from '../../pipelines/run.ts';
import { networkRequests, openPage } from '../browser.ts';
import { rows, tempWarehouse } from '../helpers.ts';

const SAMPLE_DROPS = ['1393-Q1', '1393-Q2', '1393-Q3', '1393-Q4', '1394-Q1', '1394-Q2', '1394-Q3', '1394-Q4'].map((d) =>
  join('data/sample', d),
);
/** Charts each notebook draws (each in a `.chart` box). */
const CHARTS: Record<string, number> = {
  'funnel-stages': 2,
  'jobs-by-axis': 3,
  'late-quotas': 3,
  reasons: 3,
  'waiting-times': 2,
};
const { window } = new JSDOM('');

let browser: Browser;
let dbPath: string;
let outDir: string;
let built: NotebookBuildResult;

/** What a test reads from one built page, gathered in one visit. */
interface PageFacts {
  problems: string[];
  requests: string[];
  errorCells: number;
  langDir: string[];
  syntheticShown: boolean;
  charts: { dir: string | null; marks: number }[];
  tickText: string;
  findingText: string;
  /** data-metric → data-value of the finding's figures. */
  findings: Record<string, string>;
  /** Each visible SQL cell's SQL and the rows its table holds (the table's value). */
  sqlTables: { id: number; sql: string; rows: unknown }[];
}

const visits = new Map<string, Promise<PageFacts>>();

/** A notebook's page, opened once every chart and its finding are drawn, and read once. */
function visit(name: string): Promise<PageFacts> {
  if (!visits.has(name)) visits.set(name, readPage(name));
  return visits.get(name)!;
}

async function readPage(name: string): Promise<PageFacts> {
  const source = readFileSync(join(NOTEBOOKS_DIR, `${name}.html`), 'utf8');
  const sqlCells = deserialize(source, { parser: new window.DOMParser() }).cells.filter(
    (c) => c.mode === 'sql' && !c.hidden,
  );
  const ready = new Function(
    `return document.querySelectorAll('.chart svg').length >= ${CHARTS[name]} && !!document.querySelector('.finding [data-value]');`,
  ) as () => boolean;
  const { page, problems, requests } = await openPage(
    browser,
    pathToFileURL(join(outDir, `${name}.html`)).href,
    ready,
    {
      width: 1200,
      height: 900,
    },
  );
  try {
    const sqlTables = [];
    for (const cell of sqlCells) {
      const rows = await page.$eval(
        `#cell-${cell.id} form`,
        (form) => (form as HTMLFormElement & { value: unknown }).value,
      );
      sqlTables.push({ id: cell.id, sql: cell.value, rows });
    }
    return {
      problems,
      requests,
      errorCells: await page.locator('.observablehq--error').count(),
      langDir: await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]),
      syntheticShown: await page.locator('.synthetic').isVisible(),
      charts: await page.$$eval('.chart', (boxes) =>
        boxes.map((b) => ({
          dir: b.getAttribute('dir'),
          marks: b.querySelectorAll('svg rect, svg path, svg line').length,
        })),
      ),
      tickText: (await page.locator('.chart svg text').allTextContents()).join(' '),
      findingText: (await page.locator('.finding').textContent()) ?? '',
      findings: Object.fromEntries(
        await page.$$eval('.finding [data-metric]', (els) =>
          els.map((e) => [e.getAttribute('data-metric')!, e.getAttribute('data-value')!]),
        ),
      ),
      sqlTables,
    };
  } finally {
    await page.close();
  }
}

/** The figures of a page's finding: data-metric → data-value. */
async function findingValues(name: string): Promise<Record<string, string>> {
  return (await visit(name)).findings;
}

/** The rows DuckDB returns for `sql`, as the page should hold them: DECIMAL as text, BIGINT as numbers. */
async function expectedRows(sql: string): Promise<Record<string, unknown>[]> {
  const warehouse = await openWarehouse(dbPath, { readOnly: true });
  try {
    const reader = await warehouse.connection.runAndReadAll(sql);
    const bigints = reader
      .columnNames()
      .filter((_, i) => ['BIGINT', 'HUGEINT', 'UBIGINT'].includes(reader.columnType(i).toString()));
    return reader.getRowObjectsJson().map((row) => {
      const copy: Record<string, unknown> = { ...row };
      for (const name of bigints) if (copy[name] !== null) copy[name] = Number(copy[name]);
      return copy;
    });
  } finally {
    closeWarehouse(warehouse);
  }
}

beforeAll(async () => {
  dbPath = tempWarehouse();
  await runPipeline({ drops: SAMPLE_DROPS, dbPath });
  outDir = mkdtempSync(join(tmpdir(), 'notebooks-'));
  built = await buildNotebooks({ dbPath, outDir, now: new Date('2026-12-01T12:00:00Z') });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

describe('npm run notebooks: every notebook built into one offline page', () => {
  it('builds each notebook of notebooks/ into its own page, within the size budget, leaving no cache behind', () => {
    const names = listNotebooks(NOTEBOOKS_DIR).map((f) => f.replace(/\.html$/, ''));
    expect(names).toEqual(Object.keys(CHARTS));
    expect(built.pages.map((p) => p.name)).toEqual(names);
    expect(built.synthetic).toBe(true);
    for (const page of built.pages) {
      expect(page.bytes, page.name).toBeLessThan(1.5 * 1024 * 1024);
      expect(page.ms, page.name).toBeLessThan(30_000);
      const html = readFileSync(page.htmlPath, 'utf8');
      expect(html.startsWith('<!doctype html><html lang="fa" dir="rtl">'), page.name).toBe(true);
      // One file: no script, stylesheet or font is fetched from anywhere, and no import names the CDN.
      const styles = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join('\n');
      const external = [
        ...(html.match(/<script[^>]+src=[^>]*>|<link[^>]+rel="?(stylesheet|modulepreload|preload)[^>]*>/gi) ?? []),
        ...(styles.match(/@import[^;]*;|url\(\s*["']?(https?:)?\/\/[^)]*\)/gi) ?? []),
        ...(html.match(/https:\/\/cdn\.jsdelivr\.net\/npm\/[^"'`\s]*\+esm/g) ?? []),
      ];
      expect(external, page.name).toEqual([]);
    }
    // The SQL results went into the pages, not into the kit's query cache beside the notebooks.
    expect(existsSync(join(NOTEBOOKS_DIR, '.observable'))).toBe(false);
  });

  it.each(Object.keys(CHARTS))(
    '%s opens from file:// with no console error, no request outside file: and data:, every chart drawn',
    async (name) => {
      const page = await visit(name);
      expect(page.problems).toEqual([]);
      expect(networkRequests(page.requests)).toEqual([]);
      expect(page.errorCells).toBe(0);
      expect(page.langDir).toEqual(['fa', 'rtl']);
      expect(page.syntheticShown).toBe(true);
      expect(page.charts.length).toBe(CHARTS[name]);
      for (const chart of page.charts) {
        expect(chart.dir).toBe('ltr');
        expect(chart.marks).toBeGreaterThan(0);
      }
      // Tick labels and findings are in Persian digits.
      expect(page.tickText).toMatch(/[۰-۹]/);
      expect(page.findingText).toMatch(/[۰-۹]/);
    },
  );

  it.each(Object.keys(CHARTS))(
    "%s: every SQL cell's table holds exactly the rows the warehouse returns",
    async (name) => {
      const { sqlTables } = await visit(name);
      expect(sqlTables.length).toBeGreaterThan(0);
      for (const table of sqlTables) {
        const expected = await expectedRows(table.sql);
        expect(expected.length, `${name} cell ${table.id}`).toBeGreaterThan(0);
        expect(table.rows, `${name} cell ${table.id}`).toEqual(expected);
      }
    },
  );
});

describe("each notebook's finding shows the marts' figures", () => {
  it('funnel-stages: the gap at the latest quarter is the province gap of mart_absorption_trend, split by stage', async () => {
    const shown = await findingValues('funnel-stages');
    const [trend] = await rows<Record<string, string>>(
      dbPath,
      `select absorption_gap::varchar as gap from mart_absorption_trend
       where scope = 'province' order by year desc, quarter desc limit 1`,
    );
    const [stages] = await rows<Record<string, string>>(
      dbPath,
      `select sum(not_contracted_amount)::varchar as nc, sum(not_referred_amount)::varchar as nr
       from mart_gap_stages where year = 1394 and quarter = 4 and is_in_totals`,
    );
    // 8,516,370 allocated − 5,472,514.3 disbursed in 1394 (both from the sample's marts).
    expect(trend!.gap).toBe('3043855.700000');
    expect(shown['mart_gap_stages.absorption_gap']).toBe(trend!.gap);
    // The largest stage is "no contract": 1,519,843.8 of it, 49.9 %.
    expect(shown['mart_gap_stages.not_contracted_amount']).toBe(stages!.nc);
    expect(Number(shown['share.not_contracted_amount'])).toBeCloseTo(1519843.8 / 3043855.7, 12);
    expect(shown['mart_gap_stages.not_referred_amount']).toBe(stages!.nr);
    expect(shown['top.bank_name']).toBe('بانک کشاورزی');
  });

  it("late-quotas: 1393's autumn and winter quotas, and what 1394 absorbed of 1393's gap", async () => {
    const shown = await findingValues('late-quotas');
    const [late] = await rows<Record<string, string>>(
      dbPath,
      `select sum(reported_allocated_amount)::varchar as a, sum(absorbed_in_year_amount)::varchar as d
       from mart_notification_timing where scope = 'province' and year = 1393 and notification_quarter >= 3`,
    );
    const [carry] = await rows<Record<string, string>>(
      dbPath,
      `select sum(unabsorbed_amount)::varchar as u, sum(next_year_followed_amount)::varchar as f,
              sum(absorbed_next_year_amount)::varchar as n
       from mart_carry_over where year = 1393`,
    );
    const [trend] = await rows<Record<string, string>>(
      dbPath,
      `select absorption_gap::varchar as gap from mart_absorption_trend where scope = 'province' and year = 1393 and quarter = 4`,
    );
    expect(shown['late.reported_allocated_amount']).toBe(late!.a);
    expect(shown['late.absorbed_in_year_amount']).toBe(late!.d);
    // 245,830 + 1,368,520 notified in autumn and winter 1393; 471 + 47,562.4 of it absorbed that year.
    expect(late).toEqual({ a: '1614350.000000', d: '48033.400000' });
    // The year's unabsorbed allocation is 1393's gap at year end in the trend: 7,050,850 − 4,278,164.4.
    expect(shown['mart_carry_over.unabsorbed_amount']).toBe(carry!.u);
    expect(carry!.u).toBe(trend!.gap);
    expect(shown['mart_carry_over.next_year_followed_amount']).toBe(carry!.f);
    expect(shown['mart_carry_over.absorbed_next_year_amount']).toBe(carry!.n);
    expect(Number(shown['mart_notification_timing.absorption_rate.q4'])).toBeCloseTo(47562.4 / 1368520, 12);
  });

  it('reasons: the reported amount at the latest quarter, its largest actor and the county most rejected', async () => {
    const shown = await findingValues('reasons');
    const [total] = await rows<Record<string, string>>(
      dbPath,
      `select sum(amount)::varchar as a from mart_reasons
       where origin = 'reported' and is_in_totals and year = 1394 and quarter = 4`,
    );
    const [bank] = await rows<Record<string, string>>(
      dbPath,
      `select sum(amount)::varchar as a from mart_reasons
       where origin = 'reported' and is_in_totals and year = 1394 and quarter = 4 and reason_actor = 'bank'`,
    );
    expect(shown['mart_reasons.amount']).toBe(total!.a);
    expect(total!.a).toBe('2060429.600000');
    expect(shown['top.reason_actor']).toBe('bank');
    expect(shown['top_actor.amount']).toBe(bank!.a);
    // Pasargad: 89,860 of its 197,080 requested in 1394 was rejected or withdrawn.
    expect(shown['worst.county_name']).toBe('پاسارگاد');
    expect(Number(shown['worst.share'])).toBeCloseTo(89860 / 197080, 12);
  });

  it("waiting-times: the latest year's median wait over the applications the mart's medians rest on", async () => {
    const shown = await findingValues('waiting-times');
    const [funnel] = await rows<Record<string, number>>(
      dbPath,
      `select sum(timed_disbursed_count) as timed, sum(referred_count) as referred, sum(disbursed_count) as paid
       from mart_application_funnel where year = 1394`,
    );
    const [wait] = await rows<Record<string, number>>(
      dbPath,
      `select median(disbursement_date - referral_date) as median
       from applications where year = 1394 and status = 'disbursed'`,
    );
    expect(Number(shown['all.timed_disbursed_count'])).toBe(Number(funnel!.timed));
    expect(Number(shown['all.median_days_to_disbursement'])).toBe(wait!.median);
    expect(Number(shown['mart_application_funnel.referred_count'])).toBe(Number(funnel!.referred));
    expect(Number(shown['mart_application_funnel.disbursed_count'])).toBe(Number(funnel!.paid));
    expect(shown['fast.bank']).toBe('صندوق کارآفرینی امید');
    expect(shown['slow.bank']).toBe('بانک توسعه تعاون');
  });

  it("jobs-by-axis: the 12 projects' jobs against the session's 40,500 and 17,100", async () => {
    const shown = await findingValues('jobs-by-axis');
    const [facility] = await rows<Record<string, number>>(
      dbPath,
      'select sum(facility_jobs_lower_bound) as jobs from mart_jobs_by_axis',
    );
    // The sample is built to the session's figures.
    expect(Number(shown['mart_jobs_by_axis.project_count'])).toBe(12);
    expect(Number(shown['mart_jobs_by_axis.new_jobs'])).toBe(40_500);
    expect(Number(shown['mart_jobs_by_axis.sustained_jobs'])).toBe(17_100);
    expect(Number(shown['mart_jobs_by_axis.facility_jobs_lower_bound'])).toBe(Number(facility!.jobs));
    expect(shown['largest.axis']).toBe('A4');
  });
});
