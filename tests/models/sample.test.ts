/**
 * The models on the bundled synthetic sample, loaded by the pipeline end to end: the projects of
 * the 1394/04/08 session add up to its figures, and no data test fails with error severity.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeWarehouse, openWarehouse, queryRows, type Warehouse } from '../../pipelines/db.ts';
import { runPipeline, type RunSummary } from '../../pipelines/run.ts';

const SAMPLE = 'data/sample';
let summary: RunSummary;
let warehouse: Warehouse;

beforeAll(async () => {
  const drops = readdirSync(SAMPLE, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(SAMPLE, d.name)).sort();
  const dbPath = join(mkdtempSync(join(tmpdir(), 'models-sample-')), 'warehouse.duckdb');
  summary = await runPipeline({ drops, dbPath, log: () => {} });
  warehouse = await openWarehouse(dbPath);
}, 300_000);
afterAll(() => warehouse && closeWarehouse(warehouse));

describe('the sample drops', () => {
  it('give 12 projects, 40,500 new and 17,100 sustained jobs in mart_jobs_by_axis', async () => {
    const [totals] = await queryRows(warehouse.connection, `
      select sum(project_count) as projects, sum(new_jobs) as new_jobs, sum(sustained_jobs) as sustained_jobs from mart_jobs_by_axis`);
    expect(totals).toEqual({ projects: 12, new_jobs: 40_500, sustained_jobs: 17_100 });
    const [projects] = await queryRows(warehouse.connection, `select count(*) as n, sum(new_jobs) as new_jobs, sum(sustained_jobs) as sustained_jobs from mart_projects`);
    expect(projects).toEqual({ n: 12, new_jobs: 40_500, sustained_jobs: 17_100 });
  });

  it('build every model and pass every error-severity data test', () => {
    expect(summary.models?.models.length).toBeGreaterThanOrEqual(24);
    expect(summary.models?.failures.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('count the same money once: province totals equal the sum of programmes', async () => {
    const rows = await queryRows(warehouse.connection, `
      select p.year, p.quarter
      from mart_absorption_trend p
      join (select year, quarter, sum(allocated_amount) as allocated_amount, sum(disbursed_amount) as disbursed_amount
            from mart_absorption_trend where scope = 'program' group by all) s using (year, quarter)
      where p.scope = 'province'
        and (p.allocated_amount is distinct from s.allocated_amount or p.disbursed_amount is distinct from s.disbursed_amount)`);
    expect(rows).toEqual([]);
  });
});
