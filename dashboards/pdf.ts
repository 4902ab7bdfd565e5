/**
 * The A4 pack: the dashboard printed by Debian's Chromium through playwright-core, after the
 * charts are redrawn at the printed width. Page numbers come from the stylesheet's @page rule.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Chromium's flags: headless, no sandbox (root in CI), and nothing that reaches the network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts the system Chromium (CHROMIUM_PATH, else /usr/bin/chromium). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A4 width less the page margins, in CSS pixels: the width the charts are drawn at for print. */
const PRINT_WIDTH = 720;

/** Prints `htmlPath` to `pack.pdf` beside it (or `pdfPath`) and counts its pages. */
export async function printPdf(
  htmlPath: string,
  pdfPath = join(dirname(htmlPath), 'pack.pdf'),
  browser?: Browser,
): Promise<{ pdfPath: string; pages: number; bytes: number; ms: number }> {
  const start = performance.now();
  const own = browser ?? (await launchChromium());
  try {
    const page = await own.newPage({ viewport: { width: PRINT_WIDTH, height: 1000 } });
    await page.goto(pathToFileURL(htmlPath).href);
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(async () => {
      await document.fonts.ready;
      (window as unknown as { redraw: () => void }).redraw();
      // Print every definition under its chart.
      document.querySelectorAll('details').forEach((d) => {
        d.open = true;
      });
    });
    await page.pdf({ path: pdfPath, format: 'A4', printBackground: true, preferCSSPageSize: true });
    await page.close();
  } finally {
    if (!browser) await own.close();
  }
  return { pdfPath, pages: countPdfPages(pdfPath), bytes: statSync(pdfPath).size, ms: performance.now() - start };
}

/** Number of pages of a PDF written by Chromium (its page objects, "/Type /Page"). */
export function countPdfPages(pdfPath: string): number {
  // Latin-1 keeps every byte as one character, so the object syntax can be matched as text.
  const text = readFileSync(pdfPath).toString('latin1');
  return (text.match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
}
