/** The model graph: discovery, references, run order, and the errors that name the file. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SQL_DIR, buildModels, planModels } from '../../pipelines/model.ts';
import { referencedNames } from '../../pipelines/model/graph.ts';
import { closeWarehouse, fixtureWarehouse } from '../fixtures/models/warehouse.ts';

/** A throwaway sql/ folder holding `files` (path under sql/ → SQL). */
function sqlDir(files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'models-')), 'sql');
  for (const [path, sql] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), sql);
  }
  return dir;
}

describe('references', () => {
  it('ignore comments and string literals, and read quoted identifiers', () => {
    const names = referencedNames(`
      -- select * from mart_in_a_line_comment
      /* int_in_a_block
         comment */
      select 'stg_in_a_string', 'it''s stg_escaped', $$stg_dollar$$, "stg_quoted" as x, $param
      from stg_real s join "int_real" i on true`);
    expect([...names].filter((n) => /^(stg|int|mart)_/.test(n)).sort()).toEqual(['int_real', 'stg_quoted', 'stg_real']);
  });

  it('ignore nested block comments and dollar-quoted strings whose tag has digits', () => {
    const names = referencedNames(`
      /* outer /* inner int_nested */ still a comment: mart_after_inner */
      select $q1$ stg_in_q1 $q$ not the end $q1$, $a_2$stg_in_a_2$a_2$ as x, $1
      from stg_real`);
    expect([...names].filter((n) => /^(stg|int|mart)_/.test(n)).sort()).toEqual(['stg_real']);
  });
});

describe('the run order', () => {
  it('is derived from the SQL: every model after its parents, sources are not models', () => {
    const plan = planModels(sqlDir({
      'marts/mart_b.sql': 'select * from int_a join stg_z using (id)',
      'intermediate/int_a.sql': 'select * from stg_z -- not mart_b',
      'staging/stg_z.sql': 'select * from absorption join ref_banks on true',
      'marts/mart_a.sql': 'select * from mart_b',
    }));
    expect(plan.map((m) => [m.name, m.layer, m.materialized, m.parents, m.sources])).toEqual([
      ['stg_z', 'staging', 'view', [], ['absorption', 'ref_banks']],
      ['int_a', 'intermediate', 'table', ['stg_z'], []],
      ['mart_b', 'marts', 'table', ['int_a', 'stg_z'], []],
      ['mart_a', 'marts', 'table', ['mart_b'], []],
    ]);
  });

  it('of the project\'s own models puts staging, then intermediate, then marts', () => {
    const plan = planModels(DEFAULT_SQL_DIR);
    const layers = plan.map((m) => m.layer);
    expect(layers.indexOf('intermediate')).toBeGreaterThan(layers.lastIndexOf('staging'));
    expect(layers.indexOf('marts')).toBeGreaterThan(layers.lastIndexOf('intermediate'));
    expect(plan.filter((m) => m.layer === 'marts').map((m) => m.name)).toEqual(expect.arrayContaining([
      'mart_absorption', 'mart_gap_stages', 'mart_reasons', 'mart_ndf_lines', 'mart_jobs_by_axis', 'mart_projects',
    ]));
    for (const m of plan.filter((m) => m.layer !== 'staging')) expect(m.testsPath, `${m.file} has tests beside it`).toBeDefined();
  });

  it('takes a materialization from the file\'s header', () => {
    const plan = planModels(sqlDir({ 'intermediate/int_small.sql': '-- A small lookup.\n-- materialized: view\nselect 1 as x' }));
    expect(plan[0]!.materialized).toBe('view');
  });
});

describe('a broken graph is an error naming the file', () => {
  it('for a cycle', () => {
    const dir = sqlDir({
      'intermediate/int_a.sql': 'select * from int_b',
      'intermediate/int_b.sql': 'select * from int_c',
      'intermediate/int_c.sql': 'select * from int_a',
      'staging/stg_ok.sql': 'select 1',
    });
    expect(() => planModels(dir)).toThrow('dependency cycle: sql/intermediate/int_a.sql → sql/intermediate/int_b.sql → sql/intermediate/int_c.sql → sql/intermediate/int_a.sql');
  });

  it('for a model that reads itself', () => {
    expect(() => planModels(sqlDir({ 'marts/mart_a.sql': 'select * from mart_a' }))).toThrow('dependency cycle: sql/marts/mart_a.sql refers to itself');
  });

  it('for a missing parent', () => {
    expect(() => planModels(sqlDir({ 'marts/mart_a.sql': 'select * from int_missing' }))).toThrow(
      'sql/marts/mart_a.sql: refers to int_missing, but there is no model file int_missing.sql',
    );
  });

  it('for a model reading a later layer', () => {
    expect(() => planModels(sqlDir({ 'staging/stg_a.sql': 'select * from mart_b', 'marts/mart_b.sql': 'select 1' }))).toThrow(
      'sql/staging/stg_a.sql: a staging model cannot read mart_b, which is in the later layer marts',
    );
  });

  it('for a file misnamed or outside the layers', () => {
    expect(() => planModels(sqlDir({ 'marts/absorption_summary.sql': 'select 1' }))).toThrow('sql/marts/absorption_summary.sql: a marts model\'s file name must be mart_');
    expect(() => planModels(sqlDir({ 'reports/mart_a.sql': 'select 1' }))).toThrow('sql/reports/mart_a.sql: a model must sit in one of');
  });

  it('for SQL that does not run, before anything is built after it', async () => {
    const warehouse = await fixtureWarehouse({ empty: true });
    try {
      const dir = sqlDir({ 'staging/stg_a.sql': 'select 1 as x', 'marts/mart_b.sql': 'select no_such_column from stg_a' });
      await expect(buildModels(warehouse.connection, { sqlDir: dir })).rejects.toThrow(/^sql\/marts\/mart_b\.sql: .*no_such_column/);
    } finally {
      closeWarehouse(warehouse);
    }
  });
});

describe('materialization', () => {
  it('replaces a view by a table (and back) when a model changes kind', async () => {
    const warehouse = await fixtureWarehouse({ empty: true });
    try {
      const asView = sqlDir({ 'intermediate/int_a.sql': '-- materialized: view\nselect 1 as x' });
      const asTable = sqlDir({ 'intermediate/int_a.sql': 'select 2 as x' });
      await buildModels(warehouse.connection, { sqlDir: asView });
      const report = await buildModels(warehouse.connection, { sqlDir: asTable });
      expect(report.models).toMatchObject([{ name: 'int_a', materialized: 'table', rows: 1 }]);
      await buildModels(warehouse.connection, { sqlDir: asView });
      const kind = await warehouse.connection.runAndReadAll(`select table_type from information_schema.tables where table_name = 'int_a'`);
      expect(kind.getRowObjectsJson()).toEqual([{ table_type: 'VIEW' }]);
    } finally {
      closeWarehouse(warehouse);
    }
  });
});
