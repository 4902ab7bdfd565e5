/** `npm run notebooks`: its help, and a one-line reason when it cannot run (CONTRACT §7). */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function notebooks(args: string[]) {
  const result = spawnSync(process.execPath, ['scripts/cli.mjs', 'notebooks', ...args], {
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run notebooks', () => {
  it('answers --help, saying which warehouse it reads by default', () => {
    const { code, stdout } = notebooks(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run notebooks -- [--db FILE] [--out DIR] [--only NAME]');
    expect(stdout).toContain(
      '--db FILE    the warehouse the SQL cells read (default data/warehouse.duckdb, or the SYNTHETIC sample data/sample.duckdb when that does not exist)',
    );
  });

  it('exits 1 with one line when it cannot run', () => {
    expect(notebooks(['--db', '/no/such/warehouse.duckdb'])).toMatchObject({
      code: 1,
      stderr:
        'error: the warehouse /no/such/warehouse.duckdb does not exist; load drops first with npm run pipeline -- DROP... --db FILE\n',
    });
    expect(notebooks(['--dbx', 'w.duckdb'])).toMatchObject({
      code: 1,
      stderr: 'error: unknown option --dbx (did you mean --db?); valid options: --db, --out, --only, --help\n',
    });
  });
});
