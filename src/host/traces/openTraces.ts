// Every way a trace document gets into Spanscope from the user's hands: the Open Trace File dialog, "Open in
// Spanscope" in the explorer, the clipboard, a file dropped on the panel, and the recent/pinned history. Bytes go to
// `prepare` (parse + analysis, in a worker thread for big inputs); the result goes to TraceService.open.
import * as vscode from 'vscode';
import { shortTraceId } from '../../core/ids';
import { Commands, registerCommand } from '../commands';
import { traceSettings } from '../config';
import type { HostContext } from '../hostContext';
import { Disposable } from '../lifecycle';
import { describeCompact, type OpenOptions, type OpenTrace, type PreparedTraceLike, type TraceHistoryEntry, type TraceSource, type TraceSourceKind } from './traceService';
import { formatMicros } from '../../core/units/duration';
import { formatCount } from '../../core/units/count';

export type TraceFormat = 'auto' | 'jaeger' | 'otlp' | 'otlp-proto' | 'zipkin';

/** Parse + analyse a document into one prepared trace per trace in it (`prepareTraces`). */
export type PrepareFn = (bytes: Uint8Array, options: { format: TraceFormat; skew: 'raw' | 'adjust'; signal?: AbortSignal; onPreview?: (preview: PreparedTraceLike) => void }) => Promise<PreparedTraceLike[]>;

/** Trace files the dialog and the explorer menu offer. Keep in step with the `resourceExtname` when clauses in package.json. */
export const TRACE_FILE_EXTENSIONS = ['json', 'jsonl', 'pb', 'bin'] as const;
/** Larger files are refused before reading: the parse would exhaust the extension host's memory. */
export const MAX_TRACE_FILE_BYTES = 1024 * 1024 * 1024;

/** Opens history entries of one source kind again (the receiver and backends register theirs). */
export type Reopener = (entry: TraceHistoryEntry) => Promise<OpenTrace | undefined>;

