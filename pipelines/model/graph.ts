/**
 * The model graph: every `sql/<layer>/**\/<name>.sql` file is one model named after its file; a
 * model's parents are the other models its SQL names. The run order is derived from those names,
 * never kept by hand, so a cycle or a name with no file is an error that names the file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DATASET_NAMES } from '../schema/datasets.ts';
import { REFERENCE_TABLES } from '../schema/warehouse.ts';

/** The layers, in the order data flows through them. */
export const LAYERS = ['staging', 'intermediate', 'marts'] as const;
export type Layer = (typeof LAYERS)[number];

/** The name prefix every model of a layer carries (and that nothing else may use). */
export const LAYER_PREFIX: Record<Layer, string> = { staging: 'stg_', intermediate: 'int_', marts: 'mart_' };

/** A name shaped like a model: a reference to it with no file behind it is an error. */
const MODEL_NAME = /^(stg|int|mart)_[a-z0-9_]+$/;

/** Tables the loader, the reference step and the calendar fill: models read them, but they are not models. */
export const SOURCE_TABLES: ReadonlySet<string> = new Set<string>([
  ...DATASET_NAMES,
  ...REFERENCE_TABLES.map((table) => `ref_${table}`),
  'calendar_days',
]);

export type Materialization = 'view' | 'table';

/** Staging only renames and casts, so a view costs nothing; later layers are read many times. */
const DEFAULT_MATERIALIZATION: Record<Layer, Materialization> = { staging: 'view', intermediate: 'table', marts: 'table' };

export interface ModelFile {
  name: string;
  layer: Layer;
  /** Path relative to the project (or to the sql dir's parent), as shown in messages. */
  file: string;
  path: string;
  sql: string;
  materialized: Materialization;
  /** Models this one reads. */
  parents: string[];
  /** Core and reference tables this one reads. */
  sources: string[];
  /** The data-test file beside it (`<name>.tests.json`), when there is one. */
  testsPath?: string;
}

/** Every .sql file under `dir`, recursively, sorted. */
function sqlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...sqlFiles(path));
    else if (entry.endsWith('.sql')) found.push(path);
  }
  return found;
}

/**
 * The SQL with comments and string literals blanked out, and double-quoted identifiers unquoted,
 * so that a name in a comment or a string is not taken for a reference.
 */
