/**
 * Load benchmark (run by hand, not a test). Makes a drop of N generated `applications` rows, then
 * times, as whole commands, DuckDB's own `create table t as select * from read_csv(...)` into a
 * fresh database file against `npm run pipeline -- DROP --db FILE` into a fresh warehouse, on the
 * same file, alternated: raw, pipeline, raw, pipeline, … Prints the median of each, the ratio of
 * the medians, and peak memory from /usr/bin/time. Both start as `npm run pipeline` does, from
 * scripts/cli.mjs's bundle, so that neither pays tsx's start-up and the other not.
 *
 * With --add K it also adds a K-row quarter (of another year) to the warehouse the last run left
 * (N rows), and the same drop into an empty warehouse, alternated, and compares their load part
 * (the whole run less the models' rebuild, which is reported apart).
 *
 *   npm run bench -- --rows 1000000
 *   npm run bench -- --rows 10000000 --add 100000
 *   npm run bench -- --rows 10000000 --prepare-only   (only write the drop)
 *   npm run bench -- --rows 1000000 --dirty           (1 % of the amounts in Persian digits, some rows bad)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseOrExit } from '../pipelines/cli/command.ts';
import { writeApplicationsCsv, type GeneratedPeriod } from './applications.ts';

const spec = {
  name: 'npm run bench --',
  summary: 'Load benchmark: npm run pipeline against DuckDB\'s raw read_csv on the same generated applications file, as whole commands, alternated, median of the runs, with peak memory.',
  options: {
    rows: { value: 'N', help: 'rows of the generated applications file', default: '1000000' },
    runs: { value: 'R', help: 'runs of each command (the median is reported)', default: '3' },
    add: { value: 'K', help: 'also add a K-row quarter to the N-row warehouse, against the same drop into an empty one' },
    out: { value: 'DIR', help: 'where the drops and the warehouses go', default: 'bench/out' },
    profile: { help: 'print the statements of the median pipeline run that took 50 ms or more' },
    dirty: { help: 'a file as a hand-kept one is: 1 % of its amounts in Persian digits, some rows out of range (bench/applications.ts)' },
    'prepare-only': { help: 'only write the drops' },
  },
  examples: ['npm run bench -- --rows 1000000', 'npm run bench -- --rows 10000000 --add 100000'],
};
const parsed = parseOrExit(spec);
if (!parsed) process.exit(0);
const { values } = parsed;
const wholeNumber = (name: string, text: string | undefined): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`error: --${name} ${text}: expected a whole number, e.g. ${name === 'runs' ? 3 : 1000000}`);
    process.exit(1);
  }
  return n;
};
const rows = wholeNumber('rows', values.rows);
const runs = wholeNumber('runs', values.runs);
const added = values.add === undefined ? undefined : wholeNumber('add', values.add);
const outDir = values.out!;

/** Writes a drop of generated applications once; returns its folder and file. */
async function makeDrop(name: string, n: number, period: GeneratedPeriod = {}): Promise<{ drop: string; csv: string }> {
  const drop = join(outDir, name);
  const csv = join(drop, 'applications.csv');
  if (!existsSync(csv)) {
    mkdirSync(drop, { recursive: true });
    await writeApplicationsCsv(`${csv}.part`, n, period);
    copyFileSync(`${csv}.part`, csv);
    rmSync(`${csv}.part`);
  }
  return { drop, csv };
}

interface Measured { seconds: number; peakMb: number; stdout: string }

/** Runs a TypeScript file as `npm run pipeline` runs its own (scripts/cli.mjs) under /usr/bin/time: wall seconds, peak RSS in MB, stdout. */
function measure(args: string[], env: Record<string, string> = {}): Measured {
  const result = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, 'scripts/cli.mjs', ...args], {
    encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env },
  });
  const match = /TIME ([\d.]+) (\d+)/.exec(result.stderr);
  if (result.status !== 0 || !match) throw new Error(`benchmark step failed:\n${result.stdout}\n${result.stderr}`);
  return { seconds: Number(match[1]), peakMb: Math.round(Number(match[2]) / 1024), stdout: result.stdout };
}

/** The run's phases as the pipeline's summary line gives them, in seconds. */
function phases(stdout: string): { read: number; quarantine: number; load: number; models: number } {
  const m = /\(read and check ([\d.]+) s, quarantine ([\d.]+) s, load ([\d.]+) s, models and data tests ([\d.]+) s\)/.exec(stdout);
  const [read, quarantine, load, models] = m ? m.slice(1).map(Number) as [number, number, number, number] : [NaN, NaN, NaN, NaN];
  return { read, quarantine, load, models };
}

