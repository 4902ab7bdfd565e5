/**
 * Rebuilds the SQL models (sql/staging → sql/intermediate → sql/marts) in the order their own
 * references give, after the macros they call (sql/macros/), then runs the data tests beside them
 * and stores the results in `data_test_results`. Runs inside the caller's transaction: it never
 * begins or commits one.
 */
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, queryRows } from './db.ts';
import { writeCalendar } from './model/calendar.ts';
import { discoverMacros, planModels, type Layer, type Materialization } from './model/graph.ts';
import { readModelTests, runModelTests, storeTestResults, type DataTestResult } from './model/tests.ts';
import { DATASET_NAMES } from './schema/datasets.ts';

export { planModels } from './model/graph.ts';
export type { DataTestResult } from './model/tests.ts';

/** The project's own sql/ folder. */
export const DEFAULT_SQL_DIR = fileURLToPath(new URL('../sql', import.meta.url));

export interface ModelBuildOptions {
  /** Folder holding staging/, intermediate/ and marts/ (default: the project's sql/). */
  sqlDir?: string;
  /** The load run the test results belong to (NULL in data_test_results when not given). */
  loadId?: number;
  onProgress?: (message: string) => void;
}

export interface ModelResult {
  name: string;
  layer: Layer;
  materialized: Materialization;
  file: string;
  ms: number;
  /** Row count of a table; null for a view (counting it would run it). */
  rows: number | null;
}

export interface ModelBuildReport {
  models: ModelResult[];
  tests: DataTestResult[];
  /** Tests that did not pass, errors first. */
  failures: DataTestResult[];
  ms: number;
}

/** Builds every model, runs every data test, stores the results; returns what was done. */
export async function buildModels(connection: DuckDBConnection, options: ModelBuildOptions = {}): Promise<ModelBuildReport> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const sqlDir = options.sqlDir ?? DEFAULT_SQL_DIR;
  const plan = planModels(sqlDir);
  const macros = discoverMacros(sqlDir);
  // Read every tests file before building, so a malformed one fails fast.
  const testsByModel = new Map(plan.filter((m) => m.testsPath).map((m) => [m.name, readModelTests(m.testsPath!, m.file.replace(/\.sql$/, '.tests.json'))]));

  await writeCalendar(connection);
  // Asked before building: inside the caller's transaction, nothing can be queried after a failure.
  const drops = options.loadId === undefined ? [] : await loadedDrops(connection, options.loadId);
  const existing = await catalog(connection);
  // The macros the models call (sql/macros/), written again on every build as the models are.
  for (const macro of macros) {
    try {
      await connection.run(macro.sql);
    } catch (error) {
      throw new Error(`${macro.file}: ${firstLine(error)}`);
    }
  }
  const models: ModelResult[] = [];
  for (const model of plan) {
    const t0 = performance.now();
    // `create or replace view` cannot replace a table (nor the reverse): drop the other kind first.
    const kind = existing.get(model.name)?.kind;
    if (kind === 'view' && model.materialized === 'table') await connection.run(`drop view ${ident(model.name)}`);
    if (kind === 'table' && model.materialized === 'view') await connection.run(`drop table ${ident(model.name)}`);
    try {
      await connection.run(`create or replace ${model.materialized} ${ident(model.name)} as\n${model.sql}`);
    } catch (error) {
      const reason = firstLine(error);
      const from = drops.length
        ? ` (the rows of this load came from ${drops.length > 1 ? 'drops' : 'drop'} ${drops.join(', ')})`
        : '';
      throw new Error(`${model.file}: ${reason}${from}`);
    }
    const rows = model.materialized === 'table'
      ? Number((await queryRows<{ n: bigint }>(connection, `select count(*) as n from ${ident(model.name)}`))[0]!.n)
      : null;
    const ms = Math.round(performance.now() - t0);
    models.push({ name: model.name, layer: model.layer, materialized: model.materialized, file: model.file, ms, rows });
    progress(`${model.name} (${model.materialized}${rows === null ? '' : `, ${rows} rows`}) ${ms} ms`);
  }

  const built = await catalog(connection);
  const tests: DataTestResult[] = [];
  for (const model of plan) {
    const definition = testsByModel.get(model.name);
    if (!definition) continue;
    const file = model.file.replace(/\.sql$/, '.tests.json');
    tests.push(...(await runModelTests(connection, model.name, definition, file, built.get(model.name)?.columns ?? new Set())));
  }
  await storeTestResults(connection, options.loadId ?? null, tests);
  const failures = tests.filter((t) => !t.passed).sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  progress(`data tests: ${tests.length - failures.length} of ${tests.length} passed`);
  for (const failure of failures) progress(`  ${failure.severity} ${failure.model} ${failure.test}: ${failure.message}`);
  return { models, tests, failures, ms: Math.round(performance.now() - started) };
}

/** A DuckDB error in one line: its message may carry the statement and a caret on further lines. */
function firstLine(error: unknown): string {
  return (error as Error).message.split('\n')[0]!.trim();
}

/** The drop folders (the first part of source_file) of the rows load `loadId` brought, sorted. */
async function loadedDrops(connection: DuckDBConnection, loadId: number): Promise<string[]> {
  const union = DATASET_NAMES.map((dataset) => `select source_file from ${ident(dataset)} where load_id = $load_id`).join(' union ');
  const rows = await queryRows<{ drop: string }>(
    connection,
    `select distinct case when contains(source_file, '/') then split_part(source_file, '/', 1) else source_file end as drop
     from (${union}) order by drop`,
    { load_id: loadId },
  );
  return rows.map((row) => row.drop);
}

/** The tables and views of the current schema: their kind and columns, in one query. */
async function catalog(connection: DuckDBConnection): Promise<Map<string, { kind: Materialization; columns: Set<string> }>> {
  const rows = await queryRows<{ table_name: string; table_type: string; column_name: string }>(
    connection,
    `select t.table_name, t.table_type, c.column_name
     from information_schema.tables t
     join information_schema.columns c using (table_catalog, table_schema, table_name)
     where t.table_schema = current_schema() and t.table_catalog = current_database()`,
  );
  const objects = new Map<string, { kind: Materialization; columns: Set<string> }>();
  for (const row of rows) {
    const entry = objects.get(row.table_name) ?? { kind: row.table_type === 'VIEW' ? 'view' : 'table', columns: new Set<string>() };
    entry.columns.add(row.column_name);
    objects.set(row.table_name, entry);
  }
  return objects;
}
