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

/** One check of a model: the condition a failing row meets, and what to show of it. */
interface Check { test: string; severity: Severity; fails: string; example: string; describe: (n: number) => string }

/**
 * Runs one model's data tests in a single scan of it. `columns` are the model's columns; a column
 * the tests name that the model lacks is an error naming the tests file.
 */
export async function runModelTests(
  connection: DuckDBConnection,
  model: string,
  tests: ModelTests,
  file: string,
  columns: ReadonlySet<string>,
): Promise<DataTestResult[]> {
  const named = [...tests.grain, ...tests.not_null, ...tests.accepted_codes.map((a) => a.column), ...tests.accepted_values.map((a) => a.column)];
  for (const column of named) {
    if (!columns.has(column)) throw new Error(`${file}: ${model} has no column ${column}`);
  }
  // A failing row is shown by its grain (or by every column when the model declares none).
  const grainStruct = tests.grain.length ? `struct_pack(${tests.grain.map((c) => `${ident(c)} := ${ident(c)}`).join(', ')})` : 'm';
  const params: Record<string, unknown> = {};
  const joins: string[] = [];
  const extra: string[] = [];
  const checks: Check[] = [];

  for (const column of tests.not_null) {
    checks.push({ test: `not_null:${column}`, severity: tests.not_null_severity, fails: `${ident(column)} is null`, example: grainStruct, describe: (n) => `${rows(n)} with no ${column}` });
  }
  tests.accepted_values.forEach((accepted, i) => {
    params[`values_${i}`] = listValue(accepted.values);
    checks.push({
      test: `accepted_values:${accepted.column}`,
      severity: accepted.severity,
      fails: `${ident(accepted.column)} is not null and not list_contains($values_${i}, ${ident(accepted.column)})`,
      example: ident(accepted.column),
      describe: (n) => `${rows(n)} with ${accepted.column} not one of ${accepted.values.join(', ')}`,
    });
  });
  for (const invariant of tests.invariants) {
    checks.push({
      test: `invariant:${invariant.name}`,
      severity: invariant.severity,
      fails: `not coalesce((${invariant.check}), true)`,
      example: grainStruct,
      describe: (n) => `${rows(n)} where ${invariant.check} does not hold${invariant.why ? ` (${invariant.why})` : ''}`,
    });
  }
  if (tests.grain.length > 0) {
    extra.push(`count(*) over (partition by ${tests.grain.map((c) => `m.${ident(c)}`).join(', ')}) as __grain_rows`);
    checks.push({
      test: `unique:${tests.grain.join('+')}`,
      severity: tests.grain_severity,
      fails: '__grain_rows > 1',
      example: grainStruct,
      describe: (n) => `${rows(n)} sharing a grain key (${tests.grain.join(', ')}) with another row`,
    });
  }
  tests.accepted_codes.forEach((accepted, i) => {
    // distinct: a code listed twice in a reference file must not double the model's rows.
    joins.push(`left join (select distinct code from ${ident(`ref_${accepted.reference}`)}) r${i} on r${i}.code = m.${ident(accepted.column)}`);
    extra.push(`r${i}.code as __code_${i}`);
    checks.push({
      test: `accepted_codes:${accepted.column}`,
      severity: accepted.severity,
      fails: `${ident(accepted.column)} is not null and __code_${i} is null`,
      example: ident(accepted.column),
      describe: (n) => `${rows(n)} with a ${accepted.column} that is not a code in ref_${accepted.reference}`,
    });
  });
  if (checks.length === 0) return [];

  const rowsOf = extra.length ? `(select m.*, ${extra.join(', ')} from ${ident(model)} m ${joins.join(' ')})` : ident(model);
  const run = async (select: string[]) => {
    try {
      const sql = `select\n  ${select.join(',\n  ')}\nfrom ${rowsOf} m`;
      const used = Object.fromEntries(Object.entries(params).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql)));
      return (await queryRows(connection, sql, used))[0]!;
    } catch (error) {
      throw new Error(`${file}: a test could not run: ${(error as Error).message}`);
    }
  };
  const counts = await run(checks.map((check, i) => `count(*) filter (where ${check.fails}) as f${i}`));
  const failing = checks.flatMap((check, i) => (Number(counts[`f${i}`]) > 0 ? [{ check, i }] : []));
  // An example of each failure, in a second scan only when something failed (examples cost more);
  // the smallest, so that the same data always gives the same message.
  const examples = failing.length
    ? await run(failing.map(({ check, i }) => `to_json(min(${check.example}) filter (where ${check.fails})) as e${i}`))
    : {};
  return checks.map((check, i) => result(model, check.test, check.severity, Number(counts[`f${i}`]), check.describe, examples[`e${i}`]));
}

/** "1 row", "3 rows". */
function rows(n: number): string {
  return `${n} row${n === 1 ? '' : 's'}`;
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
  const appender = await connection.createAppender('data_test_results');
  for (const r of results) {
    if (loadId === null) appender.appendNull();
    else appender.appendInteger(loadId);
    appender.appendVarchar(r.model);
    appender.appendVarchar(r.test);
    appender.appendVarchar(r.severity);
    appender.appendBigInt(BigInt(r.failing_rows));
    appender.appendBoolean(r.passed);
    appender.appendVarchar(r.message);
    appender.endRow();
  }
  appender.closeSync();
}
