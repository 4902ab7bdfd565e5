/**
 * One pipeline run: read and check every file of the drops, then in a single transaction record
 * their issues, load, check soft rules, rebuild the models and record the run. A crash or kill
 * before COMMIT leaves the warehouse as it was.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { closeWarehouse, openWarehouse, queryRows, type Warehouse } from './db.ts';
import { acquireLock, WarehouseBusyError } from './lock.ts';
import { loadReferenceTables, readReferences, type References } from './reference.ts';
import { DATASETS, type DatasetName } from './schema/datasets.ts';
import { warehouseDdl } from './schema/warehouse.ts';
import { listDrop, type DropFile } from './ingest/drop.ts';
import { readFile } from './ingest/read.ts';
import { cleanFile, dropCleanFile, dropTypedRead, recordFileIssues, type CleanFile } from './validate.ts';
import { loadDataset } from './load.ts';
import { checkSoftRules } from './soft-rules.ts';
import { withProgress } from './progress.ts';
import { buildModels, type ModelBuildReport } from './model.ts';
import { provinceCode, settleProvince } from './province.ts';

export interface RunOptions {
  drops: string[];
  dbPath: string;
  referenceDir?: string;
  sqlDir?: string;
  /** Progress lines for a person watching. */
  log?: (line: string) => void;
  /** Skip rebuilding the SQL models (loader tests). */
  skipModels?: boolean;
  /** DuckDB's memory ceiling; beyond it, work spills to a temporary folder on disk. */
  memoryLimit?: string;
  /** Log every statement that takes 50 ms or more (benchmarks). */
  profile?: boolean;
  /** Fault injection for the tests that kill a run: wait this long, loaded but uncommitted, before COMMIT. */
  pauseBeforeCommitMs?: number;
  /** From this many rows on, a file's clean rows are a view over its raw text, not a copy (tests set 0 to try that path on small files). */
  cleanViewFromRows?: number;
  /** From this many bytes on, a CSV's numbers are read as numbers by DuckDB's reader (tests set 0 to try that path on small files). */
  typedReadFromBytes?: number;
  /** At most this many rows of a typed file are read again as text by their line, else the whole file is (tests set it low). */
  typedSlowLinesMax?: number;
  /** The province of a new warehouse (a code or name from data/reference/provinces.csv; default fars). */
  province?: string;
  /** Fault injection: change a file's independent count, to see an unbalanced file stopped. */
  recount?: (file: DropFile, records: number) => number;
}

/** What happened to one file. The row counts after rowsRead are disjoint and add up to it. */
export interface FileSummary {
  file: string;
  dataset?: string;
  /** How the dataset was told: by the manifest, the file's name, or its header. */
  datasetFrom?: string;
  /** Why the file was left alone: it holds no data (a note, a picture). */
  ignored?: string;
  encoding?: string;
  format?: string;
  unit?: string;
  /** Records in the file, counted independently of the reader that loads it. */
  rowsRead: number;
  rowsNew: number;
  rowsReplaced: number;
  rowsUnchanged: number;
  rowsQuarantined: number;
  rowsDuplicate: number;
  rowsTotals: number;
  rowsBlank: number;
  /** Rows written to the warehouse: new + replaced. */
  rowsLoaded: number;
  /** Stored rows the file no longer lists, retracted (with `"replace": "quarters"`). */
  rowsRetracted: number;
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

/** The parts of a file's rows, in the order the summary shows them; they add up to rowsRead. */
export const ROW_PARTS = ['rowsNew', 'rowsReplaced', 'rowsUnchanged', 'rowsQuarantined', 'rowsDuplicate', 'rowsTotals', 'rowsBlank'] as const;

/** How many of a file's rows are not accounted for by its parts (0 when it balances). */
export function unaccountedRows(f: FileSummary): number {
  return f.rowsRead - ROW_PARTS.reduce((sum, part) => sum + f[part], 0);
}

const rate = (rows: number, ms: number) => (ms > 0 ? `${Math.round((rows / ms) * 1000).toLocaleString('en-US')} rows/s` : '');

/**
 * DuckDB's own ceiling; beyond it work spills to disk. The whole process peaks up to 0.7 GB above
 * it: a load of 10M applications peaked at 2.14 GB with 1.6 GB, 2.26–2.49 GB with 1.8 GB and
 * 2.49–2.60 GB with 2 GB, in about the same time (README "Speed").
 */
export const DEFAULT_MEMORY_LIMIT = '1.6GB';

/** With `profile`, logs every statement that takes 50 ms or more (PIPELINE_PROFILE_MS sets another threshold). */
function profileStatements(connection: DuckDBConnection, log: (line: string) => void): void {
  const run = connection.run.bind(connection);
  connection.run = (async (sql: string, ...rest: unknown[]) => {
    const t0 = Date.now();
    const result = await (run as (...args: unknown[]) => Promise<unknown>)(sql, ...rest);
    const ms = Date.now() - t0;
    if (ms >= Number(process.env.PIPELINE_PROFILE_MS ?? 50)) log(`profile  ${ms} ms: ${sql.replace(/\s+/g, ' ').trim().slice(0, Number(process.env.PIPELINE_PROFILE_CHARS ?? 110))}`);
    return result;
  }) as typeof connection.run;
}

/** A drop of this run: its folder's name and path, and whether its manifest says it is synthetic. */
interface DropInfo { name: string; path: string; synthetic: boolean }

/** The files of every drop; refuses two drops of one name, since files are known by `<drop>/<file>`. */
function readDrops(drops: string[]): { files: DropFile[]; dropInfo: DropInfo[] } {
  const byName = new Map<string, string>();
  for (const drop of drops) {
    const name = basename(resolve(drop));
    const other = byName.get(name);
    if (other !== undefined && resolve(other) !== resolve(drop)) {
      throw new Error(`two drops are named ${name} (${other} and ${drop}); rename one, or load them in separate runs`);
    }
    if (other !== undefined) throw new Error(`the drop ${drop} is named twice`);
    byName.set(name, drop);
  }
  const listed = drops.map((drop) => ({ drop, ...listDrop(drop) }));
  return {
    files: listed.flatMap((d) => d.files),
    dropInfo: listed.map((d) => ({ name: basename(resolve(d.drop)), path: resolve(d.drop), synthetic: d.manifest?.synthetic === true })),
  };
}

const someNames = (names: string[]) => (names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', '));