export function stripCommentsAndStrings(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      out += ' ';
    } else if (c === '/' && next === '*') {
      // Block comments nest: /* a /* b */ c */ is one comment.
      let depth = 1;
      i += 2;
      while (i < sql.length && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      out += ' ';
    } else if (c === "'") {
      // '' inside a literal is an escaped quote; E'…' strings also allow \'.
      const escapes = /[eE]/.test(sql[i - 1] ?? '') && !/\w/.test(sql[i - 2] ?? '');
      i++;
      while (i < sql.length) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
      out += "''";
    } else if (c === '$' && /[A-Za-z_$]/.test(next ?? '') && !/\w/.test(sql[i - 1] ?? '')) {
      // A dollar-quoted string $tag$…$tag$, the tag an identifier (letters, digits after the
      // first, underscores: $q1$) or empty (a `$name` parameter has no closing `$`).
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
      const end = tag ? sql.indexOf(tag, i + tag.length) : -1;
      if (tag && end !== -1) {
        i = end + tag.length;
        out += "''";
      } else {
        out += c;
        i++;
      }
    } else if (c === '"') {
      const end = sql.indexOf('"', i + 1);
      out += ` ${sql.slice(i + 1, end === -1 ? sql.length : end).replace(/""/g, '"')} `;
      i = end === -1 ? sql.length : end + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The identifiers a piece of SQL names (lower-cased), comments and strings left out. */
export function referencedNames(sql: string): Set<string> {
  const names = new Set<string>();
  for (const match of stripCommentsAndStrings(sql).matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) names.add(match[0].toLowerCase());
  return names;
}

/** `-- materialized: view|table` in the file's leading comment lines overrides the layer's default. */
function materializationOf(sql: string, layer: Layer, file: string): Materialization {
  const header = /^(?:\s*--[^\n]*\n)*/.exec(sql)?.[0] ?? '';
  const setting = /--\s*materiali[sz]ed\s*:\s*(\w+)/i.exec(header)?.[1]?.toLowerCase();
  if (!setting) return DEFAULT_MATERIALIZATION[layer];
  if (setting !== 'view' && setting !== 'table') throw new Error(`${file}: materialized must be view or table, not "${setting}"`);
  if (layer === 'marts' && setting === 'view') throw new Error(`${file}: a mart is always a table (dashboards read it)`);
  return setting;
}

/** The folder of `sqlDir` that holds SQL macros the models call, not models. */
export const MACROS_DIR = 'macros';

/** A file of `create macro` statements under sql/macros/. */
export interface MacroFile {
  /** Path relative to the project (or to the sql dir's parent), as shown in messages. */
  file: string;
  sql: string;
}

/** The macro files under `sqlDir`/macros, sorted: the build runs them before any model. */
export function discoverMacros(sqlDir: string): MacroFile[] {
  const shownFrom = join(sqlDir, '..');
  return sqlFiles(join(sqlDir, MACROS_DIR)).map((path) => ({
    file: relative(shownFrom, path).split(sep).join('/'),
    sql: readFileSync(path, 'utf8').replace(/^\ufeff/, ''),
  }));
}

/** Reads every model under `sqlDir`; a misplaced or misnamed file is an error naming it. */
export function discoverModels(sqlDir: string): ModelFile[] {
  const shownFrom = join(sqlDir, '..');
  const drafts: Omit<ModelFile, 'parents' | 'sources'>[] = [];
  const byName = new Map<string, string>();
  for (const path of sqlFiles(sqlDir)) {
    const file = relative(shownFrom, path).split(sep).join('/');
    const layer = relative(sqlDir, path).split(sep)[0] as Layer;
    if ((layer as string) === MACROS_DIR) continue;
    if (!LAYERS.includes(layer)) throw new Error(`${file}: a model must sit in one of sql/${LAYERS.join(', sql/')}`);
    const name = path.slice(path.lastIndexOf(sep) + 1, -'.sql'.length);
    if (!name.startsWith(LAYER_PREFIX[layer]) || !MODEL_NAME.test(name)) {
      throw new Error(`${file}: a ${layer} model's file name must be ${LAYER_PREFIX[layer]}<lower_case_name>.sql`);
    }
    const other = byName.get(name);
    if (other) throw new Error(`${file}: model ${name} is also defined in ${other}`);
    byName.set(name, file);
    const sql = readFileSync(path, 'utf8').replace(/^\ufeff/, '').replace(/[\s;]+$/, '');
    const testsPath = path.replace(/\.sql$/, '.tests.json');
    drafts.push({
      name,
      layer,
      file,
      path,
      sql,
      materialized: materializationOf(sql, layer, file),
      ...(existsSync(testsPath) ? { testsPath } : {}),
    });
  }
  const layerOf = new Map(drafts.map((d) => [d.name, d.layer]));
  return drafts.map((draft) => {
    const parents: string[] = [];
    const sources: string[] = [];
    for (const name of [...referencedNames(draft.sql)].sort()) {
      if (SOURCE_TABLES.has(name)) sources.push(name);
      else if (layerOf.has(name)) {
        if (name === draft.name) throw new Error(`dependency cycle: ${draft.file} refers to itself`);
        const parentLayer = layerOf.get(name)!;
        if (LAYERS.indexOf(parentLayer) > LAYERS.indexOf(draft.layer)) {
          throw new Error(`${draft.file}: a ${draft.layer} model cannot read ${name}, which is in the later layer ${parentLayer}`);
        }
        parents.push(name);
      } else if (MODEL_NAME.test(name)) {
        throw new Error(`${draft.file}: refers to ${name}, but there is no model file ${name}.sql (names starting with stg_, int_ or mart_ are kept for models)`);
      }
    }
    return { ...draft, parents, sources };
  });
}

/** The models in an order where each comes after its parents (ties: by layer, then name). */
export function orderModels(models: ModelFile[]): ModelFile[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  const waiting = new Map(models.map((m) => [m.name, new Set(m.parents)]));
  const rank = (m: ModelFile) => `${LAYERS.indexOf(m.layer)}:${m.name}`;
  const ordered: ModelFile[] = [];
  while (waiting.size > 0) {
    const ready = [...waiting].filter(([, parents]) => parents.size === 0).map(([name]) => byName.get(name)!);
    if (ready.length === 0) throw new Error(`dependency cycle: ${describeCycle(waiting, byName)}`);
    ready.sort((a, b) => rank(a).localeCompare(rank(b)));
    const next = ready[0]!;
    ordered.push(next);
    waiting.delete(next.name);
    for (const parents of waiting.values()) parents.delete(next.name);
  }
  return ordered;
}

/** One cycle among models that are all still waiting, as "a.sql → b.sql → a.sql". */
function describeCycle(waiting: Map<string, Set<string>>, byName: Map<string, ModelFile>): string {
  const start = [...waiting.keys()].sort()[0]!;
  const path: string[] = [];
  let current = start;
  while (!path.includes(current)) {
    path.push(current);
    current = [...waiting.get(current)!].sort()[0]!;
  }
  const cycle = [...path.slice(path.indexOf(current)), current];
  return cycle.map((name) => byName.get(name)!.file).join(' → ');
}

/** The models under `sqlDir`, in build order. */
export function planModels(sqlDir: string): ModelFile[] {
  return orderModels(discoverModels(sqlDir));
}
