// Debian's Chromium driven by playwright-core (a Playwright browser download does not work on these machines).
// Shared by the webview tests, the benchmarks and the end-to-end tests.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SPANSCOPE_CHROMIUM ?? '/usr/bin/chromium';
/** The flags of ../shared/e2e/CODE-SERVER.md. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);
/** For `test(name, { skip: CHROMIUM_SKIP }, …)`: skip with a reason when Chromium is absent (never in CI). */
export const CHROMIUM_SKIP: string | false = HAVE_CHROMIUM || process.env.CI ? false : `Chromium not found at ${CHROMIUM_PATH} (set SPANSCOPE_CHROMIUM)`;

export interface LaunchOptions {
  /** Extra Chromium flags (e.g. --js-flags=--expose-gc). */
  readonly args?: readonly string[];
  readonly timeoutMs?: number;
}

export async function launchChromium(opts: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(opts.args ?? [])],
    timeout: opts.timeoutMs ?? 30_000,
  });
}

export interface PageOptions {
  readonly viewport?: { width: number; height: number };
  /** Collected console messages and page errors (for assertions and for failure output). */
  readonly log?: string[];
}

/** A fresh context and page; console output and page errors go to `log`. Close with `context.close()`. */
export async function openPage(browser: Browser, opts: PageOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1600, height: 1000 } });
  const page = await context.newPage();
  if (opts.log) {
    const log = opts.log;
    page.on('console', m => log.push(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', e => log.push(`pageerror: ${e.message}`));
  }
  return { context, page };
}
