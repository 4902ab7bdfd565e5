/** Where a row stands in its file, as every message names it. */

/**
 * SQL for a row's place in its file: `file line 7`, or `file record 3 (line 1)` for a record of a
 * JSON array, where several records may share one line. Arguments are SQL expressions.
 */
export function locationSql(file: string, line: string, record: string): string {
  return `${file} || coalesce(' record ' || ${record} || ' (line ' || ${line} || ')', ' line ' || ${line})`;
}
