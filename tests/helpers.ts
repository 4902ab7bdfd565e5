/** Shared test helpers: temporary warehouses, runs on fixture drops, and reading tables back. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeWarehouse, openWarehouse, queryRows } from '../pipelines/db.ts';
import { runPipeline, type RunOptions, type RunSummary } from '../pipelines/run.ts';

/** A path for a new, empty warehouse file in a fresh temporary folder. */
export function tempWarehouse(): string {
  return join(mkdtempSync(join(tmpdir(), 'warehouse-test-')), 'warehouse.duckdb');
}

/** Runs the loader (models skipped unless asked) on `drops` into `dbPath`. */
export function load(drops: string[], dbPath: string, options: Partial<RunOptions> = {}): Promise<RunSummary> {
  return runPipeline({ drops, dbPath, skipModels: true, ...options });
}

/** Rows of `sql` in the warehouse at `dbPath`, as plain JavaScript values. */
export async function rows<T = Record<string, unknown>>(dbPath: string, sql: string, params?: Record<string, unknown>): Promise<T[]> {
  const warehouse = await openWarehouse(dbPath);
  try {
    return await queryRows<T>(warehouse.connection, sql, params);
  } finally {
    closeWarehouse(warehouse);
  }
}

/**
 * Checks "nothing lost" for every file of a run that was not stopped: its independent row count
 * equals new + replaced + unchanged + quarantined + duplicate + totals + blank.
 */
export function unaccounted(summary: RunSummary): string[] {
  return summary.files
    .filter((f) => !f.error)
    .filter((f) => f.rowsRead !== f.rowsNew + f.rowsReplaced + f.rowsUnchanged + f.rowsQuarantined + f.rowsDuplicate + f.rowsTotals + f.rowsBlank)
    .map((f) => `${f.file}: read ${f.rowsRead} ≠ new ${f.rowsNew} + replaced ${f.rowsReplaced} + unchanged ${f.rowsUnchanged}`
      + ` + quarantined ${f.rowsQuarantined} + duplicate ${f.rowsDuplicate} + totals ${f.rowsTotals} + blank ${f.rowsBlank}`);
}
