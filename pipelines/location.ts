/** Where a row stands in its file, as every message names it. */

/**
 * How a workbook's sheet is named in messages and lineage (source_file): the file, then the
 * sheet, `1394-Q2/گزارش بانک ملت.xlsx, sheet عملکرد`; its rows are then named by their Excel row.
 */
export function sheetFileName(file: string, sheet: string): string {
  return `${file}, sheet ${sheet}`;
}

/** SQL true when the source_file expression `file` names a workbook's sheet (see sheetFileName). */
const isSheetSql = (file: string) => `regexp_matches(${file}, '\\.xls[xm], sheet [^/]*$')`;

/**
 * SQL for a row's place in its file: `file line 7`, `file record 3 (line 1)` for a record of a
 * JSON array, where several records may share one line, or `file.xlsx, sheet S, row 11` for a
 * workbook's row. Arguments are SQL expressions.
 */
export function locationSql(file: string, line: string, record: string): string {
  return `${file} || case when ${isSheetSql(file)} then ', row ' || ${line}
    else coalesce(' record ' || ${record} || ' (line ' || ${line} || ')', ' line ' || ${line}) end`;
}

/** A row's place in its file, as locationSql gives it (for messages built in JavaScript). */
export function locationText(file: string, line: number | bigint): string {
  return /\.xls[xm], sheet [^/]*$/.test(file) ? `${file}, row ${line}` : `${file} line ${line}`;
}
