/**
 * Killed at any moment (CONTRACT §4): a real 200,000-row load with its models, killed with
 * SIGKILL at 20 seeded moments spread over the whole run. After each kill the warehouse opens and
 * equals exactly the state before the run or the state after it, and the next run succeeds.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeApplicationsCsv } from '../../bench/applications.ts';
import { closeWarehouse, openWarehouse, queryRows } from '../../pipelines/db.ts';
import { load, tempWarehouse } from '../helpers.ts';

const ROWS = 200_000;
const KILLS = Number(process.env.KILLS ?? 20);

/** Every table's row count and a hash of its rows, leaving out run times (they differ between runs). */
async function fingerprint(db: string): Promise<Record<string, string>> {
  const warehouse = await openWarehouse(db);
  try {
    const { connection } = warehouse;
    const columns = await queryRows<{ table_name: string; column_name: string; data_type: string }>(connection, `
      select table_name, column_name, data_type from information_schema.columns
      where table_schema = 'main' order by table_name, ordinal_position`);
    const tables = new Map<string, string[]>();
    for (const c of columns) {
      if (c.data_type.startsWith('TIMESTAMP') || /(^|_)ms$|duration/.test(c.column_name)) continue;
      tables.set(c.table_name, [...(tables.get(c.table_name) ?? []), `"${c.column_name}"`]);
    }
    const result: Record<string, string> = {};
    for (const [table, cols] of tables) {
      const [row] = await queryRows<{ n: number; h: string }>(connection, `
        select count(*)::BIGINT as n, coalesce(sum(hash(${cols.join(', ')}) % 1000000007), 0)::VARCHAR as h from "${table}"`);
      result[table] = `${row!.n}:${row!.h}`;
    }
    return result;
  } finally {
    closeWarehouse(warehouse);
  }
}

/** Starts `npm run pipeline` on `drop`; tells its exit code, the last line it printed, and when a line starts with `marker`. */
function startRun(drop: string, db: string, out: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'pipelines/cli/pipeline.ts', drop, '--db', db, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let last = '';
  let printed = '';
  const waiting: { marker: string; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
    const lines = printed.trim().split('\n');
    last = lines[lines.length - 1] ?? last;
    for (const w of waiting) if (lines.some((l) => l.startsWith(w.marker))) w.resolve();
  });
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printedLine = (marker: string) => new Promise<void>((resolve) => {
    waiting.push({ marker, resolve });
    if (marker === '' || printed.split('\n').some((l) => l.startsWith(marker))) resolve();
    void done.then(() => resolve());
  });
  return { child, done, last: () => last, printedLine };
}

/**
 * Where the kills fall: after the run has printed a phase's line (none: while it starts and
 * reads), then a seeded delay. Together they cover reading, cleaning, inserting, the models, and
 * recording and committing the run.
 */
const PHASES = process.env.KILL_PHASE ? [{ marker: process.env.KILL_PHASE, delay: Number(process.env.KILL_DELAY ?? 1500) }] : [
  { marker: '', delay: 3000 },
  { marker: 'read ', delay: 600 },
  { marker: 'checked ', delay: 600 },
  { marker: 'loaded ', delay: 300 },
  { marker: 'model ', delay: 800 },
  { marker: 'models   rebuilt', delay: 300 },
  { marker: 'models   rebuilt', delay: 1500 },
  { marker: 'Load ', delay: 300 },
];

function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('a run killed at any moment', () => {
  const work = mkdtempSync(join(tmpdir(), 'killed-'));
  const drop = join(work, 'applications-1394');
  const base = tempWarehouse();
  let before: Record<string, string>;
  let after: Record<string, string>;
  let duration = 0;

  beforeAll(async () => {
    mkdirSync(drop);
    await writeApplicationsCsv(join(drop, 'applications.csv'), ROWS);
    // The warehouse already holds an earlier load, so "before" is not simply empty.
    await load(['tests/fixtures/reload/q1'], base, { skipModels: false });
    before = await fingerprint(base);
    const whole = tempWarehouse();
    copyFileSync(base, whole);
    const started = Date.now();
    const run = startRun(drop, whole, join(work, 'out-whole'));
    expect(await run.done).toBe(0);
    duration = Date.now() - started;
    after = await fingerprint(whole);
  }, 120_000);

  it(`leaves the warehouse as it was before or after the run, at each of ${KILLS} moments`, async () => {
    expect(after.applications).toMatch(new RegExp(`^${ROWS}:`));
    const next = random(20261201);
    const seen: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      const phase = PHASES[i % PHASES.length]!;
      const at = Math.round(phase.delay * next());
      const db = tempWarehouse();
      copyFileSync(base, db);
      const run = startRun(drop, db, join(work, `out-${i}`));
      await run.printedLine(phase.marker);
      await new Promise((resolve) => setTimeout(resolve, at));
      run.child.kill('SIGKILL');
      await run.done;
      const state = await fingerprint(db);
      const which = JSON.stringify(state) === JSON.stringify(before) ? 'before' : JSON.stringify(state) === JSON.stringify(after) ? 'after' : 'neither';
      seen.push(`${at} ms after "${phase.marker}" (last printed: ${run.last().slice(0, 50)}): ${which}`);
      // On a mismatch, each table that changed in the run is named with the state it holds.
      const tables = Object.keys({ ...before, ...state, ...after }).filter((t) => before[t] !== after[t] || state[t] !== after[t]);
      const held = tables.map((t) => `${t} ${state[t] === before[t] ? 'as before' : state[t] === after[t] ? 'as after' : `neither (${state[t]}; before ${before[t]}, after ${after[t]})`}`);
      expect(which, `kill ${i} ${at} ms after "${phase.marker}", last printed "${run.last()}": ${held.join('; ')}`).not.toBe('neither');
      // The killed run's lock is stale: the next run goes ahead.
      const again = await load(['tests/fixtures/reload/q1-corrected'], db);
      expect(again.files.map((f) => f.error ?? 'ok')).toEqual(['ok']);
    }
    console.log(`killed after ${duration} ms run:\n${seen.join('\n')}`);
    // Both outcomes occur: kills before the commit and after it.
    expect(seen.some((s) => s.endsWith('before'))).toBe(true);
    expect(seen.some((s) => s.endsWith('after'))).toBe(true);
  }, 600_000);
});
