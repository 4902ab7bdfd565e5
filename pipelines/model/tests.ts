/**
 * Data tests beside each model (`<model>.tests.json`): the grain (unique, not null), accepted
 * codes (against a ref_ table) or values, and row invariants, each with a severity. They run after
 * every build; each result is one row of `data_test_results`.
 *
 * An invariant is a SQL boolean over one row of the model that must hold; one that is NULL
 * (unknown, e.g. a rate with no allocation) passes, as a CHECK constraint would.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { ident, queryRows } from '../db.ts';
import { REFERENCE_TABLES } from '../schema/warehouse.ts';

const severity = z.enum(['error', 'warn']);
export type Severity = z.infer<typeof severity>;

/** The shape of a `<model>.tests.json` file. */
export const modelTestsSchema = z.strictObject({
  /** What one row is, in words (for the metric dictionary and reviewers). */
  grain_description: z.string().optional(),
  /** Columns that together identify a row: no two rows share them (NULL matches NULL). */
  grain: z.array(z.string()).default([]),
  grain_severity: severity.default('error'),
  /** Columns that must never be NULL. */
  not_null: z.array(z.string()).default([]),
  not_null_severity: severity.default('error'),
  /** Code columns whose non-NULL values must be a `code` of a reference table. */
  accepted_codes: z.array(z.strictObject({ column: z.string(), reference: z.enum(REFERENCE_TABLES), severity: severity.default('error') })).default([]),
  /** Columns whose non-NULL values must be one of a fixed list. */
  accepted_values: z.array(z.strictObject({ column: z.string(), values: z.array(z.string()).min(1), severity: severity.default('error') })).default([]),
  /** Row invariants: `check` is a SQL boolean over the model's columns. */
  invariants: z.array(z.strictObject({ name: z.string().regex(/^[a-z0-9_]+$/), check: z.string().min(1), severity, why: z.string().optional() })).default([]),
});
export type ModelTests = z.infer<typeof modelTestsSchema>;

export interface DataTestResult {
  model: string;
  test: string;
  severity: Severity;
  failing_rows: number;
  passed: boolean;
  message: string;
}

export const DATA_TEST_RESULTS_DDL = `create table if not exists data_test_results (
  load_id INTEGER,
  model VARCHAR,
  test VARCHAR,
  severity VARCHAR,
  failing_rows BIGINT,
  passed BOOLEAN,
  message VARCHAR
)`;

