/**
 * The dashboard in Chromium (playwright-core, /usr/bin/chromium) on a warehouse built here from
 * the sample drops: offline, drawn, filtered through the URL, traceable to the marts, Persian and
 * English, safe with hostile names, and printable.
 */
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../dashboards/build.ts';
import { formatNumber, formatPercent } from '../../dashboards/format.ts';
import { readDashboardData } from '../../dashboards/data.ts';
import { readMetricDictionary } from '../../dashboards/dictionary.ts';
import { launchChromium, printPdf } from '../../dashboards/pdf.ts';
import { closeWarehouse, openWarehouse } from '../../pipelines/db.ts';
import { runPipeline } from '../../pipelines/run.ts';
import { openPage, type OpenedPage } from '../browser.ts';
import { rows, tempWarehouse } from '../helpers.ts';

const SAMPLE_DROPS = ['1393-Q1', '1393-Q2', '1393-Q3', '1393-Q4', '1394-Q1', '1394-Q2', '1394-Q3', '1394-Q4'].map((d) =>
  join('data/sample', d),
);
const XSS = '<img src=x onerror=alert(1)>';
// A fixed clock for the cover's Jalali date: 2026-12-01 is 1405/09/10.
const NOW = new Date('2026-12-01T12:00:00Z');

let browser: Browser;
let dbPath: string;
let htmlPath: string;
let buildMs: number;

/** A page opened on `url`, recording console errors, page errors, dialogs and every request. */
function open(url: string): Promise<OpenedPage> {
  return openPage(browser, url, 'body[data-rendered]');
}

