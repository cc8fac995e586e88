// The waterfall webview as a user sees it, inside code-server: its frame, its rows, search, collapse.
import type { Frame } from 'playwright-core';
import { poll, type Workbench } from './workbench';

/** The webview frame of the waterfall showing `text` (a span name, say), once its rows are drawn. */
export async function waterfallFrame(wb: Workbench, text: string, timeout = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = await wb.frameWithText(text, Math.max(1000, deadline - Date.now()));
    try {
      await frame.locator('[role="treeitem"]').first().waitFor({ state: 'visible', timeout: Math.max(1000, deadline - Date.now()) });
      return frame;
    } catch (e) {
      // A frame found while VS Code replaces it (a webview restored after a reload is loaded, then its content frame
      // is made anew when the panel is shown) detaches under the wait: look for the frame again instead of failing.
      if (!frame.isDetached() || Date.now() > deadline) throw e;
    }
  }
}

/** aria-labels of the drawn rows ("service name duration[, error]"), top to bottom. */
export async function rowLabels(frame: Frame): Promise<string[]> {
  const rows = await frame.locator('[role="treeitem"]').evaluateAll(els => els.map(el => ({
    label: el.getAttribute('aria-label') ?? '',
    pos: Number(el.getAttribute('data-pos') ?? 0),
  })));
  return rows.sort((a, b) => a.pos - b.pos).map(r => r.label);
}

/** Waits until the drawn rows satisfy `accept`, and returns them. */
export async function waitForRows(frame: Frame, accept: (rows: string[]) => boolean, what: string, timeout = 10_000): Promise<string[]> {
  let last: string[] = [];
  return poll(async () => {
    last = await rowLabels(frame);
    return accept(last) ? last : undefined;
  }, timeout, what).catch(err => { throw new Error(`${(err as Error).message}; rows: ${last.join(' / ')}`); });
}

export async function search(frame: Frame, query: string): Promise<void> {
  await frame.locator('[data-testid="search"]').fill(query);
}

export async function matchCount(frame: Frame): Promise<string> {
  return frame.locator('[data-testid="match-count"]').innerText();
}

export async function setHideOthers(frame: Frame, on: boolean): Promise<void> {
  await frame.locator('label.check', { hasText: 'Hide others' }).locator('input').setChecked(on);
}

export async function collapseAll(frame: Frame): Promise<void> {
  await frame.locator('[data-testid="collapse-all"]').click();
}

export async function expandAll(frame: Frame): Promise<void> {
  await frame.locator('[data-testid="expand-all"]').click();
}
