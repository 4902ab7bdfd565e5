/**
 * Column builders: each returns a zod schema for the cleaned value, carrying in its metadata
 * the Persian label and the kind of cleaning and checking the column gets. The SQL checks, the
 * warehouse DDL, the README contract table and the error messages are all derived from these.
 */
import { z } from 'zod';

/** Reference tables a code column is matched against (data/reference/<table>.csv). */
export type ReferenceTable = 'programs' | 'banks' | 'agencies' | 'counties' | 'axes' | 'reasons' | 'funding_sources' | 'sectors';

export type ColumnKind = 'int' | 'money' | 'decimal' | 'code' | 'code_list' | 'text' | 'enum' | 'date';

export interface ColumnMeta {
  /** Persian label, as it appears in planners' files and in messages. */
  label: string;
  kind: ColumnKind;
  /** For code columns: the reference table. */
  reference?: ReferenceTable;
  /** For money: whether zero is allowed (`amount > 0` vs `amount ≥ 0`). */
  positive?: boolean;
  /** Further header spellings accepted for this column (besides the canonical name and label). */
  aliases?: string[];
  /** For enum columns: each accepted value with its Persian names. */
  valueNames?: Record<string, readonly string[]>;
  /** Plain words for the expected value, used in messages. */
  expected: string;
}

type Meta = ColumnMeta & Record<string, unknown>;

/** An integer column within [min, max]. */
export function int(label: string, min: number, max: number, aliases: string[] = []) {
  const expected = max >= 1e9 ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
  return z.number().int().min(min).max(max).meta({ label, kind: 'int', aliases, expected } satisfies Meta);
}

/** A money column, cleaned to million rials exactly (DECIMAL(18,6)). */
export function money(label: string, { positive = false, aliases = [] as string[] } = {}) {
  const expected = `${positive ? 'an amount greater than 0' : 'an amount of 0 or more'} (at most 999,999,999,999.999999 million rials)`;
  return z.string().regex(/^\d+(\.\d{1,6})?$/).meta({ label, kind: 'money', positive, aliases, expected } satisfies Meta);
}

/** A plain decimal within [min, max] (e.g. an interest rate in percent). */
export function decimal(label: string, min: number, max: number, aliases: string[] = []) {
  return z.number().min(min).max(max).meta({ label, kind: 'decimal', aliases, expected: `a number from ${min} to ${max}` } satisfies Meta);
}

/** What one entry of each reference table is called, in messages. */
export const REFERENCE_NOUN: Record<ReferenceTable, string> = {
  programs: 'programme',
  banks: 'bank',
  agencies: 'agency',
  counties: 'county',
  axes: 'operational axis',
  reasons: 'reason',
  funding_sources: 'funding source',
  sectors: 'sector',
};

/** A code matched against a reference table by code, name or alias. */
export function code(label: string, reference: ReferenceTable, aliases: string[] = []) {
  const expected = `a known ${REFERENCE_NOUN[reference]} (code or name from data/reference/${reference}.csv)`;
  return z.string().min(1).meta({ label, kind: 'code', reference, aliases, expected } satisfies Meta);
}

/** Several codes in one cell, separated by `;` or `،`; stored as codes joined by `;`. */
export function codeList(label: string, reference: ReferenceTable, aliases: string[] = []) {
  const expected = `known ${REFERENCE_NOUN[reference]} names separated by ; or ، (data/reference/${reference}.csv)`;
  return z.string().min(1).meta({ label, kind: 'code_list', reference, aliases, expected } satisfies Meta);
}

/** Free text, cleaned (CONTRACT §3). */
export function text(label: string, aliases: string[] = []) {
  return z.string().min(1).meta({ label, kind: 'text', aliases, expected: 'a non-empty text' } satisfies Meta);
}

/** One of a fixed list of values; each value may also be given by one of its Persian names. */
export function oneOf<const T extends Record<string, readonly string[]>>(label: string, values: T, aliases: string[] = []) {
  const codes = Object.keys(values) as [keyof T & string, ...(keyof T & string)[]];
  return z.enum(codes).meta({ label, kind: 'enum', aliases, valueNames: values, expected: `one of ${codes.join(', ')}` } satisfies Meta);
}

/** A Jalali date (yyyy/mm/dd), checked and stored with its Gregorian equivalent. */
export function jalaliDate(label: string, aliases: string[] = []) {
  return z.string().regex(/^\d{4}\/\d{2}\/\d{2}$/).meta({ label, kind: 'date', aliases, expected: 'a Jalali date such as 1394/04/08' } satisfies Meta);
}

/** Marks a column optional, keeping its metadata. */
export function optional<T extends z.ZodType>(column: T) {
  return column.optional().meta(column.meta() as Meta);
}

/** The metadata of a column built above. */
export function columnMeta(column: z.ZodType): ColumnMeta {
  const meta = column.meta() as ColumnMeta | undefined;
  if (!meta) throw new Error('column built without metadata');
  return meta;
}

/** The [min, max] of an int or decimal column, read from its zod checks. */
export function numericRange(column: z.ZodType): { min: number; max: number } {
  const inner = (column instanceof z.ZodOptional ? column.unwrap() : column) as z.ZodNumber;
  return { min: inner.minValue ?? -Infinity, max: inner.maxValue ?? Infinity };
}

/** The accepted values of an enum column. */
export function enumValues(column: z.ZodType): string[] {
  const inner = (column instanceof z.ZodOptional ? column.unwrap() : column) as z.ZodEnum;
  return inner.options as string[];
}