beforeAll(async () => {
  dbPath = tempWarehouse();
  await runPipeline({ drops: SAMPLE_DROPS, dbPath });
  const result = await buildDashboard({ dbPath, outDir: join(dirname(dbPath), 'dashboards'), now: NOW });
  htmlPath = result.htmlPath;
  buildMs = result.ms.total;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('the dashboard file', () => {
  it('is one file within the size budget, built quickly, with a CSP that allows nothing from elsewhere', () => {
    const html = readFileSync(htmlPath, 'utf8');
    expect(statSync(htmlPath).size).toBeLessThan(1.5 * 1024 * 1024);
    expect(buildMs).toBeLessThan(5000);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[^']+'/);
    expect(csp).not.toMatch(/https?:/);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(http/i);
    expect(html).toContain('<script type="application/json" id="dashboard-data">');
  });

  it('opens from file:// with no console error and no request outside file: and data:', async () => {
    const { page, problems, requests } = await open(pathToFileURL(htmlPath).href);
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !/^(file|data):/.test(u))).toEqual([]);
    // Every chart is drawn: one SVG with marks in each chart box.
    const charts = await page.$$eval('.chart', (boxes) =>
      boxes.map((b) => ({
        id: b.closest('figure')?.id,
        marks: b.querySelectorAll('svg rect, svg path, svg circle').length,
      })),
    );
    expect(charts.length).toBeGreaterThanOrEqual(14);
    for (const c of charts) expect(c.marks, c.id).toBeGreaterThan(0);
    expect(await page.locator('#findings li').count()).toBeGreaterThanOrEqual(4);
    // Each chart box is LTR inside the RTL page, and the page says it is synthetic.
    expect(await page.$$eval('.chart', (boxes) => boxes.every((b) => b.getAttribute('dir') === 'ltr'))).toBe(true);
    expect(await page.locator('.top > .synthetic').isVisible()).toBe(true);
    await page.close();
  });

  it('shows every overview figure with the exact value of its mart', async () => {
    const { page } = await open(pathToFileURL(htmlPath).href);
    const shown = Object.fromEntries(
      await page.$$eval('#overview [data-metric]', (els) =>
        els.map((e) => [e.getAttribute('data-metric')!, e.getAttribute('data-value')!]),
      ),
    );
    const [trend] = await rows<Record<string, unknown>>(
      dbPath,
      `
      select allocated_amount::varchar as a, disbursed_amount::varchar as d, absorption_gap::varchar as g, absorption_rate as r
      from mart_absorption_trend where scope = 'province' order by year desc, quarter desc limit 1`,
    );
    const [own] = await rows<Record<string, unknown>>(
      dbPath,
      `
      with latest as (select year, quarter from mart_absorption order by year desc, quarter desc limit 1)
      select sum(allocated_amount)::varchar as a, sum(disbursed_amount) filter (where is_in_totals)::varchar as d,
             sum(jobs_committed) filter (where is_in_totals and is_reported) as j
      from mart_absorption join latest using (year, quarter)`,
    );
    const [jobs] = await rows<Record<string, unknown>>(
      dbPath,
      'select sum(new_jobs) as n, sum(sustained_jobs) as s from mart_jobs_by_axis',
    );
    expect(shown['mart_absorption_trend.allocated_amount']).toBe(trend!.a);
    expect(shown['mart_absorption_trend.allocated_amount']).toBe(own!.a);
    expect(shown['mart_absorption_trend.disbursed_amount']).toBe(trend!.d);
    expect(shown['mart_absorption_trend.disbursed_amount']).toBe(own!.d);
    expect(shown['mart_absorption_trend.absorption_gap']).toBe(trend!.g);
    expect(Number(shown['mart_absorption_trend.absorption_rate'])).toBe(trend!.r);
    expect(Number(shown['mart_absorption.jobs_committed'])).toBe(Number(own!.j));
    // The sample is built to the session's figures: 40,500 new and 17,100 sustained jobs.
    expect(Number(shown['mart_jobs_by_axis.new_jobs'])).toBe(Number(jobs!.n));
    expect(Number(shown['mart_jobs_by_axis.new_jobs'])).toBe(40_500);
    expect(Number(shown['mart_jobs_by_axis.sustained_jobs'])).toBe(17_100);
    await page.close();
  });

  it("carries a key's latest report into a quarter it sent none, as mart_absorption_trend does", async () => {
    // Summer 1394: three keys sent no report; their spring figures are carried.
    const { page } = await open(`${pathToFileURL(htmlPath).href}#overview?year=1394&quarter=2`);
    const shown = Object.fromEntries(
      await page.$$eval('#overview [data-metric]', (els) =>
        els.map((e) => [e.getAttribute('data-metric')!, e.getAttribute('data-value')!]),
      ),
    );
    const [trend] = await rows<Record<string, unknown>>(
      dbPath,
      `
      select allocated_amount::varchar as a, disbursed_amount::varchar as d, absorption_gap::varchar as g,
             absorption_rate as r, carried_key_count as c
      from mart_absorption_trend where scope = 'province' and year = 1394 and quarter = 2`,
    );
    const [reported] = await rows<Record<string, unknown>>(
      dbPath,
      `select sum(disbursed_amount) filter (where is_in_totals)::varchar as d
      from mart_absorption where year = 1394 and quarter = 2`,
    );
    expect(Number(trend!.c)).toBe(3);
    expect(shown['mart_absorption_trend.allocated_amount']).toBe(trend!.a);
    expect(shown['mart_absorption_trend.disbursed_amount']).toBe(trend!.d);
    // The carried keys' money is in the figure: more than the quarter's own reports add up to.
    expect(Number(shown['mart_absorption_trend.disbursed_amount'])).toBeGreaterThan(Number(reported!.d));
    expect(shown['mart_absorption_trend.absorption_gap']).toBe(trend!.g);
    expect(Number(shown['mart_absorption_trend.absorption_rate'])).toBe(trend!.r);
    expect(await page.locator('#overview .kpi-note').first().textContent()).toContain('۳ کلید با گزارش منتقل‌شده');
    // The trend's table gives every quarter's carried_key_count, and its note names the quarter.
    const carried = await rows<Record<string, unknown>>(
      dbPath,
      `select carried_key_count as c from mart_absorption_trend where scope = 'province'
      and (year < 1394 or quarter <= 2) order by year, quarter`,
    );
    const cells = await page.$$eval('#chart-trend tbody tr', (trs) =>
      trs.map((tr) => tr.lastElementChild!.textContent),
    );
    expect(cells).toEqual(carried.map((r) => formatNumber(Number(r.c), 'fa')));
    expect(await page.locator('#chart-trend .note').textContent()).toContain('تابستان ۱۳۹۴ (۳)');
    await page.close();
  });

  it('is right to left with Persian digits, and switches to English', async () => {
    const { page, problems } = await open(pathToFileURL(htmlPath).href);
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      'fa',
      'rtl',
    ]);
    const figures = await page.locator('#overview .kpi-value').allTextContents();
    for (const text of figures) {
      expect(text).toMatch(/[۰-۹]/);
      expect(text).not.toMatch(/[0-9]/);
    }
    expect(await page.locator('#overview h2').textContent()).toContain('زمستان ۱۳۹۴');
    const tick = await page.locator('#chart-trend svg text').allTextContents();
    expect(tick.join(' ')).toMatch(/[۰-۹]/);
    await page.click('#lang-switch');
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      'en',
      'ltr',
    ]);
    expect(page.url()).toContain('lang=en');
    expect(await page.locator('#overview h2').textContent()).toContain('Winter 1394');
    // Names come from the reference tables' name_en.
    expect(await page.locator('#chart-bank svg').textContent()).toContain('Bank Keshavarzi (Agriculture Bank)');
    expect(await page.locator('#overview .kpi-value').first().textContent()).toMatch(/[0-9]/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('changes figures and the URL when a filter changes, and a link reopens the same view', async () => {
    const { page } = await open(pathToFileURL(htmlPath).href);
    const allocated = '#overview [data-metric="mart_absorption_trend.allocated_amount"]';
    const before = await page.getAttribute(allocated, 'data-value');
    const findingsBefore = await page.locator('#findings').textContent();
    await page.selectOption('#filter-bank', { label: 'بانک کشاورزی' });
    const after = await page.getAttribute(allocated, 'data-value');
    expect(after).not.toBe(before);
    expect(page.url()).toContain('bank=keshavarzi');
    expect(await page.locator('#findings').textContent()).not.toBe(findingsBefore);
    const [own] = await rows<Record<string, unknown>>(
      dbPath,
      `select sum(allocated_amount)::varchar as a from mart_absorption
      where year = 1394 and quarter = 4 and bank = 'keshavarzi'`,
    );
    expect(after).toBe(own!.a);
    await page.selectOption('#filter-quarter', '2');
    expect(page.url()).toContain('year=1394&quarter=2');
    const url = page.url();
    const shown = await page.getAttribute(allocated, 'data-value');
    await page.close();
    const again = await open(url);
    expect(await again.page.getAttribute(allocated, 'data-value')).toBe(shown);
    expect(await again.page.locator('#filter-bank').inputValue()).not.toBe('-1');
    await again.page.close();
  });

  it('shows the exact figures in a tooltip', async () => {
    const { page } = await open(pathToFileURL(htmlPath).href);
    const [own] = await rows<Record<string, unknown>>(
      dbPath,
      `select program, sum(allocated_amount)::varchar as a
      from mart_absorption where year = 1394 and quarter = 4 group by program order by sum(allocated_amount) desc limit 1`,
    );
    await page.locator('#chart-program svg g[aria-label="bar"]').last().locator('rect').first().hover();
    const tip = await page.locator('#chart-program svg g[aria-label="tip"]').textContent();
    // The largest programme's allocation in million rials, every digit, in Persian digits.
    const digits = String(own!.a)
      .replace(/\.0+$/, '')
      .replace(/\B(?=(\d{3})+(?!\d))/g, '٬')
      .replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
    expect(tip).toContain(`${digits} میلیون ریال`);
    await page.close();
  });

  it('toggles every chart to a table of the same numbers', async () => {
    const { page } = await open(pathToFileURL(htmlPath).href);
    await page.click('#chart-program .toggle');
    expect(await page.locator('#chart-program table').isVisible()).toBe(true);
    expect(await page.locator('#chart-program .chart').isVisible()).toBe(false);
    expect(await page.locator('#chart-program tbody tr').count()).toBeGreaterThan(3);
    expect(await page.locator('.card .toggle').count()).toBe(await page.locator('.chart').count());
    await page.close();
  });
});

