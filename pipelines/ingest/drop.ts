/**
 * A drop: one folder of a quarter's files. Tells each file's dataset, format, encoding and
 * money unit, from its optional manifest.json or from the file's name.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { DATASET_NAMES, type DatasetName } from '../schema/datasets.ts';
import { ENCODINGS, type Encoding } from './encoding.ts';
import { datasetFromHeader, type HeaderVerdict } from './sniff.ts';
import { workbookSheets, type SheetInfo } from './xlsx-count.ts';
import { nearest } from '../text.ts';
import { sheetFileName } from '../location.ts';

export const UNITS = ['million_rial', 'rial', 'toman', 'billion_rial'] as const;
export type Unit = (typeof UNITS)[number];

/** One file's entry in a manifest. */
export const manifestFileSchema = z.object({
  path: z.string().min(1),
  dataset: z.enum(DATASET_NAMES as [DatasetName, ...DatasetName[]]).optional(),
  encoding: z.enum(ENCODINGS as [Encoding, ...Encoding[]]).optional(),
  unit: z.enum(UNITS).optional(),
  source: z.string().optional(),
  /** Retract stored rows of the file's bank or agency, in its quarters, that it no longer lists. */
  replace: z.enum(['quarters']).optional(),
  /** The sheet of an .xlsx workbook to read (default: its first visible sheet). */
  sheet: z.string().min(1).optional(),
}).strict();

export const manifestSchema = z.object({
  /** The drop is invented (the bundled sample): kept apart from real drops. */
  synthetic: z.boolean().optional(),
  note: z.string().optional(),
  unit: z.enum(UNITS).optional(),
  source: z.string().optional(),
  files: z.array(manifestFileSchema).optional(),
}).strict();
export type Manifest = z.infer<typeof manifestSchema>;

export type FileFormat = 'csv' | 'json' | 'ndjson' | 'xlsx';

/** One file of a drop, as the pipeline will read it. */
export interface DropFile {
  path: string;
  /** How the file is named in messages and lineage: `<drop folder>/<file name>`. */
  name: string;
  dataset?: DatasetName;
  /** How the dataset was told: by the manifest, the file's name, or its header. */
  datasetFrom?: 'manifest' | 'name' | 'header';
  format?: FileFormat;
  encoding?: Encoding;
  unit: Unit;
  /** `quarters`: the file replaces what its bank or agency reported for its quarters (CONTRACT §5). */
  replace?: 'quarters';
  /** For a workbook: the sheet read (the manifest's, or the first visible one). */
  sheet?: SheetInfo;
  /** Why the file cannot be read at all (it is then reported and skipped). */
  error?: string;
  /** Why the file is not data at all (a note, a picture): listed as ignored, not as failed. */
  ignored?: string;
}

const IGNORED = /^(manifest\.json|readme(\..*)?|\..*|.*~)$/i;

/** The dataset a file name starts with (`absorption_keshavarzi.csv` → absorption), if any. */
export function datasetFromName(fileName: string): DatasetName | undefined {
  const stem = basename(fileName, extname(fileName)).toLowerCase();
  const byLength = [...DATASET_NAMES].sort((a, b) => b.length - a.length);
  return byLength.find((name) => stem === name || new RegExp(`^${name}[^a-z]`).test(stem));
}

/** The format a file's extension tells; an error for workbooks of other formats, and `other` for what is not data. */
function formatFromName(fileName: string): FileFormat | 'other' | { error: string } {
  const ext = extname(fileName).toLowerCase();
  if (['.csv', '.tsv', '.txt', '.tab'].includes(ext)) return 'csv';
  if (ext === '.json') return 'json';
  if (['.ndjson', '.jsonl'].includes(ext)) return 'ndjson';
  if (['.xlsx', '.xlsm'].includes(ext)) return 'xlsx';
  if (['.xls', '.ods'].includes(ext)) {
    return { error: `it is a ${ext === '.xls' ? 'workbook of Excel 97–2003 (.xls)' : 'LibreOffice workbook (.ods)'}, which cannot be read here; save it as an Excel Workbook (.xlsx) or as CSV UTF-8 and drop that` };
  }
  return 'other';
}

/** The sheet of a workbook to read: the one the manifest names, else the first visible one. */
function chooseSheet(path: string, wanted: string | undefined): SheetInfo | { error: string } {
  let sheets: SheetInfo[];
  try {
    sheets = workbookSheets(path);
  } catch (error) {
    return { error: `it cannot be read as an Excel workbook: ${(error as Error).message}` };
  }
  const names = sheets.map((s) => `"${s.name}"`).join(', ');
  if (wanted === undefined) return sheets.find((s) => !s.hidden) ?? sheets[0] ?? { error: 'the workbook has no sheets' };
  return sheets.find((s) => s.name === wanted) ?? sheets.find((s) => s.name.trim() === wanted.trim())
    ?? { error: `the workbook has no sheet named "${wanted}" (its sheets: ${names}); correct "sheet" in manifest.json` };
}

