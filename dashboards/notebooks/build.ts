/**
 * Builds the notebooks of `notebooks/` (Observable Notebook Kit files) into one self-contained page
 * each: the kit's Vite plugin renders the cells, the SQL cells are answered from the warehouse at
 * build time (sql.ts), every import is bundled from node_modules or the build fails (offline.ts),
 * and vite-plugin-singlefile inlines the script, the styles and Vazirmatn into the HTML.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transpile, type Notebook } from '@observablehq/notebook-kit';
import { observable } from '@observablehq/notebook-kit/vite';
import { build, type InlineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';
import { closeWarehouse, openWarehouse } from '../../pipelines/db.ts';
import { pageStylesheet, vazirmatnFile } from '../build.ts';
import { STRINGS } from '../client/strings.ts';
import { isSynthetic } from '../data.ts';
import { readMetricDictionary } from '../dictionary.ts';
import { displayPath, KIT_SRC, networkBuiltins, offlineImports } from './offline.ts';
import { inlineSqlCells, runSqlCell, type SqlResult } from './sql.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const PROJECT = resolve(HERE, '..', '..');

/** Where the notebooks live. */
export const NOTEBOOKS_DIR = join(PROJECT, 'notebooks');

/** Options of a notebooks build. */
export interface NotebookBuildOptions {
  dbPath: string;
  outDir: string;
  /** The folder of notebooks (default notebooks/); every `*.html` in it is built. */
  notebooksDir?: string;
  /** Only these notebooks (names with or without `.html`); all by default. */
  only?: string[];
  /** The time stamped on the SQL results (default now). */
  now?: Date;
}

/** One built page. */
export interface NotebookPage {
  name: string;
  source: string;
  htmlPath: string;
  bytes: number;
  ms: number;
}

/** What a build wrote. */
export interface NotebookBuildResult {
  pages: NotebookPage[];
  synthetic: boolean;
  ms: number;
}

/** The notebooks of a folder: every `.html` file, by name. */
export function listNotebooks(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`the notebooks folder ${dir} does not exist`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.html'))
    .sort();
  if (!files.length) throw new Error(`the folder ${dir} holds no notebook (.html file)`);
  return files;
}

/** The notebooks named in `only` (all when it is empty); a name that is no notebook is an error naming them. */
function pickNotebooks(files: string[], only: string[] | undefined): string[] {
  if (!only?.length) return files;
  const wanted = only.map((n) => (n.endsWith('.html') ? n : `${n}.html`));
  const unknown = wanted.filter((n) => !files.includes(n));
  if (unknown.length) throw new Error(`no notebook ${unknown.join(', ')}; the notebooks are ${files.join(', ')}`);
  return files.filter((f) => wanted.includes(f));
}

/** Text safe inside HTML. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A woff2 file as a data: URL. */
const fontUrl = (file: string): string => `data:font/woff2;base64,${readFileSync(file).toString('base64')}`;

/**
 * Persian headers for result columns: the metric dictionary's name of each column (the same column
 * means the same thing across marts); `bank_name` and the like (a code's name from a reference
 * table) take the header of their code.
 */
export function columnHeaders(readme: string): Map<string, string> {
  // A row that names one column with one name says best what the column is; a name shared by
  // several columns ("تعداد / مبلغ …") says least.
  const rank = ({ nameFa, labelFa }: { nameFa: string; labelFa: string }) =>
    labelFa !== nameFa ? 1 : /[،/]/.test(nameFa) ? 2 : 0;
  const best = new Map<string, { labelFa: string; rank: number }>();
  for (const metric of readMetricDictionary(readme).values()) {
    const seen = best.get(metric.column);
    if (!seen || rank(metric) < seen.rank) best.set(metric.column, { labelFa: metric.labelFa, rank: rank(metric) });
  }
  const headers = new Map([...best].map(([column, { labelFa }]) => [column, labelFa]));
  for (const [column, label] of [...headers]) if (!headers.has(`${column}_name`)) headers.set(`${column}_name`, label);
  return headers;
}

/**
 * Fails, naming the cell, when a cell uses one of the kit's built-ins that load from the network
 * (tex, mermaid, a sample dataset …) without defining that name itself.
 */
function refuseNetworkBuiltins(notebook: Notebook, name: string, builtins: Set<string>): void {
  const transpiled = notebook.cells
    .filter((cell) => ['js', 'ts', 'md', 'html', 'tex', 'dot', 'ojs'].includes(cell.mode))
    .map((cell) => {
      try {
        return { cell, ...transpile(cell) };
      } catch (error) {
        throw new Error(`${name} cell ${cell.id} does not parse: ${(error as Error).message.split('\n')[0]}`);
      }
    });
  const defined = new Set(transpiled.flatMap((t) => [...(t.outputs ?? []), ...(t.output ? [t.output] : [])]));
  for (const t of transpiled) {
    const used = (t.inputs ?? []).filter((input) => builtins.has(input) && !defined.has(input));
    if (used.length) {
      throw new Error(
        `${name} cell ${t.cell.id} uses ${used.join(', ')}, which the Notebook Kit loads from the network; ` +
          'the offline pages offer Plot, Inputs, d3, htl (html, svg) and md',
      );
    }
  }
}

