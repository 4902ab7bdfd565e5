/**
 * The province a warehouse holds (warehouse_info.province, Fars unless told otherwise when the
 * warehouse is made): it names the province=… folders of a Parquet export, so that the 31
 * provinces' exports side by side are one national dataset.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from './db.ts';
import { matchKey } from './text.ts';

export interface Province { code: string; name_fa: string; name_en: string; amar_code: string }

/** The provinces of data/reference/provinces.csv (code, Persian and English name, statistical code). */
export function readProvinces(referenceDir = 'data/reference'): Province[] {
  const text = readFileSync(join(referenceDir, 'provinces.csv'), 'utf8').replace(/^\ufeff/, '');
  return Papa.parse<Province>(text, { header: true, skipEmptyLines: true }).data;
}

/** The code of a province given by code, Persian or English name; throws naming the known codes. */
export function provinceCode(given: string, referenceDir?: string): string {
  const provinces = readProvinces(referenceDir);
  const key = matchKey(given);
  const found = provinces.find((p) => [p.code, p.name_fa, p.name_en].some((name) => matchKey(name) === key));
  if (!found) throw new Error(`unknown province "${given}"; expected a code or name from data/reference/provinces.csv: ${provinces.map((p) => p.code).join(', ')}`);
  return found.code;
}

/** The province the warehouse holds. */
export async function warehouseProvince(connection: DuckDBConnection): Promise<string> {
  const [row] = await queryRows<{ value: string }>(connection, `select value from warehouse_info where name = 'province'`);
  return row?.value ?? 'fars';
}

/**
 * Sets a new warehouse's province (one that no run has loaded yet); for a warehouse already
 * loaded, refuses another province than its own, since its rows are that province's.
 */
export async function settleProvince(connection: DuckDBConnection, given: string, dbPath: string, referenceDir?: string): Promise<void> {
  const code = provinceCode(given, referenceDir);
  const current = await warehouseProvince(connection);
  if (code === current) return;
  const [{ runs }] = (await queryRows<{ runs: number }>(connection, `select count(*)::INTEGER as runs from load_runs`)) as [{ runs: number }];
  if (runs > 0) {
    throw new Error(`the warehouse ${dbPath} holds the province ${current}, and --province says ${code}; a warehouse holds one province, `
      + 'set when it is made: name another warehouse with --db for that province');
  }
  await connection.run(`update warehouse_info set value = $code where name = 'province'`, { code });
}