/** Why a file whose header names no single dataset cannot be loaded (a tie), or is not data at all. */
export function headerVerdictProblem(found: Exclude<HeaderVerdict, { dataset: unknown }>, fileName: string): { error: string } | { ignored: string } {
  if ('tie' in found) {
    return { error: `its header fits ${found.tie.join(', ')} equally (it names ${found.columns.join(', ')}); `
      + `say which in manifest.json: { "files": [ { "path": "${fileName}", "dataset": "${found.tie[0]}" } ] }` };
  }
  return { ignored: found.none };
}

/** A manifest's first problem in plain words, suggesting the nearest valid key for a misspelt one. */
function manifestProblem(issue: z.core.$ZodIssue): string {
  const at = issue.path.join('.') || '(top)';
  if (issue.code === 'unrecognized_keys') {
    const inFiles = issue.path.includes('files');
    const valid = Object.keys(inFiles ? manifestFileSchema.shape : manifestSchema.shape);
    const keys = issue.keys.map((key) => {
      const guess = nearest(key, valid);
      return `"${key}"${guess ? ` (did you mean "${guess}"?)` : ''}`;
    });
    return `at "${at}": unknown key ${keys.join(', ')}; valid keys: ${valid.join(', ')}`;
  }
  return `at "${at}": ${issue.message}`;
}

/** The files of a drop folder; a problem with the folder or its manifest throws a plain message. */
export function listDrop(dropDir: string): { files: DropFile[]; manifest?: Manifest } {
  const dir = resolve(dropDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`the drop folder ${dropDir} does not exist`);
  const dropName = basename(dir);
  let manifest: Manifest | undefined;
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(manifestPath, 'utf8').replace(/^\ufeff/, ''));
    } catch (error) {
      throw new Error(`${dropName}/manifest.json is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = manifestSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${dropName}/manifest.json: ${manifestProblem(parsed.error.issues[0]!)}`);
    manifest = parsed.data;
  }
  const entries = new Map((manifest?.files ?? []).map((f) => [f.path, f]));
  const names = readdirSync(dir).filter((n) => !IGNORED.test(n) && statSync(join(dir, n)).isFile()).sort();
  for (const listed of entries.keys()) {
    if (!names.includes(listed)) throw new Error(`${dropName}/manifest.json lists "${listed}", which is not in the folder`);
  }
  const files = names.map((fileName): DropFile => {
    const entry = entries.get(fileName);
    const byName = datasetFromName(fileName);
    const file: DropFile = {
      path: join(dir, fileName),
      name: `${dropName}/${fileName}`,
      dataset: entry?.dataset ?? byName,
      datasetFrom: entry?.dataset ? 'manifest' : byName ? 'name' : undefined,
      encoding: entry?.encoding,
      unit: entry?.unit ?? manifest?.unit ?? 'million_rial',
      replace: entry?.replace,
    };
    const format = formatFromName(fileName);
    if (typeof format === 'object') file.error = format.error;
    else if (format === 'other') {
      if (file.dataset) file.error = `files ending in "${extname(fileName) || '(none)'}" are not read; expected CSV (.csv, .tsv, .txt), JSON (.json, .ndjson) or an Excel workbook (.xlsx)`;
      else file.ignored = `not a data file (CSV, JSON or an Excel workbook)`;
    } else file.format = format;
    if (entry?.sheet !== undefined && format !== 'xlsx' && !file.error) file.error = `"sheet" in manifest.json applies to Excel workbooks (.xlsx), and this file is not one`;
    if (file.format === 'xlsx') {
      const sheet = chooseSheet(file.path, entry?.sheet);
      if ('error' in sheet) file.error = sheet.error;
      else Object.assign(file, { sheet, name: sheetFileName(file.name, sheet.name) });
    }
    // A workbook's header is found when its sheet is read (pipelines/ingest/read.ts).
    if (!file.dataset && !file.error && !file.ignored && file.format !== 'xlsx') {
      // The name does not tell: the header does, when one dataset's columns fit it best.
      const found = datasetFromHeader(file.path, file.format!, file.encoding);
      if ('dataset' in found) Object.assign(file, { dataset: found.dataset, datasetFrom: 'header' });
      else Object.assign(file, headerVerdictProblem(found, fileName));
    }
    return file;
  });
  return { files, manifest };
}