const median = <T>(items: T[], key: (t: T) => number): T => [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)]!;
const removeDb = (db: string) => { for (const f of [db, `${db}.wal`]) rmSync(f, { force: true }); };

const main = await makeDrop(`applications-${rows}${values.dirty ? '-dirty' : ''}`, rows, { dirty: Boolean(values.dirty) });
const quarter = added === undefined ? undefined : await makeDrop(`applications-${added}-1395-Q1`, added, { year: 1395, quarter: 1 });
if (values['prepare-only']) process.exit(0);

console.log(`drop: ${main.csv} (${rows.toLocaleString('en-US')} rows, ${Math.round(statSync(main.csv).size / 2 ** 20)} MB), ${runs} runs of each, alternated`);
const rawDb = join(outDir, `raw-${rows}.duckdb`);
const pipelineDb = join(outDir, `pipeline-${rows}.duckdb`);
const env: Record<string, string> = values.profile ? { PIPELINE_PROFILE: '1' } : {};
// The bundles are built (when stale) before the clock starts, not in the first timed run.
if (spawnSync(process.execPath, ['scripts/cli.mjs', '--build', 'bench/raw-read.ts', 'pipeline'], { stdio: 'inherit' }).status !== 0) process.exit(1);
const raws: Measured[] = [];
const pipelines: Measured[] = [];
for (let i = 0; i < runs; i++) {
  removeDb(rawDb);
  raws.push(measure(['bench/raw-read.ts', main.csv, rawDb]));
  removeDb(pipelineDb);
  pipelines.push(measure(['pipelines/cli/pipeline.ts', main.drop, '--db', pipelineDb, '--out', join(outDir, 'issues')], env));
  console.log(`  run ${i + 1}: raw read_csv ${raws[i]!.seconds.toFixed(1)} s, pipeline ${pipelines[i]!.seconds.toFixed(1)} s`);
}
removeDb(rawDb);
const raw = median(raws, (m) => m.seconds);
const pipeline = median(pipelines, (m) => m.seconds);
const p = phases(pipeline.stdout);
console.log(`DuckDB raw read_csv (median):  ${raw.seconds.toFixed(1)} s, peak ${Math.max(...raws.map((m) => m.peakMb))} MB`);
console.log(`npm run pipeline (median):     ${pipeline.seconds.toFixed(1)} s, peak ${Math.max(...pipelines.map((m) => m.peakMb))} MB`);
console.log(`  read and check ${p.read} s, quarantine ${p.quarantine} s, load ${p.load} s, models and data tests ${p.models} s`);
console.log(`pipeline ÷ raw read: ${(pipeline.seconds / raw.seconds).toFixed(2)}× (target ≤ 1.5×)`);
if (values.profile) console.log(pipeline.stdout.split('\n').filter((l) => l.startsWith('profile')).join('\n'));

if (quarter) {
  // The warehouse the last pipeline run left holds the N rows; each try adds the quarter to a copy of it.
  const full = join(outDir, `full-${rows}.duckdb`);
  const target = join(outDir, `add-${rows}.duckdb`);
  const empty = join(outDir, `empty-${rows}.duckdb`);
  copyFileSync(pipelineDb, full);
  const intoFull: Measured[] = [];
  const intoEmpty: Measured[] = [];
  const args = (db: string) => ['pipelines/cli/pipeline.ts', quarter.drop, '--db', db, '--out', join(outDir, 'issues')];
  for (let i = 0; i < runs; i++) {
    removeDb(target);
    copyFileSync(full, target);
    intoFull.push(measure(args(target), env));
    removeDb(empty);
    intoEmpty.push(measure(args(empty), env));
  }
  const loadPart = (m: Measured) => { const q = phases(m.stdout); return q.read + q.quarantine + q.load; };
  const a = median(intoFull, loadPart);
  const b = median(intoEmpty, loadPart);
  console.log(`adding ${added!.toLocaleString('en-US')} rows (1395 Q1) to a warehouse of ${rows.toLocaleString('en-US')}: load part ${loadPart(a).toFixed(1)} s `
    + `(models ${phases(a.stdout).models} s, whole command ${a.seconds.toFixed(1)} s, peak ${a.peakMb} MB)`);
  console.log(`the same drop into an empty warehouse:        load part ${loadPart(b).toFixed(1)} s `
    + `(models ${phases(b.stdout).models} s, whole command ${b.seconds.toFixed(1)} s, peak ${b.peakMb} MB)`);
  console.log(`into the full ÷ into the empty warehouse: ${(loadPart(a) / loadPart(b)).toFixed(2)}× (target ≤ 1.5×)`);
  for (const db of [full, target, empty]) removeDb(db);
}
removeDb(pipelineDb);
