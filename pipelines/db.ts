/** Opening the DuckDB warehouse: only built-in extensions, never a download. */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export interface Warehouse { instance: DuckDBInstance; connection: DuckDBConnection; path: string }

/**
 * Opens (creating if needed) the warehouse at `path`, or an in-memory one for ':memory:'; with
 * `readOnly`, an existing file that is only read (as the notebook build does).
 */
export async function openWarehouse(path: string, { readOnly = false }: { readOnly?: boolean } = {}): Promise<Warehouse> {
  const instance = await DuckDBInstance.create(path, {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'true',
    ...(readOnly ? { access_mode: 'READ_ONLY' } : {}),
  });
  const connection = await instance.connect();
  return { instance, connection, path };
}

/** Closes a warehouse opened by openWarehouse. */
export function closeWarehouse(warehouse: Warehouse): void {
  warehouse.connection.closeSync();
  warehouse.instance.closeSync();
}

/**
 * Rows of a query as plain objects (for small results only: summaries, tests). Integers come back
 * as numbers where they fit exactly; cast money to VARCHAR in the SQL to keep every digit.
 */
export async function queryRows<T = Record<string, unknown>>(
  connection: DuckDBConnection,
  sql: string,
  params?: Record<string, unknown>,
): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params as never);
  return reader.getRowObjectsJS().map((row) => {
    for (const [key, value] of Object.entries(row)) {
      if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)) {
        (row as Record<string, unknown>)[key] = Number(value);
      }
    }
    return row;
  }) as T[];
}

/** A SQL identifier, double-quoted. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal (for file paths in table functions, which cannot take parameters). */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