/**
 * Refuses to mix synthetic drops (the bundled sample) with real ones, in one run or in one
 * warehouse: every figure after that would mix invented and real money.
 */
async function refuseMixedDrops(connection: DuckDBConnection, drops: DropInfo[], dbPath: string): Promise<void> {
  const real = drops.filter((d) => !d.synthetic).map((d) => d.name);
  const synthetic = drops.filter((d) => d.synthetic).map((d) => d.name);
  const apart = 'the sample goes into data/sample.duckdb (npm start), real drops into a warehouse of their own (npm run pipeline -- DROP, default data/warehouse.duckdb)';
  if (real.length > 0 && synthetic.length > 0) {
    throw new Error(`the drops mix the synthetic sample (${someNames(synthetic)}) with real drops (${someNames(real)}); load them apart: ${apart}`);
  }
  const [{ exists }] = (await queryRows<{ exists: boolean }>(connection,
    `select count(*) > 0 as exists from information_schema.tables where table_name = 'load_drops' and table_schema = 'main'`)) as [{ exists: boolean }];
  if (!exists) return;
  const stored = await queryRows<{ synthetic: boolean; name: string }>(connection,
    `select distinct synthetic, drop_name as name from load_drops order by drop_name`);
  const storedSynthetic = stored.filter((d) => d.synthetic).map((d) => d.name);
  const storedReal = stored.filter((d) => !d.synthetic).map((d) => d.name);
  if (real.length > 0 && storedSynthetic.length > 0) {
    throw new Error(`the warehouse ${dbPath} holds the synthetic sample (${someNames(storedSynthetic)}), and ${someNames(real)} `
      + `${real.length === 1 ? 'is a real drop' : 'are real drops'}: they must not be mixed; name another warehouse with --db, `
      + `or delete ${dbPath} if it holds only the sample (${apart})`);
  }
  if (synthetic.length > 0 && storedReal.length > 0) {
    throw new Error(`the warehouse ${dbPath} holds real drops (${someNames(storedReal)}), and ${someNames(synthetic)} `
      + `${synthetic.length === 1 ? 'is' : 'are'} synthetic: they must not be mixed (${apart})`);
  }
}

