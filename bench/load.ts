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
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from '../pipelines/cli/args.ts';

const { values } = parseArgs(process.argv.slice(2), ['rows', 'out', 'prepare-only']);
const rows = Number(values.rows ?? 1_000_000);
const outDir = values.out ?? 'bench/out';
const drop = join(outDir, `applications-${rows}`);
const csv = join(drop, 'applications.csv');

const PROGRAMS = ['ndf_rural', 'ndf_sme', 'budget_job', 'working_capital', 'support_bodies', 'home_business', 'inclusive_rural', 'tourism_handicrafts', 'qarz_employment', 'skills_support'];
const BANKS = ['keshavarzi', 'tosee_taavon', 'post', 'melli', 'sepah', 'mellat', 'saderat', 'tejarat', 'refah', 'maskan'];
const AGENCIES = ['jihad_agri', 'industry_mine_trade', 'cultural_heritage', 'labour_welfare', 'nomads', 'relief_committee', 'welfare_org', 'tvto'];
const COUNTIES = ['shiraz', 'marvdasht', 'kazerun', 'jahrom', 'fasa', 'darab', 'larestan', 'abadeh', 'neyriz', 'eqlid', 'firuzabad', 'mamasani'];
const SECTORS = ['agriculture', 'industry', 'services', 'tourism', 'handicrafts', 'other'];
const STATUSES = ['referred', 'approved', 'contracted', 'disbursed', 'disbursed', 'disbursed', 'rejected', 'withdrawn'];
const REASONS = ['collateral', 'guarantor', 'bank_liquidity', 'ineligible', 'own_contribution', 'applicant_withdrew'];

/** Writes the benchmark drop (deterministic: row i is a function of i alone). */
async function makeDrop(): Promise<void> {
  if (existsSync(csv)) return;
  mkdirSync(drop, { recursive: true });
  const out = createWriteStream(csv);
  out.write('application_id,year,quarter,program,bank,agency,county,sector,requested_amount,approved_amount,disbursed_amount,status,reason_code,jobs_committed,referral_date,disbursement_date\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const h = Math.imul(i + 1, 2654435761) >>> 0;
    const quarter = 1 + (h % 4);
    const month = (quarter - 1) * 3 + 1 + ((h >>> 3) % 3);
    const day = 1 + ((h >>> 5) % 28);
    const status = STATUSES[(h >>> 7) % STATUSES.length]!;
    const requested = 200 + ((h >>> 9) % 9000) + ((h >>> 4) % 100) / 10;
    const approved = ['approved', 'contracted', 'disbursed'].includes(status) ? (requested * 0.9).toFixed(1) : '';
    const disbursed = status === 'disbursed' ? approved : '';
    const reason = status === 'rejected' || status === 'withdrawn' ? REASONS[(h >>> 11) % REASONS.length]! : '';
    const date = `1394/${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}`;
    const paid = status === 'disbursed' ? `1394/${String(Math.min(12, month + 1)).padStart(2, '0')}/${String(day).padStart(2, '0')}` : '';
    chunk += `A94-${i},1394,${quarter},${PROGRAMS[h % 10]},${BANKS[(h >>> 13) % 10]},${AGENCIES[(h >>> 15) % 8]},${COUNTIES[(h >>> 17) % 12]},${SECTORS[(h >>> 19) % 6]},${requested.toFixed(1)},${approved},${disbursed},${status},${reason},${1 + ((h >>> 21) % 4)},${date},${paid}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
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
