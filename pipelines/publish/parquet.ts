/**
 * `--parquet DIR`: every mart and core table as Parquet (ZSTD), partitioned by the warehouse's
 * province and, where the table has one, the Jalali year: `DIR/<table>/province=fars/year=1394/`.
 * Tables without a year (mart_jobs_by_axis, mart_projects, projects) are partitioned by province
 * alone. A HUGEINT (a SUM of counts) is written as DECIMAL(38,0), exact. Each export replaces only its own province's folders, so the 31 provinces' exports,
 * written into one folder or copied side by side, are one hive-partitioned dataset.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal } from '../db.ts';
import { warehouseProvince } from '../province.ts';
import { coreTables, martTables } from './tables.ts';

/** Writes the marts and core tables under `dir`; returns the province and the tables written. */
export async function exportParquet(connection: DuckDBConnection, dir: string): Promise<{ province: string; tables: string[] }> {
  const province = await warehouseProvince(connection);
  const tables = [...(await martTables(connection)), ...(await coreTables(connection))];
  for (const table of tables) {
    if (table.columns.some((c) => c.name === 'province')) throw new Error(`${table.name} has a column named province, which the partition needs`);
    const target = join(dir, table.name);
    mkdirSync(target, { recursive: true });
    // This warehouse's earlier export of the table goes; other provinces' folders stay.
    rmSync(join(target, `province=${province}`), { recursive: true, force: true });
    const partitions = table.columns.some((c) => c.name === 'year') ? 'province, year' : 'province';
    // Parquet has no 128-bit integer: DuckDB would write a HUGEINT (a SUM of counts) as a DOUBLE.
    const huge = table.columns.filter((c) => c.type === 'HUGEINT').map((c) => `cast(${ident(c.name)} as DECIMAL(38,0)) as ${ident(c.name)}`);
    const columns = huge.length > 0 ? `* replace (${huge.join(', ')})` : '*';
    await connection.run(`
      copy (select ${columns}, ${literal(province)} as province from ${ident(table.name)})
      to ${literal(target)} (format parquet, compression zstd, partition_by (${partitions}), overwrite_or_ignore true)`);
  }
  return { province, tables: tables.map((t) => t.name) };
}
