// Drives the code-server workbench in Chromium the way a user does: the command palette (F1), quick inputs,
// the status bar, notifications, and the content of webviews (nested frames).
import type { Frame, Page } from 'playwright-core';

const DEFAULT_TIMEOUT = 15_000;

/**
 * The quick input (the command palette, Quick Open, an extension's input box or quick pick: one widget), while open.
 * VS Code 1.139 animates the widget out when it closes: for a moment it is still drawn, but `inert`, and typing into
 * it waits until it is gone. Seen as open, a closing palette cost every command 3 s on that version (the palette
 * helpers waited out their fill timeout before pressing F1 again); a row or text of the closing one could also be
 * taken for the next one's.
 */
const QUICK_INPUT_OPEN = '.quick-input-widget:not([inert])';
/** The quick input's text box, while open. */
export const QUICK_INPUT_BOX = `${QUICK_INPUT_OPEN} .quick-input-box input`;
/** The rows of the quick input's list, while open. */
export const QUICK_INPUT_ROWS = `${QUICK_INPUT_OPEN} .quick-input-list .monaco-list-row`;

export class Workbench {
  constructor(readonly page: Page) {}

  /** Waits until the workbench is drawn and its status bar is there. */
  async ready(timeout = 60_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout });
  }

  /**
   * Opens the command palette with F1 and types `text` after its `>`. A palette seen open may still close under the
   * fill (one a reload took away, or one that lost the keyboard focus), so a fill that finds no visible input within
   * a short time opens the palette again instead of waiting out the whole timeout on an input that is gone.
   */
  async openPalette(text = '', timeout = DEFAULT_TIMEOUT): Promise<void> {
    const input = this.page.locator(QUICK_INPUT_BOX);
    const deadline = Date.now() + timeout;
    for (let attempt = 0; ; attempt++) {
      if (!(await input.isVisible())) {
        // From the second attempt on, the keyboard focus may be in a webview whose F1 did not reach the workbench
        // (VS Code 1.139 forwards it late or not at all). Taking the focus back must not click anything: a click on
        // the editor area lands in the webview under it and selects whatever row is there (the LM tools test then
        // saw another span selected than the one it clicked). Blurring the focused frame hands the keyboard to the
        // workbench's window, where VS Code listens for its keybindings.
        if (attempt > 0) await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur()).catch(() => undefined);
        await this.page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
      }
      try {
        await input.fill(`>${text}`, { timeout: 3000 });
        return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
    }
  }

  /**
   * The palette rows for `text`. Extension contributions appear a moment after the workbench is drawn, so the
   * query is retyped until a row contains `text` (or the timeout passes; then the rows there are are returned).
   */
  async paletteEntries(text: string, timeout = DEFAULT_TIMEOUT): Promise<string[]> {
    const rows = this.page.locator(QUICK_INPUT_ROWS);
    const deadline = Date.now() + timeout;
    let labels: string[] = [];
    for (;;) {
      await this.openPalette(text);
      await rows.first().waitFor({ state: 'visible', timeout: 2000 }).catch(() => undefined);
      labels = await rows.evaluateAll(els => els.map(el => el.getAttribute('aria-label') ?? el.textContent ?? ''));
      if (labels.some(l => l.toLowerCase().includes(text.toLowerCase())) || Date.now() > deadline) break;
      await this.page.keyboard.press('Escape');
      await new Promise(resolve => setTimeout(resolve, 300));
    }
    await this.page.keyboard.press('Escape');
    return labels;
  }

  /**
   * Runs a command by its palette title, e.g. "Spanscope: Show Log": waits for the exact row (the palette also lists
   * fuzzy matches) and selects it in the same palette. Extension contributions appear a moment after the workbench is
   * drawn, so a palette without the row is closed and opened again until the timeout (then the error lists its rows).
   */
  async runCommand(title: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
    const rows = this.page.locator(QUICK_INPUT_ROWS);
    const row = rows.filter({ hasText: title }).first();
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.openPalette(title, Math.max(3000, deadline - Date.now()));
      if (await row.waitFor({ state: 'visible', timeout: 2000 }).then(() => true, () => false)) {
        await row.click();
        return;
      }
      if (Date.now() > deadline) {
        const labels = await rows.evaluateAll(els => els.map(el => el.getAttribute('aria-label') ?? el.textContent ?? ''));
        await this.page.keyboard.press('Escape');
        throw new Error(`"${title}" is not in the command palette; it lists: ${labels.slice(0, 10).join(' / ')}`);
      }
      await this.page.keyboard.press('Escape');
      await new Promise(resolve => setTimeout(resolve, 300));
    }
  }

  /**
   * Developer: Reload Window, returning once the new workbench is drawn. The reload is a navigation of the page,
   * and it starts a moment after the command is picked: `waitForLoadState` alone resolves at once on the old page
   * (already loaded), so the steps after it ran against the old workbench while it was being torn down: a palette
   * that vanished under `fill` (the analysis flow's 30 s timeout), a webview frame found in the old page and detached
   * right after ("Frame was detached" in flow 6), or worse, old content checked as if restored. Waiting for the main
   * frame's navigation is the real condition.
   */
  async reloadWindow(timeout = 60_000): Promise<void> {
    const page = this.page;
    const navigated = page.waitForEvent('framenavigated', { predicate: f => f === page.mainFrame(), timeout });
    navigated.catch(() => undefined); // awaited below; a failing runCommand must not leave it unhandled
    await this.runCommand('Developer: Reload Window');
    await navigated;
    await page.waitForLoadState('domcontentloaded');
    await this.ready(timeout);
  }

  /**
   * Waits until a webview has the keyboard focus (the page's focused element is its frame). A panel opened with focus
   * gets it only once its frame has loaded, which on a busy machine can be after the test has moved on: a quick input
   * opened meanwhile then loses the focus to it and closes. Returns false when no webview took the focus in time.
   */
  async webviewFocused(timeout = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if (await this.page.evaluate(() => document.activeElement?.tagName === 'IFRAME')) return true;
      await this.page.waitForTimeout(100);
    }
    return false;
  }

  /**
   * Types into the open quick input (an input box or a quick pick) and accepts it with Enter. In a form of several
   * steps in one quick input, `step` ("2/5") waits for that step: the widget stays open between steps, so without it
   * the answer could go to the step just answered, before the next one replaced it.
   */
  async answerQuickInput(text: string, timeout = DEFAULT_TIMEOUT, step?: string): Promise<void> {
    await this.quickInputStep(step, timeout);
    const input = this.page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ state: 'visible', timeout });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** Selects the row of the open quick pick whose label contains `label` (at `step`, as answerQuickInput). */
  async pickQuickInput(label: string, timeout = DEFAULT_TIMEOUT, step?: string): Promise<void> {
    await this.quickInputStep(step, timeout);
    const row = this.page.locator(QUICK_INPUT_ROWS, { hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout });
    await row.click();
  }

  /** Waits until the open quick input's title shows `step` (VS Code writes "Title (2/5)"). */
  private async quickInputStep(step: string | undefined, timeout: number): Promise<void> {
    if (step === undefined) return;
    await this.page.locator(`${QUICK_INPUT_OPEN} .quick-input-title`, { hasText: `(${step})` }).waitFor({ state: 'visible', timeout });
  }

  /** Opens a workspace file by name through Quick Open (Ctrl+P). */
  async openFile(relativePath: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
    await this.openPalette('');
    const input = this.page.locator(QUICK_INPUT_BOX);
    await input.fill(relativePath);
    const row = this.page.locator(QUICK_INPUT_ROWS).first();
    await row.waitFor({ state: 'visible', timeout });
    await this.page.keyboard.press('Enter');
    const name = relativePath.split('/').pop() ?? relativePath;
    await this.page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ state: 'visible', timeout });
  }

  /** The status bar's text, items separated by " | ". */
  async statusBarText(): Promise<string> {
    const items = await this.page.locator('.part.statusbar .statusbar-item').allInnerTexts();
    return items.map(s => s.trim()).filter(Boolean).join(' | ');
  }

  /** Waits for the status bar to show text matching `pattern` (e.g. /Ln 5, Col 1/) and returns the match. */
  async waitForStatusBar(pattern: RegExp, timeout = DEFAULT_TIMEOUT): Promise<string> {
    return poll(async () => pattern.exec(await this.statusBarText())?.[0], timeout, `status bar matching ${pattern}`);
  }

  /** Texts of the notification toasts on screen. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  async waitForNotification(pattern: RegExp, timeout = DEFAULT_TIMEOUT): Promise<string> {
    return poll(async () => (await this.notifications()).find(t => pattern.test(t)), timeout, `notification matching ${pattern}`);
  }

  /** The action buttons of the toast whose message matches `pattern`. */
  async notificationActions(pattern: RegExp): Promise<string[]> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item')
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: pattern }) }).first();
    return (await toast.locator('.notification-list-item-buttons-container .monaco-button').allInnerTexts()).map(s => s.trim());
  }

  /** The validation message under the open quick input (an input box's validateInput result). */
  async quickInputMessage(): Promise<string> {
    return (await this.page.locator(`${QUICK_INPUT_OPEN} .quick-input-message`).innerText().catch(() => '')).trim();
  }

  /**
   * The frame (at any depth: webviews are an iframe holding an iframe) whose document text contains `text`.
   * Waits until one does.
   */
  async frameWithText(text: string | RegExp, timeout = DEFAULT_TIMEOUT): Promise<Frame> {
    return poll(async () => {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        const body = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (typeof text === 'string' ? body.includes(text) : text.test(body)) return frame;
      }
      return undefined;
    }, timeout, `a webview frame containing ${String(text)}`);
  }

  /** Visible text of every webview frame, for assertions and failure messages. */
  async webviewTexts(): Promise<string[]> {
    const out: string[] = [];
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame()) continue;
      const body = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      if (body.trim()) out.push(body);
    }
    return out;
  }

  /**
   * VS Code's own activation time for an extension (code loading + activate), from "Developer: Show Running
   * Extensions", in ms. The extension must have activated already.
   */
  async activationTimeMs(extensionName: string, timeout = DEFAULT_TIMEOUT): Promise<number> {
    await this.runCommand('Developer: Show Running Extensions');
    const rows = this.page.locator('.runtime-extensions-editor .monaco-list-row');
    const text = await poll(async () => (await rows.allInnerTexts()).find(r => r.startsWith(`${extensionName}\n`) && /Activation: \d/.test(r)),
      timeout, `${extensionName} in Running Extensions`);
    // Closed again: left open, the editor is restored by the next Reload Window and profiles the new extension host
    // while it starts, which made each reload-and-read cycle of the activation test take twice as long.
    const tab = this.page.locator('.tabs-container .tab.active', { hasText: 'Running Extensions' }).first();
    await tab.locator('.action-label.codicon-close').click({ timeout: 5000 }).catch(() => undefined);
    return Number(/Activation: (\d+(?:\.\d+)?)\s*ms/.exec(text)?.[1] ?? NaN);
  }

  /** The pane (a view in a side bar or the panel) whose header title is `title`. */
  view(title: string) {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header .title', { hasText: title }) }).first();
  }

  /** Text of each visible row of a tree/list view, by the view's title (e.g. "Live"). */
  async viewRows(title: string): Promise<string[]> {
    const rows = this.view(title).locator('.pane-body .monaco-list-row');
    return rows.evaluateAll(els => els.map(el => [el.getAttribute('aria-label') ?? '', (el as HTMLElement).innerText ?? '']
      .filter(Boolean).join(' \u2016 ')));
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path });
  }
}

/** Calls `probe` until it returns a value (not undefined) or `timeout` ms pass. */
export async function poll<T>(probe: () => Promise<T | undefined>, timeout: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, everyMs));
  }
}
