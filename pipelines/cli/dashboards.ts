/** `npm run dashboards -- [--db FILE] [--out DIR] [--pdf] [--as-of 1394-Q2]`: the one-file offline dashboard. */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { buildDashboard } from '../../dashboards/build.ts';
import { printPdf } from '../../dashboards/pdf.ts';
import { runCommand } from './command.ts';
import { DEFAULT_WAREHOUSE } from './pipeline.ts';

/** Where the dashboard goes by default. */
export const DEFAULT_DASHBOARD_DIR = 'out/dashboards';

export const dashboardsSpec = {
  name: 'npm run dashboards --',
  summary:
    `Writes one self-contained HTML file (index.html in --out) that opens from file:// with no network: ` +
    'Persian by default, an English switch, filters kept in the URL; with --pdf also the A4 pack.',
  options: {
    db: { value: 'FILE', help: 'the warehouse', default: DEFAULT_WAREHOUSE },
    out: { value: 'DIR', help: 'where to write index.html (and pack.pdf)', default: DEFAULT_DASHBOARD_DIR },
    pdf: { help: 'also write the A4 pack, pack.pdf, through Chromium (/usr/bin/chromium)' },
    'as-of': { value: 'Y-QN', help: 'the quarter shown first and on the cover (default: the latest in the warehouse)' },
  },
  examples: [
    'npm run dashboards',
    'npm run dashboards -- --db data/sample.duckdb --out out/sample/dashboards --pdf --as-of 1394-Q2',
  ],
};

/** Parses "1394-Q2" (or "1394-2") into a year and quarter. */
export function parseAsOf(text: string): { year: number; quarter: number } {
  const m = /^(\d{4})-Q?([1-4])$/i.exec(text.trim());
  if (!m) throw new Error(`--as-of ${text}: expected a Jalali year and quarter such as 1394-Q2`);
  return { year: Number(m[1]), quarter: Number(m[2]) };
}

/** Builds the dashboard (and with `pdf`, the A4 pack) and prints where they are. */
export async function dashboardsCommand(options: {
  dbPath: string;
  outDir: string;
  pdf?: boolean;
  asOf?: string;
}): Promise<void> {
  const asOf = options.asOf ? parseAsOf(options.asOf) : undefined;
  if (!existsSync(options.dbPath)) {
    throw new Error(
      `the warehouse ${options.dbPath} does not exist; load drops first with npm run pipeline -- DROP... --db FILE`,
    );
  }
  const result = await buildDashboard({ dbPath: options.dbPath, outDir: options.outDir, asOf });
  console.log(
    `Dashboard: ${relative(process.cwd(), result.htmlPath)} (${(result.bytes / 1024).toFixed(0)} KB, ` +
      `built in ${(result.ms.total / 1000).toFixed(1)} s)`,
  );
  if (options.pdf) {
    const pdf = await printPdf(result.htmlPath);
    console.log(
      `A4 pack:   ${relative(process.cwd(), pdf.pdfPath)} (${pdf.pages} pages, ${(pdf.ms / 1000).toFixed(1)} s)`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCommand(dashboardsSpec, ({ values }) =>
    dashboardsCommand({
      dbPath: values.db!,
      outDir: values.out!,
      pdf: values.pdf === 'true',
      asOf: values['as-of'],
    }),
  );
}
