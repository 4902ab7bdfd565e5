/**
 * A drop: one folder of a quarter's files. Tells each file's dataset, format, encoding and
 * money unit, from its optional manifest.json or from the file's name.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { DATASET_NAMES, type DatasetName } from '../schema/datasets.ts';
import { ENCODINGS, type Encoding } from './encoding.ts';

export const UNITS = ['million_rial', 'rial', 'toman', 'billion_rial'] as const;
export type Unit = (typeof UNITS)[number];

export const manifestSchema = z.object({
  synthetic: z.boolean().optional(),
  note: z.string().optional(),
  unit: z.enum(UNITS).optional(),
  source: z.string().optional(),
  files: z
    .array(
      z.object({
        path: z.string().min(1),
        dataset: z.enum(DATASET_NAMES as [DatasetName, ...DatasetName[]]).optional(),
        encoding: z.enum(ENCODINGS as [Encoding, ...Encoding[]]).optional(),
        unit: z.enum(UNITS).optional(),
        source: z.string().optional(),
        /** Retract stored rows of the file's bank or agency, in its quarters, that it no longer lists. */
        replace: z.enum(['quarters']).optional(),
      }).strict(),
    )
    .optional(),
}).strict();
export type Manifest = z.infer<typeof manifestSchema>;

export type FileFormat = 'csv' | 'json' | 'ndjson';

/** One file of a drop, as the pipeline will read it. */
export interface DropFile {
  path: string;
  /** How the file is named in messages and lineage: `<drop folder>/<file name>`. */
  name: string;
  dataset?: DatasetName;
  format?: FileFormat;
  encoding?: Encoding;
  unit: Unit;
  /** `quarters`: the file replaces what its bank or agency reported for its quarters (CONTRACT §5). */
  replace?: 'quarters';
  /** Why the file cannot be read at all (it is then reported and skipped). */
  error?: string;
}

const IGNORED = /^(manifest\.json|readme(\..*)?|\..*|.*~)$/i;

/** The dataset a file name starts with (`absorption_keshavarzi.csv` → absorption), if any. */
export function datasetFromName(fileName: string): DatasetName | undefined {
  const stem = basename(fileName, extname(fileName)).toLowerCase();
  const byLength = [...DATASET_NAMES].sort((a, b) => b.length - a.length);
  return byLength.find((name) => stem === name || new RegExp(`^${name}[^a-z]`).test(stem));
}

function formatFromName(fileName: string): FileFormat | { error: string } {
  const ext = extname(fileName).toLowerCase();
  if (['.csv', '.tsv', '.txt', '.tab'].includes(ext)) return 'csv';
  if (ext === '.json') return 'json';
  if (['.ndjson', '.jsonl'].includes(ext)) return 'ndjson';
  if (['.xlsx', '.xls', '.xlsm', '.ods'].includes(ext)) {
    return { error: 'it is a spreadsheet workbook, which cannot be read here; in Excel use "Save As → CSV UTF-8" and drop the CSV' };
  }
  return { error: `files ending in "${ext || '(none)'}" are not read; expected CSV (.csv, .tsv, .txt) or JSON (.json, .ndjson)` };
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
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${dropName}/manifest.json: at "${issue.path.join('.') || '(top)'}": ${issue.message}`);
    }
    manifest = parsed.data;
  }
  const entries = new Map((manifest?.files ?? []).map((f) => [f.path, f]));
  const names = readdirSync(dir).filter((n) => !IGNORED.test(n) && statSync(join(dir, n)).isFile()).sort();
  for (const listed of entries.keys()) {
    if (!names.includes(listed)) throw new Error(`${dropName}/manifest.json lists "${listed}", which is not in the folder`);
  }
  const files = names.map((fileName): DropFile => {
    const entry = entries.get(fileName);
    const file: DropFile = {
      path: join(dir, fileName),
      name: `${dropName}/${fileName}`,
      dataset: entry?.dataset ?? datasetFromName(fileName),
      encoding: entry?.encoding,
      unit: entry?.unit ?? manifest?.unit ?? 'million_rial',
      replace: entry?.replace,
    };
    const format = formatFromName(fileName);
    if (typeof format === 'object') file.error = format.error;
    else file.format = format;
    if (!file.dataset && !file.error) {
      file.error = `cannot tell which dataset it holds: start its name with one of ${DATASET_NAMES.join(', ')}, or list it in manifest.json`;
    }
    return file;
  });
  return { files, manifest };
}
