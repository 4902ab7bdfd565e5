/** `npm run pipeline -- DROP... [--db FILE] [--out DIR]`: load drops, rebuild models, print a summary. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { closeWarehouse, openWarehouse, queryRows } from '../db.ts';
import { runPipeline } from '../run.ts';
import { runCommand, type CommandSpec } from './command.ts';
import { exportIssues, summaryLines } from './summary.ts';

/** The warehouse for a planner's own drops. */
export const DEFAULT_WAREHOUSE = 'data/warehouse.duckdb';
/** The warehouse `npm start` builds from the bundled synthetic sample, kept apart from real drops. */
export const SAMPLE_WAREHOUSE = 'data/sample.duckdb';

export const pipelineSpec = {
  name: 'npm run pipeline --',
  summary: 'Loads drop folders into the warehouse, rebuilds the models, runs the data tests and prints a summary per file.',
  positional: { name: 'DROP...', help: 'one or more drop folders, e.g. drops/1395-Q1' },
  options: {
    db: { value: 'FILE', help: 'the warehouse to load into', default: DEFAULT_WAREHOUSE },
    out: { value: 'DIR', help: 'where quarantine and warning files go, in a folder per warehouse', default: 'out' },
    province: { value: 'CODE', help: 'the province of a new warehouse, a code or name from data/reference/provinces.csv (a new warehouse is fars unless told)' },
  },
  examples: [
    'npm run pipeline -- drops/1395-Q1',
    'npm run pipeline -- drops/1395-Q1 --db data/bushehr.duckdb --province bushehr',
    'npm run pipeline -- drops/1395-Q1 drops/1395-Q2 --db data/warehouse.duckdb',
  ],
} satisfies CommandSpec<Record<string, { value?: string; help: string; default?: string }>>;

/**
 * The folder of a warehouse's outputs under `outDir`: named after the warehouse file, and kept
 * for that warehouse alone (a marker holds its id), so that no run writes over another's files.
 */
export function issuesFolder(outDir: string, dbPath: string, warehouseId: string): string {
  const name = basename(dbPath, extname(dbPath)) || 'warehouse';
  for (const folder of [join(outDir, name), join(outDir, `${name}-${warehouseId.slice(0, 8)}`)]) {
    const marker = join(folder, '.warehouse');
    if (!existsSync(marker)) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(marker, `${warehouseId} ${resolve(dbPath)}\n`);
      return folder;
    }
    if (readFileSync(marker, 'utf8').split(' ')[0] === warehouseId) return folder;
  }
  throw new Error(`${outDir}/${name} belongs to other warehouses; name another --out folder`);
}

/** Runs the pipeline on `drops` and prints what happened to each file and where the issues went. */
export async function pipelineCommand(drops: string[], dbPath: string, outDir: string, province?: string): Promise<void> {
  if (drops.length === 0) throw new Error('name at least one drop folder, e.g. npm run pipeline -- drops/1395-Q1');
  const summary = await runPipeline({
    drops, dbPath, province, log: (line) => console.log(line),
    memoryLimit: process.env.PIPELINE_MEMORY_LIMIT,
    profile: Boolean(process.env.PIPELINE_PROFILE),
    // Fault injection for the tests that kill a run before it commits.
    pauseBeforeCommitMs: Number(process.env.PIPELINE_PAUSE_BEFORE_COMMIT ?? 0),
  });
  console.log('');
  for (const line of summaryLines(summary)) console.log(line);
  const warehouse = await openWarehouse(dbPath);
  try {
    const [{ id }] = (await queryRows<{ id: string }>(warehouse.connection, `select value as id from warehouse_info where name = 'warehouse_id'`)) as [{ id: string }];
    const folder = issuesFolder(outDir, dbPath, id);
    const issues = await exportIssues(warehouse.connection, summary.loadId, folder, basename(folder));
    console.log('');
    console.log(`Quarantined rows: ${issues.counts[0]} → ${issues.quarantine} (table quarantine, load_id = ${summary.loadId}; still open: view quarantine_open)`);
    console.log(`Warnings:         ${issues.counts[1]} → ${issues.warnings} (table dq_warnings, load_id = ${summary.loadId})`);
    console.log(`Warehouse:        ${dbPath}`);
  } finally {
    closeWarehouse(warehouse);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCommand(pipelineSpec, ({ positional, values }) => pipelineCommand(positional, values.db!, values.out!, values.province));
}
