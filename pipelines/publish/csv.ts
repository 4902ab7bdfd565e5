/**
 * `--csv DIR`: each mart as `DIR/<mart>.csv`, written by DuckDB's COPY (any size, exact DECIMAL
 * text), with a UTF-8 BOM so that Excel shows the Persian text, and every text cell that Excel
 * would take for a formula (beginning with = + - @, a tab or a CR, and not a plain number)
 * escaped with a leading quote: a project titled =HYPERLINK(…) stays text.
 */
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal } from '../db.ts';
import { martTables } from './tables.ts';

/** SQL of a text column made safe for a spreadsheet: a formula-like value gets a leading quote. */
export function formulaSafeSql(column: string): string {
  return `case when regexp_matches(${column}, '^[=+\\-@\\t\\r]') and not regexp_matches(${column}, '^[-+]?[0-9]+(\\.[0-9]+)?$')
    then '''' || ${column} else ${column} end`;
}

/** Writes every mart to `dir`; returns the files written. */
export async function exportMartsCsv(connection: DuckDBConnection, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const mart of await martTables(connection)) {
    const select = mart.columns.map((c) => (c.type === 'VARCHAR' ? `${formulaSafeSql(ident(c.name))} as ${ident(c.name)}` : ident(c.name)));
    const path = join(dir, `${mart.name}.csv`);
    const body = `${path}.body`;
    await connection.run(`copy (select ${select.join(', ')} from ${ident(mart.name)}) to ${literal(body)} (format csv, header true, delimiter ',')`);
    const out = createWriteStream(path);
    out.write('\ufeff');
    await pipeline(createReadStream(body), out);
    rmSync(body);
    written.push(path);
  }
  return written;
}

