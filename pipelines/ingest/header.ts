/**
 * Finding the header of a planner's file: which line it is on (title lines may stand above it),
 * which delimiter separates it, and which dataset column each header cell names.
 */
import Papa from 'papaparse';
import type { z } from 'zod';
import { columnMeta } from '../schema/columns.ts';
import type { DatasetDefinition } from '../schema/datasets.ts';
import { matchKey } from '../text.ts';

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

/** The dataset column a header cell names (units in brackets are ignored), or undefined. */
export function headerColumn(names: Map<string, string>, cell: string): string | undefined {
  const key = matchKey(cell);
  return names.get(key) ?? names.get(matchKey(cell.replace(/\s*[([][^)\]]*[)\]]\s*$/, '')));
}

export interface HeaderFound {
  /** 0-based index of the header line. */
  lineIndex: number;
  delimiter: string;
  /** Raw header cells, in file order. */
  cells: string[];
  /** For each cell, the dataset column it names (undefined when unknown or repeated). */
  columns: (string | undefined)[];
}

/**
 * Looks for the header in the first lines of `text`: the first line where the most cells name
 * the dataset's columns (at least two, or one for a one-column dataset).
 */
export function findHeader(text: string, dataset: DatasetDefinition, maxLines = 30): HeaderFound | undefined {
  const names = headerNames(dataset);
  const lines = text.split(/\r?\n/, maxLines);
  let best: (HeaderFound & { matches: number }) | undefined;
  lines.forEach((line, lineIndex) => {
    for (const delimiter of DELIMITERS) {
      if (!line.includes(delimiter) && Object.keys(dataset.schema.shape).length > 1) continue;
      const cells = (Papa.parse<string[]>(line, { delimiter, quoteChar: '"' }).data[0] ?? []).map((c) => c.trim());
      const seen = new Set<string>();
      const columns = cells.map((cell) => {
        const column = headerColumn(names, cell);
        if (!column || seen.has(column)) return undefined;
        seen.add(column);
        return column;
      });
      const matches = seen.size;
      if (matches >= 2 && (!best || matches > best.matches)) best = { lineIndex, delimiter, cells, columns, matches };
    }
  });
  if (!best) return undefined;
  const { matches: _matches, ...found } = best;
  return found;
}