/** Opens the warehouse with the session settings of a run, or throws a one-line reason. */
async function openForRun(options: RunOptions, dbPath: string, tmpDir: string, log: (line: string) => void): Promise<Warehouse> {
  let warehouse: Warehouse;
  try {
    warehouse = await openWarehouse(dbPath);
  } catch (error) {
    const message = (error as Error).message;
    if (/lock/i.test(message)) throw new WarehouseBusyError(`the warehouse ${options.dbPath} is in use by another program; close it and run again`);
    throw new Error(`the warehouse ${options.dbPath} cannot be opened: ${message.split('\n')[0]}`);
  }
  const { connection } = warehouse;
  if (options.profile) profileStatements(connection, log);
  await connection.run(`set temp_directory = '${tmpDir.replace(/'/g, "''")}'`);
  await connection.run(`set preserve_insertion_order = true`);
  await connection.run(`set enable_progress_bar = true`); // lets withProgress read the running statement's progress
  await connection.run(`set enable_progress_bar_print = false`);
  await connection.run(`set memory_limit = '${(options.memoryLimit ?? DEFAULT_MEMORY_LIMIT).replace(/'/g, '')}'`);
  // FSST string compression costs about a fifth of a big insert's time; without it the stored
  // tables take about 30 % more room and scan as fast (measured, README "Speed").
  await connection.run(`set disabled_compression_methods = 'fsst'`);
  // Every commit is written as a checkpoint, never through the write-ahead log. Killed while its
  // commit went through the log, a run that had inserted many rows came back with those rows and
  // without the rest of its transaction (6 of 60 kills under load); a commit written as a
  // checkpoint swaps the file's header at once, and tore in none of 129 (README "Loading again").
  await connection.run(`set checkpoint_threshold = '1KB'`);
  return warehouse;
}

/** A summary with every count at zero. */
function emptySummary(file: DropFile): FileSummary {
  return {
    file: file.name, dataset: file.dataset, datasetFrom: file.datasetFrom, ignored: file.ignored, unit: file.unit, rowsRead: 0, rowsNew: 0, rowsReplaced: 0, rowsUnchanged: 0,
    rowsQuarantined: 0, rowsDuplicate: 0, rowsTotals: 0, rowsBlank: 0, rowsLoaded: 0, rowsRetracted: 0, warnings: 0, ms: 0,
  };
}

/**
 * Phase 1, outside the transaction (DuckDB scans tables made inside one at about half the speed):
 * reads every file into temporary tables and cleans it. A file whose rows do not balance against
 * the independent count is stopped here, before anything of it can load.
 */
async function readAndCheck(
  connection: DuckDBConnection, files: DropFile[], references: References, tmpDir: string, options: RunOptions,
  log: (line: string) => void,
): Promise<{ summaries: Map<string, FileSummary>; cleanFiles: CleanFile[] }> {
  const summaries = new Map<string, FileSummary>();
  const cleanFiles: CleanFile[] = [];
  for (const [index, file] of files.entries()) {
    const t0 = Date.now();
    if (file.ignored) {
      summaries.set(file.name, emptySummary(file));
      log(`IGNORED  ${file.name}: ${file.ignored}`);
      continue;
    }
    const readOptions = { typedFromBytes: options.typedReadFromBytes };
    let result = await withProgress(connection, `reading ${file.name}`, log, () => readFile(connection, file, String(index), tmpDir, readOptions));
    const summary = emptySummary(file);
    summaries.set(file.name, summary);
    if (!result.ok) {
      summary.error = `${file.name}: ${result.error}`.replace(/\s*\n\s*/g, ' ');
      summary.ms = Date.now() - t0;
      log(`SKIPPED  ${summary.error}`);
      continue;
    }
    let { raw } = result;
    Object.assign(summary, { encoding: raw.encoding, format: raw.format });
    log(`read     ${file.name} (${file.dataset}, ${raw.format}, ${raw.encoding}) in ${Date.now() - t0} ms`);
    const t1 = Date.now();
    const cleanOptions = { viewFrom: options.cleanViewFromRows, slowLinesMax: options.typedSlowLinesMax };
    let clean = await withProgress(connection, `checking ${file.name}`, log, () => cleanFile(connection, raw, references, cleanOptions));
    if ('readAsText' in clean) {
      // Its numbers were read as numbers, and its rows that need cleaning are best read from the whole text.
      log(`reading  ${file.name} again as text: ${clean.readAsText}`);
      await dropTypedRead(connection, raw);
      result = await readFile(connection, file, String(index), tmpDir, { typedFromBytes: Infinity });
      if (!result.ok) {
        summary.error = `${file.name}: ${result.error}`.replace(/\s*\n\s*/g, ' ');
        summary.ms = Date.now() - t0;
        log(`SKIPPED  ${summary.error}`);
        continue;
      }
      raw = result.raw;
      clean = await cleanFile(connection, raw, references, cleanOptions);
      if ('readAsText' in clean) throw new Error(`${file.name}: a file read as text was asked to be read as text again`);
    }
    if (options.recount) clean.rowsRead = options.recount(file, clean.rowsRead);
    summary.ms = Date.now() - t0;
    summary.rowsRead = clean.rowsRead;
    if (clean.rowsRead !== clean.rowsAccounted) {
      summary.error = `${file.name}: ${unbalancedMessage(clean)}`;
      log(`STOPPED  ${summary.error}`);
      await dropCleanFile(connection, clean);
      continue;
    }
    Object.assign(summary, { rowsQuarantined: clean.rowsQuarantined, rowsTotals: clean.rowsTotals, rowsBlank: clean.rowsBlank, warnings: clean.warnings });
    log(`checked  ${file.name}: ${clean.rowsRead.toLocaleString('en-US')} rows, ${clean.rowsQuarantined} quarantined, ${rate(clean.rowsRead, Date.now() - t1)}`);
    cleanFiles.push(clean);
  }
  return { summaries, cleanFiles };
}

