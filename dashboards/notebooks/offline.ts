/**
 * The import policy of the offline notebook pages: every import resolves to an installed package
 * or the build fails naming it; nothing is left to load from the network.
 *
 * The Notebook Kit rewrites `npm:x` in a cell to `https://cdn.jsdelivr.net/npm/x/+esm` and loads
 * its built-ins (Plot, Inputs, d3, htl) from the same CDN. This plugin maps those URLs back to the
 * packages in node_modules. It leans on the kit's URL strings, so the kit's version is pinned in
 * package.json, and a check after bundling fails the build if any import is still external.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/** Where the kit's built `src` lives (runtime, styles, templates). */
export const KIT_SRC = resolve(dirname(fileURLToPath(import.meta.resolve('@observablehq/notebook-kit/vite'))), '..');
const KIT_DIST = resolve(KIT_SRC, '..');
const KIT_LIBRARIES = join(KIT_SRC, 'runtime', 'stdlib', 'recommendedLibraries.js');
const KIT_SAMPLE_DATASETS = join(KIT_SRC, 'runtime', 'stdlib', 'sampleDatasets.js');
const KIT_HIGHLIGHT = join(KIT_SRC, 'runtime', 'stdlib', 'highlight.js');

const CDN = 'https://cdn.jsdelivr.net/npm/';

/** The kit's built-ins the pages offer, each bundled from the installed package. */
export const OFFLINE_BUILTINS = ['Plot', 'Inputs', 'd3', 'htl', 'html', 'svg', 'md'] as const;

/**
 * Packages the kit's own runtime may take from node_modules: the built-ins' packages, and d3-dsv
 * for FileAttachment(…).csv(). Anything else the runtime would fetch (arquero, parquet-wasm, jszip,
 * exceljs for other FileAttachment formats) is left out of the page; using it throws, naming it.
 */
const KIT_PACKAGES = new Set(['@observablehq/plot', '@observablehq/inputs', 'd3', 'htl', 'd3-dsv']);

/** A package import as `npm:` names it: name, version range (as written, maybe empty) and subpath. */
export interface NpmImport {
  name: string;
  range: string;
  path: string;
}

/** Parses `name@range/path` (the part after `npm:` or after the CDN's /npm/). */
export function parseNpmImport(text: string): NpmImport {
  const parts = text.split('/');
  const nameRange = text.startsWith('@') ? `${parts.shift()}/${parts.shift()}` : parts.shift()!;
  const at = nameRange.indexOf('@', 1);
  const path = parts.length ? `/${parts.join('/')}` : '';
  return {
    name: at > 0 ? nameRange.slice(0, at) : nameRange,
    range: at > 0 ? nameRange.slice(at + 1) : '',
    // The CDN's "/+esm" means "the package's ES module": the package's own entry here.
    path: path.replace(/\/\+esm$/, ''),
  };
}

/** The npm import a URL of the kit's CDN stands for, or undefined for any other URL. */
export function npmImportOfUrl(url: string): NpmImport | undefined {
  return url.startsWith(CDN) ? parseNpmImport(url.slice(CDN.length)) : undefined;
}

const isNetworkSpecifier = (id: string): boolean => /^(https?:)?\/\//i.test(id) || /^(jsr|npm):/.test(id);
const isKitFile = (file: string | undefined): boolean => !!file && file.startsWith(KIT_DIST);
const UNAVAILABLE = '\0offline-unavailable:';
const CSS_NETWORK_IMPORT = /@import\s+(?:url\()?\s*["']?(https?:\/\/[^"')\s]+)["']?\s*\)?/;

/** A file as messages name it: relative to the project when inside it, else in full. */
export function displayPath(file: string, projectRoot: string): string {
  const inside = relative(projectRoot, file);
  return inside && !inside.startsWith('..') ? inside : file;
}

/** The notebook an importer belongs to (a cell's code is `x.html?html-proxy…`). */
function importerName(importer: string | undefined, projectRoot: string): string {
  return importer ? displayPath(importer.replace(/\?.*$/, ''), projectRoot) : 'a notebook';
}

/** How a planner would write the import: `npm:name@range/path`, or the URL itself. */
function asWritten(source: string, npm: NpmImport | undefined): string {
  if (!npm || source.startsWith('npm:')) return source;
  return `npm:${npm.name}${npm.range ? `@${npm.range}` : ''}${npm.path}`;
}

/**
 * The kit's recommended libraries cut down to OFFLINE_BUILTINS: its module is one
 * `export const Name = () => import(…)` per line; the other lines would load from the CDN.
 */
