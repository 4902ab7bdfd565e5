/**
 * How a notebook page shows an SQL cell's rows: Observable Inputs' table, with Persian headers from
 * the metric dictionary, money exact to the rial in Persian digits, rates as percentages, and the
 * query itself under the table. The table's `value` is the rows as the warehouse returned them.
 */
import * as Inputs from '@observablehq/inputs';
import { formatExactMillions, formatNumber, formatPercent, localDigits, parseMicro } from '../format.ts';

/** A column as the build describes it (see sql.ts): the kit's type and DuckDB's. */
interface Column {
  name: string;
  type: string;
  databaseType?: string;
}

/** Rows as DatabaseClient.revive returns them: an array with its schema. */
type Rows = Record<string, unknown>[] & { schema?: Column[] };

/** Options of sqlTable: the query shown under the table, and Persian headers by column name. */
export interface SqlTableOptions {
  sql?: string;
  header?: Record<string, string>;
}

const isRatio = (name: string): boolean => /(_rate|_share|utilization)$/.test(name);

/** A DECIMAL's text shown exactly: grouping, Persian digits, trailing zeros dropped. */
function exactDecimal(text: unknown): string {
  if (text === null || text === undefined) return '—';
  const value = String(text);
  const scale = value.split('.')[1]?.length ?? 0;
  return scale <= 6 ? formatExactMillions(parseMicro(value), 'fa') : localDigits(value, 'fa');
}

/** The formatter of one column. */
function formatOf(column: Column): ((value: unknown) => string) | undefined {
  if (column.databaseType?.startsWith('DECIMAL')) return exactDecimal;
  if (column.type === 'integer' || column.type === 'bigint' || column.type === 'number') {
    // A Jalali year or a quarter is a label, not a quantity: no thousands separator.
    if (/(^|_)(year|quarter)$/.test(column.name))
      return (v) => (v === null || v === undefined ? '—' : localDigits(String(v), 'fa'));
    return isRatio(column.name)
      ? (v) => formatPercent(v as number | null, 'fa')
      : (v) => formatNumber(v as number | null, 'fa', 2);
  }
  if (column.type === 'date')
    return (v) => (v instanceof Date ? v.toLocaleDateString('fa-IR', { timeZone: 'UTC' }) : '—');
  if (column.type === 'boolean') return (v) => (v === null || v === undefined ? '—' : v ? 'بله' : 'خیر');
  return undefined;
}

const DECIMAL_TEXT = /^-?\d+\.\d+$/;

/** The columns of rows that carry no schema (rows a cell derived): DECIMAL text, numbers, dates. */
function inferColumns(rows: Record<string, unknown>[]): Column[] {
  return Object.keys(rows[0] ?? {}).map((name) => {
    const values = rows.map((r) => r[name]).filter((v) => v !== null && v !== undefined);
    if (values.length && values.every((v) => typeof v === 'string' && DECIMAL_TEXT.test(v))) {
      return { name, type: 'other', databaseType: 'DECIMAL' };
    }
    if (values.length && values.every((v) => typeof v === 'number')) return { name, type: 'number' };
    if (values.length && values.every((v) => v instanceof Date)) return { name, type: 'date' };
    return { name, type: 'other' };
  });
}

/** The table of an SQL cell's rows, or of rows a cell derived from them (their columns inferred). */
export function sqlTable(rows: Rows, options: SqlTableOptions = {}): HTMLElement {
  const columns = rows.schema ?? inferColumns(rows);
  const format: Record<string, (value: unknown) => string> = {};
  const align: Record<string, 'left' | 'right'> = {};
  for (const column of columns) {
    const f = formatOf(column);
    if (f) {
      format[column.name] = f;
      align[column.name] = 'left';
    } else {
      align[column.name] = 'right';
    }
  }
  const table = Inputs.table(rows, {
    format,
    align,
    header: options.header,
    select: false,
    layout: 'auto',
    rows: 12.5,
  }) as HTMLElement;
  table.classList.add('sql-table');
  if (options.sql) {
    const details = document.createElement('details');
    details.className = 'sql';
    const summary = document.createElement('summary');
    summary.textContent = `پرسش SQL (${formatNumber(rows.length, 'fa')} سطر)`;
    const code = document.createElement('pre');
    code.textContent = options.sql;
    details.append(summary, code);
    table.append(details);
  }
  return table;
}