export function formatForFile(name: string): TraceFormat {
  return /\.(pb|bin|binpb|protobuf)$/i.test(name) ? 'otlp-proto' : 'auto';
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Where a preview of the document being parsed is shown (see `_prepareOrFail`). */
interface PreviewTarget {
  readonly source: TraceSource;
  readonly options: OpenOptions & { onlyTraceId?: string };
  readonly progress: vscode.Progress<{ message?: string }>;
  readonly uri?: vscode.Uri;
}

export class TraceOpener extends Disposable {
  private readonly _reopeners = new Map<TraceSourceKind, Reopener>();

  constructor(private readonly _host: HostContext, private readonly _prepare: PrepareFn) {
    super();
    const log = _host.log;
    this._register(registerCommand(Commands.openTraceFile, () => this.pickAndOpenFiles(), log));
    this._register(registerCommand(Commands.openInSpanscope, (uri?: vscode.Uri, uris?: vscode.Uri[]) => this.openFromExplorer(uri, uris), log));
    this._register(registerCommand(Commands.openFromClipboard, () => this.openFromClipboard(), log));
    this._register(registerCommand(Commands.openSample, () => this.openUri(vscode.Uri.joinPath(_host.extension.extensionUri, 'media', 'sample-trace.json')), log));
    this._register(registerCommand(Commands.openRecent, (entry?: TraceHistoryEntry) => (entry?.traceKey ? this.reopen(entry) : this.pickRecent()), log));
    this._register(registerCommand(Commands.pinTrace, (arg?: unknown) => this._pin(arg, true), log));
    this._register(registerCommand(Commands.unpinTrace, (arg?: unknown) => this._pin(arg, false), log));
    this._register(registerCommand(Commands.clearRecent, () => _host.traces.clearRecent(), log));
    this._reopeners.set('file', entry => this._reopenFile(entry));
  }

  /** The receiver and the backends register how to open their history entries again. */
  registerReopener(kind: TraceSourceKind, reopener: Reopener): vscode.Disposable {
    this._reopeners.set(kind, reopener);
    return new vscode.Disposable(() => {
      if (this._reopeners.get(kind) === reopener) this._reopeners.delete(kind);
    });
  }

  async pickAndOpenFiles(): Promise<OpenTrace[]> {
    const uris = await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: vscode.l10n.t('Open in Spanscope'),
      title: vscode.l10n.t('Open Trace File'),
      filters: { [vscode.l10n.t('Trace files')]: [...TRACE_FILE_EXTENSIONS], [vscode.l10n.t('All files')]: ['*'] },
    });
    return this._openMany(uris ?? []);
  }

  async openFromExplorer(uri?: vscode.Uri, uris?: vscode.Uri[]): Promise<OpenTrace[]> {
    const list = uris && uris.length > 0 ? uris : uri ? [uri] : [];
    if (list.length === 0) {
      // Run from the palette: the active editor's document. Unsaved text is what the user sees, so read that.
      const doc = vscode.window.activeTextEditor?.document;
      if (doc && (doc.isUntitled || doc.isDirty)) {
        const label = doc.uri.path.split('/').pop() || doc.uri.toString();
        // Not reopenable from disk in this state, so it is kept out of the history like a paste.
        return this.openBytes(new TextEncoder().encode(doc.getText()), { kind: 'clipboard', label });
      }
      if (doc) return this._openMany([doc.uri]);
      return this.pickAndOpenFiles();
    }
    return this._openMany(list);
  }

  private async _openMany(uris: readonly vscode.Uri[]): Promise<OpenTrace[]> {
    const out: OpenTrace[] = [];
    for (const uri of uris) out.push(...await this.openUri(uri));
    return out;
  }

  /**
   * Reads a trace file and opens its traces (a pick list when it holds several). `onlyTraceId` opens that trace
   * without asking (history, links). Returns what was opened; failures are shown to the user, not thrown.
   */
  async openUri(uri: vscode.Uri, options: OpenOptions & { onlyTraceId?: string } = {}): Promise<OpenTrace[]> {
    const name = basename(uri);
    const source: TraceSource = { kind: 'file', label: name, uri: uri.toString() };
    const prepared = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Opening {0}', name), cancellable: true },
      async (progress, token) => {
        let size: number | undefined;
        try {
          size = (await vscode.workspace.fs.stat(uri)).size;
        } catch (err) {
          this._fail(vscode.l10n.t('Cannot read {0}: {1}', name, errorText(err)), err);
          return undefined;
        }
        if (size > MAX_TRACE_FILE_BYTES) {
          this._fail(vscode.l10n.t('{0} is {1} MB; Spanscope opens trace files up to {2} MB.', name, Math.round(size / 1048576), MAX_TRACE_FILE_BYTES / 1048576));
          return undefined;
        }
        progress.report({ message: vscode.l10n.t('reading {0} MB', (size / 1048576).toFixed(1)) });
        const bytes = await vscode.workspace.fs.readFile(uri);
        if (token.isCancellationRequested) return undefined;
        progress.report({ message: vscode.l10n.t('parsing') });
        return this._prepareOrFail(bytes, formatForFile(name), name, token, { uri, source, options, progress });
      },
    );
    if (!prepared) return [];
    const chosen = options.onlyTraceId !== undefined
      ? prepared.filter(p => p.summary.traceId === options.onlyTraceId)
      : await this._choose(prepared, name);
    if (options.onlyTraceId !== undefined && chosen.length === 0) {
      this._fail(vscode.l10n.t('{0} no longer holds trace {1}.', name, options.onlyTraceId));
    }
    return this._openAll(chosen, source, options);
  }

  /**
   * One trace of a file, prepared without any UI (a waterfall restored after a window reload re-reads its file).
   * Undefined when the file is gone, unreadable, or no longer holds that trace; the reason goes to the log.
   */
  async prepareFromFile(uri: vscode.Uri, traceId: string): Promise<PreparedTraceLike | undefined> {
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      const prepared = await this._prepare(bytes, { format: formatForFile(basename(uri)), skew: traceSettings().skew });
      const found = prepared.find(p => p.summary.traceId === traceId);
      if (!found) this._host.log.info(`${uri.toString()} no longer holds trace ${traceId}`);
      return found;
    } catch (err) {
      this._host.log.info(`could not read ${uri.toString()} again: ${errorText(err)}`);
      return undefined;
    }
  }

  /** Opens each; with several, the first (the document's first trace) ends up in front. */
  private _openAll(chosen: readonly PreparedTraceLike[], source: TraceSource, options: OpenOptions): OpenTrace[] {
    const opened = chosen.map(p => this._host.traces.open(p, source, options));
    if (opened.length > 1) this._host.traces.open(chosen[0]!, source, options);
    return opened;
  }

  /** Opens a document given as bytes (a file dropped on the panel, a paste). */
  async openBytes(bytes: Uint8Array, source: TraceSource, format: TraceFormat = 'auto', options: OpenOptions = {}): Promise<OpenTrace[]> {
    const prepared = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Opening {0}', source.label), cancellable: true },
      (progress, token) => this._prepareOrFail(bytes, format, source.label, token, { source, options, progress }),
    );
    if (!prepared) return [];
    const chosen = await this._choose(prepared, source.label);
    return this._openAll(chosen, source, options);
  }

  async openFromClipboard(): Promise<OpenTrace[]> {
    const text = (await vscode.env.clipboard.readText()).trim();
    if (!text) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The clipboard is empty. Copy a trace document (Jaeger, OTLP or Zipkin JSON) and run this again.'));
      return [];
    }
    if (!/^[[{]/.test(text)) {
      // Not JSON: perhaps a trace ID, a traceparent or a link; Open Trace by ID reads all of those.
      const byId = vscode.l10n.t('Open Trace by ID');
      const all = await vscode.commands.getCommands(true);
      const canById = all.includes(Commands.openTraceById);
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('The clipboard does not hold a trace document (it starts with "{0}").', text.slice(0, 40)),
        ...(canById ? [byId] : []),
      );
      if (choice === byId) await vscode.commands.executeCommand(Commands.openTraceById, text);
      return [];
    }
    return this.openBytes(new TextEncoder().encode(text), { kind: 'clipboard', label: vscode.l10n.t('Clipboard') });
  }

  async pickRecent(): Promise<OpenTrace | undefined> {
    const traces = this._host.traces;
    const pinned = traces.pinned();
    const pinnedKeys = new Set(pinned.map(e => e.traceKey));
    const recent = traces.recent().filter(e => !pinnedKeys.has(e.traceKey));
    if (pinned.length + recent.length === 0) {
      const open = vscode.l10n.t('Open Trace File…');
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('No recent traces yet.'), open);
      if (choice === open) await this.pickAndOpenFiles();
      return undefined;
    }
    type Item = vscode.QuickPickItem & { entry?: TraceHistoryEntry };
    const item = (e: TraceHistoryEntry): Item => ({ label: historyLabel(e), description: shortTraceId(e.traceId), detail: historyDetail(e), entry: e });
    const items: Item[] = [
      ...(pinned.length ? [{ label: vscode.l10n.t('Pinned'), kind: vscode.QuickPickItemKind.Separator } as Item, ...pinned.map(item)] : []),
      ...(recent.length ? [{ label: vscode.l10n.t('Recent'), kind: vscode.QuickPickItemKind.Separator } as Item, ...recent.map(item)] : []),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Open Recent Trace'), matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
    return picked?.entry ? this.reopen(picked.entry) : undefined;
  }

  /** Opens a history entry again from its source. */
  async reopen(entry: TraceHistoryEntry, options: OpenOptions = {}): Promise<OpenTrace | undefined> {
    const open = this._host.traces.get(entry.traceKey);
    if (open) {
      // Already open: show it again (views listen to onDidOpen).
      return this._host.traces.open({ summary: open.summary, compact: open.compact }, open.source, options);
    }
    const reopener = this._reopeners.get(entry.source.kind);
    if (!reopener) {
      this._fail(vscode.l10n.t('Cannot open {0} again: its source ({1}) is not available.', historyLabel(entry), entry.source.label));
      return undefined;
    }
    return reopener(entry);
  }

  private async _reopenFile(entry: TraceHistoryEntry): Promise<OpenTrace | undefined> {
    if (!entry.source.uri) return undefined;
    const [t] = await this.openUri(vscode.Uri.parse(entry.source.uri), { onlyTraceId: entry.traceId });
    return t;
  }

  private async _pin(arg: unknown, pin: boolean): Promise<void> {
    const key = typeof arg === 'string' ? arg
      : typeof arg === 'object' && arg !== null && typeof (arg as { traceKey?: unknown }).traceKey === 'string' ? (arg as { traceKey: string }).traceKey
      // From the palette while in a text editor no trace is focused: the one the side panel shows.
      : this._host.traces.lastActive?.traceKey;
    if (!key) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a trace first: the active trace is the one pinned.'));
      return;
    }
    if (pin) await this._host.traces.pin(key);
    else await this._host.traces.unpin(key);
  }

  /**
   * Parses `bytes` into its traces; failures are shown and give undefined. With `show`, a big single-trace document
   * opens its preview (the first spans) as soon as it is parsed; the preview's view then gets the whole trace, or
   * the error, or closes when the user cancels.
   */
  private async _prepareOrFail(bytes: Uint8Array, format: TraceFormat, name: string, token: vscode.CancellationToken, show?: PreviewTarget): Promise<PreparedTraceLike[] | undefined> {
    if (bytes.byteLength === 0) {
      this._fail(vscode.l10n.t('{0} is empty.', name));
      return undefined;
    }
    const started = Date.now();
    // (the bytes may be handed over to the parse worker: their length is taken now)
    const size = bytes.byteLength;
    const abort = new AbortController();
    const onCancel = token.onCancellationRequested(() => abort.abort(new vscode.CancellationError()));
    let preview: { key: string; traceId: string } | undefined;
    // Closing the preview's panel before the whole arrives cancels the open (the parse stops, nothing reopens).
    let closedByUser = false;
    const onClose = this._host.traces.onDidClose(key => {
      if (key !== preview?.key) return;
      closedByUser = true;
      abort.abort(new vscode.CancellationError());
    });
    const onPreview = (p: PreparedTraceLike) => {
      if (!show || token.isCancellationRequested) return;
      const only = show.options.onlyTraceId;
      if (only !== undefined && only !== p.summary.traceId) return;
      if (preview) {
        // More of the document was read: the same view gets the spans read so far.
        if (preview.traceId === p.summary.traceId) this._host.traces.update(preview.key, p);
        return;
      }
      const { onlyTraceId: _, ...options } = show.options;
      preview = { key: this._host.traces.open(p, show.source, options).traceKey, traceId: p.summary.traceId };
      const total = p.compact.partial?.totalSpans ?? p.compact.spanCount;
      this._host.log.info(`${name}: showing the first ${p.compact.spanCount} of ${total} spans after ${Date.now() - started} ms`);
      show.progress.report({ message: vscode.l10n.t('showing the first {0} of {1} spans, reading the rest', formatCount(p.compact.spanCount), formatCount(total)) });
    };
    try {
      const work = this._prepare(bytes, { format, skew: traceSettings().skew, signal: abort.signal, ...(show ? { onPreview } : {}) });
      const prepared = await Promise.race([
        work,
        new Promise<undefined>(resolve => token.onCancellationRequested(() => resolve(undefined))),
      ]);
      if (!prepared) {
        if (preview) this._host.traces.abandon(preview.key);
        return undefined;
      }
      this._host.log.info(`opened ${name}: ${prepared.length} trace(s), ${size} bytes, ${Date.now() - started} ms`);
      if (prepared.length === 0) {
        this._fail(vscode.l10n.t('{0} holds no traces.', name));
        if (preview) this._host.traces.abandon(preview.key, vscode.l10n.t('{0} holds no traces.', name));
        return undefined;
      }
      if (preview) {
        // The preview's view gets its whole trace whichever traces the user picks next.
        const shown = preview;
        const whole = prepared.find(p => p.summary.traceId === shown.traceId);
        if (whole) this._host.traces.update(shown.key, whole);
        else this._host.traces.abandon(shown.key, vscode.l10n.t('{0} no longer holds trace {1}.', name, shown.traceId));
      }
      return prepared;
    } catch (err) {
      if (token.isCancellationRequested || closedByUser) {
        if (preview) this._host.traces.abandon(preview.key);
        if (closedByUser) this._host.log.info(`${name}: closed before it was read to the end; not opened`);
        return undefined;
      }
      const message = vscode.l10n.t('{0} is not a trace Spanscope can read: {1}', name, errorText(err));
      this._fail(message, err, show?.uri);
      if (preview) this._host.traces.abandon(preview.key, message);
      return undefined;
    } finally {
      onCancel.dispose();
      onClose.dispose();
    }
  }

  /** One trace: itself. Several: a pick list, with "all" on top. */
  private async _choose(prepared: PreparedTraceLike[], name: string): Promise<PreparedTraceLike[]> {
    if (prepared.length <= 1) return prepared;
    type Item = vscode.QuickPickItem & { all?: true; p?: PreparedTraceLike };
    const items: Item[] = [
      { label: vscode.l10n.t('$(list-flat) Open all {0} traces', prepared.length), all: true },
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      ...prepared.map(p => {
        const s = p.summary;
        const d = describeCompact(p.compact);
        return {
          label: `${d.rootService || '?'}: ${d.rootName || '?'}`,
          description: s.traceId,
          detail: summaryDetail(s),
          p,
        };
      }),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('{0} holds {1} traces', name, prepared.length),
      placeHolder: vscode.l10n.t('Pick a trace to open'),
      ignoreFocusOut: true,
      matchOnDescription: true,
    });
    if (!picked) return [];
    return picked.all ? prepared : picked.p ? [picked.p] : [];
  }

  private _fail(message: string, err?: unknown, uri?: vscode.Uri): void {
    this._host.log.warn(message, ...(err instanceof Error && err.stack ? [err.stack] : []));
    const showLog = vscode.l10n.t('Show Log');
    const asText = vscode.l10n.t('Open as Text');
    const actions = uri ? [asText, showLog] : [showLog];
    void vscode.window.showErrorMessage(message, ...actions).then(choice => {
      if (choice === showLog) this._host.log.show(true);
      else if (choice === asText && uri) void vscode.window.showTextDocument(uri);
    });
  }
}

function summaryDetail(s: PreparedTraceLike['summary']): string {
  const parts: string[] = [];
  if (s.spanCount !== undefined) parts.push(vscode.l10n.t('{0} spans', s.spanCount));
  if (s.durationUs !== undefined) parts.push(formatMicros(s.durationUs));
  if (s.errorCount) parts.push(vscode.l10n.t('{0} errors', s.errorCount));
  return parts.join(' · ');
}

export function historyLabel(e: TraceHistoryEntry): string {
  return e.rootService || e.rootName ? `${e.rootService ?? '?'}: ${e.rootName ?? '?'}` : e.traceId;
}

function historyDetail(e: TraceHistoryEntry): string {
  return [e.source.label, summaryDetail(e), new Date(e.openedAt).toLocaleString()].filter(Boolean).join(' · ');
}