function offlineLibraries(code: string): string {
  const lines = code.split('\n');
  const kept = lines.filter((line) => OFFLINE_BUILTINS.some((name) => line.startsWith(`export const ${name} = `)));
  const missing = OFFLINE_BUILTINS.filter((name) => !kept.some((line) => line.startsWith(`export const ${name} = `)));
  if (missing.length) {
    throw new Error(
      `the Notebook Kit's recommendedLibraries.js no longer defines ${missing.join(', ')} as the pinned version did; ` +
        'check the kit version in package.json',
    );
  }
  return kept.join('\n');
}

/** The names of the kit's built-ins that load from the network, which the pages do not offer. */
export function networkBuiltins(): string[] {
  const names = (file: string) =>
    [...readFileSync(file, 'utf8').matchAll(/^export const (\w+) = /gm)].map((m) => m[1]!);
  const offline = new Set<string>(OFFLINE_BUILTINS);
  return [...names(KIT_LIBRARIES), ...names(KIT_SAMPLE_DATASETS)].filter((n) => !offline.has(n));
}

/**
 * The Vite plugin: `npm:` and CDN imports resolve to installed packages; an import of a package
 * that is not installed, or of any other network URL, fails the build with a message naming it.
 */
export function offlineImports({ projectRoot }: { projectRoot: string }): Plugin {
  const resolveFrom = join(projectRoot, 'package.json');
  return {
    name: 'notebooks:offline-imports',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!isNetworkSpecifier(source)) return null;
      const npm = source.startsWith('npm:') ? parseNpmImport(source.slice(4)) : npmImportOfUrl(source);
      if (isKitFile(importer)) {
        if (npm && KIT_PACKAGES.has(npm.name)) {
          const installed = await this.resolve(npm.name + npm.path, resolveFrom, { skipSelf: true });
          if (installed) return installed;
        }
        return UNAVAILABLE + (npm?.name ?? source);
      }
      const where = importerName(importer, projectRoot);
      const written = asWritten(source, npm);
      if (!npm) {
        this.error(
          `${where} imports ${written}, a network URL: the offline pages load nothing from the network; ` +
            'install the package with npm and import it as npm:NAME',
        );
      }
      const installed = await this.resolve(npm.name + npm.path, resolveFrom, { skipSelf: true });
      if (!installed) {
        this.error(
          `${where} imports ${written}, but ${npm.name} is not installed and the offline build does not fetch ` +
            `from the network; run npm install ${npm.name} (and add it to package.json), or remove the import`,
        );
      }
      return installed;
    },
    load(id) {
      if (!id.startsWith(UNAVAILABLE)) return null;
      const message = `${id.slice(UNAVAILABLE.length)} is not bundled into the offline notebook pages`;
      return `const unavailable = () => { throw new Error(${JSON.stringify(message)}); };
export default new Proxy(unavailable, { get: unavailable, apply: unavailable, construct: unavailable });`;
    },
    async transform(code, id) {
      if (id === KIT_LIBRARIES) return { code: offlineLibraries(code), map: null };
      if (id === KIT_SAMPLE_DATASETS) return { code: 'export {};', map: null };
      // Code blocks in Markdown stay plain text: the parsers of its languages would add ~250 KB to every page.
      if (id === KIT_HIGHLIGHT) return { code: 'export async function highlight() {}', map: null };
      if (!/\.css($|\?)/.test(id) || !CSS_NETWORK_IMPORT.test(code)) return null;
      // A stylesheet's @import of a CDN file (the kit's inputs.css imports Inputs' own CSS) is
      // taken from the installed package; any other network stylesheet fails the build.
      let css = code;
      for (const match of code.matchAll(new RegExp(CSS_NETWORK_IMPORT, 'g'))) {
        const npm = npmImportOfUrl(match[1]!);
        const installed = npm && (await this.resolve(npm.name + npm.path, resolveFrom, { skipSelf: true }));
        if (!installed) {
          this.error(
            `${displayPath(id.replace(/\?.*$/, ''), projectRoot)} imports the stylesheet ${match[1]} from the network`,
          );
        }
        css = css.replace(match[0], `@import url(${JSON.stringify(installed.id)})`);
      }
      return { code: css, map: null };
    },
    generateBundle(_options, bundle) {
      for (const output of Object.values(bundle)) {
        const external =
          output.type === 'chunk'
            ? [...output.imports, ...output.dynamicImports].filter((id) => !(id in bundle))
            : /\.css$/.test(output.fileName)
              ? [...String(output.source).matchAll(/(?:@import\s+|url\()\s*["']?((?:https?:)?\/\/[^"')\s]+)/gi)].map(
                  (m) => m[1]!,
                )
              : [];
        if (external.length) {
          this.error(
            `${output.fileName} would still load ${external.join(', ')} at run time; the pages must hold everything`,
          );
        }
      }
    },
  };
}
