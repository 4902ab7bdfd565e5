/**
 * Builds the one-file offline dashboard: the page script bundled by esbuild (Plot and d3 inside),
 * the Vazirmatn font subset to the characters the page uses, the marts' rows as inline JSON, and a
 * Content-Security-Policy that lets nothing load from anywhere.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import subsetFont from 'subset-font';
import { closeWarehouse, openWarehouse } from '../pipelines/db.ts';
import { readDashboardData, type DashboardData, type DataOptions } from './data.ts';
import { readMetricDictionary } from './dictionary.ts';
import { STRINGS } from './client/strings.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** What a build wrote and how long each part took. */
export interface BuildResult {
  htmlPath: string;
  bytes: number;
  ms: { data: number; bundle: number; font: number; total: number };
}

/** Options of a dashboard build. */
export interface BuildOptions extends DataOptions {
  dbPath: string;
  outDir: string;
  readmePath?: string;
}

/** The page script, bundled once per process (it does not depend on the data). */
let bundled: Promise<string> | undefined;

/** The page script as one minified classic script (Chromium blocks module scripts from file://). */
export function bundlePageScript(): Promise<string> {
  bundled ??= build({
    entryPoints: [join(HERE, 'client', 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    legalComments: 'none',
    charset: 'utf8',
  }).then((r) => r.outputFiles[0]!.text);
  return bundled;
}

// Persian letters, digits and punctuation, ASCII, and the typographic marks the page uses.
const BASE_CHARACTERS = [
  ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)),
  ...Array.from({ length: 0x6ff - 0x600 + 1 }, (_, i) => String.fromCharCode(0x600 + i)),
  '\u200c',
  '\u200d',
  '–',
  '—',
  '…',
  '·',
  '−',
  '«',
  '»',
  '٪',
  '٫',
  '٬',
  '←',
  '→',
  '↑',
  '↓',
  '′',
  '“',
  '”',
  '‘',
  '’',
  'Σ',
  '÷',
  '×',
  '≤',
  '≥',
  '≠',
].join('');

/** The woff2 file of Vazirmatn's `weight` in the vazirmatn package (OFL). */
export function vazirmatnFile(weight: 'Regular' | 'Bold'): string {
  return require.resolve(`vazirmatn/fonts/webfonts/Vazirmatn-${weight}.woff2`);
}

/** Vazirmatn of `weight`, subset to the base set plus every character of `text`, as a data: URL. */
async function fontDataUrl(weight: 'Regular' | 'Bold', text: string): Promise<string> {
  const file = vazirmatnFile(weight);
  const subset = await subsetFont(readFileSync(file), BASE_CHARACTERS + text, { targetFormat: 'woff2' });
  return `data:font/woff2;base64,${subset.toString('base64')}`;
}

/** JSON safe inside a <script> element: no "<" can close it or open a comment. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The dashboard's stylesheet (page.css) with Vazirmatn's two weights as `fonts` (data: URLs); the notebooks use it too. */
export function pageStylesheet(fonts: { regular: string; bold: string }): string {
  return readFileSync(join(HERE, 'page.css'), 'utf8')
    .replace('FONT_REGULAR', fonts.regular)
    .replace('FONT_BOLD', fonts.bold);
}

/** The page's HTML for `data`, with the script bundle and the fonts' data: URLs. */
export function pageHtml(data: DashboardData, script: string, fonts: { regular: string; bold: string }): string {
  const safeScript = script.replace(/<\/(script)/gi, '<\\/$1');
  const hash = createHash('sha256').update(safeScript).digest('base64');
  const css = pageStylesheet(fonts);
  // Only the one inline script (by its hash) runs; styles inline (Plot writes style attributes);
  // fonts and images from data: only; no connection, frame, form or base anywhere.
  const csp = [
    `default-src 'none'`,
    `script-src 'sha256-${hash}'`,
    `style-src 'unsafe-inline'`,
    `font-src data:`,
    `img-src data:`,
    `connect-src 'none'`,
    `form-action 'none'`,
    `base-uri 'none'`,
  ].join('; ');
  return `<!doctype html>
<html lang="fa" dir="rtl">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${STRINGS.fa.title}</title>
<style>${css}</style>
</head>
<body>
<div id="app"></div>
<script type="application/json" id="dashboard-data">${inlineJson(data)}</script>
<script>${safeScript}</script>
</body>
</html>
`;
}

/** Reads the warehouse, builds the page and writes `index.html` into `outDir`. */
export async function buildDashboard(options: BuildOptions): Promise<BuildResult> {
  const start = performance.now();
  const warehouse = await openWarehouse(options.dbPath);
  let data: DashboardData;
  try {
    const readme = options.readmePath ?? resolve(HERE, '..', 'README.md');
    data = await readDashboardData(warehouse.connection, readMetricDictionary(readme), options);
  } finally {
    closeWarehouse(warehouse);
  }
  const dataMs = performance.now() - start;
  const script = await bundlePageScript();
  const bundleMs = performance.now() - start - dataMs;
  const text = JSON.stringify(data) + JSON.stringify(STRINGS);
  const [regular, bold] = await Promise.all([fontDataUrl('Regular', text), fontDataUrl('Bold', text)]);
  const fontMs = performance.now() - start - dataMs - bundleMs;
  const html = pageHtml(data, script, { regular, bold });
  mkdirSync(options.outDir, { recursive: true });
  const htmlPath = resolve(options.outDir, 'index.html');
  writeFileSync(htmlPath, html);
  return {
    htmlPath,
    bytes: Buffer.byteLength(html),
    ms: { data: dataMs, bundle: bundleMs, font: fontMs, total: performance.now() - start },
  };
}
