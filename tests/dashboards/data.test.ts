/** Which warehouses are synthetic: a `load_drops` row marked so, or (before that table) a load of data/sample. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSynthetic } from '../../dashboards/data.ts';
import { closeWarehouse, openWarehouse, type Warehouse } from '../../pipelines/db.ts';

let warehouse: Warehouse;

beforeEach(async () => {
  warehouse = await openWarehouse(':memory:');
  await warehouse.connection.run('create table load_runs (load_id integer, drops varchar)');
});
afterEach(() => closeWarehouse(warehouse));

describe('isSynthetic', () => {
  it('is false for a warehouse loaded from planners’ own drops', async () => {
    await warehouse.connection.run("insert into load_runs values (1, 'drops/1394-Q2, drops/1394-Q3')");
    expect(await isSynthetic(warehouse.connection)).toBe(false);
  });

  it('falls back to the drops’ paths when load_drops does not exist yet', async () => {
    await warehouse.connection.run("insert into load_runs values (1, 'data/sample/1394-Q1, data/sample/1394-Q2')");
    expect(await isSynthetic(warehouse.connection)).toBe(true);
  });

  it('believes load_drops when it marks a drop synthetic, wherever the drop lives', async () => {
    const c = warehouse.connection;
    await c.run("insert into load_runs values (1, '/home/planner/synthetic-test')");
    await c.run('create table load_drops (load_id integer, drop_path varchar, synthetic boolean)');
    await c.run("insert into load_drops values (1, '/home/planner/synthetic-test', false)");
    expect(await isSynthetic(c)).toBe(false);
    await c.run("insert into load_drops values (1, '/home/planner/other', true)");
    expect(await isSynthetic(c)).toBe(true);
  });
});