/** The one-line reason a file that does not balance is stopped. */
function unbalancedMessage(clean: CleanFile): string {
  const gap = clean.rowsRead - clean.rowsAccounted;
  const rows = (n: number) => `${n.toLocaleString('en-US')} ${Math.abs(n) === 1 ? 'row' : 'rows'}`;
  const what = gap > 0 ? `${rows(gap)} of it ${gap === 1 ? 'is' : 'are'} unaccounted for` : `the reader found ${rows(-gap)} more than the file holds`;
  return `stopped, nothing of it loaded: an independent count finds ${rows(clean.rowsRead)} in the file, but the reader accounts for `
    + `${rows(clean.rowsAccounted)}, so ${what}; check the file's quoting and line breaks, or send it to the developers`;
}

/**
 * Phase 2, in the transaction: the files' issues, the upsert per dataset, the soft rules, and a
 * check that every loaded file still balances.
 */
async function loadFiles(
  connection: DuckDBConnection, cleanFiles: CleanFile[], summaries: Map<string, FileSummary>, loadId: number,
  log: (line: string) => void, endPhase: (phase: 'validate' | 'load') => void,
): Promise<void> {
  const cleanByDataset = new Map<DatasetName, CleanFile[]>();
  for (const clean of cleanFiles) {
    const summary = summaries.get(clean.raw.file.name)!;
    summary.warnings = await recordFileIssues(connection, clean, loadId);
    const name = clean.raw.dataset.name as DatasetName;
    cleanByDataset.set(name, [...(cleanByDataset.get(name) ?? []), clean]);
  }
  endPhase('validate');
  for (const [name, files] of cleanByDataset) {
    const t0 = Date.now();
    const counts = await withProgress(connection, `loading ${name}`, log, () => loadDataset(connection, DATASETS[name], files, loadId));
    let rows = 0;
    for (const [fileName, c] of counts) {
      const summary = summaries.get(fileName)!;
      Object.assign(summary, {
        rowsNew: c.new, rowsReplaced: c.replaced, rowsUnchanged: c.unchanged, rowsDuplicate: c.duplicates,
        rowsLoaded: c.new + c.replaced, rowsRetracted: c.retracted,
      });
      summary.rowsQuarantined += c.conflicts;
      summary.warnings += c.warnings;
      rows += c.new + c.replaced;
      const gap = unaccountedRows(summary);
      if (gap !== 0) {
        throw new Error(`internal check failed: ${fileName} does not balance after loading (${gap} rows unaccounted for); nothing was loaded`);
      }
    }
    log(`loaded   ${name}: ${rows.toLocaleString('en-US')} rows in ${Date.now() - t0} ms, ${rate(rows, Date.now() - t0)}`);
    // The raw text the clean views read is no longer needed: free its memory.
    for (const file of files) await dropCleanFile(connection, file);
  }
  for (const [fileName, n] of await checkSoftRules(connection, loadId)) {
    const summary = summaries.get(fileName);
    if (summary) summary.warnings += n;
  }
  endPhase('load');
}

