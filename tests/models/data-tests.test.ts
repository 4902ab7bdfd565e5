/** Data tests beside the models: they run after each build, catch broken rows, and are stored. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModels } from '../../pipelines/model.ts';
import { queryRows } from '../../pipelines/db.ts';
import { closeWarehouse, fixtureWarehouse } from '../fixtures/models/warehouse.ts';

function sqlDir(files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'models-')), 'sql');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const BROKEN_MART = `
with source as (
    select * from (values
        (1, 'keshavarzi', 100.0, 'bank'),
        (1, 'keshavarzi', -5.0, 'bank'),
        (2, 'no_such_bank', 10.0, 'branch'),
        (3, null, 20.0, 'bank')
    ) as t(id, bank, allocated_amount, report_source)
)

select * from source`;

const BROKEN_TESTS = {
  grain_description: 'one row per id',
  grain: ['id'],
  not_null: ['bank'],
  accepted_codes: [{ column: 'bank', reference: 'banks' }],
  accepted_values: [{ column: 'report_source', values: ['bank', 'agency'], severity: 'warn' }],
  invariants: [
    { name: 'allocated_not_negative', check: 'allocated_amount >= 0', severity: 'error', why: 'an allocation is never negative' },
    { name: 'small', check: 'allocated_amount < 1000', severity: 'warn' },
  ],
};

describe('data tests', () => {
  it('catch each kind of broken row, with its severity, count and an example', async () => {
    const warehouse = await fixtureWarehouse({ empty: true });
    try {
      const dir = sqlDir({ 'marts/mart_broken.sql': BROKEN_MART, 'marts/mart_broken.tests.json': JSON.stringify(BROKEN_TESTS) });
      const report = await buildModels(warehouse.connection, { sqlDir: dir, loadId: 7 });
      expect(report.tests.map((t) => [t.test, t.severity, t.failing_rows, t.passed])).toEqual([
        ['not_null:bank', 'error', 1, false],
        ['accepted_values:report_source', 'warn', 1, false],
        ['invariant:allocated_not_negative', 'error', 1, false],
        ['invariant:small', 'warn', 0, true],
        ['unique:id', 'error', 2, false],
        ['accepted_codes:bank', 'error', 1, false],
      ]);
      const byTest = new Map(report.tests.map((t) => [t.test, t]));
      expect(byTest.get('invariant:allocated_not_negative')!.message).toBe(
        '1 row where allocated_amount >= 0 does not hold (an allocation is never negative); e.g. {"id":1}',
      );
      expect(byTest.get('accepted_codes:bank')!.message).toBe('1 row with a bank that is not a code in ref_banks; e.g. "no_such_bank"');
      expect(byTest.get('unique:id')!.message).toBe('2 rows sharing a grain key (id) with another row; e.g. {"id":1}');
      expect(report.failures.map((f) => f.severity)).toEqual(['error', 'error', 'error', 'error', 'warn']);

      const stored = await queryRows(warehouse.connection, `select load_id, model, test, severity, failing_rows, passed from data_test_results order by test`);
      expect(stored).toEqual([
        { load_id: 7, model: 'mart_broken', test: 'accepted_codes:bank', severity: 'error', failing_rows: 1, passed: false },
        { load_id: 7, model: 'mart_broken', test: 'accepted_values:report_source', severity: 'warn', failing_rows: 1, passed: false },
        { load_id: 7, model: 'mart_broken', test: 'invariant:allocated_not_negative', severity: 'error', failing_rows: 1, passed: false },
        { load_id: 7, model: 'mart_broken', test: 'invariant:small', severity: 'warn', failing_rows: 0, passed: true },
        { load_id: 7, model: 'mart_broken', test: 'not_null:bank', severity: 'error', failing_rows: 1, passed: false },
        { load_id: 7, model: 'mart_broken', test: 'unique:id', severity: 'error', failing_rows: 2, passed: false },
      ]);
      // Building again for the same load replaces its results rather than adding to them.
      await buildModels(warehouse.connection, { sqlDir: dir, loadId: 7 });
      expect(await queryRows(warehouse.connection, `select count(*) as n from data_test_results`)).toEqual([{ n: 6 }]);
    } finally {
      closeWarehouse(warehouse);
    }
  });

  it('reject a tests file that names a column the model lacks, naming the file', async () => {
    const warehouse = await fixtureWarehouse({ empty: true });
    try {
      const dir = sqlDir({ 'marts/mart_a.sql': 'select 1 as id', 'marts/mart_a.tests.json': JSON.stringify({ grain: ['key'] }) });
      await expect(buildModels(warehouse.connection, { sqlDir: dir })).rejects.toThrow('sql/marts/mart_a.tests.json: mart_a has no column key');
      const bad = sqlDir({ 'marts/mart_a.sql': 'select 1 as id', 'marts/mart_a.tests.json': JSON.stringify({ invariants: [{ name: 'x', check: 'id > 0', severity: 'fatal' }] }) });
      await expect(buildModels(warehouse.connection, { sqlDir: bad })).rejects.toThrow('sql/marts/mart_a.tests.json: invariants.0.severity');
    } finally {
      closeWarehouse(warehouse);
    }
  });

  it('on the real models, flag a cumulative figure that went down and a stage above the one before', async () => {
    const warehouse = await fixtureWarehouse();
    try {
      // A Q2 report lower than Q1 (a correction due), with more disbursed than contracted.
      await warehouse.connection.run(`update absorption set disbursed_amount = 35, contracted_amount = 30
        where year = 1394 and quarter = 2 and program = 'ndf_rural' and bank = 'keshavarzi'`);
      const report = await buildModels(warehouse.connection, { loadId: 3 });
      const failed = report.failures.map((f) => `${f.severity} ${f.model} ${f.test} ${f.failing_rows}`);
      expect(failed).toEqual(expect.arrayContaining([
        'warn mart_absorption invariant:disbursed_in_quarter_not_negative 1',
        'warn mart_absorption invariant:funnel_narrows 1',
      ]));
      expect(failed.filter((f) => f.startsWith('error'))).toEqual([]);
    } finally {
      closeWarehouse(warehouse);
    }
  });

  it('on the real models, fail with error severity when a row breaks a hard rule', async () => {
    const warehouse = await fixtureWarehouse();
    try {
      // The loader would quarantine these; here they reach the warehouse to prove the tests see them.
      await warehouse.connection.run(`update allocations set amount = -100 where notification_id = 'N-3'`);
      await warehouse.connection.run(`update projects set axis = 'A9' where project_id = 'P-02'`);
      const report = await buildModels(warehouse.connection, { loadId: 4 });
      const errors = report.failures.filter((f) => f.severity === 'error').map((f) => `${f.model} ${f.test}`);
      expect(errors).toEqual(expect.arrayContaining([
        'stg_allocations invariant:allocated_positive',
        'mart_absorption invariant:allocated_not_negative',
        'mart_projects accepted_codes:axis',
        'mart_jobs_by_axis accepted_codes:axis',
      ]));
      const stored = await queryRows(warehouse.connection, `select count(*) as n from data_test_results where load_id = 4 and not passed and severity = 'error'`);
      expect(stored).toEqual([{ n: errors.length }]);
    } finally {
      closeWarehouse(warehouse);
    }
  });
});
