/**
 * Reference code lists (data/reference/*.csv): loaded into ref_<name> tables, and matched
 * against the codes, names and aliases planners write in their files.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { DuckDBConnection } from '@duckdb/node-api';
import { REFERENCE_TABLES } from './schema/warehouse.ts';
import type { ReferenceTable } from './schema/columns.ts';
import { editDistance, matchKey, normaliseText } from './text.ts';
import { ident, literal } from './db.ts';

export type ReferenceRow = Record<string, string>;

export interface CodeList {
  table: string;
  rows: ReferenceRow[];
  /** matchKey of a code, Persian name, English name or alias → code. */
  byKey: Map<string, string>;
}

export type References = Record<(typeof REFERENCE_TABLES)[number], CodeList>;

/** Reads every reference CSV in `dir`; a key that points at two codes is an error naming both. */
export function readReferences(dir: string): References {
  const result = {} as References;
  for (const table of REFERENCE_TABLES) {
    const path = join(dir, `${table}.csv`);
    if (!existsSync(path)) throw new Error(`reference file ${path} is missing`);
    const parsed = Papa.parse<ReferenceRow>(readFileSync(path, 'utf8').replace(/^\ufeff/, ''), { header: true, skipEmptyLines: true });
    const rows = parsed.data.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, normaliseText(v ?? '')])));
    const byKey = new Map<string, string>();
    for (const row of rows) {
      const code = row.code!;
      const names = [code, row.name_fa, row.name_en, ...(row.aliases ?? '').split(';')];
      for (const name of names) {
        if (!name) continue;
        const key = matchKey(name);
        const existing = byKey.get(key);
        if (existing && existing !== code) {
          throw new Error(`reference ${table}.csv: "${name}" names both ${existing} and ${code}`);
        }
        byKey.set(key, code);
      }
    }
    result[table] = { table, rows, byKey };
  }
  return result;
}

/** The code a cleaned value names in a code list, or undefined. */
export function matchCode(list: CodeList, value: string): string | undefined {
  return list.byKey.get(matchKey(value));
}

/** Up to `limit` known names nearest to an unknown value, for "did you mean" in messages. */
export function nearestNames(list: CodeList, value: string, limit = 3): string[] {
  const key = matchKey(value);
  const scored = list.rows.map((row) => {
    const candidates = [row.code!, row.name_fa ?? '', row.name_en ?? '', ...(row.aliases ?? '').split(';')].filter(Boolean);
    const distance = Math.min(...candidates.map((c) => {
      const k = matchKey(c);
      // A name that contains the value (or is contained in it) is as good as a one-letter typo.
      return k.includes(key) || key.includes(k) ? Math.min(1, editDistance(key, k)) : editDistance(key, k);
    }));
    return { name: row.name_fa || row.code!, distance };
  });
  return scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name)).slice(0, limit).map((s) => s.name);
}

/** Replaces the ref_<name> tables with the CSVs in `dir` (all columns VARCHAR). */
export async function loadReferenceTables(connection: DuckDBConnection, dir: string): Promise<void> {
  for (const table of REFERENCE_TABLES) {
    const path = join(dir, `${table}.csv`);
    await connection.run(
      `create or replace table ${ident(`ref_${table}`)} as select * from read_csv(${literal(path)}, header = true, all_varchar = true, auto_detect = true)`,
    );
  }
}

export type { ReferenceTable };
