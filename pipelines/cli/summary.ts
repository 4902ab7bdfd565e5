/** The run summary a planner reads in the terminal, and the quarantine export for Excel. */
import { writeFileSync } from 'node:fs';
import Papa from 'papaparse';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../db.ts';
import { spreadsheetSafe } from '../text.ts';
import type { RunSummary } from '../run.ts';

const n = (value: number) => value.toLocaleString('en-US');

/** Lines of the per-file summary table. */
export function summaryLines(summary: RunSummary): string[] {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const { read, validate, load, models } = summary.phases;
  const lines = [
    `Load ${summary.loadId} finished in ${seconds(summary.ms)} (read and check ${seconds(read)}, quarantine ${seconds(validate)}, load ${seconds(load)}, models and data tests ${seconds(models)})`,
    '',
  ];
  // read = new + replaced + unchanged + quarantined + duplicate + totals + blank, for every file.
  const header = ['file', 'read', 'new', 'replaced', 'unchanged', 'quarantined', 'duplicate', 'totals', 'blank', 'retracted', 'warnings'];
  const rows = summary.files.map((f) => [
    f.file, f.error ? (f.rowsRead > 0 ? `${n(f.rowsRead)} STOPPED` : 'FAILED') : n(f.rowsRead),
    ...[f.rowsNew, f.rowsReplaced, f.rowsUnchanged, f.rowsQuarantined, f.rowsDuplicate, f.rowsTotals, f.rowsBlank, f.rowsRetracted, f.warnings].map(n),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  lines.push(format(header), ...rows.map(format));
  const failed = summary.files.filter((f) => f.error);
  if (failed.length > 0) lines.push('', 'Files that could not be read or were stopped:', ...failed.map((f) => `  ${f.error}`));
  const failures = summary.models?.failures ?? [];
  if (failures.length > 0) {
    lines.push('', 'Data tests that failed:', ...failures.map((f) => `  [${f.severity}] ${f.model}.${f.test}: ${f.message ?? ''} (${f.failing_rows} rows)`));
  }
  return lines;
}

/** Writes the run's quarantined rows and warnings to CSV files Excel opens safely. */
export async function exportIssues(connection: DuckDBConnection, loadId: number, outDir: string): Promise<{ quarantine: string; warnings: string; counts: [number, number] }> {
  const quarantine = await queryRows<Record<string, unknown>>(connection,
    `select source_file, source_line, column_name, column_label, found, message, raw_values from quarantine where load_id = $id order by source_file, source_line`, { id: loadId });
  const warnings = await queryRows<Record<string, unknown>>(connection,
    `select source_file, source_line, rule, message from dq_warnings where load_id = $id order by source_file, source_line`, { id: loadId });
  const safe = (rows: Record<string, unknown>[]) => rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null || v === undefined ? '' : spreadsheetSafe(String(v))])));
  const paths = { quarantine: `${outDir}/quarantine-load-${loadId}.csv`, warnings: `${outDir}/warnings-load-${loadId}.csv` };
  // A BOM so that Excel reads the Persian text as UTF-8.
  writeFileSync(paths.quarantine, '\ufeff' + Papa.unparse(safe(quarantine), { columns: ['source_file', 'source_line', 'column_name', 'column_label', 'found', 'message', 'raw_values'] }));
  writeFileSync(paths.warnings, '\ufeff' + Papa.unparse(safe(warnings), { columns: ['source_file', 'source_line', 'rule', 'message'] }));
  return { ...paths, counts: [quarantine.length, warnings.length] };
}
