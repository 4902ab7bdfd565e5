import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { load, rows, tempWarehouse } from '../helpers.ts';

const FORMATS = 'tests/fixtures/formats';
const EXPECTED = [
  { year: 1394, quarter: 1, program: 'ndf_rural', funding_source: 'ndf', bank: 'keshavarzi', county: 'shiraz', amount: '1000.000000', notification_id: 'N-1', source_line: 2 },
  { year: 1394, quarter: 2, program: 'budget_job', funding_source: 'budget', bank: 'melli', county: 'jahrom', amount: '2500.250000', notification_id: 'N-2', source_line: 3 },
  { year: 1394, quarter: 2, program: 'home_business', funding_source: 'budget', bank: 'post', county: 'neyriz', amount: '12.000001', notification_id: 'N-3', source_line: 4 },
];

describe('every format and encoding of CONTRACT §1 loads the same rows', () => {
  for (const variant of readdirSync(FORMATS).sort()) {
    it(variant, async () => {
      const db = tempWarehouse();
      const summary = await load([`${FORMATS}/${variant}`], db);
      const [file] = summary.files;
      expect(file?.error).toBeUndefined();
      expect(file?.rowsRead).toBe(3);
      expect(file?.rowsLoaded).toBe(3);
      const loaded = await rows<Record<string, unknown>>(db, `
        select year::INTEGER as year, quarter::INTEGER as quarter, program, funding_source, bank, county,
               amount::VARCHAR as amount, notification_id, source_line::INTEGER as source_line
        from allocations order by notification_id`);
      // Line numbers differ only where a title line stands above the header, or JSON spreads a record.
      const lineShift = variant === 'windows1256-title' ? 1 : 0;
      const expected = EXPECTED.map((row, i) => ({
        ...row,
        source_line: variant === 'json-array' ? 2 + i * 9 : variant === 'ndjson' ? i + 1 : row.source_line + lineShift,
      }));
      expect(loaded).toEqual(expected);
    });
  }

  it('tells each encoding and format apart and records them per file', async () => {
    const db = tempWarehouse();
    const drops = readdirSync(FORMATS).sort().map((v) => `${FORMATS}/${v}`);
    const summary = await load(drops, db);
    expect(summary.files.map((f) => [f.file, f.encoding, f.format])).toEqual([
      ['cr-only/allocations.csv', 'utf-8', 'csv'],
      ['json-array/allocations.json', 'utf-8', 'json'],
      ['ndjson/allocations.ndjson', 'utf-8', 'ndjson'],
      ['quoted-persian-digits/allocations.csv', 'utf-8', 'csv'],
      ['utf16le-tab/allocations.txt', 'utf-16le', 'csv'],
      ['utf8-bom-semicolon-crlf/allocations.csv', 'utf-8', 'csv'],
      ['utf8-comma/allocations.csv', 'utf-8', 'csv'],
      ['windows1256-title/allocations.csv', 'windows-1256', 'csv'],
    ]);
    // The same three rows from eight files: one loaded, seven identical copies each.
    expect(summary.files.reduce((n, f) => n + f.rowsLoaded, 0)).toBe(3);
    expect(summary.files.reduce((n, f) => n + f.rowsDuplicate, 0)).toBe(21);
  });
});

describe('JSON records that spell their fields differently', () => {
  it('reads every spelling, and quarantines a record that gives a column twice or gives none', async () => {
    const db = tempWarehouse();
    const summary = await load(['tests/fixtures/json-spellings'], db);
    expect(summary.files.map((f) => [f.rowsRead, f.rowsLoaded, f.rowsQuarantined, f.warnings])).toEqual([[4, 2, 2, 1]]);
    expect(await rows(db, `select notification_id, year::INTEGER as year, amount::VARCHAR as amount, source_line::INTEGER as line from allocations order by 1`)).toEqual([
      { notification_id: 'J-1', year: 1394, amount: '100.000000', line: 2 },
      { notification_id: 'J-2', year: 1394, amount: '200.000000', line: 3 },
    ]);
    expect(await rows(db, `select message from quarantine order by source_line`)).toEqual([
      { message: 'json-spellings/allocations.json record 3 (line 4): the fields of this record give year twice with different values ("1394" and "1395")' },
      { message: 'json-spellings/allocations.json record 4 (line 5): the record has none of the allocations fields (it has: comment)' },
    ]);
    expect(await rows(db, `select message from dq_warnings`)).toEqual([
      { message: 'json-spellings/allocations.json: field "comment" is not one of the allocations columns and was ignored' },
    ]);
  });
});
