// Analysis panels (service graph, trace comparison, latency distribution): one editor-area webview per result,
// speaking src/protocol/analysis.ts. Everything the webview sends is validated; requests are answered with a
// reply (a rejection's message is shown in the panel). Not restored after a window reload: the result is cheap
// to compute again from its command.
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../lifecycle';
import { makeNonce, renderWaterfallHtml } from '../waterfall/html';
import { ANALYSIS_PROTOCOL_VERSION, parseAnalysisWebviewMessage } from '../../protocol/analysis';
import type { AnalysisHostMessage, AnalysisRequest, AnalysisView } from '../../protocol/analysis';

export const ANALYSIS_VIEW_TYPE = 'spanscope.analysis';

/** What a panel does with the webview's requests; a missing handler answers "not available". */
export interface AnalysisHandlers {
  filterService?(service: string): Promise<unknown>;
  revealDiffRow?(row: number, side: 'a' | 'b'): Promise<unknown>;
  openTrace?(traceId: string, spanId: string | undefined): Promise<unknown>;
}

export class AnalysisPanels extends Disposable {
  private readonly open = new Set<vscode.WebviewPanel>();

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel) {
    super();
    this._register(toDisposable(() => { for (const p of [...this.open]) p.dispose(); this.open.clear(); }));
  }

  show(title: string, view: AnalysisView, handlers: AnalysisHandlers): vscode.WebviewPanel {
    const roots = [vscode.Uri.joinPath(this.context.extensionUri, 'dist')];
    const panel = vscode.window.createWebviewPanel(ANALYSIS_VIEW_TYPE, title, vscode.ViewColumn.Active, {
      enableScripts: true, retainContextWhenHidden: false, localResourceRoots: roots, enableFindWidget: true,
    });
    this.open.add(panel);
    const webview = panel.webview;
    webview.html = renderWaterfallHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'analysis.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'analysis.css')).toString(),
      title,
    });
    const post = (m: AnalysisHostMessage) => void webview.postMessage(m);
    const sub = webview.onDidReceiveMessage((raw: unknown) => {
      const m = parseAnalysisWebviewMessage(raw, l => this.log.warn(`analysis panel: ${l}`));
      if (!m) return;
      switch (m.type) {
        case 'ready': post({ type: 'init', protocol: ANALYSIS_PROTOCOL_VERSION, data: view }); return;
        case 'log': this.log[m.level](`analysis webview: ${m.message}`); return;
        default: void this.answer(m, handlers).then(post);
      }
    });
    panel.onDidDispose(() => { sub.dispose(); this.open.delete(panel); });
    return panel;
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
      return { type: 'reply', id: m.id, ok: false, error: (e instanceof Error ? e.message : String(e)).slice(0, 4000) };
    }
  }
}
