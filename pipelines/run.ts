/**
 * One pipeline run: read every file of the drops, then in a single transaction validate, load,
 * check soft rules, rebuild the models and record the run. A crash or kill before COMMIT leaves
 * the warehouse as it was.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { closeWarehouse, ident, openWarehouse, queryRows } from './db.ts';
import { acquireLock, WarehouseBusyError } from './lock.ts';
import { loadReferenceTables, readReferences } from './reference.ts';
import { DATASETS, type DatasetName } from './schema/datasets.ts';
import { warehouseDdl } from './schema/warehouse.ts';
import { listDrop, type DropFile } from './ingest/drop.ts';
import { readFile } from './ingest/read.ts';
import { cleanFile, recordFileIssues, type CleanFile } from './validate.ts';
import { loadDataset } from './load.ts';
import { checkSoftRules } from './soft-rules.ts';
import { withProgress } from './progress.ts';
import { buildModels, type ModelBuildReport } from './model.ts';

export interface RunOptions {
  drops: string[];
  dbPath: string;
  referenceDir?: string;
  sqlDir?: string;
  /** Progress lines for a person watching. */
  log?: (line: string) => void;
  /** Skip rebuilding the SQL models (loader tests). */
  skipModels?: boolean;
}

export interface FileSummary {
  file: string;
  dataset?: string;
  encoding?: string;
  format?: string;
  unit?: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsUnchanged: number;
  rowsQuarantined: number;
  rowsDuplicate: number;
  rowsTotals: number;
  warnings: number;
  error?: string;
  ms: number;
}

export interface RunSummary {
  loadId: number;
  files: FileSummary[];
  models?: ModelBuildReport;
  ms: number;
  /** Milliseconds spent reading and checking files, recording their issues, loading, and rebuilding the models. */
  phases: { read: number; validate: number; load: number; models: number };
}

/** DuckDB's memory ceiling; beyond it, work spills to a temporary folder on disk. */
const MEMORY_LIMIT = process.env.PIPELINE_MEMORY_LIMIT ?? '2GB';

const rate = (rows: number, ms: number) => (ms > 0 ? `${Math.round((rows / ms) * 1000).toLocaleString('en-US')} rows/s` : '');

/**
 * Fault-injection point for the tests that kill a run half-way: with PIPELINE_PAUSE_BEFORE_COMMIT
 * set to a number of milliseconds, the run waits there with everything loaded but not committed.
 */
