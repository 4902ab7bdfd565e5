/**
 * The warehouse's tables, derived from the dataset schemas: one core table per dataset (cleaned,
 * typed, with its lineage), the reference tables, and the run bookkeeping of CONTRACT §4–5.
 */
import type { z } from 'zod';
import { columnMeta, type ColumnKind } from './columns.ts';
import { DATASETS, type DatasetDefinition } from './datasets.ts';

/** SQL type of a cleaned column of each kind. Money is million rials, exact to the rial. */
export const SQL_TYPE: Record<ColumnKind, string> = {
  int: 'BIGINT',
  money: 'DECIMAL(18,6)',
  decimal: 'DECIMAL(9,4)',
  code: 'VARCHAR',
  code_list: 'VARCHAR',
  text: 'VARCHAR',
  enum: 'VARCHAR',
  date: 'DATE',
};

/** Lineage kept on every loaded row (CONTRACT §5). */
export const LINEAGE_COLUMNS = [
  ['load_id', 'INTEGER'],
  ['source_file', 'VARCHAR'],
  ['source_line', 'BIGINT'],
  // The record's number in a JSON array (several records may share a line); NULL for other formats.
  ['source_record', 'BIGINT'],
] as const;

export interface WarehouseColumn { name: string; type: string; kind: ColumnKind | 'lineage' | 'jalali' }

/** The columns of a dataset's core table, in order: its own, a `_jalali` twin per date, lineage. */
export function coreColumns(dataset: DatasetDefinition): WarehouseColumn[] {
  const columns: WarehouseColumn[] = [];
  for (const [name, column] of Object.entries(dataset.schema.shape)) {
    const { kind } = columnMeta(column as z.ZodType);
    columns.push({ name, type: SQL_TYPE[kind], kind });
    if (kind === 'date') columns.push({ name: `${name}_jalali`, type: 'VARCHAR', kind: 'jalali' });
  }
  for (const [name, type] of LINEAGE_COLUMNS) columns.push({ name, type, kind: 'lineage' });
  return columns;
}

/** CREATE TABLE statement of a dataset's core table. */
export function coreTableDdl(dataset: DatasetDefinition): string {
  const body = coreColumns(dataset).map((c) => `  "${c.name}" ${c.type}`).join(',\n');
  return `create table if not exists "${dataset.name}" (\n${body}\n)`;
}

/** Reference tables, loaded from data/reference/<name>.csv into ref_<name> on every run. */
export const REFERENCE_TABLES = ['programs', 'banks', 'agencies', 'counties', 'axes', 'reasons', 'funding_sources', 'sectors', 'statuses'] as const;

export const BOOKKEEPING_DDL = [
  `create sequence if not exists load_id_seq start 1`,
  `create table if not exists load_runs (
    load_id INTEGER primary key,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    duration_ms BIGINT,
    drops VARCHAR,
    files INTEGER,
    files_failed INTEGER,
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_unchanged BIGINT,
    rows_quarantined BIGINT,
    rows_duplicate BIGINT,
    rows_totals BIGINT,
    warnings BIGINT,
    data_test_failures INTEGER
  )`,
  `create table if not exists load_files (
    load_id INTEGER,
    source_file VARCHAR,
    dataset VARCHAR,
    encoding VARCHAR,
    format VARCHAR,
    unit VARCHAR,
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_unchanged BIGINT,
    rows_quarantined BIGINT,
    rows_duplicate BIGINT,
    rows_totals BIGINT,
    warnings BIGINT,
    error VARCHAR,
    duration_ms BIGINT
  )`,
  `create table if not exists quarantine (
    load_id INTEGER,
    dataset VARCHAR,
    source_file VARCHAR,
    source_line BIGINT,
    source_record BIGINT,
    column_name VARCHAR,
    column_label VARCHAR,
    found VARCHAR,
    message VARCHAR,
    raw_values VARCHAR
  )`,
  // A stored row that a later load replaced (a corrected value) or retracted (no longer listed by
  // a corrected file with "replace": "quarters"), with its old values and where they came from.
  `create table if not exists replaced_rows (
    load_id INTEGER,
    dataset VARCHAR,
    change VARCHAR,
    natural_key VARCHAR,
    old_values VARCHAR,
    old_load_id INTEGER,
    old_source_file VARCHAR,
    old_source_line BIGINT,
    old_source_record BIGINT,
    new_source_file VARCHAR,
    new_source_line BIGINT
  )`,
  `create table if not exists dq_warnings (
    load_id INTEGER,
    dataset VARCHAR,
    source_file VARCHAR,
    source_line BIGINT,
    rule VARCHAR,
    message VARCHAR
  )`,
];

/** Columns added since the first warehouses were made: added to an older warehouse as it is opened. */
const ADDED_COLUMNS: [table: string, column: string, type: string][] = [
  ['quarantine', 'source_record', 'BIGINT'],
  ['load_runs', 'rows_new', 'BIGINT'],
  ['load_runs', 'rows_replaced', 'BIGINT'],
  ['load_runs', 'rows_retracted', 'BIGINT'],
  ['load_runs', 'rows_blank', 'BIGINT'],
  ['load_files', 'rows_new', 'BIGINT'],
  ['load_files', 'rows_replaced', 'BIGINT'],
  ['load_files', 'rows_retracted', 'BIGINT'],
  ['load_files', 'rows_blank', 'BIGINT'],
  ...Object.values(DATASETS).map((d): [string, string, string] => [d.name, 'source_record', 'BIGINT']),
];

/** Every CREATE statement the warehouse needs, in order. */
export function warehouseDdl(): string[] {
  return [
    ...BOOKKEEPING_DDL,
    ...Object.values(DATASETS).map((d) => coreTableDdl(d)),
    ...ADDED_COLUMNS.map(([table, column, type]) => `alter table "${table}" add column if not exists "${column}" ${type}`),
  ];
}
