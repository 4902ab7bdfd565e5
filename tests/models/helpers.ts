/** Helpers for the model tests: read a mart back with exact, comparable values. */
import type { DuckDBConnection } from '@duckdb/node-api';

export type Cell = string | number | boolean | null;

/**
 * Rows of `sql` with exact values: DECIMAL as a plain decimal string without trailing zeros
 * ('106.666667', '-10'), integers as numbers, DOUBLE as numbers, DATE as 'yyyy-mm-dd'.
 */
export async function readRows(connection: DuckDBConnection, sql: string): Promise<Record<string, Cell>[]> {
  const reader = await connection.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes().map(String);
  return reader.getRowObjectsJson().map((row) =>
    Object.fromEntries(names.map((name, i) => [name, exact(row[name] as Cell, types[i]!)])),
  );
}

function exact(value: Cell, type: string): Cell {
  if (value === null) return null;
  if (type.startsWith('DECIMAL')) return String(value).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UBIGINT|UINTEGER)$/.test(type)) return Number(value);
  return value;
}

/** Rows as arrays of the given columns, in order: compact tables to compare with expectations. */
export function pick(rows: Record<string, Cell>[], columns: string[]): Cell[][] {
  return rows.map((row) => columns.map((column) => {
    if (!(column in row)) throw new Error(`no column ${column}`);
    return row[column]!;
  }));
}

/** Column names and types of a table. */
export async function describe(connection: DuckDBConnection, table: string): Promise<{ name: string; type: string }[]> {
  const reader = await connection.runAndReadAll(`select column_name, column_type from (describe "${table}")`);
  return reader.getRowObjectsJson().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}