/** The first line of a build error, with our own message rather than the bundler's wrapping. */
function buildError(name: string, error: unknown): Error {
  const inner = (error as { errors?: { message?: string }[] }).errors?.[0]?.message ?? (error as Error).message;
  const line = inner
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.replace(/^\[plugin [^\]]+\]\s*/, '').replace(/^Error:\s*/, ''))
    .find((l) => l.trim() && !/^Build failed/.test(l) && !l.startsWith('/'));
  return new Error(line?.startsWith(name) ? line : `${name}: ${line ?? inner}`);
}

/** Builds every notebook of `notebooksDir` into `outDir/<name>.html`, reading the warehouse at `dbPath`. */
export async function buildNotebooks(options: NotebookBuildOptions): Promise<NotebookBuildResult> {
  const start = performance.now();
  const notebooksDir = resolve(options.notebooksDir ?? NOTEBOOKS_DIR);
  const files = pickNotebooks(listNotebooks(notebooksDir), options.only);
  if (!existsSync(options.dbPath)) throw new Error(`the warehouse ${options.dbPath} does not exist`);
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const warehouse = await openWarehouse(options.dbPath, { readOnly: true });
  try {
    const synthetic = await isSynthetic(warehouse.connection);
    const now = options.now ?? new Date();
    const styles = [
      pageStylesheet({ regular: fontUrl(vazirmatnFile('Regular')), bold: fontUrl(vazirmatnFile('Bold')) }),
      readFileSync(join(HERE, 'notebook.css'), 'utf8'),
    ].join('\n');
    const banner = synthetic ? `<div class="synthetic">${escapeHtml(STRINGS.fa.synthetic)}</div>` : '';
    const source =
      `<p class="source">داده‌ها: انبار ${escapeHtml(basename(options.dbPath))}، ` +
      'خوانده‌شده هنگام ساختن این صفحه؛ فیلترهای صفحه روی همین سطرها کار می‌کنند.</p>';
    const context = {
      notebooksDir,
      outDir,
      headers: columnHeaders(join(PROJECT, 'README.md')),
      builtins: new Set(networkBuiltins()),
      query: (sql: string) => runSqlCell(warehouse.connection, sql, now),
      template: (html: string) =>
        html
          .replace('<!-- notebooks:styles -->', `<style>${styles}</style>`)
          .replace('<!-- notebooks:banner -->', banner)
          .replace('<!-- notebooks:source -->', source),
    };
    const pages: NotebookPage[] = [];
    for (const file of files) pages.push(await buildOne(file, context));
    return { pages, synthetic, ms: performance.now() - start };
  } finally {
    closeWarehouse(warehouse);
  }
}

interface BuildContext {
  notebooksDir: string;
  outDir: string;
  headers: Map<string, string>;
  builtins: Set<string>;
  query: (sql: string) => Promise<SqlResult>;
  template: (html: string) => string;
}

/** Builds one notebook; its previous page goes first, so a failed build never leaves a stale one. */
async function buildOne(file: string, context: BuildContext): Promise<NotebookPage> {
  const start = performance.now();
  const name = displayPath(join(context.notebooksDir, file), PROJECT);
  const htmlPath = join(context.outDir, file);
  rmSync(htmlPath, { force: true });
  try {
    await build(viteConfig(file, name, context));
  } catch (error) {
    throw buildError(name, error);
  }
  return {
    name: file.replace(/\.html$/, ''),
    source: name,
    htmlPath,
    bytes: statSync(htmlPath).size,
    ms: performance.now() - start,
  };
}

/** The Vite configuration of one notebook's page. */
function viteConfig(file: string, name: string, context: BuildContext): InlineConfig {
  const tableModule = relative(context.notebooksDir, join(HERE, 'table.ts')).split('\\').join('/');
  return {
    configFile: false,
    envFile: false,
    root: context.notebooksDir,
    base: './',
    appType: 'mpa',
    publicDir: false,
    // Failures come back as one line (buildError); Vite's own progress and banner would only add noise.
    logLevel: 'silent',
    resolve: { alias: [{ find: /^observable:(.*)$/, replacement: `${KIT_SRC}/$1` }] },
    plugins: [
      offlineImports({ projectRoot: PROJECT }),
      observable({
        template: join(HERE, 'template.html'),
        transformTemplate: context.template,
        transformNotebook: async (notebook) => {
          await inlineSqlCells(notebook, {
            notebook: name,
            query: context.query,
            tableModule: tableModule.startsWith('.') ? tableModule : `./${tableModule}`,
            headers: context.headers,
          });
          refuseNetworkBuiltins(notebook, name, context.builtins);
          return notebook;
        },
      }),
      viteSingleFile(),
    ],
    build: {
      outDir: context.outDir,
      emptyOutDir: false,
      reportCompressedSize: false,
      rolldownOptions: { input: join(context.notebooksDir, file) },
    },
  };
}
