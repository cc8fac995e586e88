// The embedded OTLP receiver inside VS Code: start/stop/status commands, the status bar item, auto-start, settings,
// the bearer token in SecretStorage, port-in-use handling, live updates of open traces, and the store kept across
// window reloads. The receiver and its store themselves live in src/backends/receiver (no vscode there).
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Trace } from '../../core/model';
import { isLoopbackHost } from '../../backends/receiver/policy';
import { isNonLoopbackBindError, isPortInUseError } from '../../backends/receiver/errors';
import type { ReceiverAddress, ReceiverStats } from '../../backends/receiver/receiver';
import type { SharedReceiver, SharedRole } from '../../backends/receiver/shared';
import type { TraceListItem, TraceStore } from '../../backends/receiver/store';
import { Commands, registerCommand } from '../commands';
import { onDidChangeSettings, openSettings, receiverSettings, settingOrigin, type ReceiverSettings } from '../config';
import type { HostContext } from '../hostContext';
import { Disposable, toDisposable } from '../lifecycle';
import { traceKeyOf, type OpenOptions, type OpenTrace, type PreparedTraceLike, type TraceSource } from '../traces/traceService';
import { claimNotice } from './notice';
import { readSnapshot, writeSnapshotSync } from './snapshot';
import { existsSync } from 'node:fs';
import { formatDuration } from '../../core/units/duration';

/** Built beside the extension bundles (dist/); absent when the host code runs from source in unit tests. */
const RECEIVER_WORKER = path.join(__dirname, 'receiver-worker.js');

/** Analyse one trace of the store for the views (core analysis + compact encoding). */
export type PrepareModelFn = (trace: Trace) => Promise<PreparedTraceLike>;

export type ReceiverState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'starting' }
  /** `shared`: another window's receiver listens, and this window mirrors its traces (see backends/receiver/hub.ts). */
  | { readonly kind: 'running'; readonly address: ReceiverAddress; readonly shared?: boolean }
  | { readonly kind: 'failed'; readonly message: string };

export const RECEIVER_SOURCE: TraceSource = { kind: 'receiver', label: 'OTLP receiver' };
const TOKEN_SECRET = 'spanscope.receiver.token';
const SNAPSHOT_FILE = 'receiver-store.bin';
/** Late spans of an open trace are gathered this long before the view is refreshed. */
const UPDATE_DEBOUNCE_MS = 250;

/**
 * The receiver's code (gRPC, protobuf, the parsers) is loaded on first use, after activation: requiring it costs
 * more than the whole activation budget.
 */
async function loadReceiverModules() {
  const lazy = await import('../lazy');
  return { SharedReceiver: lazy.SharedReceiver, loadHubSecret: lazy.loadHubSecret, TraceStore: lazy.TraceStore };
}
type ReceiverModules = Awaited<ReturnType<typeof loadReceiverModules>>;

export class ReceiverController extends Disposable {
  private _modules: Promise<ReceiverModules> | undefined;
  private _loaded: ReceiverModules | undefined;
  private _store: TraceStore | undefined;
  private _storeEvents: vscode.Disposable | undefined;
  /** This window's part of the receiver every window shares: its owner (it listens) or a follower. */
  private _receiver: SharedReceiver | undefined;
  private _state: ReceiverState = { kind: 'stopped' };
  private readonly _statusItem: vscode.StatusBarItem;
  private _ticker: ReturnType<typeof setInterval> | undefined;
  private readonly _pendingUpdates = new Map<string, ReturnType<typeof setTimeout>>();
  /** Settles when `initialize` has loaded the store and restored the last session (never rejects). */
  private readonly _restored: Promise<void>;
  private _markRestored: () => void = () => undefined;
  private _busy: Promise<unknown> = Promise.resolve();
  /** The bearer token the receiver was started with ('' for none). */
  private _token = '';