describe('late quotas, carry-over, idle NDF and coverage read their marts', () => {
  it('measures late quotas by notification quarter (absorbed_in_year) and carry-over from mart_carry_over', async () => {
    const { page, problems } = await open(pathToFileURL(htmlPath).href);
    const timing = await rows<Record<string, unknown>>(
      dbPath,
      `
      select notification_quarter as q, reported_allocated_amount::varchar as r,
             absorbed_in_year_amount::varchar as i, absorption_rate as rate
      from mart_notification_timing where scope = 'province' and year = 1394 order by notification_quarter`,
    );
    const linked = async (metric: string) =>
      page.$$eval(`#findings [data-metric="${metric}"]`, (els) => els.map((e) => e.getAttribute('data-value')!));
    // Every notification quarter's rate, in order, as the mart gives it.
    const rates = (await linked('mart_notification_timing.absorption_rate')).map(Number);
    expect(rates).toHaveLength(4);
    rates.forEach((r, i) => expect(r).toBeCloseTo(Number(timing[i]!.rate), 12));
    // Winter's quotas: the reported allocation and what the year absorbed of it, exact.
    expect(await linked('mart_notification_timing.reported_allocated_amount')).toEqual([timing[3]!.r]);
    expect(await linked('mart_notification_timing.absorbed_in_year_amount')).toEqual([timing[3]!.i]);
    // The sample's late quotas are absorbed less: the sentence says so only because the rates do.
    expect(Number(timing[3]!.rate)).toBeLessThan(Number(timing[0]!.rate));
    expect(await page.locator('#findings').textContent()).toContain('سهمیهٔ دیرهنگام کمتر جذب می‌شود');
    // 1393's unabsorbed at year end, and how much 1394 absorbed of it.
    const [carry] = await rows<Record<string, unknown>>(
      dbPath,
      `select sum(unabsorbed_amount)::varchar as u, sum(absorbed_next_year_amount)::varchar as n,
              sum(next_year_followed_amount)::varchar as f, sum(still_unabsorbed_amount)::varchar as s
      from mart_carry_over where year = 1393`,
    );
    expect(await linked('mart_carry_over.unabsorbed_amount')).toEqual([carry!.u]);
    expect(await linked('mart_carry_over.absorbed_next_year_amount')).toEqual([carry!.n]);
    // The chart's table: one row per year up to the selected one, with the mart's carried rate.
    await page.click('#chart-carry .toggle');
    const carryRows = await page.$$eval('#chart-carry tbody tr', (trs) =>
      trs.map((tr) => [...tr.children].map((td) => td.textContent)),
    );
    expect(carryRows.map((r) => r[0])).toEqual(['۱۳۹۳', '۱۳۹۴']);
    expect(carryRows[0]!.at(-1)).toBe(formatPercent(Number(carry!.n) / Number(carry!.f), 'fa'));
    expect(problems).toEqual([]);
    await page.close();
  });

  it("follows 1393's notifications into 1394: the timing table gives absorbed_by_next_year_rate", async () => {
    const { page } = await open(`${pathToFileURL(htmlPath).href}#timing?year=1393&quarter=4&lang=en`);
    const timing = await rows<Record<string, unknown>>(
      dbPath,
      `select absorption_rate as r, absorbed_by_next_year_rate as n from mart_notification_timing
      where scope = 'province' and year = 1393 order by notification_quarter`,
    );
    await page.click('#chart-timing .toggle');
    const cells = await page.$$eval('#chart-timing tbody tr', (trs) =>
      trs.map((tr) => [...tr.children].slice(-2).map((td) => td.textContent)),
    );
    expect(cells).toEqual(
      timing.map((t) => [formatPercent(Number(t.r), 'en'), t.n === null ? '—' : formatPercent(Number(t.n), 'en')]),
    );
    expect(timing.some((t) => t.n !== null)).toBe(true);
    await page.close();
  });

  it('shows idle NDF money per bank at the quarter and quarter by quarter from mart_ndf_quarterly', async () => {
    const { page } = await open(pathToFileURL(htmlPath).href);
    const [idle] = await rows<Record<string, unknown>>(
      dbPath,
      `select sum(idle_amount)::varchar as i, count(distinct bank) as banks
      from mart_ndf_quarterly where year = 1394 and quarter = 4`,
    );
    expect(await page.getAttribute('#findings [data-metric="mart_ndf_quarterly.idle_amount"]', 'data-value')).toBe(
      idle!.i,
    );
    expect(await page.locator('#chart-ndf tbody tr').count()).toBe(Number(idle!.banks));
    const quarters = await rows<Record<string, unknown>>(
      dbPath,
      `select year, quarter, sum(idle_amount) / 1000 as bn from mart_ndf_quarterly group by all order by all`,
    );
    const shown = await page.$$eval('#chart-ndf-quarters tbody tr', (trs) =>
      trs.map((tr) => tr.children[3]!.textContent),
    );
    expect(shown).toEqual(quarters.map((q) => formatNumber(Number(q.bn), 'fa')));
    await page.close();
  });

  it('gives each bank its reports missing and late and its coverage from mart_reporting_coverage', async () => {
    // Summer 1394, when three keys sent nothing.
    const { page } = await open(`${pathToFileURL(htmlPath).href}#ndf?year=1394&quarter=2&lang=en`);
    const banks = await rows<Record<string, unknown>>(
      dbPath,
      `
      select b.name_en as name, c.file_count, c.reported_key_count, c.key_count, c.missing_key_count,
             c.late_key_count, c.coverage_rate
      from mart_reporting_coverage c join ref_banks b on b.code = c.reporter
      where c.year = 1394 and c.quarter = 2 and c.reporter_type = 'bank'`,
    );
    expect(banks.reduce((n, b) => n + Number(b.missing_key_count), 0)).toBe(3);
    const shown = await page.$$eval('#chart-coverage-bank tbody tr', (trs) =>
      trs.map((tr) => [...tr.children].map((td) => td.textContent)),
    );
    const expected = banks.map((b) => [
      String(b.name),
      ...[b.file_count, b.reported_key_count, b.key_count, b.missing_key_count, b.late_key_count].map((n) =>
        formatNumber(Number(n), 'en'),
      ),
      formatPercent(Number(b.coverage_rate), 'en'),
    ]);
    expect([...shown].sort()).toEqual([...expected].sort());
    // Least covered first.
    expect(shown[0]![6]).toBe(formatPercent(Math.min(...banks.map((b) => Number(b.coverage_rate))), 'en'));
    await page.close();
  });
});

