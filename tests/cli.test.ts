import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';

function pipeline(args: string[]) {
  const result = spawnSync(process.execPath, ['scripts/cli.mjs', 'pipeline', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run pipeline (CONTRACT §7)', () => {
  it('exits 1 with a one-line reason when it cannot run', () => {
    expect(pipeline([])).toMatchObject({ code: 1, stderr: 'error: name at least one drop folder, e.g. npm run pipeline -- drops/1395-Q1\n' });
    expect(pipeline(['no/such/drop'])).toMatchObject({ code: 1, stderr: 'error: the drop folder no/such/drop does not exist\n' });
    expect(pipeline(['tests/fixtures/bad', '--dbx', 'x'])).toMatchObject({ code: 1, stderr: 'error: unknown option --dbx (did you mean --db?); valid options: --db, --out, --province, --help\n' });
    // -h is help, never a drop folder; another short option is refused, not read as a folder.
    expect(pipeline(['-q'])).toMatchObject({ code: 1, stderr: 'error: unknown option -q; valid options: --db, --out, --province, --help\n' });
  });

  it('exits 0 with quarantined rows, prints a summary per file and exports the rejected rows safely for Excel', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const { code, stdout } = pipeline(['tests/fixtures/bad', '--db', join(dir, 'w.duckdb'), '--out', dir]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    // file, read, new, replaced, unchanged, quarantined, duplicate, totals, blank, retracted, warnings
    expect(lines.find((l) => l.startsWith('bad/allocations.csv'))?.split(/\s+/)).toEqual(['bad/allocations.csv', '11', '2', '0', '0', '8', '1', '0', '0', '0', '1']);
    expect(lines.find((l) => l.startsWith('bad/reasons.csv'))?.split(/\s+/)).toEqual(['bad/reasons.csv', 'FAILED', '0', '0', '0', '0', '0', '0', '0', '0', '0']);
    expect(stdout).toContain('  bad/reasons.csv: it is not a text file (it holds binary bytes)');
    expect(stdout).toContain(`Quarantined rows: 13 → ${dir}/w/w-load-1-quarantine.csv (table quarantine, load_id = 1; still open: view quarantine_open)`);
    const csv = readFileSync(join(dir, 'w', 'w-load-1-quarantine.csv'), 'utf8');
    expect(csv.startsWith('\ufeffsource_file,source_line,column_name,column_label,found,message,raw_values')).toBe(true);
    const rows = Papa.parse<Record<string, string>>(csv.slice(1), { header: true }).data;
    // "-20" would be a formula to Excel: it is written as '-20.
    expect(rows.find((r) => r.source_line === '6' && r.source_file === 'bad/allocations.csv')?.found).toBe("'-20");
  });
});