async function pauseForFaultTests(log: (line: string) => void): Promise<void> {
  const ms = Number(process.env.PIPELINE_PAUSE_BEFORE_COMMIT ?? 0);
  if (ms > 0) {
    log('paused before commit');
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** With PIPELINE_PROFILE set (benchmarks), logs every statement that takes 50 ms or more. */
function profileStatements(connection: DuckDBConnection, log: (line: string) => void): void {
  const run = connection.run.bind(connection);
  connection.run = (async (sql: string, ...rest: unknown[]) => {
    const t0 = Date.now();
    const result = await (run as (...args: unknown[]) => Promise<unknown>)(sql, ...rest);
    const ms = Date.now() - t0;
    if (ms >= 50) log(`profile  ${ms} ms: ${sql.replace(/\s+/g, ' ').trim().slice(0, 110)}`);
    return result;
  }) as typeof connection.run;
}

/** Runs the pipeline on `options.drops`; throws a one-line Error when it cannot run at all. */
export async function runPipeline(options: RunOptions): Promise<RunSummary> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const dbPath = options.dbPath === ':memory:' ? ':memory:' : resolve(options.dbPath);
  const referenceDir = options.referenceDir ?? 'data/reference';
  const references = readReferences(referenceDir);
  const drops = options.drops.map((drop) => ({ drop, ...listDrop(drop) }));
  // Files are known by <drop folder>/<file>, so two drops of one name would be confused.
  const byName = new Map<string, string>();
  for (const drop of options.drops) {
    const name = basename(resolve(drop));
    const other = byName.get(name);
    if (other !== undefined && resolve(other) !== resolve(drop)) {
      throw new Error(`two drops are named ${name} (${other} and ${drop}); rename one, or load them in separate runs`);
    }
    if (other !== undefined) throw new Error(`the drop ${drop} is named twice`);
    byName.set(name, drop);
  }
  if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
  const release = dbPath === ':memory:' ? () => {} : acquireLock(dbPath);
  const tmpDir = mkdtempSync(join(tmpdir(), 'pipeline-'));
  let warehouse;
  try {
    try {
      warehouse = await openWarehouse(dbPath);
    } catch (error) {
      const message = (error as Error).message;
      if (/lock/i.test(message)) throw new WarehouseBusyError(`the warehouse ${options.dbPath} is in use by another program; close it and run again`);
      throw new Error(`the warehouse ${options.dbPath} cannot be opened: ${message.split('\n')[0]}`);
    }
    const { connection } = warehouse;
    if (process.env.PIPELINE_PROFILE) profileStatements(connection, log);
    await connection.run(`set temp_directory = '${tmpDir.replace(/'/g, "''")}'`);
    await connection.run(`set preserve_insertion_order = true`);
    await connection.run(`set enable_progress_bar = true`); // lets withProgress read the running statement's progress
    await connection.run(`set enable_progress_bar_print = false`);
    await connection.run(`set memory_limit = '${MEMORY_LIMIT.replace(/'/g, '')}'`);
    const phases = { read: 0, validate: 0, load: 0, models: 0 };
    let phaseStart = Date.now();
    const endPhase = (phase: keyof typeof phases) => {
      phases[phase] = Date.now() - phaseStart;
      phaseStart = Date.now();
    };

    // Phase 1, outside the transaction: read every file into temporary tables and clean it.
    // (DuckDB scans tables made inside a transaction at about half the speed.)
    const summaries = new Map<string, FileSummary>();
    const cleanFiles: CleanFile[] = [];
    let index = 0;
    for (const { files } of drops) {
      for (const file of files as DropFile[]) {
        const t0 = Date.now();
        const result = await withProgress(connection, `reading ${file.name}`, log, () => readFile(connection, file, String(index++), tmpDir));
        const summary: FileSummary = {
          file: file.name, dataset: file.dataset, unit: file.unit, rowsRead: 0, rowsLoaded: 0, rowsUnchanged: 0,
          rowsQuarantined: 0, rowsDuplicate: 0, rowsTotals: 0, warnings: 0, ms: Date.now() - t0,
        };
        summaries.set(file.name, summary);
        if (!result.ok) {
          summary.error = `${file.name}: ${result.error}`.replace(/\s*\n\s*/g, ' ');
          log(`SKIPPED  ${summary.error}`);
          continue;
        }
        const { raw } = result;
        summary.encoding = raw.encoding;
        summary.format = raw.format;
        log(`read     ${file.name} (${file.dataset}, ${raw.format}, ${raw.encoding}) in ${summary.ms} ms`);
        const t1 = Date.now();
        const clean = await withProgress(connection, `checking ${file.name}`, log, () => cleanFile(connection, raw, references));
        Object.assign(summary, { rowsRead: clean.rowsRead, rowsQuarantined: clean.rowsQuarantined, rowsTotals: clean.rowsTotals, warnings: clean.warnings });
        summary.ms = Date.now() - t0;
        log(`checked  ${file.name}: ${clean.rowsRead.toLocaleString('en-US')} rows, ${clean.rowsQuarantined} quarantined, ${rate(clean.rowsRead, Date.now() - t1)}`);
        cleanFiles.push(clean);
        // The raw text is kept only to show quarantined rows as they were written.
        if (clean.rowsQuarantined === 0) await connection.run(`drop table if exists temp.${ident(raw.table)}`);
      }
    }
    endPhase('read');

    // Phase 2: one transaction for everything the warehouse keeps.
    await connection.run('begin transaction');
    try {
      for (const ddl of warehouseDdl()) await connection.run(ddl);
      await loadReferenceTables(connection, referenceDir);
      const [{ id }] = (await queryRows<{ id: number }>(connection, `select nextval('load_id_seq')::INTEGER as id`)) as [{ id: number }];
      const loadId = Number(id);
      const cleanByDataset = new Map<DatasetName, CleanFile[]>();
      for (const clean of cleanFiles) {
        const summary = summaries.get(clean.raw.file.name)!;
        summary.warnings = await recordFileIssues(connection, clean, loadId);
        const name = clean.raw.dataset.name as DatasetName;
        cleanByDataset.set(name, [...(cleanByDataset.get(name) ?? []), clean]);
        // The raw text is no longer needed: free its memory.
        await connection.run(`drop table if exists temp.${ident(clean.raw.table)}`);
      }
      endPhase('validate');
      for (const [name, files] of cleanByDataset) {
        const t0 = Date.now();
        const counts = await withProgress(connection, `loading ${name}`, log, () => loadDataset(connection, DATASETS[name], files, loadId));
        let rows = 0;
        for (const [fileName, c] of counts) {
          const summary = summaries.get(fileName)!;
          summary.rowsLoaded = c.loaded;
          summary.rowsUnchanged = c.unchanged;
          summary.rowsDuplicate = c.duplicates;
          summary.rowsQuarantined += c.conflicts;
          summary.warnings += c.warnings;
          rows += c.loaded;
        }
        log(`loaded   ${name}: ${rows.toLocaleString('en-US')} rows in ${Date.now() - t0} ms, ${rate(rows, Date.now() - t0)}`);
        for (const file of files) await connection.run(`drop table if exists temp.${ident(file.table)}`);
      }
      for (const [fileName, n] of await checkSoftRules(connection, loadId)) {
        const summary = summaries.get(fileName);
        if (summary) summary.warnings += n;
      }
      endPhase('load');
      let models: ModelBuildReport | undefined;
      if (!options.skipModels) {
        const t0 = Date.now();
        models = await buildModels(connection, { sqlDir: options.sqlDir, loadId, onProgress: (m) => log(`model    ${m}`) });
        log(`models   rebuilt in ${Date.now() - t0} ms`);
      }
      endPhase('models');
      const files = [...summaries.values()];
      const total = (key: keyof FileSummary) => files.reduce((sum, f) => sum + (Number(f[key]) || 0), 0);
      for (const f of files) {
        await connection.run(`insert into load_files values ($load_id, $file, $dataset, $encoding, $format, $unit, $read, $loaded, $unchanged, $quarantined, $duplicate, $totals, $warnings, $error, $ms)`, {
          load_id: loadId, file: f.file, dataset: f.dataset ?? null, encoding: f.encoding ?? null, format: f.format ?? null, unit: f.unit ?? null,
          read: f.rowsRead, loaded: f.rowsLoaded, unchanged: f.rowsUnchanged, quarantined: f.rowsQuarantined, duplicate: f.rowsDuplicate,
          totals: f.rowsTotals, warnings: f.warnings, error: f.error ?? null, ms: f.ms,
        } as never);
      }
      await connection.run(`insert into load_runs values ($load_id, to_timestamp($started / 1000)::TIMESTAMP, now()::TIMESTAMP, $ms, $drops, $files, $failed,
        $read, $loaded, $unchanged, $quarantined, $duplicate, $totals, $warnings, $test_failures)`, {
        load_id: loadId, started, ms: Date.now() - started, drops: options.drops.join(', '), files: files.length,
        failed: files.filter((f) => f.error).length, read: total('rowsRead'), loaded: total('rowsLoaded'), unchanged: total('rowsUnchanged'),
        quarantined: total('rowsQuarantined'), duplicate: total('rowsDuplicate'), totals: total('rowsTotals'), warnings: total('warnings'),
        test_failures: models?.failures.length ?? 0,
      } as never);
      await pauseForFaultTests(log);
      await connection.run('commit');
      return { loadId, files, models, ms: Date.now() - started, phases };
    } catch (error) {
      await connection.run('rollback').catch(() => {});
      throw error;
    }
  } finally {
    if (warehouse) closeWarehouse(warehouse);
    rmSync(tmpDir, { recursive: true, force: true });
    release();
  }
}
