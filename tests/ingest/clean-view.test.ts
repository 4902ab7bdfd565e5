/**
 * A big file's clean rows are a view over its raw text (computed where they are read), a small
 * file's a table of their own; a big CSV's numbers are read as numbers by DuckDB's reader, its
 * rows that need cleaning read again as text by their line. Every path must load exactly the
 * same warehouse: every table, row for row, quarantine messages and warnings included, on drops
 * full of bad input.
 */
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { load, rows as rows_, tempWarehouse } from '../helpers.ts';
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

/** The drops full of bad input that each way of reading must load alike. */
const drops = [
  ['bad input of every kind', ['tests/fixtures/bad']],
  ['blank, short and wrapped lines', ['tests/fixtures/lines']],
  ['the sample drop with deliberately bad rows, over the quarter before it', ['data/sample/1394-Q1', 'data/sample/1394-Q2']],
  ['a line whose quote never closes', ['tests/fixtures/nothing-lost/unclosed']],
  ['a quote never closed, then a blank line', ['tests/fixtures/nothing-lost/unclosed-then-blank']],
  ['lines of only spaces and tabs', ['tests/fixtures/nothing-lost/spaces-only']],
  ['a cell over two lines, with bad numbers and Persian digits below it', ['tests/fixtures/typed/multiline']],
] as const;

describe('clean rows as a view over the raw text (big files) and as a table (small files)', () => {
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

describe('numbers read as numbers by the CSV reader (big files) and as text (small files)', () => {
  for (const [what, folders] of drops) {
    it(`load the same warehouse: ${what}`, async () => {
      const asText = tempWarehouse();
      const typed = tempWarehouse();
      const first = await load([...folders], asText, { skipModels: false });
      const log: string[] = [];
      const second = await load([...folders], typed, { skipModels: false, typedReadFromBytes: 0, log: (line) => log.push(line) });
      expect(second.files.map((f) => [f.file, f.rowsRead, f.rowsLoaded, f.rowsQuarantined, f.warnings]))
        .toEqual(first.files.map((f) => [f.file, f.rowsRead, f.rowsLoaded, f.rowsQuarantined, f.warnings]));
      expect(first.files.reduce((n, f) => n + f.rowsLoaded, 0)).toBeGreaterThan(0);
      expect(await differences(asText, typed)).toEqual([]);
    }, 120_000);
  }

  // Lines read again by their number, in each way a line may end, below a title, in Windows-1256.
  const rows = [
    'گزارش اعتبارات ابلاغی', 'year,quarter,program,bank,county,amount,notification_id',
    '1394,1,ndf_rural,keshavarzi,shiraz,1000,N-1', '1394,1,ndf_rural,keshavarzi,shiraz,۲۵۰۰,N-2',
    '1394,2,ndf_rural,keshavarzi,shiraz,-7,N-3', '1394,2,ndf_rural,بانک کشاورزی,shiraz,300,N-4',
    '1394,3,ndf_rural,keshavarzi,shiraz,abc,N-5', '1394,3,ndf_rural,keshavarzi,shiraz,"1,200",N-6',
  ];
  for (const [kind, text, encoding] of [
    ['LF', `${rows.join('\n')}\n`, 'utf-8'], ['CR LF', `${rows.join('\r\n')}\r\n`, 'utf-8'],
    ['a lone CR', `${rows.join('\r')}\r`, 'utf-8'], // (Windows-1256 has no Persian digits, ی or ک: its N-2 gives a separator instead, its names Arabic letters.)
    ['LF, in Windows-1256', `${rows.join('\n').replace('۲۵۰۰', '"2,500"').replace(/ی/g, 'ي').replace(/ک/g, 'ك')}\n`, 'windows-1256'],
  ] as const) {
    it(`finds the lines to read again as text when lines end in ${kind}`, async () => {
      const drop = join(mkdtempSync(join(tmpdir(), 'typed-')), '1394-Q4');
      mkdirSync(drop);
      writeFileSync(join(drop, 'allocations.csv'), iconv.encode(text, encoding));
      const asText = tempWarehouse();
      const typed = tempWarehouse();
      const first = await load([drop], asText);
      const second = await load([drop], typed, { typedReadFromBytes: 0 });
      // N-1, N-2 (Persian digits), N-4 (the bank by its name) and N-6 (a separator) load; N-3 (-7) and N-5 (abc) do not.
      expect(first.files.map((f) => [f.rowsRead, f.rowsLoaded, f.rowsQuarantined])).toEqual([[6, 4, 2]]);
      expect(second.files.map((f) => [f.rowsRead, f.rowsLoaded, f.rowsQuarantined])).toEqual([[6, 4, 2]]);
      expect(await rows_(typed, `select source_line, message from quarantine order by source_line`))
        .toEqual(await rows_(asText, `select source_line, message from quarantine order by source_line`));
      expect((await rows_(typed, `select source_line from quarantine order by 1`)).map((r) => r.source_line)).toEqual([5, 7]);
      expect(await differences(asText, typed)).toEqual([]);
      // Its rows read again as text as a view, as when they are many.
      const typedViews = tempWarehouse();
      await load([drop], typedViews, { typedReadFromBytes: 0, cleanViewFromRows: 0 });
      expect(await differences(asText, typedViews)).toEqual([]);
      // More rows to clean than a typed file reads again by their line: the whole file is read again as text, to the same end.
      const log: string[] = [];
      const whole = tempWarehouse();
      // (Its amounts are read as text, for their Persian digits or separators: N-3 and N-5 are left to clean.)
      await load([drop], whole, { typedReadFromBytes: 0, typedSlowLinesMax: 1, log: (line) => log.push(line) });
      expect(log.filter((line) => line.startsWith('reading  ')))
        .toEqual(['reading  1394-Q4/allocations.csv again as text: 2 of its rows need cleaning (more than 1), quicker from the whole text']);
      expect(await differences(asText, whole)).toEqual([]);
    });
  }

  it('reads a file again as text when its rows with a problem cannot be found by their line', async () => {
    const log: string[] = [];
    const summary = await load(['tests/fixtures/typed/multiline'], tempWarehouse(), { typedReadFromBytes: 0, log: (line) => log.push(line) });
    expect(log.filter((line) => line.startsWith('reading  ')))
      .toEqual(['reading  multiline/applications.csv again as text: a quoted cell runs over several lines, so its rows with a problem cannot be found again by their line']);
    // A-1, A-2 (two lines), A-4 (Persian digits) and A-5 (a thousands separator) load; A-3 (year 1300) and A-6 (-5) do not.
    expect(summary.files.map((f) => [f.rowsRead, f.rowsLoaded, f.rowsQuarantined])).toEqual([[6, 4, 2]]);
  });
});