/** Reads and checks a tests file; a malformed one is an error naming it. */
export function readModelTests(path: string, file: string): ModelTests {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = modelTestsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** A check queued for one model: the aggregate that counts its failing rows and gives an example. */
interface Check { test: string; severity: Severity; failing: string; example: string; describe: (n: number) => string }

/** Runs one model's data tests; a column the tests name that the model lacks is an error. */
export async function runModelTests(
  connection: DuckDBConnection,
  model: string,
  tests: ModelTests,
  file: string,
): Promise<DataTestResult[]> {
  const columns = new Set(
    (await queryRows<{ column_name: string }>(connection, `select column_name from (describe ${ident(model)})`)).map((r) => r.column_name),
  );
  const named = [...tests.grain, ...tests.not_null, ...tests.accepted_codes.map((a) => a.column), ...tests.accepted_values.map((a) => a.column)];
  for (const column of named) {
    if (!columns.has(column)) throw new Error(`${file}: ${model} has no column ${column}`);
  }
  const table = ident(model);
  // An example of a failing row shows its grain (or every column when the model declares none).
  const exampleOf = (where: string) =>
    `to_json(first(${tests.grain.length ? `struct_pack(${tests.grain.map((c) => `${ident(c)} := ${ident(c)}`).join(', ')})` : 'm'}) filter (where ${where}))`;
  const results: DataTestResult[] = [];
  const params: Record<string, unknown> = {};
  const checks: Check[] = [];

  for (const column of tests.not_null) {
    const where = `${ident(column)} is null`;
    checks.push({ test: `not_null:${column}`, severity: tests.not_null_severity, failing: `count(*) filter (where ${where})`, example: exampleOf(where), describe: (n) => `${n} rows have no ${column}` });
  }
  tests.accepted_values.forEach((accepted, index) => {
    params[`values_${index}`] = listValue(accepted.values);
    const where = `${ident(accepted.column)} is not null and not list_contains($values_${index}, ${ident(accepted.column)})`;
    checks.push({
      test: `accepted_values:${accepted.column}`,
      severity: accepted.severity,
      failing: `count(*) filter (where ${where})`,
      example: `to_json(first(${ident(accepted.column)}) filter (where ${where}))`,
      describe: (n) => `${n} rows have ${accepted.column} outside ${accepted.values.join(', ')}`,
    });
  });
  for (const invariant of tests.invariants) {
    const where = `not coalesce((${invariant.check}), true)`;
    checks.push({
      test: `invariant:${invariant.name}`,
      severity: invariant.severity,
      failing: `count(*) filter (where ${where})`,
      example: exampleOf(where),
      describe: (n) => `${n} rows break ${invariant.check}${invariant.why ? ` (${invariant.why})` : ''}`,
    });
  }

  // Every row-wise check of a model in one scan.
  if (checks.length > 0) {
    const select = checks.map((check, i) => `${check.failing} as f${i}, ${check.example} as e${i}`).join(',\n  ');
    let row: Record<string, unknown>;
    try {
      row = (await queryRows(connection, `select\n  ${select}\nfrom ${table} m`, params))[0]!;
    } catch (error) {
      throw new Error(`${file}: a test could not run: ${(error as Error).message}`);
    }
    checks.forEach((check, i) => results.push(result(model, check.test, check.severity, Number(row[`f${i}`]), check.describe, row[`e${i}`])));
  }

  if (tests.grain.length > 0) {
    const key = tests.grain.map(ident).join(', ');
    const [row] = await queryRows<{ rows: bigint | null; example: string | null }>(
      connection,
      `select sum(n) as rows, to_json(first(key)) as example
       from (select struct_pack(${tests.grain.map((c) => `${ident(c)} := ${ident(c)}`).join(', ')}) as key, count(*) as n
             from ${table} group by ${key} having count(*) > 1)`,
    );
    results.push(result(model, `unique:${tests.grain.join('+')}`, tests.grain_severity, Number(row?.rows ?? 0), (n) => `${n} rows share a grain key (${tests.grain.join(', ')}) with another row`, row?.example));
  }

  for (const accepted of tests.accepted_codes) {
    const column = ident(accepted.column);
    const [row] = await queryRows<{ n: bigint; example: string | null }>(
      connection,
      `select count(*) as n, to_json(first(m.${column})) as example
       from ${table} m anti join ${ident(`ref_${accepted.reference}`)} r on m.${column} = r.code
       where m.${column} is not null`,
    );
    results.push(result(model, `accepted_codes:${accepted.column}`, accepted.severity, Number(row?.n ?? 0), (n) => `${n} rows have a ${accepted.column} that is not a code of ref_${accepted.reference}`, row?.example));
  }
  return results;
}

function result(model: string, test: string, severity: Severity, failing: number, describe: (n: number) => string, example: unknown): DataTestResult {
  const passed = failing === 0;
  return { model, test, severity, failing_rows: failing, passed, message: passed ? 'ok' : `${describe(failing)}; e.g. ${String(example)}` };
}

/** Replaces this load's rows of data_test_results with `results`. */
export async function storeTestResults(connection: DuckDBConnection, loadId: number | null, results: DataTestResult[]): Promise<void> {
  await connection.run(DATA_TEST_RESULTS_DDL);
  await connection.run(`delete from data_test_results where load_id is not distinct from $load_id::INTEGER`, { load_id: loadId });
  if (results.length === 0) return;
  const insert = await connection.prepare(
    `insert into data_test_results values ($load_id::INTEGER, $model, $test, $severity, $failing_rows::BIGINT, $passed::BOOLEAN, $message)`,
  );
  for (const r of results) {
    insert.bind({ load_id: loadId, model: r.model, test: r.test, severity: r.severity, failing_rows: r.failing_rows, passed: r.passed, message: r.message } as never);
    await insert.run();
  }
  insert.destroySync();
}
