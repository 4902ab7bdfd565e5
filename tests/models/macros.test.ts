/**
 * The SQL macros the models call (sql/macros/): the gap split by stage, checked on hand-worked
 * funnels, and a macro file that fails named in the build's error.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../pipelines/db.ts';
import { DEFAULT_SQL_DIR, buildModels, planModels } from '../../pipelines/model.ts';

async function memory() {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  return { instance, connection: await instance.connect() };
}

describe('gap_split', () => {
  it('splits the gap along the funnel, each stage capped by the allocation and every earlier stage', async () => {
    const { instance, connection } = await memory();
    await connection.run(readFileSync(join(DEFAULT_SQL_DIR, 'macros', 'gap_split.sql'), 'utf8'));
    const n = null;
    // allocated, referred, approved, contracted, disbursed (million rials), worked by hand.
    const funnels = [
      [1, '100', '80', '60', '50', '40'], // consistent: 20 + 20 + 10 + 10 = the gap of 60
      [2, '100', '150', '90', '70', '70'], // referred beyond the quota: capped at 100, nothing lost at referral
      [3, '100', '80', n, '50', '40'], // approval unknown: its two parts unknown, the rest of the gap residual
      [4, '100', '80', '60', '30', '50'], // more paid than contracted: capped at 30, residual −20
      [5, n, '80', '60', '50', '40'], // nothing allocated: nothing to split
      [6, '30000000', '30000000', '29999999.999999', '12345678.5', '0.000001'], // a province's programme, to the rial
    ];
    const values = funnels.map(([id, ...amounts]) => `(${id}, ${amounts.map((a) => (a === n ? 'NULL' : `${a}::DECIMAL(18,6)`)).join(', ')})`);
    const rows = await queryRows(connection, `
      select id, s.absorption_gap::VARCHAR as gap, s.not_referred_amount::VARCHAR as ref, s.not_approved_amount::VARCHAR as app,
        s.not_contracted_amount::VARCHAR as con, s.not_disbursed_amount::VARCHAR as dis, s.residual_amount::VARCHAR as res
      from (select id, gap_split(a, r, p, c, d) as s from (values ${values.join(', ')}) t(id, a, r, p, c, d))
      order by id`);
    const row = (id: number, gap: string | null, ref: string | null, app: string | null, con: string | null, dis: string | null, res: string | null) =>
      ({ id, gap, ref, app, con, dis, res });
    expect(rows).toEqual([
      row(1, '60.000000', '20.000000', '20.000000', '10.000000', '10.000000', '0.000000'),
      row(2, '30.000000', '0.000000', '10.000000', '20.000000', '0.000000', '0.000000'),
      row(3, '60.000000', '20.000000', n, n, '10.000000', '30.000000'),
      row(4, '50.000000', '20.000000', '20.000000', '30.000000', '0.000000', '-20.000000'),
      row(5, n, n, n, n, n, n),
      row(6, '29999999.999999', '0.000000', '0.000001', '17654321.499999', '12345678.499999', '0.000000'),
    ]);
    connection.closeSync();
    instance.closeSync();
  });
});

describe('sql/macros/', () => {
  it('holds no models, and a macro that fails stops the build with a one-line error naming its file', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'macros-')), 'sql');
    for (const folder of ['staging', 'intermediate', 'marts', 'macros']) mkdirSync(join(dir, folder), { recursive: true });
    writeFileSync(join(dir, 'macros', 'broken.sql'), 'create or replace macro half(x) as x / ;');
    expect(planModels(dir)).toEqual([]);
    const { instance, connection } = await memory();
    await expect(buildModels(connection, { sqlDir: dir })).rejects.toThrow(/^sql\/macros\/broken\.sql: Parser Error: [^\n]*$/);
    connection.closeSync();
    instance.closeSync();
  });
});
