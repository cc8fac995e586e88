// Waterfall panels: one editor-area webview per trace. Speaks the protocol in src/protocol/messages.ts
// (validates everything the webview sends, answers `ready` with one `init`), raises events for the features
// that act on the editor (open source, open another trace, selection), and restores panels after a reload
// from a bounded on-disk copy of the compact trace (or from `resolveTrace` when the host can re-create it).
import * as vscode from 'vscode';
import { shortTraceId } from '../../core/ids';
import { Disposable, toDisposable } from '../lifecycle';
import type { CompactTrace } from '../../protocol/compact';
import { CompactView, compactByteSize } from '../../protocol/compact';
import { deserializeCompactTrace, serializeCompactTrace } from '../../protocol/compact-file';
import type { WebviewToHost } from '../../protocol/messages';
import { PROTOCOL_VERSION } from '../../protocol/version';
import type { HostToWebview, SourceMapping } from '../../protocol/messages';
import { makeNonce, renderWaterfallHtml } from './html';

export const WATERFALL_VIEW_TYPE = 'spanscope.waterfall';

export interface PreparedTrace {
  readonly compact: CompactTrace;
  /** Where the trace came from, shown in the header ("orders.json", "Jaeger localhost:16686", "Receiver"). */
  readonly sourceLabel: string;
  /** Identity of the trace in the host (one panel per key). */
  readonly traceKey: string;
}

export interface OpenSourceRequest {
  readonly traceKey: string;
  readonly spanId?: string;
  /** As written in the span (absolute, workspace-relative or anything else); absent: the span's mapped location. */
  readonly filePath?: string;
  /** 1-based, as in the span. */
  readonly line?: number;
  /** 1-based, as in the span. */
  readonly column?: number;
  /**
   * Call with the promise of the jump; a rejection's message is shown in the panel. When no listener calls it,
   * the request is answered as done.
   */
  waitUntil(p: Thenable<unknown>): void;
}

export interface OpenTraceRequest {
  readonly traceKey: string;
  readonly traceId: string;
  readonly spanId?: string;
  waitUntil(p: Thenable<unknown>): void;
}

/** A trace file dropped on a panel: its bytes (from the OS) or its URI (from the explorer; file/vscode-remote only). */
export type DroppedTrace =
  | { readonly traceKey: string; readonly kind: 'bytes'; readonly name: string; readonly bytes: Uint8Array }
  | { readonly traceKey: string; readonly kind: 'uri'; readonly uri: string };

export interface SpanSelection {
  readonly traceKey: string;
  readonly spanId: string | null;
}

export interface WaterfallPanelsOptions {
  /** Re-create a trace after a window reload (preferred over the stored copy when it answers). */
  readonly resolveTrace?: (traceKey: string) => Promise<PreparedTrace | undefined>;
  /** Bound of the restore store (default 8 traces, 256 MB). */
  readonly maxStoredTraces?: number;
  readonly maxStoredBytes?: number;
}

let lazyModules: Promise<typeof import('../lazy')> | undefined;

interface PanelEntry {
  readonly panel: vscode.WebviewPanel;
  prepared: PreparedTrace;
  ready: boolean;
  pendingSelect: string | undefined;
  pendingFilter: { text: string; mode?: 'dim' | 'hide' } | undefined;
  mapping: SourceMapping | undefined;
  view: CompactView;
  /** Set when the trace could not be loaded after all (see showError): a reloaded webview shows it again. */
  failed?: string;
}

