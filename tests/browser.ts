/**
 * Pages in Chromium for the browser tests (playwright-core, /usr/bin/chromium): each page opened
 * with every console error, page error, dialog and request recorded, so a test can fail on any.
 */
import type { Browser, Page } from 'playwright-core';

/** An opened page and what it did: problems (errors, dialogs) and every URL it requested. */
export interface OpenedPage {
  page: Page;
  problems: string[];
  requests: string[];
}

/**
 * Opens `url` in `browser` and waits until `ready` (a selector, or a function evaluated in the
 * page) holds, recording console errors, page errors, dialogs and every request.
 */
export async function openPage(
  browser: Browser,
  url: string,
  ready: string | (() => boolean),
  viewport = { width: 1366, height: 768 },
): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  if (typeof ready === 'string') await page.waitForSelector(ready);
  else await page.waitForFunction(ready);
  return { page, problems, requests };
}

/** The requests that went anywhere but the page's own file and data: URLs. */
export function networkRequests(requests: string[]): string[] {
  return requests.filter((u) => !/^(file|data):/.test(u));
}
