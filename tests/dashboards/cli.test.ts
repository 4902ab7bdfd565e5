/** `npm run dashboards`: its help, and a one-line reason when it cannot run (CONTRACT §7). */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseAsOf } from '../../pipelines/cli/dashboards.ts';

function dashboards(args: string[]) {
  const result = spawnSync(process.execPath, ['scripts/cli.mjs', 'dashboards', ...args], {
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run dashboards', () => {
  it('answers --help', () => {
    const { code, stdout } = dashboards(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run dashboards -- [--db FILE] [--out DIR] [--pdf] [--as-of Y-QN]');
  });

  it('exits 1 with one line when it cannot run', () => {
    expect(dashboards(['--db', '/no/such/warehouse.duckdb'])).toMatchObject({
      code: 1,
      stderr:
        'error: the warehouse /no/such/warehouse.duckdb does not exist; load drops first with npm run pipeline -- DROP... --db FILE\n',
    });
    expect(dashboards(['--as-of', '1394-5'])).toMatchObject({
      code: 1,
      stderr: 'error: --as-of 1394-5: expected a Jalali year and quarter such as 1394-Q2\n',
    });
    expect(dashboards(['--pdfx'])).toMatchObject({
      code: 1,
      stderr:
        'error: unknown option --pdfx (did you mean --pdf?); valid options: --db, --out, --pdf, --as-of, --help\n',
    });
  });

  it('reads the as-of quarter as planners write it', () => {
    expect(parseAsOf('1394-Q2')).toEqual({ year: 1394, quarter: 2 });
    expect(parseAsOf('1393-4')).toEqual({ year: 1393, quarter: 4 });
  });
});
