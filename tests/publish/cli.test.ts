/** `npm run export`: a one-line reason when it cannot run, and the outputs it says it wrote. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load, tempWarehouse } from '../helpers.ts';

function exportCli(args: string[]) {
  const result = spawnSync(process.execPath, ['scripts/cli.mjs', 'export', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run export', () => {
  it('exits 1 with a one-line reason when it cannot run', () => {
    expect(exportCli(['--db', 'no/such.duckdb', '--csv', 'x'])).toMatchObject({
      code: 1,
      stderr: 'error: the warehouse no/such.duckdb does not exist; load drops first with npm run pipeline -- DROP... --db no/such.duckdb, '
        + 'or export the sample: npm start, then --db data/sample.duckdb\n',
    });
    expect(exportCli(['--db', 'no/such.duckdb'])).toMatchObject({
      code: 1, stderr: 'error: say what to export: --xlsx FILE, --csv DIR, --rejects DIR or --parquet DIR (see --help)\n',
    });
    expect(exportCli(['--csv', 'x', '--load', '2'])).toMatchObject({ code: 1, stderr: 'error: --load N goes with --rejects DIR\n' });
    expect(exportCli(['--parquett', 'national'])).toMatchObject({
      code: 1, stderr: 'error: unknown option --parquett (did you mean --parquet?); valid options: --xlsx, --csv, --rejects, --load, --parquet, --db, --help\n',
    });
  });

  it('writes the rejected rows of a load and says where; a warehouse without marts is told to run the pipeline', async () => {
    const db = tempWarehouse();
    await load(['tests/fixtures/bad'], db);
    const dir = mkdtempSync(join(tmpdir(), 'rejects-'));
    const { code, stdout } = exportCli(['--db', db, '--rejects', dir]);
    expect(code).toBe(0);
    // tests/fixtures/bad: 8 rows of allocations.csv, 3 of applications.csv and 2 of absorption_bank.csv are quarantined.
    expect(stdout.split('\n').slice(0, 4)).toEqual([
      `Rejected: 13 rows of load 1 in 3 workbooks under ${dir}/`,
      `  ${dir}/bad/absorption_bank.rejected.xlsx: 2 rows of bad/absorption_bank.csv`,
      `  ${dir}/bad/allocations.rejected.xlsx: 8 rows of bad/allocations.csv`,
      `  ${dir}/bad/applications.rejected.xlsx: 3 rows of bad/applications.csv`,
    ]);
    expect(existsSync(join(dir, 'bad', 'allocations.rejected.xlsx'))).toBe(true);
    // The loader tests skip the models: there is nothing to put in a workbook.
    expect(exportCli(['--db', db, '--xlsx', join(dir, 'm.xlsx')])).toMatchObject({
      code: 1, stderr: 'error: the warehouse has no marts yet; run npm run pipeline on a drop first, which builds them\n',
    });
  });
});
