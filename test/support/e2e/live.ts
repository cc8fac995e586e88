// The Live view holds traces that arrive while it shows some behind its first row ("3 new traces: show"), so that
// rows never move under the mouse. Flows that wait for a trace click that row first, as a user would.
import type { Workbench } from './workbench';

/** The Live header row's text patterns: new traces waiting, or the count shown. */
export const LIVE_HEADER = /\bnew traces?: show\b|\btraces?, newest first\b/;

/** Clicks "N new traces: show" in the view when it is there. */
export async function showNewLiveTraces(wb: Workbench, viewTitle: string): Promise<void> {
  const header = wb.view(viewTitle).locator('.pane-body .monaco-list-row', { hasText: /new traces?: show/ });
  if (await header.count() > 0) await header.first().click().catch(() => undefined);
}

/** The Live view's trace rows (without its header row), showing waiting traces first. */
export async function liveTraceRows(wb: Workbench, viewTitle: string): Promise<string[]> {
  await showNewLiveTraces(wb, viewTitle);
  return (await wb.viewRows(viewTitle)).filter(r => !LIVE_HEADER.test(r));
}
