/**
 * Cleaning one raw value of a column (CONTRACT §3). Run once per distinct value that the fast
 * SQL path cannot take as it is, so a 10M-row file costs only as many calls as it has distinct
 * names, dates or oddly written numbers.
 */
import type { z } from 'zod';
import { columnMeta, enumValues, type ColumnMeta } from '../schema/columns.ts';
import { matchCode, nearestNames, type References } from '../reference.ts';
import { parseJalaliDate } from '../jalali.ts';
import { asciiDigits, matchKey, normaliseText } from '../text.ts';

/** The outcome for one raw value: its clean text, or the problem, and whether it marks a totals row. */
export interface CleanValue {
  clean: string | null;
  /** For dates: the Gregorian ISO date. */
  iso?: string | null;
  problem: string | null;
  isTotal: boolean;
}

const TOTAL_WORDS = ['جمع', 'جمعکل', 'جمعکلاستان', 'مجموع', 'total', 'grandtotal', 'sum', 'totals'].map(matchKey);

/** Whether a cell marks an Excel totals row (جمع / جمع کل / total). */
export function isTotalsWord(raw: string): boolean {
  const key = matchKey(raw).replace(/[:：.]+$/, '');
  return TOTAL_WORDS.includes(key);
}

/**
 * A number written by hand or by Excel, as plain ASCII: Persian digits, thousands separators
 * (`,` `٬` `،`, spaces), `٫` as decimal point, a trailing or parenthesised minus.
 */
export function cleanNumberText(raw: string): string | null {
  const written = asciiDigits(normaliseText(raw)).replace(/\u200c/g, '');
  // Separators must group thousands: "12,500" is twelve thousand five hundred, but "12,5" is not a
  // number we can be sure of (a decimal comma?), so it is refused rather than read as 125.
  const integerPart = written.replace(/^[-+(]*/, '').split('.')[0]!;
  if (/[,\u066c\u060c\s']/.test(integerPart) && !/^\d{1,3}([,\u066c\u060c\s']\d{3})+$/.test(integerPart.replace(/[)\-]+$/, ''))) return null;
  let text = written.replace(/[,\u066c\u060c\s']/g, '');
  const parenthesised = /^\((.*)\)$/.exec(text);
  if (parenthesised) text = `-${parenthesised[1]}`;
  if (/^\d+(\.\d+)?-$/.test(text)) text = `-${text.slice(0, -1)}`;
  return /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text) ? text : null;
}

const quoted = (raw: string) => `"${raw.length > 60 ? `${raw.slice(0, 57)}…` : raw}"`;

/** Cleans one raw value of `column` (a column of a dataset schema). */
export function cleanValue(column: z.ZodType, raw: string, references: References): CleanValue {
  const meta: ColumnMeta = columnMeta(column);
  const text = normaliseText(raw);
  const isTotal = isTotalsWord(text);
  if (text === '') return { clean: null, problem: null, isTotal: false };
  const fail = (problem: string): CleanValue => ({ clean: null, problem, isTotal });
  switch (meta.kind) {
    case 'int':
    case 'money':
    case 'decimal': {
      const number = cleanNumberText(text);
      return number === null ? fail(`found ${quoted(raw)}, expected ${meta.expected}`) : { clean: number, problem: null, isTotal };
    }
    case 'text':
      return { clean: text, problem: null, isTotal };
    case 'code': {
      const list = references[meta.reference!];
      const code = matchCode(list, text);
      if (code) return { clean: code, problem: null, isTotal };
      return fail(`found ${quoted(raw)}, expected ${meta.expected}; nearest known: ${nearestNames(list, text).join('، ')}`);
    }
    case 'code_list': {
      const list = references[meta.reference!];
      const parts = text.split(/[;؛،]/).map((p) => p.trim()).filter(Boolean);
      const codes = parts.map((p) => matchCode(list, p));
      const unknown = parts.filter((_, i) => !codes[i]);
      if (unknown.length === 0) return { clean: codes.join(';'), problem: null, isTotal };
      return fail(`found ${quoted(raw)}, expected ${meta.expected}; ${unknown.map((u) => `"${u}" is unknown (nearest: ${nearestNames(list, u).join('، ')})`).join('; ')}`);
    }
    case 'enum': {
      const key = matchKey(text);
      for (const value of enumValues(column)) {
        const names = meta.valueNames?.[value] ?? [];
        if ([value, value.replace(/_/g, ' '), ...names].some((n) => matchKey(n) === key)) return { clean: value, problem: null, isTotal };
      }
      return fail(`found ${quoted(raw)}, expected ${meta.expected}`);
    }
    case 'date': {
      const parsed = parseJalaliDate(asciiDigits(text));
      if (parsed.ok) return { clean: parsed.jalali, iso: parsed.iso, problem: null, isTotal };
      return fail(`found ${quoted(raw)}, which ${parsed.problem}; expected ${meta.expected}`);
    }
  }
}
