import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { load, rows, tempWarehouse } from '../helpers.ts';

const Q1 = 'tests/fixtures/reload/q1';

/** Starts `npm run pipeline` in a child process that pauses, loaded but uncommitted, before COMMIT. */
function startPausedRun(drop: string, db: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'pipelines/cli/pipeline.ts', drop, '--db', db], {
    env: { ...process.env, PIPELINE_PAUSE_BEFORE_COMMIT: '60000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('paused before commit')) resolve(child);
    });
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before pausing:\n${output}`)));
  });
}

const killed = (child: ChildProcess) => new Promise<void>((resolve) => {
  child.on('exit', () => resolve());
  child.kill('SIGKILL');
});

const everything = (db: string) => rows(db, `
  select 'absorption' as t, to_json(a)::VARCHAR as r from absorption a
  union all select 'allocations', to_json(b)::VARCHAR from allocations b
  union all select 'load_runs', load_id::VARCHAR from load_runs
  union all select 'quarantine', count(*)::VARCHAR from quarantine
  order by t, r`);

describe('a run is all or nothing (CONTRACT §4)', () => {
  it('leaves the warehouse as it was when the run is killed before it commits', async () => {
    const db = tempWarehouse();
    await load([Q1], db);
    const before = await everything(db);
    const child = await startPausedRun('tests/fixtures/reload/q1-corrected', db);
    await killed(child);
    expect(await everything(db)).toEqual(before);
    // The killed run's lock is stale: the next run goes ahead and commits.
    const next = await load(['tests/fixtures/reload/q1-corrected'], db);
    expect(next.loadId).toBe(2);
    expect(await rows(db, `select disbursed_amount::VARCHAR as d from absorption where program = 'budget_job'`)).toEqual([{ d: '450.000000' }]);
  });

  it('refuses a second run on a warehouse while one is running, with a clear message', async () => {
    const db = tempWarehouse();
    const child = await startPausedRun(Q1, db);
    try {
      await expect(load([Q1], db)).rejects.toThrow(
        new RegExp(`^another pipeline run \\(process ${child.pid}, started .+\\) is loading ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; wait for it to finish and run again$`),
      );
    } finally {
      await killed(child);
    }
  });
});

describe('a lock left behind', () => {
  it('is cleared when its process id now belongs to another program', async () => {
    const db = tempWarehouse();
    const other = spawn('sleep', ['30']); // alive, but not a pipeline run
    try {
      writeFileSync(`${db}.lock`, JSON.stringify({ pid: other.pid, started: '2026-01-01T00:00:00.000Z' }));
      const summary = await load([Q1], db);
      expect(summary.loadId).toBe(1);
    } finally {
      other.kill();
    }
  });
});
