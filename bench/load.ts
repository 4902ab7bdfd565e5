/**
 * Load benchmark (run by hand, not a test): makes a drop of N `applications` rows, then times
 * DuckDB's own `create table t as select * from read_csv(...)` on the file against
 * `npm run pipeline` on the same drop, with peak memory from /usr/bin/time.
 *
 *   npx tsx bench/load.ts --rows 1000000
 *   npx tsx bench/load.ts --rows 10000000
 *   npx tsx bench/load.ts --rows 10000000 --prepare-only yes   (only write the drop)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from '../pipelines/cli/args.ts';
import { writeApplicationsCsv } from './applications.ts';

const { values } = parseArgs(process.argv.slice(2), ['rows', 'out', 'prepare-only']);
const rows = Number(values.rows ?? 1_000_000);
const outDir = values.out ?? 'bench/out';
const drop = join(outDir, `applications-${rows}`);
const csv = join(drop, 'applications.csv');

/** Writes the benchmark drop once. */
async function makeDrop(): Promise<void> {
  if (existsSync(csv)) return;
  mkdirSync(drop, { recursive: true });
  await writeApplicationsCsv(csv, rows);
}

/** Runs a TypeScript file with node under /usr/bin/time: wall seconds, peak RSS in MB, stdout. */
function measure(args: string[]): { seconds: number; peakMb: number; stdout: string } {
  const result = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, '--import', 'tsx', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const match = /TIME ([\d.]+) (\d+)/.exec(result.stderr);
  if (result.status !== 0 || !match) throw new Error(`benchmark step failed:\n${result.stdout}\n${result.stderr}`);
  return { seconds: Number(match[1]), peakMb: Math.round(Number(match[2]) / 1024), stdout: result.stdout };
}

await makeDrop();
if (values['prepare-only']) process.exit(0);
const megabytes = Math.round(statSync(csv).size / 2 ** 20);
console.log(`drop: ${csv} (${rows.toLocaleString('en-US')} rows, ${megabytes} MB)`);
const rawDb = join(outDir, `raw-${rows}.duckdb`);
const pipelineDb = join(outDir, `pipeline-${rows}.duckdb`);
for (const db of [rawDb, pipelineDb]) rmSync(db, { force: true });

const raw = measure(['bench/raw-read.ts', csv, rawDb]);
const pipeline = measure(['pipelines/cli/pipeline.ts', drop, '--db', pipelineDb, '--out', join(outDir, 'issues')]);
const phases = /\(read and check ([\d.]+) s, quarantine ([\d.]+) s, load ([\d.]+) s, models and data tests ([\d.]+) s\)/.exec(pipeline.stdout);
const [read, quarantine, load, models] = phases ? phases.slice(1).map(Number) as [number, number, number, number] : [NaN, NaN, NaN, NaN];
const loadSeconds = pipeline.seconds - models;
console.log(`DuckDB raw read_csv:          ${raw.seconds.toFixed(1)} s, peak ${raw.peakMb} MB`);
console.log(`npm run pipeline (end to end): ${pipeline.seconds.toFixed(1)} s, peak ${pipeline.peakMb} MB`);
console.log(`  read and check ${read} s, quarantine ${quarantine} s, load ${load} s, models and data tests ${models} s`);
console.log(`load ÷ raw read:        ${(loadSeconds / raw.seconds).toFixed(2)}× (target ≤ 2×)`);
console.log(`end to end ÷ raw read:  ${(pipeline.seconds / raw.seconds).toFixed(2)}× (target ≤ 3×)`);
const slowest = pipeline.stdout.split('\n').filter((l) => l.startsWith('model ')).slice(0, 40);
if (slowest.length > 0) console.log(slowest.join('\n'));
for (const db of [rawDb, pipelineDb]) rmSync(db, { force: true });
