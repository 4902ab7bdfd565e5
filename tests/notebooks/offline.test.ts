/**
 * The notebook build never reaches for the network: an import of a package that is not installed,
 * of a URL, or of a kit built-in that loads from a CDN fails the build with a message naming it;
 * an installed package imported as npm: is bundled into the page.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../dashboards/pdf.ts';
import { buildNotebooks } from '../../dashboards/notebooks/build.ts';
import { npmImportOfUrl, parseNpmImport } from '../../dashboards/notebooks/offline.ts';
import { closeWarehouse, openWarehouse } from '../../pipelines/db.ts';
import { networkRequests, openPage } from '../browser.ts';
import { tempWarehouse } from '../helpers.ts';

let dbPath: string;

/** A folder holding one notebook whose only cells are `cells` (attributes, body), and a folder for its page. */
function notebookWith(cells: [string, string][]): { notebooksDir: string; outDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'notebook-offline-'));
  const notebooksDir = join(root, 'notebooks');
  mkdirSync(notebooksDir);
  const scripts = cells.map(
    ([attributes, body], i) => `  <script id="${i + 1}" ${attributes}>\n    ${body}\n  </script>`,
  );
  writeFileSync(
    join(notebooksDir, 'question.html'),
    `<!doctype html>\n<notebook theme="air">\n  <title>پرسش</title>\n${scripts.join('\n')}\n</notebook>\n`,
  );
  return { notebooksDir, outDir: join(root, 'out') };
}

beforeAll(async () => {
  // An empty warehouse: these notebooks read nothing from it.
  dbPath = tempWarehouse();
  closeWarehouse(await openWarehouse(dbPath));
});

describe('the offline build refuses what would load from the network', () => {
  it('fails, naming it, when a notebook imports a package that is not installed', async () => {
    const { notebooksDir, outDir } = notebookWith([
      ['type="module"', 'import pad from "npm:left-pad-not-installed@1"; display(pad("x", 3));'],
    ]);
    await expect(buildNotebooks({ dbPath, outDir, notebooksDir })).rejects.toThrow(
      `${join(notebooksDir, 'question.html')} imports npm:left-pad-not-installed@1, but left-pad-not-installed is not ` +
        'installed and the offline build does not fetch from the network; run npm install left-pad-not-installed ' +
        '(and add it to package.json), or remove the import',
    );
    expect(existsSync(join(outDir, 'question.html'))).toBe(false);
  });

  it('fails, naming it, when a notebook imports a URL', async () => {
    const { notebooksDir, outDir } = notebookWith([
      ['type="module"', 'import * as x from "https://example.com/x.js"; display(x);'],
    ]);
    await expect(buildNotebooks({ dbPath, outDir, notebooksDir })).rejects.toThrow(
      `${join(notebooksDir, 'question.html')} imports https://example.com/x.js, a network URL: the offline pages load ` +
        'nothing from the network; install the package with npm and import it as npm:NAME',
    );
  });

  it('fails, naming the cell, when a notebook uses a built-in the kit loads from a CDN', async () => {
    const { notebooksDir, outDir } = notebookWith([
      ['type="text/markdown"', '# پرسش'],
      ['type="module"', 'tex`E = mc^2`'],
    ]);
    await expect(buildNotebooks({ dbPath, outDir, notebooksDir })).rejects.toThrow(
      `${join(notebooksDir, 'question.html')} cell 2 uses tex, which the Notebook Kit loads from the network; ` +
        'the offline pages offer Plot, Inputs, d3, htl (html, svg) and md',
    );
  });

  it('fails when an SQL cell interpolates, since the offline page could not run it', async () => {
    const { notebooksDir, outDir } = notebookWith([
      ['type="module"', 'const year = 1394;'],
      ['type="application/sql" database="../data/sample.duckdb"', 'select ${year} as year'],
    ]);
    await expect(buildNotebooks({ dbPath, outDir, notebooksDir })).rejects.toThrow(
      `${join(notebooksDir, 'question.html')} SQL cell 2 interpolates \${…}: such a query runs in the browser against ` +
        'a build-time cache the offline page cannot read; select the rows in a plain SQL cell and filter them in JavaScript',
    );
  });
});

describe('an installed package imported as npm: is bundled', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('builds a page that runs d3-array from node_modules with no request', async () => {
    const { notebooksDir, outDir } = notebookWith([
      ['type="module"', 'import {sum} from "npm:d3-array"; display(html`<p id="answer">${sum([1, 2, 39])}</p>`);'],
    ]);
    const { pages } = await buildNotebooks({ dbPath, outDir, notebooksDir });
    const { page, problems, requests } = await openPage(browser, pathToFileURL(pages[0]!.htmlPath).href, '#answer');
    expect(await page.locator('#answer').textContent()).toBe('42');
    expect(problems).toEqual([]);
    expect(networkRequests(requests)).toEqual([]);
    // An empty warehouse holds no sample: the page carries no SYNTHETIC banner.
    expect(await page.locator('.synthetic').count()).toBe(0);
    await page.close();
  });

  it('reads npm: specifiers and the CDN URLs the kit writes for them', () => {
    expect(parseNpmImport('@observablehq/plot@0.6/dist/plot.umd.js')).toEqual({
      name: '@observablehq/plot',
      range: '0.6',
      path: '/dist/plot.umd.js',
    });
    expect(npmImportOfUrl('https://cdn.jsdelivr.net/npm/d3-dsv/+esm')).toEqual({ name: 'd3-dsv', range: '', path: '' });
    expect(npmImportOfUrl('https://cdn.jsdelivr.net/npm/@duckdb/duckdb-wasm@1.32.0/+esm')).toEqual({
      name: '@duckdb/duckdb-wasm',
      range: '1.32.0',
      path: '',
    });
    expect(npmImportOfUrl('https://esm.sh/jsr/@std/x')).toBeUndefined();
  });
});
