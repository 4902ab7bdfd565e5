/**
 * What an export publishes: the marts (and, for Parquet, the core tables) of a warehouse, with
 * each column's DuckDB type, and the warehouse opened read-only with a plain message when the
 * file is missing.
 */
import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { closeWarehouse, openWarehouse, queryRows, type Warehouse } from '../db.ts';
import { DATASET_NAMES } from '../schema/datasets.ts';
import { SAMPLE_WAREHOUSE } from '../cli/pipeline.ts';

export interface TableColumn { name: string; type: string }
export interface PublishedTable { name: string; columns: TableColumn[] }

/** Opens the warehouse at `dbPath` for an export; a missing file is a one-line reason. */
export async function openForExport(dbPath: string): Promise<Warehouse> {
  if (!existsSync(dbPath)) {
    throw new Error(`the warehouse ${dbPath} does not exist; load drops first with npm run pipeline -- DROP... --db ${dbPath}, `
      + `or export the sample: npm start, then --db ${SAMPLE_WAREHOUSE}`);
  }
  return openWarehouse(dbPath);
}

/** Runs `work` on the warehouse at `dbPath`, closing it afterwards. */
export async function withWarehouse<T>(dbPath: string, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const warehouse = await openForExport(dbPath);
  try {
    return await work(warehouse.connection);
  } finally {
    closeWarehouse(warehouse);
  }
}

/** The tables (or views) named, in that order, with their columns; names the warehouse lacks are left out. */
async function describeTables(connection: DuckDBConnection, names: string[]): Promise<PublishedTable[]> {
  const rows = await queryRows<{ table_name: string; column_name: string; data_type: string }>(connection, `
    select table_name, column_name, data_type from information_schema.columns
    where table_schema = 'main' order by table_name, ordinal_position`);
  return names.flatMap((name) => {
    const columns = rows.filter((r) => r.table_name === name).map((r) => ({ name: r.column_name, type: r.data_type }));
    return columns.length > 0 ? [{ name, columns }] : [];
  });
}

/** The warehouse's marts (every mart_* table or view), by name. */
export async function martTables(connection: DuckDBConnection): Promise<PublishedTable[]> {
  const marts = await queryRows<{ name: string }>(connection, `
    select table_name as name from information_schema.tables
    where table_schema = 'main' and table_name like 'mart\\_%' escape '\\' order by table_name`);
  if (marts.length === 0) throw new Error('the warehouse has no marts yet; run npm run pipeline on a drop first, which builds them');
  return describeTables(connection, marts.map((m) => m.name));
}

/** The core tables (one per dataset), in the datasets' order. */
export function coreTables(connection: DuckDBConnection): Promise<PublishedTable[]> {
  return describeTables(connection, [...DATASET_NAMES]);
}

/** Whether a DuckDB type holds an exact decimal (kept as text until it is written). */
export const isDecimal = (type: string) => /^DECIMAL/.test(type);
