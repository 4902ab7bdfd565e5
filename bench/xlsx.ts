/**
 * Excel benchmark (run by hand, not a test): the same N generated applications (bench/applications.ts)
 * written as an .xlsx workbook (exceljs's streaming writer, numbers as number cells) and as a
 * CSV, each loaded by `npm run pipeline` into a warehouse of its own, with the wall time and peak
 * memory of each from /usr/bin/time.
 *
 *   npm run bench:xlsx -- --rows 100000
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parseOrExit } from '../pipelines/cli/command.ts';
import { APPLICATION_COLUMNS, applicationRow, writeApplicationsCsv } from './applications.ts';

const spec = {
  name: 'npm run bench:xlsx --',
  summary: 'Excel benchmark: loads the same generated applications as .xlsx and as CSV through npm run pipeline; time and peak memory of each.',
  options: {
    rows: { value: 'N', help: 'rows of the generated applications', default: '100000' },
    out: { value: 'DIR', help: 'where the drops and the warehouses go', default: 'bench/out' },
  },
  examples: ['npm run bench:xlsx', 'npm run bench:xlsx -- --rows 300000'],
};
const parsed = parseOrExit(spec);
if (!parsed) process.exit(0);
const rows = Number(parsed.values.rows);
if (!Number.isInteger(rows) || rows <= 0) {
  console.error(`error: --rows ${parsed.values.rows}: expected a whole number of rows, e.g. 100000`);
  process.exit(1);
}
const outDir = parsed.values.out!;
const NUMERIC = new Set(['year', 'quarter', 'requested_amount', 'approved_amount', 'disbursed_amount', 'jobs_committed']);

/** Writes the workbook with exceljs's streaming writer: one sheet, the header then a row per application. */
async function writeApplicationsXlsx(path: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: false, useSharedStrings: true });
  const sheet = workbook.addWorksheet('پرونده‌ها');
  sheet.addRow([...APPLICATION_COLUMNS]).commit();
  for (let i = 0; i < rows; i++) {
    const cells = applicationRow(i).map((cell, c) => (cell === '' ? null : NUMERIC.has(APPLICATION_COLUMNS[c]!) ? Number(cell) : cell));
    sheet.addRow(cells).commit();
  }
  sheet.commit();
  await workbook.commit();
}

/** Runs a TypeScript file with node under /usr/bin/time: wall seconds, peak RSS in MB, stdout. */
function measure(args: string[]): { seconds: number; peakMb: number; stdout: string } {
  const result = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, '--import', 'tsx', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const match = /TIME ([\d.]+) (\d+)/.exec(result.stderr);
  if (result.status !== 0 || !match) throw new Error(`benchmark step failed:\n${result.stdout}\n${result.stderr}`);
  return { seconds: Number(match[1]), peakMb: Math.round(Number(match[2]) / 1024), stdout: result.stdout };
}

const drops = { xlsx: join(outDir, `xlsx-${rows}`, 'applications-xlsx'), csv: join(outDir, `xlsx-${rows}`, 'applications-csv') };
const files = { xlsx: join(drops.xlsx, 'applications.xlsx'), csv: join(drops.csv, 'applications.csv') };
for (const drop of Object.values(drops)) mkdirSync(drop, { recursive: true });
if (!existsSync(files.csv)) await writeApplicationsCsv(files.csv, rows);
if (!existsSync(files.xlsx)) {
  const t0 = Date.now();
  await writeApplicationsXlsx(files.xlsx);
  console.log(`wrote ${files.xlsx} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const size = (path: string) => `${(statSync(path).size / 2 ** 20).toFixed(1)} MB`;
console.log(`${rows.toLocaleString('en-US')} applications: ${files.xlsx} (${size(files.xlsx)}), ${files.csv} (${size(files.csv)})`);
for (const kind of ['csv', 'xlsx'] as const) {
  const db = join(outDir, `xlsx-bench-${kind}.duckdb`);
  rmSync(db, { force: true });
  const run = measure(['pipelines/cli/pipeline.ts', drops[kind], '--db', db, '--out', join(outDir, 'issues')]);
  const phases = /\(read and check ([\d.]+) s, quarantine ([\d.]+) s, load ([\d.]+) s, models and data tests ([\d.]+) s\)/.exec(run.stdout);
  const line = run.stdout.split('\n').find((l) => l.startsWith(`applications-${kind}/`));
  console.log(`${kind.padEnd(4)}  end to end ${run.seconds.toFixed(1)} s (read and check ${phases?.[1]} s, load ${phases?.[3]} s, `
    + `models ${phases?.[4]} s), peak ${run.peakMb} MB`);
  console.log(`      ${line?.replace(/\s+/g, ' ')}`);
  rmSync(db, { force: true });
}