/** Writes load_files and load_runs for the run. */
async function recordRun(
  connection: DuckDBConnection, loadId: number, options: RunOptions, started: number, files: FileSummary[], models?: ModelBuildReport,
): Promise<void> {
  const total = (key: keyof FileSummary) => files.reduce((sum, f) => sum + (Number(f[key]) || 0), 0);
  const counts = (f: (key: keyof FileSummary) => number) => ({
    rows_read: f('rowsRead'), rows_new: f('rowsNew'), rows_replaced: f('rowsReplaced'), rows_loaded: f('rowsLoaded'),
    rows_unchanged: f('rowsUnchanged'), rows_quarantined: f('rowsQuarantined'), rows_duplicate: f('rowsDuplicate'),
    rows_totals: f('rowsTotals'), rows_blank: f('rowsBlank'), rows_retracted: f('rowsRetracted'), warnings: f('warnings'),
  });
  const insert = async (table: string, values: Record<string, unknown>) => {
    const names = Object.keys(values);
    await connection.run(`insert into ${table} (${names.join(', ')}) values (${names.map((n) => `$${n}`).join(', ')})`, values as never);
  };
  for (const f of files) {
    await insert('load_files', {
      load_id: loadId, source_file: f.file, dataset: f.dataset ?? null, encoding: f.encoding ?? null, format: f.format ?? null,
      unit: f.unit ?? null, ...counts((key) => Number(f[key]) || 0), error: f.error ?? null, duration_ms: f.ms,
      dataset_from: f.datasetFrom ?? null, ignored: f.ignored ?? null,
    });
  }
  await insert('load_runs', {
    load_id: loadId, started_at: new Date(started).toISOString().replace('T', ' ').replace('Z', ''),
    finished_at: new Date().toISOString().replace('T', ' ').replace('Z', ''), duration_ms: Date.now() - started,
    drops: options.drops.join(', '), files: files.length, files_failed: files.filter((f) => f.error).length,
    ...counts(total), data_test_failures: models?.failures.length ?? 0,
  });
}

/** Runs the pipeline on `options.drops`; throws a one-line Error when it cannot run at all. */
export async function runPipeline(options: RunOptions): Promise<RunSummary> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const dbPath = options.dbPath === ':memory:' ? ':memory:' : resolve(options.dbPath);
  const referenceDir = options.referenceDir ?? 'data/reference';
  const references = readReferences(referenceDir);
  if (options.province) provinceCode(options.province, referenceDir); // an unknown province stops the run before anything is read
  const { files, dropInfo } = readDrops(options.drops);
  if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
  const release = dbPath === ':memory:' ? () => {} : acquireLock(dbPath);
  const tmpDir = mkdtempSync(join(tmpdir(), 'pipeline-'));
  let warehouse: Warehouse | undefined;
  try {
    warehouse = await openForRun(options, dbPath, tmpDir, log);
    const { connection } = warehouse;
    await refuseMixedDrops(connection, dropInfo, options.dbPath);
    const phases = { read: 0, validate: 0, load: 0, models: 0 };
    let phaseStart = Date.now();
    const endPhase = (phase: keyof typeof phases) => {
      phases[phase] = Date.now() - phaseStart;
      phaseStart = Date.now();
    };
    const { summaries, cleanFiles } = await readAndCheck(connection, files, references, tmpDir, options, log);
    endPhase('read');

    await connection.run('begin transaction');
    try {
      for (const ddl of warehouseDdl()) await connection.run(ddl);
      await loadReferenceTables(connection, referenceDir);
      if (options.province) await settleProvince(connection, options.province, options.dbPath, referenceDir);
      const [{ id }] = (await queryRows<{ id: number }>(connection, `select nextval('load_id_seq')::INTEGER as id`)) as [{ id: number }];
      const loadId = Number(id);
      await loadFiles(connection, cleanFiles, summaries, loadId, log, endPhase);
      let models: ModelBuildReport | undefined;
      if (!options.skipModels) {
        const t0 = Date.now();
        models = await buildModels(connection, { sqlDir: options.sqlDir, loadId, onProgress: (m) => log(`model    ${m}`) });
        log(`models   rebuilt in ${Date.now() - t0} ms`);
      }
      endPhase('models');
      const summary = [...summaries.values()];
      await recordRun(connection, loadId, options, started, summary, models);
      for (const drop of dropInfo) {
        await connection.run(`insert into load_drops (load_id, drop_name, drop_path, synthetic) values ($load_id, $name, $path, $synthetic)`,
          { load_id: loadId, ...drop } as never);
      }
      if (options.pauseBeforeCommitMs) {
        log('paused before commit');
        await new Promise((done) => setTimeout(done, options.pauseBeforeCommitMs));
      }
      await connection.run('commit');
      return { loadId, files: summary, models, ms: Date.now() - started, phases };
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
