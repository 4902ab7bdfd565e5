/**
 * A big file's clean rows are a view over its raw text (computed where they are read), a small
 * file's a table of their own. Both paths must load exactly the same warehouse: every table,
 * row for row, quarantine messages and warnings included, on drops full of bad input.
 */
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { load, tempWarehouse } from '../helpers.ts';
import { queryRows } from '../../pipelines/db.ts';

/** Tables of warehouse `a` whose rows differ from `b`'s (timings and ids excluded), with the counts of rows only in each. */
async function differences(a: string, b: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    await c.run(`attach '${a}' as a (read_only)`);
    await c.run(`attach '${b}' as b (read_only)`);
    const tables = await queryRows<{ name: string }>(c, `select table_name as name from duckdb_tables() where database_name = 'a' order by 1`);
    const varying: Record<string, string> = { load_runs: 'started_at, finished_at, duration_ms', load_files: 'duration_ms', warehouse_info: 'value' };
    const found: string[] = [];
    for (const { name } of tables) {
      const columns = varying[name] ? ` exclude (${varying[name]})` : '';
      const [d] = await queryRows<{ ab: number; ba: number }>(c, `
        select (select count(*) from (select *${columns} from a."${name}" except all select *${columns} from b."${name}")) as ab,
               (select count(*) from (select *${columns} from b."${name}" except all select *${columns} from a."${name}")) as ba`);
      if (d!.ab || d!.ba) found.push(`${name}: ${d!.ab} rows only as tables, ${d!.ba} only as views`);
    }
    return found;
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

describe('clean rows as a view over the raw text (big files) and as a table (small files)', () => {
  const drops = [
    ['bad input of every kind', ['tests/fixtures/bad']],
    ['blank, short and wrapped lines', ['tests/fixtures/lines']],
    ['the sample drop with deliberately bad rows, over the quarter before it', ['data/sample/1394-Q1', 'data/sample/1394-Q2']],
    ['a line whose quote never closes', ['tests/fixtures/nothing-lost/unclosed']],
  ] as const;
  for (const [what, folders] of drops) {
    it(`load the same warehouse: ${what}`, async () => {
      const asTables = tempWarehouse();
      const asViews = tempWarehouse();
      const first = await load([...folders], asTables, { skipModels: false });
      const second = await load([...folders], asViews, { skipModels: false, cleanViewFromRows: 0 });
      expect(second.files.map((f) => [f.file, f.rowsRead, f.rowsLoaded, f.rowsQuarantined, f.warnings]))
        .toEqual(first.files.map((f) => [f.file, f.rowsRead, f.rowsLoaded, f.rowsQuarantined, f.warnings]));
      // Not a run that did nothing: rows were loaded and rows were quarantined.
      expect(first.files.reduce((n, f) => n + f.rowsLoaded, 0)).toBeGreaterThan(0);
      expect(await differences(asTables, asViews)).toEqual([]);
    }, 120_000);
  }
});
