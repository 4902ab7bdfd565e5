/**
 * Telling a file's dataset from its header, when its name does not: the dataset whose columns
 * the header names best. Used only to decide what a file is; reading it is read.ts's job.
 */
import { DATASETS, DATASET_NAMES, type DatasetName } from '../schema/datasets.ts';
import { decode, detectEncoding, readHead, type Encoding } from './encoding.ts';
import { findHeader, headerColumn, headerNames } from './header.ts';
import type { FileFormat } from './drop.ts';

export type HeaderVerdict =
  | { dataset: DatasetName }
  | { tie: DatasetName[]; columns: string[] }
  | { none: string };

/** The field names of the first JSON records in `text` (the head of a JSON or NDJSON file). */
function jsonFieldNames(text: string): string[] {
  return [...new Set([...text.matchAll(/"((?:[^"\\]|\\.)*)"\s*:/g)].map((m) => m[1]!))];
}

/** The dataset the header of the file at `path` names best, a tie between datasets, or why none fits. */
export function datasetFromHeader(path: string, format: FileFormat, encoding?: Encoding): HeaderVerdict {
  const head = readHead(path, 64 * 1024);
  if (head.length === 0) return { none: 'the file is empty' };
  const detected = encoding ? { encoding } : detectEncoding(head, false);
  if ('error' in detected) return { none: 'it holds no text' };
  return datasetFromHeaderText(decode(head, detected.encoding), format);
}

/** The dataset the header in `text` (the head of a file, or of a workbook sheet's CSV copy) names best. */
export function datasetFromHeaderText(head: string, format: FileFormat): HeaderVerdict {
  const text = head.replace(/\r(?!\n)/g, '\n');
  const scores = DATASET_NAMES.map((name) => {
    const dataset = DATASETS[name];
    let columns: string[];
    if (format === 'csv' || format === 'xlsx') {
      columns = (findHeader(text, dataset)?.columns ?? []).filter((c): c is string => Boolean(c));
    } else {
      const names = headerNames(dataset);
      columns = [...new Set(jsonFieldNames(text).map((f) => headerColumn(names, f)).filter((c): c is string => Boolean(c)))];
    }
    const required = Object.entries(dataset.schema.shape).filter(([, c]) => !(c as { isOptional(): boolean }).isOptional()).map(([n]) => n);
    return { name, columns, complete: required.every((r) => columns.includes(r)) };
  }).filter((s) => s.columns.length >= 2);
  if (scores.length === 0) return { none: `no dataset's columns were found in it (expected a header such as ${Object.keys(DATASETS.absorption.schema.shape).slice(0, 4).join(', ')})` };
  // Best: a dataset whose required columns are all there, then the most columns named.
  scores.sort((a, b) => Number(b.complete) - Number(a.complete) || b.columns.length - a.columns.length);
  const [best, second] = scores;
  if (second && second.complete === best!.complete && second.columns.length === best!.columns.length) {
    return { tie: scores.filter((s) => s.complete === best!.complete && s.columns.length === best!.columns.length).map((s) => s.name), columns: best!.columns };
  }
  return { dataset: best!.name };
}
