/**
 * A planner's own data, from the second day on (issue 12): the sample kept apart, outputs that
 * never overwrite, files known by their header, folder and content agreeing, the quarantine as a
 * to-do list, and help on every command.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { pipelineCommand } from '../pipelines/cli/pipeline.ts';
import { load, rows, tempWarehouse, unaccounted } from './helpers.ts';

const F = 'tests/fixtures/second-day';

describe('the synthetic sample and real drops are kept apart', () => {
  it('refuses a real drop in a warehouse that holds the sample, and the other way round', async () => {
    const sample = tempWarehouse();
    await load([`${F}/sample-1394-Q1`], sample);
    expect(await rows(sample, `select drop_name, synthetic from load_drops`)).toEqual([{ drop_name: 'sample-1394-Q1', synthetic: true }]);
    await expect(load(['tests/fixtures/reload/q1'], sample)).rejects.toThrow(
      `the warehouse ${sample} holds the synthetic sample (sample-1394-Q1), and q1 is a real drop: they must not be mixed; `
      + `name another warehouse with --db, or delete ${sample} if it holds only the sample (the sample goes into data/sample.duckdb `
      + '(npm start), real drops into a warehouse of their own (npm run pipeline -- DROP, default data/warehouse.duckdb))');
    const real = tempWarehouse();
    await load(['tests/fixtures/reload/q1'], real);
    await expect(load([`${F}/sample-1394-Q1`], real)).rejects.toThrow(`the warehouse ${real} holds real drops (q1), and sample-1394-Q1 is synthetic`);
    await expect(load(['tests/fixtures/reload/q2', `${F}/sample-1394-Q1`], tempWarehouse())).rejects.toThrow(
      'the drops mix the synthetic sample (sample-1394-Q1) with real drops (q2)');
    // Refused before anything loads: the real warehouse still holds only its own rows.
    expect(await rows(real, `select count(*)::INTEGER as n from allocations`)).toEqual([{ n: 2 }]);
  });
});

describe('outputs never overwrite', () => {
  it('writes each warehouse\'s quarantine and warnings into a folder of its own, named after it and the load', async () => {
    const out = mkdtempSync(join(tmpdir(), 'out-'));
    // Two warehouses with the same file name in different folders, each at its load 1.
    const a = join(mkdtempSync(join(tmpdir(), 'a-')), 'w.duckdb');
    const b = join(mkdtempSync(join(tmpdir(), 'b-')), 'w.duckdb');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await pipelineCommand(['tests/fixtures/bad'], a, out);
      await pipelineCommand(['tests/fixtures/reload/q1'], b, out);
    } finally {
      log.mockRestore();
    }
    const [idB] = await rows<{ value: string }>(b, `select value from warehouse_info where name = 'warehouse_id'`);
    const folders = readdirSync(out).sort();
    expect(folders).toEqual(['w', `w-${idB!.value.slice(0, 8)}`]);
    expect(readdirSync(join(out, 'w')).sort()).toEqual(['.warehouse', 'w-load-1-quarantine.csv', 'w-load-1-warnings.csv']);
    // a's 13 rejected rows are still there; b's file (no rejected rows) sits beside it.
    expect(readFileSync(join(out, 'w', 'w-load-1-quarantine.csv'), 'utf8').trim().split('\n')).toHaveLength(14);
    expect(readFileSync(join(out, folders[1]!, `${folders[1]}-load-1-quarantine.csv`), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});

describe('files known by their header', () => {
  it('tells the dataset from the header when the name does not, and ignores a file that holds no data', async () => {
    const db = tempWarehouse();
    const summary = await load([`${F}/by-header`], db);
    expect(unaccounted(summary)).toEqual([]);
    expect(summary.files.map((f) => [f.file, f.dataset ?? null, f.datasetFrom ?? null, f.rowsNew, f.ignored ?? null, f.error ?? null])).toEqual([
      ['by-header/absorptions_x.csv', 'absorption', 'header', 1, null, null],
      ['by-header/allocation_1395.csv', 'allocations', 'header', 1, null, null],
      ['by-header/maskan_absorption_sina.csv', 'absorption', 'header', 1, null, null],
      ['by-header/notes.txt', null, null, 0, 'no dataset\'s columns were found in it (expected a header such as year, quarter, program, funding_source)', null],
    ]);
    expect(await rows(db, `select source_file, dataset_from, ignored is not null as ignored from load_files order by 1`)).toEqual([
      { source_file: 'by-header/absorptions_x.csv', dataset_from: 'header', ignored: false },
      { source_file: 'by-header/allocation_1395.csv', dataset_from: 'header', ignored: false },
      { source_file: 'by-header/maskan_absorption_sina.csv', dataset_from: 'header', ignored: false },
      { source_file: 'by-header/notes.txt', dataset_from: null, ignored: true },
    ]);
  });

  it('stops a file whose header fits two datasets equally, asking for a manifest entry', async () => {
    const summary = await load([`${F}/tie`], tempWarehouse());
    expect(summary.files.map((f) => f.error)).toEqual([
      'tie/report.csv: its header fits allocations, absorption, applications, reasons, ndf_lines equally (it names year, quarter, program, bank); '
      + 'say which in manifest.json: { "files": [ { "path": "report.csv", "dataset": "allocations" } ] }',
    ]);
  });
});

describe('folder and content agree', () => {
  it('warns when a drop folder named for a quarter holds rows of another, and still loads them', async () => {
    const db = tempWarehouse();
    const summary = await load([`${F}/1395-Q1`], db);
    expect(summary.files.map((f) => [f.rowsNew, f.warnings])).toEqual([[3, 1]]);
    expect(await rows(db, `select rule, message from dq_warnings`)).toEqual([{
      rule: 'folder_period_mismatch',
      message: '1395-Q1/allocations.csv: the drop folder is named for 1395 Q1, but 2 of its rows are of 1394 Q4; '
        + 'they were loaded as their rows say (rename the folder if it is misnamed)',
    }]);
  });
});

describe('the quarantine as a to-do list', () => {
  it('keeps quarantine_open at 9 when the sample drop 1394-Q2 is loaded twice, and raises the same warnings again', async () => {
    const db = tempWarehouse();
    const first = await load(['data/sample/1394-Q2'], db);
    const second = await load(['data/sample/1394-Q2'], db);
    const sum = (s: typeof first, key: 'rowsQuarantined' | 'warnings' | 'rowsUnchanged' | 'rowsNew') => s.files.reduce((n, f) => n + f[key], 0);
    // The drop's 9 bad rows (see data/sample/README.md), rejected again on the second load.
    expect([sum(first, 'rowsQuarantined'), sum(second, 'rowsQuarantined')]).toEqual([9, 9]);
    expect([sum(second, 'rowsNew'), sum(second, 'rowsUnchanged')]).toEqual([0, sum(first, 'rowsNew')]);
    expect(await rows(db, `select (select count(*) from quarantine)::INTEGER as history, (select count(*) from quarantine_open)::INTEGER as open`))
      .toEqual([{ history: 18, open: 9 }]);
    const warnings = await rows<{ load_id: number; n: number }>(db, `select load_id, count(*)::INTEGER as n from dq_warnings group by 1 order by 1`);
    expect(warnings.map((w) => w.n)).toEqual([sum(first, 'warnings'), sum(first, 'warnings')]);
    expect(await rows(db, `select count(*)::INTEGER as n from dq_warnings_open`)).toEqual([{ n: sum(first, 'warnings') }]);
  });
});

describe('help everywhere', () => {
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8' });
  const commands = [
    ['pipelines/cli/pipeline.ts', 'Usage: npm run pipeline -- DROP... [--db FILE] [--out DIR]'],
    ['pipelines/cli/start.ts', 'Usage: npm start -- [--out DIR]'],
    ['scripts/generate-sample.ts', 'Usage: npm run sample --'],
    ['scripts/readme-contract.ts', 'Usage: npm run docs --'],
    ['bench/load.ts', 'Usage: npm run bench -- [--rows N] [--runs R] [--add K] [--out DIR] [--profile] [--dirty] [--prepare-only]'],
    ['bench/floor.ts', 'Usage: npx tsx bench/floor.ts [--rows N] [--out DIR]'],
    ['bench/models.ts', 'Usage: npx tsx bench/models.ts [ROWS...] [--sql DIR]'],
    ['pipelines/cli/dashboards.ts', 'Usage: npm run dashboards -- [--db FILE] [--out DIR] [--pdf] [--as-of Y-QN]'],
    ['bench/dashboards.ts', 'Usage: npm run bench:dashboards -- [--rows N]'],
    ['pipelines/cli/export.ts', 'Usage: npm run export -- [--xlsx FILE] [--csv DIR] [--rejects DIR] [--load N] [--parquet DIR] [--db FILE]'],
    ['bench/xlsx.ts', 'Usage: npm run bench:xlsx -- [--rows N] [--out DIR]'],
  ];
  it.each(commands)('%s answers --help and -h with its options and an example, and does nothing else', (file, usage) => {
    const readme = readFileSync('README.md', 'utf8');
    for (const flag of ['--help', '-h']) {
      const result = run([file, flag]);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(usage);
      expect(result.stdout).toContain('Examples:');
    }
    expect(readFileSync('README.md', 'utf8')).toBe(readme);
  });

  it.each(commands)('%s refuses an unknown option by naming the valid ones', (file) => {
    const result = run([file, '--no-such-option']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: unknown option --no-such-option; valid options: .*--help\n$/);
  });

  it('suggests the nearest key for a misspelt manifest key', async () => {
    await expect(load([`${F}/manifest-units`], tempWarehouse())).rejects.toThrow(
      'manifest-units/manifest.json: at "(top)": unknown key "units" (did you mean "unit"?); valid keys: synthetic, note, unit, source, files');
  });
});

