// Analysis panels (service graph, trace comparison, latency distribution): one editor-area webview per result,
// speaking src/protocol/analysis.ts. Everything the webview sends is validated; requests are answered with a
// reply (a rejection's message is shown in the panel). After a window reload a panel is rebuilt from its recipe
// (which view, which trace keys: kept in the webview's state, never the spans); when that fails the panel says why.
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../lifecycle';
import { makeNonce, renderWaterfallHtml } from '../waterfall/html';
import { ANALYSIS_PROTOCOL_VERSION } from '../../protocol/version';
import type { AnalysisHostMessage, AnalysisRecipe, AnalysisRequest, AnalysisView, AnalysisWebviewMessage } from '../../protocol/analysis';

/** The message schemas (zod) load with the lazy bundle when a panel first needs them: not at activation. */
let lazyModules: Promise<typeof import('../lazy')> | undefined;
const lazy = () => (lazyModules ??= import('../lazy'));

export const ANALYSIS_VIEW_TYPE = 'spanscope.analysis';

/** What a panel does with the webview's requests; a missing handler answers "not available". */
export interface AnalysisHandlers {
  filterService?(service: string): Promise<unknown>;
  revealDiffRow?(row: number, side: 'a' | 'b'): Promise<unknown>;
  openTrace?(traceId: string, spanId: string | undefined): Promise<unknown>;
}

/** One panel's content: its title, what it shows, what its requests do, and how to rebuild it after a reload. */
export interface AnalysisContent {
  readonly title: string;
  readonly view: AnalysisView;
  readonly handlers: AnalysisHandlers;
  readonly recipe?: AnalysisRecipe;
}

/** Rebuilds a panel's content from its recipe; rejects with a message for the user when it cannot. */
export type AnalysisRebuild = (recipe: AnalysisRecipe) => Promise<AnalysisContent>;

export class AnalysisPanels extends Disposable implements vscode.WebviewPanelSerializer {
  private readonly open = new Set<vscode.WebviewPanel>();

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel, private readonly rebuild?: AnalysisRebuild) {
    super();
    this._register(vscode.window.registerWebviewPanelSerializer(ANALYSIS_VIEW_TYPE, this));
    this._register(toDisposable(() => { for (const p of [...this.open]) p.dispose(); this.open.clear(); }));
  }

  show(content: AnalysisContent): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(ANALYSIS_VIEW_TYPE, content.title, vscode.ViewColumn.Active, {
      enableScripts: true, retainContextWhenHidden: false, localResourceRoots: this.roots(), enableFindWidget: true,
    });
    this.attach(panel, Promise.resolve(content));
    return panel;
  }

  // ---- WebviewPanelSerializer ----
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    panel.webview.options = { enableScripts: true, localResourceRoots: this.roots() };
    const { recipeFromState } = await lazy();
    const recipe = recipeFromState(state, l => this.log.warn(`analysis restore: ${l}`));
    const content = !recipe ? Promise.reject(new Error(vscode.l10n.t('This analysis cannot be rebuilt after the window reload. Run its command again.')))
      : this.rebuild ? this.rebuild(recipe) : Promise.reject(new Error(vscode.l10n.t('Analysis is not available.')));
    content.then(c => { panel.title = c.title; }, (e: unknown) => this.log.info(`analysis restore (${recipe?.view ?? 'no recipe'}): ${errorText(e)}`));
    // Rebuilding may fetch traces again: the panel shows "Loading…" meanwhile, not an empty editor.
    this.attach(panel, content);
  }

  private roots(): vscode.Uri[] {
    return [vscode.Uri.joinPath(this.context.extensionUri, 'dist')];
  }

  private attach(panel: vscode.WebviewPanel, content: Promise<AnalysisContent>): void {
    this.open.add(panel);
    content.catch(() => undefined); // answered on `ready`; not an unhandled rejection meanwhile
    const webview = panel.webview;
    webview.html = renderWaterfallHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'analysis.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'analysis.css')).toString(),
      title: panel.title,
    });
    const post = (m: AnalysisHostMessage) => void webview.postMessage(m);
    // Validated with the schemas from the lazy bundle; one promise for all, so messages keep their order.
    const sub = webview.onDidReceiveMessage((raw: unknown) => void lazy().then(({ parseAnalysisWebviewMessage }) => {
      const m = parseAnalysisWebviewMessage(raw, l => this.log.warn(`analysis panel: ${l}`));
      if (m) this.onMessage(m, content, post);
    }));
    panel.onDidDispose(() => { sub.dispose(); this.open.delete(panel); });
  }

  private onMessage(m: AnalysisWebviewMessage, content: Promise<AnalysisContent>, post: (m: AnalysisHostMessage) => void): void {
    switch (m.type) {
      case 'ready':
        // A hidden panel's webview is destroyed (retainContextWhenHidden is off) and says `ready` again when shown.
        void content.then(
          c => post({ type: 'init', protocol: ANALYSIS_PROTOCOL_VERSION, data: c.view, ...(c.recipe ? { recipe: c.recipe } : {}) }),
          (e: unknown) => post({ type: 'error', message: errorText(e).slice(0, 4000) }));
        return;
      case 'log': this.log[m.level](`analysis webview: ${m.message}`); return;
      default: void content.then(c => this.answer(m, c.handlers), () => this.answer(m, {})).then(post);
    }
  }

  private async answer(m: AnalysisRequest, h: AnalysisHandlers): Promise<AnalysisHostMessage> {
    try {
      const run = m.type === 'filterService' ? h.filterService?.(m.service)
        : m.type === 'revealDiffRow' ? h.revealDiffRow?.(m.row, m.side)
        : h.openTrace?.(m.traceId, m.spanId);
      if (!run) return { type: 'reply', id: m.id, ok: false, error: vscode.l10n.t('Not available for this view.') };
      await run;
      return { type: 'reply', id: m.id, ok: true };
    } catch (e) {
      return { type: 'reply', id: m.id, ok: false, error: errorText(e).slice(0, 4000) };
    }
  }
}

function errorText(e: unknown): string {
  if (e instanceof vscode.CancellationError) return vscode.l10n.t('Cancelled.');
  return e instanceof Error ? e.message : String(e);
}