  private readonly _onDidChangeState = this._register(new vscode.EventEmitter<ReceiverState>());
  /** Started, stopped, failed. */
  readonly onDidChangeState = this._onDidChangeState.event;
  private readonly _onDidChangeTraces = this._register(new vscode.EventEmitter<{ readonly added: readonly string[]; readonly updated: readonly string[]; readonly removed: readonly string[] }>());
  /** Traces arrived, grew or were evicted (the Live list refreshes on this). */
  readonly onDidChangeTraces = this._onDidChangeTraces.event;

  constructor(private readonly _host: HostContext, private readonly _prepare: PrepareModelFn) {
    super();
    this._restored = new Promise(resolve => { this._markRestored = resolve; });
    this._statusItem = this._register(vscode.window.createStatusBarItem('spanscope.receiver', vscode.StatusBarAlignment.Right, 100));
    this._statusItem.name = vscode.l10n.t('Spanscope OTLP Receiver');
    this._statusItem.command = Commands.receiverStatus;
    const log = _host.log;
    this._register(registerCommand(Commands.startReceiver, () => this.start({ interactive: true }), log));
    this._register(registerCommand(Commands.stopReceiver, () => this.stop(), log));
    this._register(registerCommand(Commands.receiverStatus, () => this.showStatus(), log));
    this._register(registerCommand(Commands.setReceiverToken, () => this.setToken(), log));
    this._register(registerCommand(Commands.clearReceiverStore, () => this.clear(), log));
    this._register(registerCommand(Commands.openReceiverTrace, (traceId?: unknown, options?: OpenOptions) =>
      typeof traceId === 'string' ? this.openTrace(traceId, options) : this.pickTrace(), log));
    this._register(onDidChangeSettings(['receiver'], () => void this._onSettingsChanged()));
    // Trusting the workspace makes its receiver settings count: start now if they ask for it.
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (this._state.kind !== 'running' && this._shouldAutoStart()) void this.start({ interactive: false });
    }));
    // The token lives in secret storage, which every window shares: when another window sets it, the window that
    // owns the shared receiver restarts with it, so every window's receiver asks for the same token.
    const secrets = _host.extension.secrets;
    if (typeof secrets.onDidChange === 'function') {
      this._register(secrets.onDidChange(e => { if (e.key === TOKEN_SECRET) void this._onTokenChanged(); }));
    }
    this._register(toDisposable(() => this._shutdown()));
    this._render();
  }

  private async _onTokenChanged(): Promise<void> {
    const token = (await this._host.extension.secrets.get(TOKEN_SECRET)) ?? '';
    if (this.isDisposed || this._receiver?.role.kind !== 'owner' || token === this._token) return;
    this._host.log.info('receiver: the token was changed (in this or another window); restarting with it');
    await this.stop();
    await this.start({ interactive: false });
  }

  get state(): ReceiverState {
    return this._state;
  }

  get address(): ReceiverAddress | undefined {
    return this._state.kind === 'running' ? this._state.address : undefined;
  }

  /** Traces held, newest first (none before `ready`). */
  list(): TraceListItem[] {
    return this._store?.list() ?? [];
  }

  /** A trace held by the store (the receiver is a backend like the others: Open Trace by ID asks here too). */
  getTrace(traceId: string): Trace | undefined {
    return this._store?.get(traceId);
  }

  /** Loads the receiver's code and creates the store, once. */
  private async _load(): Promise<{ modules: ReceiverModules; store: TraceStore }> {
    this._modules ??= loadReceiverModules();
    const modules = await this._modules;
    this._loaded = modules;
    if (!this._store && !this.isDisposed) this._store = this._createStore(modules, receiverSettings());
    return { modules, store: this._store! };
  }

  /** The receiver's figures, while this window owns it (a follower's window has none). */
  stats(): ReceiverStats | undefined {
    return this._receiver?.receiver?.stats();
  }

  /** Settles once the last session's store has been restored (or there was none). */
  get ready(): Promise<void> {
    return this._restored;
  }

  /** Restores the snapshot, then starts when the settings say so. Called once after activation. */
  async initialize(): Promise<void> {
    await this._load().then(() => this._restore()).catch(err => this._host.log.warn('receiver: could not restore the last session\'s traces', err));
    this._markRestored();
    if (this._shouldAutoStart()) await this.start({ interactive: false });
  }

  private _shouldAutoStart(): boolean {
    const s = receiverSettings();
    if (s.autoStart === 'never') return false;
    if (s.autoStart === 'always') return true;
    // 'whenNoBackend'. In Restricted Mode only the user's own backends count: a workspace must not switch it off or on.
    const backends = vscode.workspace.getConfiguration('spanscope').inspect<unknown[]>('backends');
    const value = vscode.workspace.isTrusted
      ? (backends?.workspaceFolderValue ?? backends?.workspaceValue ?? backends?.globalValue)
      : backends?.globalValue;
    return !Array.isArray(value) || value.length === 0;
  }

  /** Starts listening. Interactive starts explain failures with actions; auto-starts say less. Returns success. */
  start(options: { interactive: boolean } = { interactive: true }): Promise<boolean> {
    const run = this._busy.then(() => this._start(options));
    this._busy = run.catch(() => undefined);
    return run;
  }

  stop(): Promise<void> {
    const run = this._busy.then(() => this._stop());
    this._busy = run.catch(() => undefined);
    return run;
  }

  private async _start({ interactive }: { interactive: boolean }): Promise<boolean> {
    if (this.isDisposed) return false;
    if (this._state.kind === 'running') {
      if (interactive) void this.showStatus();
      return true;
    }
    const s = receiverSettings();
    let allowNonLoopback = false;
    if (!isLoopbackHost(s.host)) {
      allowNonLoopback = await this._confirmNonLoopback(s.host, interactive);
      if (!allowNonLoopback) {
        this._setState({ kind: 'failed', message: vscode.l10n.t('not started: {0} is not a loopback address', s.host) });
        return false;
      }
    }
    this._setState({ kind: 'starting' });
    const { modules, store } = await this._load();
    const token = await this._host.extension.secrets.get(TOKEN_SECRET);
    this._token = token ?? '';
    let secret: string;
    try {
      secret = modules.loadHubSecret(this._host.extension.globalStorageUri.fsPath);
    } catch (err) {
      this._host.log.warn('receiver: no key for sharing the receiver between windows', err instanceof Error ? err.message : String(err));
      secret = '';
    }
    const shared = new modules.SharedReceiver({
      store,
      // Without a key (unwritable storage) the hub refuses every follower: nothing readable without it.
      secret: secret || 'x'.repeat(64),
      receiver: {
        host: s.host,
        allowNonLoopback,
        port: s.port,
        grpcPort: s.grpcPort === 0 ? false : s.grpcPort,
        ...(token ? { bearerToken: token } : {}),
        corsAllowedOrigins: s.corsOrigins,
        // Request bodies are decoded on a worker thread, so a burst of exports never stalls the extension host.
        ...(existsSync(RECEIVER_WORKER) ? { parseWorkers: { workerPath: RECEIVER_WORKER, threads: 1 } } : {}),
      },
    });
    shared.onReceiver = receiver => {
      receiver.onWarning(w => this._host.log.warn(`receiver: ${w}`));
      receiver.onInternalError(e => this._host.log.error('receiver: internal error while handling a request', e));
    };
    shared.onLog(m => this._host.log.info(`receiver: ${m}`));
    shared.onDidChangeRole(role => { if (this._receiver === shared) this._onRoleChanged(role); });
    try {
      const role = await shared.start();
      if (role.kind !== 'owner' && role.kind !== 'follower') throw new Error(vscode.l10n.t('stopped while starting'));
      this._receiver = shared;
      this._onRoleChanged(role);
      this._ticker = setInterval(() => this._render(), 1000);
      return true;
    } catch (err) {
      shared.dispose();
      const message = err instanceof Error ? err.message : String(err);
      this._setState({ kind: 'failed', message });
      this._host.log.warn(`receiver not started: ${message}`);
      // Every window auto-starts; one of them explains (with the actions that fix it), the others show the status
      // bar item (warning colour, the reason in its tooltip).
      if (interactive || this._claimNotice(err)) void this._explainStartFailure(err);
      return false;
    }
  }

  /** Owner, follower (also after a takeover), or failed for good after the owner went away. */
  private _onRoleChanged(role: SharedRole): void {
    if (this.isDisposed) return;
    if (role.kind === 'owner') {
      const a = role.address;
      this._setState({ kind: 'running', address: a });
      this._host.log.info(`receiver listening: OTLP/HTTP ${a.httpUrl}${a.grpcUrl ? `, OTLP/gRPC ${a.grpcUrl}` : ''}${this._token ? ' (bearer token required)' : ''}`);
      // gRPC's port taken (a Collector on 4317): OTLP/HTTP runs; say so once, with the ways out.
      const grpcError = this._receiver?.receiver?.grpcError;
      if (grpcError) {
        this._host.log.warn(`receiver: ${grpcError.message}`);
        if (this._claimNotice(grpcError)) void this._explainStartFailure(grpcError);
      }
    } else if (role.kind === 'follower') {
      this._setState({ kind: 'running', address: role.address, shared: true });
      this._host.log.info(`receiver: another window (pid ${role.ownerPid}) listens at ${role.address.httpUrl}; its traces show here too`);
    } else if (role.kind === 'failed') {
      const r = this._receiver;
      this._receiver = undefined;
      r?.dispose();
      if (this._ticker) clearInterval(this._ticker);
      this._ticker = undefined;
      this._setState({ kind: 'failed', message: role.error.message });
      this._host.log.warn(`receiver: could not take over from the window that closed: ${role.error.message}`);
      if (this._claimNotice(role.error)) void this._explainStartFailure(role.error);
    }
  }

  /** Whether this window is the one that shows the notification about `err` (see notice.ts). */
  private _claimNotice(err: unknown): boolean {
    const key = isPortInUseError(err) ? `${err.code}:${err.protocol}:${err.host}:${err.port}` : `error:${err instanceof Error ? err.message : String(err)}`;
    return claimNotice(this._host.extension.globalStorageUri.fsPath, key);
  }

  private async _stop(): Promise<void> {
    if (this._ticker) clearInterval(this._ticker);
    this._ticker = undefined;
    const r = this._receiver;
    this._receiver = undefined;
    if (r) {
      await r.stop();
      r.dispose();
      this._host.log.info('receiver stopped');
    }
    if (!this.isDisposed) this._setState({ kind: 'stopped' });
  }

  private async _explainStartFailure(err: unknown): Promise<void> {
    const settings = vscode.l10n.t('Open Settings');
    const showLog = vscode.l10n.t('Show Log');
    // By code, never `instanceof`: the error comes from the other bundle (see backends/receiver/errors.ts).
    if (isPortInUseError(err)) {
      const key = err.protocol === 'grpc' ? 'receiver.grpcPort' : 'receiver.port';
      const use = err.suggestedPort !== undefined ? vscode.l10n.t('Use Port {0}', err.suggestedPort) : undefined;
      const disableGrpc = err.protocol === 'grpc' ? vscode.l10n.t('Turn gRPC Off') : undefined;
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('Spanscope receiver: {0}', err.message),
        ...[use, disableGrpc, settings].filter((x): x is string => x !== undefined),
      );
      if (choice === undefined) return;
      if (choice === use && err.suggestedPort !== undefined) {
        await vscode.workspace.getConfiguration('spanscope').update(key, err.suggestedPort, vscode.ConfigurationTarget.Global);
        await this.start({ interactive: true });
      } else if (choice === disableGrpc) {
        await vscode.workspace.getConfiguration('spanscope').update('receiver.grpcPort', 0, vscode.ConfigurationTarget.Global);
        await this.start({ interactive: true });
      } else if (choice === settings) {
        await openSettings(key);
      }
      return;
    }
    if (isNonLoopbackBindError(err)) {
      const choice = await vscode.window.showWarningMessage(err.message, settings);
      if (choice === settings) await openSettings('receiver.host');
      return;
    }
    const retry = vscode.l10n.t('Retry');
    const choice = await vscode.window.showErrorMessage(vscode.l10n.t('Spanscope receiver could not start: {0}', err instanceof Error ? err.message : String(err)), retry, settings, showLog);
    if (choice === retry) await this.start({ interactive: true });
    else if (choice === settings) await openSettings('receiver');
    else if (choice === showLog) this._host.log.show(true);
  }

  private async _confirmNonLoopback(host: string, interactive: boolean): Promise<boolean> {
    const key = `spanscope.receiver.allowedHost`;
    if (this._host.extension.globalState.get<string>(key) === host && settingOrigin('receiver.host') === 'user') return true;
    const listen = vscode.l10n.t('Listen on {0}', host);
    const message = vscode.l10n.t('The Spanscope receiver is set to listen on {0}, which other machines can reach: anyone who can connect can send spans into your editor.', host);
    const choice = interactive
      ? await vscode.window.showWarningMessage(message, { modal: true, detail: vscode.l10n.t('Set a bearer token with "Spanscope: Set Receiver Token…" to require authentication.') }, listen)
      : await vscode.window.showWarningMessage(message, listen);
    if (choice !== listen) return false;
    if (settingOrigin('receiver.host') === 'user') await this._host.extension.globalState.update(key, host);
    return true;
  }

  async showStatus(): Promise<void> {
    const st = this._state;
    const start = vscode.l10n.t('Start');
    const stop = vscode.l10n.t('Stop');
    const copy = vscode.l10n.t('Copy Endpoint');
    const settings = vscode.l10n.t('Open Settings');
    const open = vscode.l10n.t('Open a Trace…');
    const stats = this.stats();
    const held = this._store?.stats() ?? { traces: 0, spans: 0 };
    const holding = vscode.l10n.t('{0} traces, {1} spans held', held.traces, held.spans);
    let message: string;
    let actions: string[];
    if (st.kind === 'running') {
      const a = st.address;
      message = vscode.l10n.t('Spanscope receiver is listening: OTLP/HTTP {0}{1}. {2}; {3} spans/s; {4} dropped.',
        a.httpUrl, a.grpcUrl ? vscode.l10n.t(', OTLP/gRPC {0}', a.grpcUrl) : '', holding, Math.round(stats?.spansPerSecond ?? 0), stats?.spansDropped ?? 0);
      if (st.shared) message += ' ' + vscode.l10n.t('Another window listens there; its traces show here too.');
      actions = [copy, open, stop, settings];
    } else if (st.kind === 'failed') {
      message = vscode.l10n.t('Spanscope receiver is not running: {0}. {1}.', st.message, holding);
      actions = [start, settings];
    } else {
      message = vscode.l10n.t('Spanscope receiver is {0}. {1}.', st.kind === 'starting' ? vscode.l10n.t('starting') : vscode.l10n.t('stopped'), holding);
      actions = [start, open, settings];
    }
    if (!vscode.workspace.isTrusted) message += ' ' + vscode.l10n.t('Restricted Mode: workspace settings for the receiver are ignored.');
    const choice = await vscode.window.showInformationMessage(message, ...actions);
    if (choice === start) await this.start({ interactive: true });
    else if (choice === stop) await this.stop();
    else if (choice === copy && st.kind === 'running') {
      await vscode.env.clipboard.writeText(`http://${st.address.host.includes(':') ? `[${st.address.host}]` : st.address.host}:${st.address.httpPort}`);
      void vscode.window.showInformationMessage(vscode.l10n.t('Copied. Set OTEL_EXPORTER_OTLP_ENDPOINT to it in your app (the exporter adds /v1/traces).'));
    } else if (choice === open) await this.pickTrace();
    else if (choice === settings) await openSettings('receiver');
  }

  async setToken(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Receiver Bearer Token'),
      prompt: vscode.l10n.t('Exporters must send "Authorization: Bearer <token>". Leave empty to accept spans without a token.'),
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return;
    if (value.trim()) await this._host.extension.secrets.store(TOKEN_SECRET, value.trim());
    else await this._host.extension.secrets.delete(TOKEN_SECRET);
    this._host.log.info(`receiver token ${value.trim() ? 'set' : 'removed'}`);
    if (this._state.kind === 'running') {
      await this.stop();
      await this.start({ interactive: true });
    }
  }

  async clear(): Promise<void> {
    this._store?.clear();
    this._render();
  }

  /** Opens a stored trace in the views. Later spans of it update the views in place. */
  async openTrace(traceId: string, options: OpenOptions = {}): Promise<OpenTrace | undefined> {
    await this._restored;
    const trace = this.getTrace(traceId);
    if (!trace) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Trace {0} is not (or no longer) held by the receiver.', traceId));
      return undefined;
    }
    const prepared = await this._prepare(trace);
    return this._host.traces.open(prepared, RECEIVER_SOURCE, options);
  }

  async pickTrace(): Promise<OpenTrace | undefined> {
    await this._restored;
    const items = this.list().slice(0, 500).map(t => ({
      label: `${t.rootService || '?'}: ${t.rootName || '?'}`,
      description: t.traceId,
      detail: vscode.l10n.t('{0} spans · {1} · {2} errors · {3}', t.spanCount, formatDuration(t.durationNs), t.errorCount, new Date(Number(t.startNs / 1_000_000n)).toLocaleTimeString()),
      traceId: t.traceId,
    }));
    if (items.length === 0) {
      const start = vscode.l10n.t('Start Receiver');
      const choice = await vscode.window.showInformationMessage(
        this._state.kind === 'running'
          ? vscode.l10n.t('No traces received yet. Point your app\'s OTLP exporter at {0}.', this._state.address.httpUrl)
          : vscode.l10n.t('No traces received yet, and the receiver is not running.'),
        ...(this._state.kind === 'running' ? [] : [start]));
      if (choice === start) await this.start({ interactive: true });
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Traces Received'), matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
    return picked ? this.openTrace(picked.traceId) : undefined;
  }

  // ---- store, live updates, persistence ---------------------------------------------------------------

  private _createStore(modules: ReceiverModules, s: ReceiverSettings, carry: readonly Trace[] = []): TraceStore {
    const store = new modules.TraceStore({
      maxTraces: s.maxTraces,
      maxSpans: s.maxSpans,
      maxBytes: s.maxMegabytes * 1024 * 1024,
      policy: s.eviction === 'oldestFirst' ? 'oldest' : 'keep-errors-and-slow',
    });
    if (carry.length) store.add(carry);
    this._storeEvents?.dispose();
    const subs = [
      store.onTraceAdded(id => this._onDidChangeTraces.fire({ added: [id], updated: [], removed: [] })),
      store.onTraceUpdated(id => { this._onDidChangeTraces.fire({ added: [], updated: [id], removed: [] }); this._scheduleUpdate(id); }),
      store.onTraceEvicted(id => this._onDidChangeTraces.fire({ added: [], updated: [], removed: [id] })),
    ];
    this._storeEvents = toDisposable(() => subs.forEach(x => x.dispose()));
    return store;
  }

  /** Late spans: refresh the open view of this trace, once per burst. */
  private _scheduleUpdate(traceId: string): void {
    const key = traceKeyOf(RECEIVER_SOURCE, traceId);
    if (!this._host.traces.get(key) || this._pendingUpdates.has(traceId)) return;
    this._pendingUpdates.set(traceId, setTimeout(() => {
      this._pendingUpdates.delete(traceId);
      const trace = this.getTrace(traceId);
      if (!trace || this.isDisposed) return;
      this._prepare(trace).then(
        p => { this._host.traces.update(key, p); },
        err => this._host.log.warn(`receiver: could not refresh trace ${traceId}`, err),
      );
    }, UPDATE_DEBOUNCE_MS));
  }

  private async _onSettingsChanged(): Promise<void> {
    const s = receiverSettings();
    const old = this._store;
    const wasRunning = this._state.kind === 'running';
    if (old && this._loaded) {
      // New bounds or eviction policy: a new store, with the traces held so far.
      const carry = old.list().map(t => old.get(t.traceId)).filter((t): t is Trace => t !== undefined);
      if (wasRunning) await this.stop();
      this._store = this._createStore(this._loaded, s, carry);
      old.dispose();
    } else if (wasRunning) {
      await this.stop();
    }
    if (wasRunning || (this._state.kind !== 'running' && s.autoStart === 'always')) await this.start({ interactive: true });
    this._render();
  }

  private _snapshotFile(): string {
    return path.join(this._host.extension.globalStorageUri.fsPath, SNAPSHOT_FILE);
  }

  private async _restore(): Promise<void> {
    const s = receiverSettings();
    if (!s.persist) return;
    const bytes = await readSnapshot(this._snapshotFile());
    if (!bytes || bytes.length === 0 || !this._store) return;
    const started = Date.now();
    try {
      const spans = this._store.restore(bytes);
      this._host.log.info(`receiver: restored ${this._store.stats().traces} trace(s), ${spans} span(s) from the last session in ${Date.now() - started} ms`);
    } catch (err) {
      this._host.log.warn('receiver: the traces kept from the last session could not be read; starting empty', err instanceof Error ? err.message : String(err));
    }
  }

  /** Synchronous: runs while the window closes. Newest traces first, within the persist bound. */
  private _persist(): void {
    // Never loaded: nothing arrived, and the last session's snapshot stays as it was.
    if (!this._store) return;
    const s = receiverSettings();
    try {
      const bytes = s.persist && s.persistMaxMegabytes > 0 ? this._store.snapshot(s.persistMaxMegabytes * 1024 * 1024) : new Uint8Array(0);
      writeSnapshotSync(this._snapshotFile(), bytes);
      if (bytes.length) this._host.log.info(`receiver: kept ${bytes.length} bytes of traces for the next session`);
    } catch (err) {
      this._host.log.warn('receiver: could not keep the store for the next session', err instanceof Error ? err : String(err));
    }
  }

  private _shutdown(): void {
    for (const t of this._pendingUpdates.values()) clearTimeout(t);
    this._pendingUpdates.clear();
    if (this._ticker) clearInterval(this._ticker);
    this._ticker = undefined;
    this._persist();
    this._receiver?.dispose();
    this._receiver = undefined;
    this._storeEvents?.dispose();
    this._store?.dispose();
  }

  // ---- status bar ---------------------------------------------------------------------------------------

  private _setState(state: ReceiverState): void {
    this._state = state;
    this._render();
    this._onDidChangeState.fire(state);
    void vscode.commands.executeCommand('setContext', 'spanscope.receiverRunning', state.kind === 'running');
  }

  private _render(): void {
    if (this.isDisposed) return;
    const item = this._statusItem;
    const st = this._state;
    if (st.kind === 'running') {
      const rate = Math.round(this.stats()?.spansPerSecond ?? 0);
      item.text = `$(radio-tower) ${st.address.httpPort}${st.shared ? ' $(link)' : ''}${rate > 0 ? ` · ${rate}/s` : ''}`;
      const held = this._store?.stats() ?? { traces: 0, spans: 0 };
      item.tooltip = new vscode.MarkdownString(vscode.l10n.t('**Spanscope OTLP receiver**\n\nOTLP/HTTP `{0}`{1}\n\n{2} traces, {3} spans held · {4} spans/s\n\nClick for status and actions.',
        st.address.httpUrl, st.address.grpcUrl ? `\n\nOTLP/gRPC \`${st.address.grpcUrl}\`` : '', held.traces, held.spans, rate)
        + (st.shared ? '\n\n' + vscode.l10n.t('Shared: another window listens; its traces show here too, and this window takes over when it closes.') : ''));
      item.backgroundColor = undefined;
      item.show();
    } else if (st.kind === 'failed') {
      item.text = '$(radio-tower) $(warning)';
      item.tooltip = vscode.l10n.t('Spanscope OTLP receiver is not running: {0}', st.message);
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      item.show();
    } else if (st.kind === 'starting') {
      item.text = '$(loading~spin) OTLP';
      item.tooltip = vscode.l10n.t('Spanscope OTLP receiver is starting');
      item.backgroundColor = undefined;
      item.show();
    } else {
      item.hide();
    }
  }
}
