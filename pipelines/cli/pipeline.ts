/** `npm run pipeline -- DROP... [--db FILE] [--out DIR]`: load drops, rebuild models, print a summary. */
import { mkdirSync } from 'node:fs';
import { closeWarehouse, openWarehouse } from '../db.ts';
import { runPipeline } from '../run.ts';
import { parseArgs, runMain } from './args.ts';
import { exportIssues, summaryLines } from './summary.ts';

export const DEFAULT_WAREHOUSE = 'data/warehouse.duckdb';

/** Runs the pipeline on `drops` and prints what happened to each file. */
export async function pipelineCommand(drops: string[], dbPath: string, outDir: string): Promise<void> {
  if (drops.length === 0) throw new Error('name at least one drop folder, e.g. npm run pipeline -- data/sample/1394-Q2');
  const summary = await runPipeline({
    drops, dbPath, log: (line) => console.log(line),
    memoryLimit: process.env.PIPELINE_MEMORY_LIMIT,
    profile: Boolean(process.env.PIPELINE_PROFILE),
    // Fault injection for the tests that kill a run before it commits.
    pauseBeforeCommitMs: Number(process.env.PIPELINE_PAUSE_BEFORE_COMMIT ?? 0),
  });
  console.log('');
  for (const line of summaryLines(summary)) console.log(line);
  mkdirSync(outDir, { recursive: true });
  const warehouse = await openWarehouse(dbPath);
  try {
    const issues = await exportIssues(warehouse.connection, summary.loadId, outDir);
    console.log('');
    console.log(`Quarantined rows: ${issues.counts[0]} → ${issues.quarantine} (table quarantine, load_id = ${summary.loadId})`);
    console.log(`Warnings:         ${issues.counts[1]} → ${issues.warnings} (table dq_warnings, load_id = ${summary.loadId})`);
    console.log(`Warehouse:        ${dbPath}`);
  } finally {
    closeWarehouse(warehouse);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runMain(async () => {
    const { positional, values } = parseArgs(process.argv.slice(2), ['db', 'out']);
    await pipelineCommand(positional, values.db ?? DEFAULT_WAREHOUSE, values.out ?? 'out');
  });
}
