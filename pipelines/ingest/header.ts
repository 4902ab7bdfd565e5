/**
 * Finding the header of a planner's file: which line it is on (title lines may stand above it),
 * which delimiter separates it, and which dataset column each header cell names.
 */
import type { z } from 'zod';
import { columnMeta } from '../schema/columns.ts';
import type { DatasetDefinition } from '../schema/datasets.ts';
import { matchKey } from '../text.ts';
import type { Unit } from './drop.ts';

export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** matchKey of every accepted header spelling (canonical name, Persian label, aliases) → column. */
export function headerNames(dataset: DatasetDefinition): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, column] of Object.entries(dataset.schema.shape)) {
    const meta = columnMeta(column as z.ZodType);
    for (const spelling of [name, name.replace(/_/g, ' '), meta.label, ...(meta.aliases ?? [])]) {
      const key = matchKey(spelling);
      if (!names.has(key)) names.set(key, name);
    }
  }
  return names;
}

const UNIT_WORDS: Record<string, Unit> = Object.fromEntries(
  ([
    ['ریال', 'rial'], ['rial', 'rial'], ['rials', 'rial'],
    ['تومان', 'toman'], ['toman', 'toman'], ['tomans', 'toman'],
    ['میلیون ریال', 'million_rial'], ['million rial', 'million_rial'], ['million rials', 'million_rial'],
    ['میلیارد ریال', 'billion_rial'], ['billion rial', 'billion_rial'], ['billion rials', 'billion_rial'],
  ] as const).map(([word, unit]) => [matchKey(word), unit]),
);

/** The money unit a header cell states in brackets, e.g. `مبلغ (ریال)` → rial, or undefined. */
export function unitFromHeader(cell: string): Unit | undefined {
  const bracketed = /[([]([^)\]]*)[)\]]\s*$/.exec(cell);
  return bracketed ? UNIT_WORDS[matchKey(bracketed[1]!)] : undefined;
}

/** The dataset column a header cell names (units in brackets are ignored), or undefined. */
export function headerColumn(names: Map<string, string>, cell: string): string | undefined {
  const key = matchKey(cell);
  return names.get(key) ?? names.get(matchKey(cell.replace(/\s*[([][^)\]]*[)\]]\s*$/, '')));
}

export interface HeaderFound {
  /** 0-based index of the line the header starts on. */
  firstLine: number;
  /** 0-based index of the line the header ends on (a quoted header cell may run over lines). */
  lastLine: number;
  /** Character index in the text where the data (the line after the header) starts. */
  dataOffset: number;
  delimiter: string;
  /** Raw header cells, in file order. */
  cells: string[];
  /** For each cell, the dataset column it names (undefined when unknown or a repeat). */
  columns: (string | undefined)[];
}

export interface TextRecord { cells: string[]; firstLine: number; lastLine: number; end: number }

/**
 * The first `max` records of CSV text, quote-aware (a quoted cell may hold the delimiter, `""`
 * and line breaks), each with the lines it spans and the character index after it.
 */
export function splitRecords(text: string, delimiter: string, max: number): TextRecord[] {
  const records: TextRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let inQuote = false;
  let line = 0;
  let firstLine = 0;
  for (let i = 0; i < text.length && records.length < max; i++) {
    const c = text[i]!;
    if (inQuote) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') inQuote = false;
      else { if (c === '\n') line++; cell += c; }
    } else if (c === '"' && cell.trim() === '') {
      inQuote = true;
      cell = '';
    } else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n') {
      cells.push(cell.replace(/\r$/, ''));
      records.push({ cells, firstLine, lastLine: line, end: i + 1 });
      cells = [];
      cell = '';
      line++;
      firstLine = line;
    } else cell += c;
  }
  if (records.length < max && !inQuote && (cells.length > 0 || cell !== '')) {
    records.push({ cells: [...cells, cell.replace(/\r$/, '')], firstLine, lastLine: line, end: text.length });
  }
  return records;
}

/**
 * Looks for the header in the first records of `text`: the first where the most cells name the
 * dataset's columns (at least two).
 */
export function findHeader(text: string, dataset: DatasetDefinition, maxRecords = 30): HeaderFound | undefined {
  const names = headerNames(dataset);
  let best: (HeaderFound & { matches: number }) | undefined;
  for (const delimiter of DELIMITERS) {
    for (const record of splitRecords(text, delimiter, maxRecords)) {
      const cells = record.cells.map((c) => c.trim());
      const seen = new Set<string>();
      const columns = cells.map((cell) => {
        const column = headerColumn(names, cell);
        if (!column || seen.has(column)) return undefined;
        seen.add(column);
        return column;
      });
      const matches = seen.size;
      const better = !best || matches > best.matches || (matches === best.matches && record.firstLine < best.firstLine);
      if (matches >= 2 && better) {
        best = { firstLine: record.firstLine, lastLine: record.lastLine, dataOffset: record.end, delimiter, cells, columns, matches };
      }
    }
  }
  if (!best) return undefined;
  const { matches: _matches, ...found } = best;
  return found;
}
