/**
 * How a numeric column's text is first parsed, before any JavaScript cleaning: the same SQL type
 * whether DuckDB's CSV reader parses it (a big file's typed read) or a `try_cast` does (text).
 */
import { columnMeta, type ColumnMeta } from '../schema/columns.ts';
import type { z } from 'zod';
import type { Unit } from './drop.ts';

/** How a raw money text of each unit is parsed (wide enough for the unit) and scaled to million rials. */
export const MONEY_PARSE: Record<Unit, { type: string; factor: string }> = {
  million_rial: { type: 'DECIMAL(18,6)', factor: '' },
  rial: { type: 'DECIMAL(18,0)', factor: ' * 0.000001' },
  toman: { type: 'DECIMAL(18,1)', factor: ' * 0.00001' },
  billion_rial: { type: 'DECIMAL(18,9)', factor: ' * 1000::DECIMAL(4,0)' },
};

/** The column kinds whose values are numbers. */
export const NUMERIC = new Set(['int', 'money', 'decimal']);

/** The fast SQL parse of a numeric column's raw text, before any JavaScript cleaning. */
export function fastType(meta: ColumnMeta, unit: Unit): string {
  if (meta.kind === 'money') return MONEY_PARSE[unit].type;
  if (meta.kind === 'decimal') return 'DECIMAL(18,6)';
  return 'DECIMAL(18,3)';
}

/** The fast SQL type of a column when it holds numbers, else undefined. */
export function numericFastType(schema: z.ZodType, unit: Unit): string | undefined {
  const meta = columnMeta(schema);
  return NUMERIC.has(meta.kind) ? fastType(meta, unit) : undefined;
}
