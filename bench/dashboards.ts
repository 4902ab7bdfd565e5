/**
 * Benchmark of the dashboard (issue 7): the file's size, building it, its first full render in
 * headless Chromium, and printing the A4 pack, on a warehouse built from the sample drops, and
 * optionally with N more applications (copies of the sample's, new ids) to show the file does not
 * grow with them. Not a test: run it by hand.
 *
 *   npx tsx bench/dashboards.ts [--rows 10000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDashboard } from '../dashboards/build.ts';
import { launchChromium, printPdf } from '../dashboards/pdf.ts';
import { parseOrExit } from '../pipelines/cli/command.ts';
import { closeWarehouse, openWarehouse, queryRows } from '../pipelines/db.ts';
import { buildModels } from '../pipelines/model.ts';
import { runPipeline } from '../pipelines/run.ts';

const SAMPLE = ['1393-Q1', '1393-Q2', '1393-Q3', '1393-Q4', '1394-Q1', '1394-Q2', '1394-Q3', '1394-Q4'].map((d) =>
  join('data/sample', d),
);

/** Adds about `rows` applications (the sample's, repeated under new ids) and rebuilds the models. */
async function addApplications(dbPath: string, rows: number): Promise<number> {
  const warehouse = await openWarehouse(dbPath);
  try {
    const c = warehouse.connection;
    const [base] = await queryRows<{ n: number }>(c, 'select count(*) as n from applications');
    const copies = Math.max(1, Math.ceil(rows / base!.n));
    await c.run('begin');
    await c.run(`insert into applications select a.* replace ('X' || k || '-' || a.application_id as application_id)
      from applications a, range(${copies}) t(k)`);
    await buildModels(c, { loadId: 1 });
    await c.run('commit');
    const [count] = await queryRows<{ n: number }>(c, 'select count(*) as n from applications');
    return count!.n;
  } finally {
    closeWarehouse(warehouse);
  }
}

const spec = {
  name: 'npm run bench:dashboards --',
  summary:
    'Dashboard benchmark: file size, build time, first render in headless Chromium and the PDF, on the sample (and with N more applications).',
  options: {
    rows: { value: 'N', help: 'applications to add to the sample warehouse first (0: the sample alone)', default: '0' },
  },
  examples: ['npm run bench:dashboards', 'npm run bench:dashboards -- --rows 10000000'],
};

async function main(): Promise<void> {
  const parsed = parseOrExit(spec);
  if (!parsed) return;
  const { values } = parsed;
  const dir = mkdtempSync(join(tmpdir(), 'bench-dashboards-'));
  try {
    const dbPath = join(dir, 'warehouse.duckdb');
    await runPipeline({ drops: SAMPLE, dbPath });
    const extra = Number(values.rows ?? 0);
    const applications = extra > 0 ? await addApplications(dbPath, extra) : undefined;
    // Twice: the first (cold) build also bundles the page script, which a process does once.
    const cold = await buildDashboard({ dbPath, outDir: join(dir, 'cold') });
    const built = await buildDashboard({ dbPath, outDir: join(dir, 'out') });
    const browser = await launchChromium();
    try {
      const renders: number[] = [];
      for (let i = 0; i < 3; i++) {
        const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
        await page.goto(pathToFileURL(built.htmlPath).href);
        renders.push(Number(await page.getAttribute('body', 'data-render-ms')));
        await page.close();
      }
      const pdf = await printPdf(built.htmlPath, join(dir, 'out', 'pack.pdf'), browser);
      console.log(
        applications
          ? `warehouse: sample drops + applications → ${applications.toLocaleString('en')} rows`
          : 'warehouse: the sample drops',
      );
      console.log(`  file size:     ${(built.bytes / 1024).toFixed(0)} KB (budget 1,536 KB)`);
      console.log(
        `  build, cold:   ${cold.ms.total.toFixed(0)} ms (data ${cold.ms.data.toFixed(0)}, bundle ` +
          `${cold.ms.bundle.toFixed(0)}, fonts ${cold.ms.font.toFixed(0)}; budget 5,000)`,
      );
      console.log(
        `  build, warm:   ${built.ms.total.toFixed(0)} ms (data ${built.ms.data.toFixed(0)}, fonts ` +
          `${built.ms.font.toFixed(0)})`,
      );
      console.log(`  first render:  ${renders.join(' / ')} ms from navigation start (budget 1,000)`);
      console.log(
        `  PDF:           ${pdf.ms.toFixed(0)} ms, ${pdf.pages} A4 pages, ${(pdf.bytes / 1024).toFixed(0)} KB`,
      );
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
