/**
 * The notebooks' SQL cells, answered at build time from the warehouse and written into the page.
 *
 * The kit would run each SQL cell in a child process through its own DuckDB adapter, which does not
 * load with DuckDB 1.5 (it imports `VARINT`, renamed `BIGNUM` in 1.4), and would cache the result
 * under a name that ignores which warehouse file answered it. So each SQL cell becomes, before the
 * kit sees it, a JavaScript cell holding its rows, shaped as the kit's DatabaseClient.revive reads
 * them: DECIMAL stays exact text, BIGINT and HUGEINT become numbers, dates become Date objects.
 */
import { DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import { parseTemplate, type Cell, type Notebook } from '@observablehq/notebook-kit';

/** A column of a result as the kit's DatabaseClient.revive knows it, with DuckDB's own type beside. */
export interface ResultColumn {
  name: string;
  type: 'boolean' | 'integer' | 'bigint' | 'number' | 'date' | 'string' | 'buffer' | 'array' | 'other';
  databaseType: string;
}

/** An SQL cell's answer, in the shape the kit caches query results. */
export interface SqlResult {
  rows: Record<string, unknown>[];
  schema: ResultColumn[];
  duration: number;
  date: string;
}

/** The kit's type name for a DuckDB column (the mapping of its duckdb adapter, with BIGNUM for VARINT). */
function kitType(typeId: DuckDBTypeId): ResultColumn['type'] {
  switch (typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.BIT:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.BIGNUM:
      return 'integer';
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return 'bigint';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return 'number';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.DATE:
      return 'date';
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.UUID:
      return 'string';
    case DuckDBTypeId.BLOB:
      return 'buffer';
    case DuckDBTypeId.INTERVAL:
      return 'array';
    default:
      return 'other';
  }
}

/** Runs one SQL cell's query and returns its rows (money as exact text) and schema. */
export async function runSqlCell(connection: DuckDBConnection, sql: string, now = new Date()): Promise<SqlResult> {
  const start = performance.now();
  const result = await connection.runAndReadAll(sql);
  const schema = result.columnNames().map((name, i) => ({
    name,
    type: kitType(result.columnTypeId(i)),
    databaseType: result.columnType(i).toString(),
  }));
  return {
    rows: result.getRowObjectsJson(),
    schema,
    duration: Math.round(performance.now() - start),
    date: now.toISOString(),
  };
}

/** JSON that can sit in an inline <script>: no "<" can close it or open a comment. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Why an SQL cell cannot be answered at build time, or undefined when it can. */
export function sqlCellProblem(cell: Cell): string | undefined {
  if (!cell.database) return 'names no database; name the warehouse: database="../data/sample.duckdb"';
  if (!/\.duckdb$/i.test(cell.database)) {
    return `names database "${cell.database}"; the notebooks read the warehouse, a file ending .duckdb`;
  }
  if (parseTemplate(cell.value).expressions.length) {
    return (
      'interpolates ${…}: such a query runs in the browser against a build-time cache the offline page ' +
      'cannot read; select the rows in a plain SQL cell and filter them in JavaScript'
    );
  }
  return undefined;
}

/** Options of inlineSqlCells: how to name the notebook in messages, how to answer a query, and the table module. */
export interface InlineSqlOptions {
  notebook: string;
  query: (sql: string) => Promise<SqlResult>;
  /** Import path of the module exporting `sqlTable(rows, options)`, relative to the notebook. */
  tableModule: string;
  /** Persian column headers by column name (from the metric dictionary). */
  headers: Map<string, string>;
}

/**
 * Replaces every SQL cell of `notebook` by a JavaScript cell holding its rows: shown as a table
 * unless the cell is hidden, and bound to the cell's `output` name as the kit does.
 */
export async function inlineSqlCells(notebook: Notebook, options: InlineSqlOptions): Promise<Notebook> {
  for (const cell of notebook.cells) {
    if (cell.mode !== 'sql') continue;
    const problem = sqlCellProblem(cell);
    if (problem) throw new Error(`${options.notebook} SQL cell ${cell.id} ${problem}`);
    let result: SqlResult;
    try {
      result = await options.query(cell.value);
    } catch (error) {
      throw new Error(`${options.notebook} SQL cell ${cell.id} failed: ${(error as Error).message.split('\n')[0]}`);
    }
    const rows = `DatabaseClient.revive(${scriptJson(result)})`;
    const header = Object.fromEntries(
      result.schema.flatMap(({ name }) => (options.headers.has(name) ? [[name, options.headers.get(name)!]] : [])),
    );
    const table = scriptJson({ sql: cell.value, header });
    cell.mode = 'js';
    // The kit would show the cell's source when pinned: that would be this generated code, so the
    // query is shown under its table instead.
    cell.pinned = false;
    cell.value = cell.hidden
      ? rows
      : `import(${JSON.stringify(options.tableModule)}).then((_) => _.sqlTable(${rows}, ${table}))` +
        (cell.output ? '.then(view)' : '');
  }
  return notebook;
}