export class WaterfallPanels extends Disposable implements vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, PanelEntry>();
  private readonly _onDidRequestOpenSource = this._register(new CountedEmitter<OpenSourceRequest>());
  /** The webview asked to open a file at a line (Go to source, Enter on a row, a stack frame). */
  readonly onDidRequestOpenSource = this._onDidRequestOpenSource.event;
  private readonly _onDidRequestOpenTrace = this._register(new CountedEmitter<OpenTraceRequest>());
  /** A span link to another trace was clicked. */
  readonly onDidRequestOpenTrace = this._onDidRequestOpenTrace.event;
  private readonly _onDidRequestOpenDropped = this._register(new vscode.EventEmitter<DroppedTrace>());
  /** A trace file was dropped on a panel: open it. */
  readonly onDidRequestOpenDropped = this._onDidRequestOpenDropped.event;
  private readonly _onDidChangeSelection = this._register(new vscode.EventEmitter<SpanSelection>());
  /** The selected span of a panel changed (for the side panel and editor sync). */
  readonly onDidChangeSelection = this._onDidChangeSelection.event;
  private readonly _onDidChangeActivePanel = this._register(new vscode.EventEmitter<string | undefined>());
  /** The trace key of the focused waterfall panel, undefined when none is focused. */
  readonly onDidChangeActivePanel = this._onDidChangeActivePanel.event;
  private readonly _onDidRestore = this._register(new vscode.EventEmitter<PreparedTrace>());
  /** A panel came back after a window reload with this trace (from `resolveTrace` or the stored copy). */
  readonly onDidRestore = this._onDidRestore.event;
  private readonly storeDir: vscode.Uri;
  private readonly storeTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly options: WaterfallPanelsOptions = {},
  ) {
    super();
    this.storeDir = vscode.Uri.joinPath(context.globalStorageUri, 'waterfall');
    this._register(vscode.window.registerWebviewPanelSerializer(WATERFALL_VIEW_TYPE, this));
    this._register(toDisposable(() => {
      for (const t of this.storeTimers.values()) clearTimeout(t);
      this.storeTimers.clear();
      for (const e of this.panels.values()) e.panel.dispose();
      this.panels.clear();
    }));
  }

  /** Open (or focus) the panel of this trace. */
  show(prepared: PreparedTrace, opts: { selectSpanId?: string; preserveFocus?: boolean; viewColumn?: vscode.ViewColumn } = {}): void {
    const existing = this.panels.get(prepared.traceKey);
    if (existing) {
      existing.panel.reveal(opts.viewColumn ?? existing.panel.viewColumn, opts.preserveFocus);
      if (existing.prepared.compact !== prepared.compact) this.update(prepared.traceKey, prepared.compact);
      if (opts.selectSpanId) this.reveal(prepared.traceKey, opts.selectSpanId);
      return;
    }
    const panel = vscode.window.createWebviewPanel(WATERFALL_VIEW_TYPE, panelTitle(prepared.compact), { viewColumn: opts.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: opts.preserveFocus ?? false }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: this.resourceRoots(),
      enableFindWidget: false,
    });
    this.attach(panel, prepared, opts.selectSpanId);
    void this.store(prepared);
  }

  /** Replace the spans of an open trace (live receiver, refresh); the webview keeps scroll, selection, collapse. */
  update(traceKey: string, compact: CompactTrace): boolean {
    const e = this.panels.get(traceKey);
    if (!e) return false;
    e.prepared = { ...e.prepared, compact };
    e.view = new CompactView(compact);
    e.panel.title = panelTitle(compact);
    if (e.ready) this.post(e, { type: 'update', compact });
    // Live traces update often: keep the restore copy at most a couple of seconds behind, not on every update.
    clearTimeout(this.storeTimers.get(traceKey));
    this.storeTimers.set(traceKey, setTimeout(() => { this.storeTimers.delete(traceKey); if (this.panels.get(traceKey) === e) void this.store(e.prepared); }, 2000));
    return true;
  }

  /** Replace the panel's rows with a message (its trace could not be loaded after all). */
  showError(traceKey: string, message: string): boolean {
    const e = this.panels.get(traceKey);
    if (!e) return false;
    e.failed = message.slice(0, 4096);
    if (e.ready) this.post(e, { type: 'error', message: e.failed });
    return true;
  }

  /** Select and scroll to a span of an open trace. */
  reveal(traceKey: string, spanId: string): boolean {
    const e = this.panels.get(traceKey);
    if (!e) return false;
    e.panel.reveal(e.panel.viewColumn, true);
    if (e.ready) this.post(e, { type: 'reveal', spanId });
    else e.pendingSelect = spanId;
    return true;
  }

  /** Fill the search box of an open trace's panel and apply it (e.g. `service=cart`); sent after `init` when not ready yet. */
  setFilter(traceKey: string, text: string, mode?: 'dim' | 'hide'): boolean {
    const e = this.panels.get(traceKey);
    if (!e) return false;
    const filter = { text: text.slice(0, 1000), ...(mode ? { mode } : {}) };
    if (e.ready) this.post(e, { type: 'setFilter', ...filter });
    else e.pendingFilter = filter;
    return true;
  }

  /** Tell the panel which spans map to workspace files and to the active editor's file (span indices). */
  setMapping(traceKey: string, mapping: SourceMapping): void {
    const e = this.panels.get(traceKey);
    if (!e) return;
    e.mapping = mapping;
    if (e.ready) this.post(e, { type: 'mapping', mapping });
  }

  has(traceKey: string): boolean { return this.panels.has(traceKey); }
  /** The compact trace shown for a key (to read spans and code locations with CompactView). */
  compactOf(traceKey: string): CompactTrace | undefined { return this.panels.get(traceKey)?.prepared.compact; }
  get openTraceKeys(): string[] { return [...this.panels.keys()]; }
  get activeTraceKey(): string | undefined {
    for (const [k, e] of this.panels) if (e.panel.active) return k;
    return undefined;
  }
  close(traceKey: string): void { this.panels.get(traceKey)?.panel.dispose(); }

  // ---- WebviewPanelSerializer ----
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const traceKey = state && typeof state === 'object' && typeof (state as { traceKey?: unknown }).traceKey === 'string' ? (state as { traceKey: string }).traceKey : undefined;
    panel.webview.options = { enableScripts: true, localResourceRoots: this.resourceRoots() };
    let prepared: PreparedTrace | undefined;
    if (traceKey) {
      try { prepared = await this.options.resolveTrace?.(traceKey); } catch (e) { this.log.warn(`waterfall restore: resolving ${traceKey} failed: ${String(e)}`); }
      prepared ??= await this.load(traceKey);
    }
    if (!prepared || this.panels.has(prepared.traceKey)) {
      this.log.info(`waterfall restore: no stored trace for ${traceKey ?? '(no key)'}`);
      panel.webview.html = renderWaterfallHtml(this.htmlOptions(panel.webview));
      const sub = panel.webview.onDidReceiveMessage(async m => {
        if ((await this.validate(m))?.type === 'ready') void panel.webview.postMessage({ type: 'error', message: 'This trace is no longer available after the window reload. Open it again from its file, backend or the receiver.' } satisfies HostToWebview);
      });
      panel.onDidDispose(() => sub.dispose());
      return;
    }
    panel.title = panelTitle(prepared.compact);
    this.attach(panel, prepared, undefined);
    this._onDidRestore.fire(prepared);
  }

  // ---- internals ----
  private resourceRoots(): vscode.Uri[] {
    return [vscode.Uri.joinPath(this.context.extensionUri, 'dist'), vscode.Uri.joinPath(this.context.extensionUri, 'media')];
  }

  private htmlOptions(webview: vscode.Webview) {
    return {
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'media', 'waterfall.css')).toString(),
      title: 'Spanscope trace',
    };
  }

  private attach(panel: vscode.WebviewPanel, prepared: PreparedTrace, selectSpanId: string | undefined): void {
    const entry: PanelEntry = { panel, prepared, ready: false, pendingSelect: selectSpanId, pendingFilter: undefined, mapping: undefined, view: new CompactView(prepared.compact) };
    this.panels.set(prepared.traceKey, entry);
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'waterfall.svg');
    const subs: vscode.Disposable[] = [];
    // Messages are handled in the order they came: each waits on the same (once loaded) validation module.
    subs.push(panel.webview.onDidReceiveMessage(raw => void this.validate(raw).then(msg => { if (msg) this.onMessage(entry, msg); })));
    subs.push(panel.onDidChangeViewState(e => {
      // A hidden webview is destroyed (retainContextWhenHidden is off); it says `ready` again when shown.
      if (!e.webviewPanel.visible) entry.ready = false;
      this._onDidChangeActivePanel.fire(this.activeTraceKey);
    }));
    subs.push(panel.onDidDispose(() => {
      for (const s of subs) s.dispose();
      if (this.panels.get(entry.prepared.traceKey) === entry) this.panels.delete(entry.prepared.traceKey);
      if (!this.isDisposed) void this.forget(entry.prepared.traceKey);
      this._onDidChangeActivePanel.fire(this.activeTraceKey);
    }));
    panel.webview.html = renderWaterfallHtml(this.htmlOptions(panel.webview));
  }

  /**
   * The message if it is valid (else undefined, logged). The zod schemas load with the lazy bundle on the first
   * message: they are a third of the main bundle, and no panel exists at activation.
   */
  private async validate(raw: unknown): Promise<WebviewToHost | undefined> {
    // One promise for every message, so that their continuations run in arrival order.
    const { parseWebviewMessage } = await (lazyModules ??= import('../lazy'));
    return parseWebviewMessage(raw, l => this.log.warn(`waterfall: ${l}`));
  }

  private onMessage(entry: PanelEntry, msg: WebviewToHost): void {
    const traceKey = entry.prepared.traceKey;
    switch (msg.type) {
      case 'ready': {
        entry.ready = true;
        if (entry.failed !== undefined) { this.post(entry, { type: 'error', message: entry.failed }); return; }
        const selectSpanId = entry.pendingSelect;
        entry.pendingSelect = undefined;
        this.post(entry, {
          type: 'init', protocol: PROTOCOL_VERSION, traceKey, sourceLabel: entry.prepared.sourceLabel, compact: entry.prepared.compact,
          ...(selectSpanId ? { selectSpanId } : {}), ...(entry.mapping ? { mapping: entry.mapping } : {}),
        });
        if (entry.pendingFilter) { this.post(entry, { type: 'setFilter', ...entry.pendingFilter }); entry.pendingFilter = undefined; }
        return;
      }
      case 'openSource': {
        const waits: Thenable<unknown>[] = [];
        const listeners = this._onDidRequestOpenSource.count > 0;
        this._onDidRequestOpenSource.fire({
          traceKey, ...(msg.spanId ? { spanId: msg.spanId } : {}), ...(msg.location ? { filePath: msg.location.filePath } : {}),
          ...(msg.location?.line ? { line: msg.location.line } : {}), ...(msg.location?.column ? { column: msg.location.column } : {}),
          waitUntil: p => waits.push(p),
        });
        this.replyAfter(entry, msg.id, listeners ? waits : undefined, 'Go to source is not available yet.');
        return;
      }
      case 'openTrace': {
        const waits: Thenable<unknown>[] = [];
        const listeners = this._onDidRequestOpenTrace.count > 0;
        this._onDidRequestOpenTrace.fire({ traceKey, traceId: msg.traceId, ...(msg.spanId ? { spanId: msg.spanId } : {}), waitUntil: p => waits.push(p) });
        this.replyAfter(entry, msg.id, listeners ? waits : undefined, 'Opening linked traces is not available yet.');
        return;
      }
      case 'openDroppedFile':
        this._onDidRequestOpenDropped.fire({ traceKey, kind: 'bytes', name: msg.name, bytes: msg.bytes });
        return;
      case 'openDroppedUris':
        for (const uri of msg.uris) {
          // The schema checked the scheme; parse again as VS Code does, so that "file:" means a file.
          let scheme: string;
          try { scheme = vscode.Uri.parse(uri, true).scheme; } catch { scheme = ''; }
          if (scheme === 'file' || scheme === 'vscode-remote') this._onDidRequestOpenDropped.fire({ traceKey, kind: 'uri', uri });
          else this.log.warn(`waterfall: refused dropped URI ${uri.slice(0, 200)}`);
        }
        return;
      case 'selectionChanged':
        this._onDidChangeSelection.fire({ traceKey, spanId: msg.spanId });
        return;
      case 'copyText':
        void vscode.env.clipboard.writeText(msg.text);
        return;
      case 'log':
        if (msg.level === 'error') this.log.error(`waterfall webview: ${msg.message}`);
        else if (msg.level === 'warn') this.log.warn(`waterfall webview: ${msg.message}`);
        else this.log.info(`waterfall webview: ${msg.message}`);
        return;
    }
  }

  private replyAfter(entry: PanelEntry, id: number, waits: Thenable<unknown>[] | undefined, unhandled: string): void {
    if (!waits) { this.post(entry, { type: 'reply', id, ok: false, error: unhandled }); return; }
    Promise.all(waits).then(
      () => this.post(entry, { type: 'reply', id, ok: true }),
      (e: unknown) => this.post(entry, { type: 'reply', id, ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  }

  private post(entry: PanelEntry, message: HostToWebview): void {
    void entry.panel.webview.postMessage(message).then(ok => { if (!ok) this.log.debug(`waterfall: ${message.type} not delivered (panel hidden)`); });
  }

  // ---- bounded restore store ----
  private fileOf(traceKey: string): vscode.Uri {
    let h = 0x811c9dc5;
    for (let k = 0; k < traceKey.length; k++) { h ^= traceKey.charCodeAt(k); h = Math.imul(h, 0x01000193); }
    const safe = traceKey.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60);
    return vscode.Uri.joinPath(this.storeDir, `${safe}-${(h >>> 0).toString(16)}.bin`);
  }

  private async store(prepared: PreparedTrace): Promise<void> {
    // A preview is not worth restoring: the whole follows within seconds, or the open failed.
    if (prepared.compact.partial) return;
    try {
      const max = this.options.maxStoredBytes ?? 256 * 1024 * 1024;
      if (compactByteSize(prepared.compact) > max) return;
      await vscode.workspace.fs.createDirectory(this.storeDir);
      const body = serializeCompactTrace(prepared.compact);
      const label = new TextEncoder().encode(JSON.stringify({ traceKey: prepared.traceKey, sourceLabel: prepared.sourceLabel }) + '\n');
      const bytes = new Uint8Array(label.length + body.length);
      bytes.set(label, 0);
      bytes.set(body, label.length);
      await vscode.workspace.fs.writeFile(this.fileOf(prepared.traceKey), bytes);
      await this.prune(max);
    } catch (e) {
      this.log.warn(`waterfall: could not store ${prepared.traceKey} for restore: ${String(e)}`);
    }
  }

  private async prune(maxBytes: number): Promise<void> {
    const entries = await vscode.workspace.fs.readDirectory(this.storeDir);
    const files: { uri: vscode.Uri; mtime: number; size: number }[] = [];
    for (const [name] of entries) {
      const uri = vscode.Uri.joinPath(this.storeDir, name);
      const st = await vscode.workspace.fs.stat(uri);
      files.push({ uri, mtime: st.mtime, size: st.size });
    }
    files.sort((a, b) => b.mtime - a.mtime);
    let total = 0;
    const maxCount = this.options.maxStoredTraces ?? 8;
    for (const [k, f] of files.entries()) {
      total += f.size;
      if (k >= maxCount || total > maxBytes) await vscode.workspace.fs.delete(f.uri).then(undefined, () => undefined);
    }
  }

  private async load(traceKey: string): Promise<PreparedTrace | undefined> {
    try {
      const bytes = await vscode.workspace.fs.readFile(this.fileOf(traceKey));
      const nl = bytes.indexOf(10);
      const label = JSON.parse(new TextDecoder().decode(bytes.subarray(0, nl))) as { traceKey: string; sourceLabel: string };
      if (label.traceKey !== traceKey) return undefined;
      return { traceKey, sourceLabel: String(label.sourceLabel), compact: deserializeCompactTrace(bytes.subarray(nl + 1)) };
    } catch {
      return undefined;
    }
  }

  private async forget(traceKey: string): Promise<void> {
    await vscode.workspace.fs.delete(this.fileOf(traceKey)).then(undefined, () => undefined);
  }
}

/** An event emitter that knows whether anyone listens (requests nobody handles are answered with an error). */
class CountedEmitter<T> implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<T>();
  count = 0;
  readonly event: vscode.Event<T> = (listener, thisArgs?, disposables?) => {
    this.count++;
    const inner = this.emitter.event(listener, thisArgs);
    const d = toDisposable(() => { this.count--; inner.dispose(); });
    if (Array.isArray(disposables)) disposables.push(d);
    return d;
  };
  fire(e: T): void { this.emitter.fire(e); }
  dispose(): void { this.emitter.dispose(); }
}

/** "<root service>: <operation> <short id>". */
export function panelTitle(compact: CompactTrace): string {
  const view = new CompactView(compact);
  const short = shortTraceId(compact.traceId);
  if (view.spanCount === 0) return `Trace ${short}`;
  const root = view.cols.preorder[0]!;
  const title = `${view.service(root)}: ${view.name(root)} ${short}`;
  return title.length > 80 ? `${title.slice(0, 77)}…` : title;
}