describe('what changed', () => {
  it('lists no file as changed when the same drop is loaded again', async () => {
    const again = join(dirname(dbPath), 'reload.duckdb');
    copyFileSync(dbPath, again);
    await runPipeline({ drops: ['data/sample/1394-Q4'], dbPath: again });
    const warehouse = await openWarehouse(again);
    try {
      const data = await readDashboardData(warehouse.connection, readMetricDictionary('README.md'), { now: NOW });
      expect(data.changes.loadId).toBe(2);
      expect(data.changes.newFiles).toEqual([]);
      expect(data.changes.changedFiles).toEqual([]);
      expect(data.quality.loads.map((l) => l.id)).toEqual([1, 2]);
    } finally {
      closeWarehouse(warehouse);
    }
  });
});

describe('--as-of', () => {
  it("opens on the quarter asked for, with that quarter's figures", async () => {
    const asOf = { year: 1394, quarter: 2 };
    const built = await buildDashboard({ dbPath, outDir: join(dirname(dbPath), 'as-of'), now: NOW, asOf });
    const { page, problems } = await open(pathToFileURL(built.htmlPath).href);
    expect(await page.locator('#overview h2').textContent()).toContain('تابستان ۱۳۹۴');
    const [trend] = await rows<Record<string, unknown>>(
      dbPath,
      `select allocated_amount::varchar as a, disbursed_amount::varchar as d from mart_absorption_trend
      where scope = 'province' and year = 1394 and quarter = 2`,
    );
    const value = (metric: string) => page.getAttribute(`#overview [data-metric="${metric}"]`, 'data-value');
    expect(await value('mart_absorption_trend.allocated_amount')).toBe(trend!.a);
    expect(await value('mart_absorption_trend.disbursed_amount')).toBe(trend!.d);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('hostile names', () => {
  let xssHtml: string;

  beforeAll(async () => {
    const xssDb = join(dirname(dbPath), 'xss.duckdb');
    copyFileSync(dbPath, xssDb);
    const warehouse = await openWarehouse(xssDb);
    try {
      const c = warehouse.connection;
      await c.run(`insert into ref_banks (code, name_fa, name_en) values ('xss_bank', $x, $x)`, { x: XSS });
      await c.run(`insert into ref_counties (code, name_fa, name_en) values ('xss_county', $x, $x)`, { x: XSS });
      await c.run("update mart_absorption set bank = 'xss_bank' where bank = 'melli'");
      await c.run("update mart_absorption set county = 'xss_county' where county = 'shiraz'");
      await c.run("update mart_ndf_lines set bank = 'xss_bank' where bank = 'melli'");
      await c.run("update mart_ndf_quarterly set bank = 'xss_bank' where bank = 'melli'");
      await c.run("update mart_carry_over set bank = 'xss_bank' where bank = 'melli'");
      await c.run(
        "update mart_reporting_coverage set reporter = 'xss_bank' where reporter_type = 'bank' and reporter = 'melli'",
      );
      await c.run("update mart_projects set title = $x, counties = 'xss_county' where project_id = 'P94-01'", {
        x: XSS,
      });
    } finally {
      closeWarehouse(warehouse);
    }
    xssHtml = (await buildDashboard({ dbPath: xssDb, outDir: join(dirname(dbPath), 'xss'), now: NOW })).htmlPath;
  }, 60_000);

  it('shows a bank, county and project title of <img src=x onerror=alert(1)> as text and runs nothing', async () => {
    const { page, problems } = await open(pathToFileURL(xssHtml).href);
    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
    expect(await page.locator('#chart-bank svg').textContent()).toContain(XSS);
    expect(await page.locator('#chart-county svg').textContent()).toContain(XSS);
    expect(await page.locator('#table-projects').textContent()).toContain(XSS);
    expect(await page.locator('#chart-ndf svg[viewBox]').textContent()).toContain(XSS);
    expect(await page.locator('#chart-coverage-bank svg').textContent()).toContain(XSS);
    expect(await page.locator('#filter-bank').textContent()).toContain(XSS);
    await page.selectOption('#filter-bank', { label: XSS });
    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the A4 pack', () => {
  it('prints one page per print block, A4, with the cover first', async () => {
    const pdf = await printPdf(htmlPath, join(dirname(htmlPath), 'pack.pdf'), browser);
    const { page } = await open(pathToFileURL(htmlPath).href);
    // The cover, the findings, then each view's print blocks (one or two charts each).
    const blocks = await page.locator('.print-page').count();
    await page.close();
    expect(pdf.pages).toBe(2 + blocks);
    const text = readFileSync(pdf.pdfPath).toString('latin1');
    const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
    expect(boxes.length).toBe(pdf.pages);
    // A4 is 210 × 297 mm = 595.3 × 841.9 points.
    for (const [, w, h] of boxes) {
      expect(Math.abs(Number(w) - 595.3)).toBeLessThan(1);
      expect(Math.abs(Number(h) - 841.9)).toBeLessThan(1);
    }
  });
});
