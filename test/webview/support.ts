// Shared set-up of the webview tests: one harness server and one Chromium per test file.
import type { TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage } from '../support/chromium';
import type { Harness } from '../../scripts/harness.mjs';

interface OpenOptions {
  viewport?: { width: number; height: number };
  /** What shows that the webview is up; rows by default. */
  waitFor?: string;
}

export interface Rig {
  harness: Harness;
  browser: Browser;
  /** Open the harness with this query and wait until the webview shows rows (or a message). */
  open(query: string, opts?: OpenOptions): Promise<{ page: Page; log: string[]; close(): Promise<void> }>;
  /**
   * Open the harness on the trace document at `traceUrl` (from harness.addDocument), as `open` does, and close the
   * page when test `t` ends, passed or failed. `query` adds parameters: `&theme=light`.
   */
  openTrace(t: TestContext, traceUrl: string, opts?: OpenOptions & { query?: string }): Promise<{ page: Page; log: string[] }>;
  close(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  // A real ES module (import.meta): loaded as such, not transformed.
  const { startHarness } = await import('../../scripts/harness.mjs');
  const harness = await startHarness();
  const browser = await launchChromium();
  const open: Rig['open'] = async (query, opts = {}) => {
    const log: string[] = [];
    const { context, page } = await openPage(browser, { log, ...(opts.viewport ? { viewport: opts.viewport } : {}) });
    await page.goto(`${harness.url}/${query}`);
    await page.waitForSelector(opts.waitFor ?? '[role=treeitem]', { timeout: 30_000 });
    return { page, log, close: () => context.close() };
  };
  return {
    harness,
    browser,
    open,
    async openTrace(t, traceUrl, { query = '', ...opts } = {}) {
      const { page, log, close } = await open(`?trace=${encodeURIComponent(traceUrl)}${query}`, opts);
      t.after(close);
      return { page, log };
    },
    async close() {
      await browser.close();
      await harness.close();
    },
  };
}

/** Messages the webview sent to the (harness) host, in order. */
export function received(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __harness: { received: { message: { type: string } }[] } }).__harness.received.map(r => r.message));
}

export function rowCount(page: Page): Promise<number> {
  return page.locator('[role=treeitem]').count();
}

/** Total rows of the waterfall (not just those in the DOM), from its header. */
export async function totalRows(page: Page): Promise<number> {
  const t = await page.locator('.name-head .muted').innerText();
  return Number(t.split(' of ')[0]!.replace(/[^\d]/g, ''));
}
