// What the backend commands do (loaded on first use through ../lazy; registerBackends.ts registers the commands):
// "Open Trace by ID" (any ID form; pre-filled from the selection or clipboard; progress and cancel; the receiver
// first, then all backends at once), the trace URI handler, "Add Backend…", "Set Backend Credentials…",
// "Check Backends", and the offer to add a Jaeger or Tempo that answers on its default local port.
import * as vscode from 'vscode';
import { spansExtent, type Trace } from '../../core/model';
import { canonicalSpanId, linkStartMs, parseTraceIdInput, TraceIdInputError, tryParseTraceIdInput, type TraceIdInput } from '../../core/trace-id-input';
import { BackendError, NotFoundError } from '../../backends/http/errors';
import { createBackend, TraceNotFoundError, type TraceSource } from '../../backends/registry';
import { BACKEND_TYPE_LABEL, type BackendConfig, type BackendSecrets, type BackendType, type TraceLookupHint } from '../../backends/types';
import { Commands } from '../commands';
import type { HostContext } from '../hostContext';
import { Disposable } from '../lifecycle';
import type { OpenOptions, OpenTrace, PreparedTraceLike } from '../traces/traceService';
import { BackendManager, type FoundTraceWithConfig } from './backendManager';
import { withBackendProgress } from './backendProgress';
import { backendEnvironment, offerLocalBackends, readSecrets, saveBackend, storeSecrets, OFFER_LOCAL_KEY, BACKENDS_KEY } from './backendSettings';

/** How long Open Trace by ID waits for the clipboard before showing an empty input box. */
export const CLIPBOARD_PREFILL_TIMEOUT_MS = 500;
/** Longest selection or clipboard text used to pre-fill Open Trace by ID (a trace URL or a log line fits; a whole file does not). */
export const MAX_PREFILL_CHARS = 8192;

/** What the backends need of the embedded receiver (ReceiverController satisfies it). */
export interface ReceiverLike {
  readonly ready: Promise<void>;
  getTrace(traceId: string): Trace | undefined;
  openTrace(traceId: string, options?: OpenOptions): Promise<OpenTrace | undefined>;
}

export interface BackendDeps {
  readonly receiver?: ReceiverLike;
  readonly prepare: (trace: Trace) => Promise<PreparedTraceLike> | PreparedTraceLike;
}

export const LOCAL_CANDIDATES: ReadonlyArray<{ type: BackendType; url: string; name: string }> = [
  { type: 'jaeger', url: 'http://127.0.0.1:16686', name: 'local-jaeger' },
  { type: 'tempo', url: 'http://127.0.0.1:3200', name: 'local-tempo' },
];

const DEFAULT_URLS: Readonly<Record<BackendType, string>> = { jaeger: 'http://127.0.0.1:16686', tempo: 'http://127.0.0.1:3200', zipkin: 'http://127.0.0.1:9411' };

export class BackendsController extends Disposable {
  readonly manager: BackendManager;

  constructor(private readonly host: HostContext, private readonly deps: BackendDeps) {
    super();
    this.manager = this._register(new BackendManager(host.extension.secrets, host.log));
  }

  /** After activation: with no backend configured, offer the Jaeger/Tempo that answers locally. Never throws. */
  async offerLocal(): Promise<void> {
    await this.manager.ready;
    if (this.manager.backends.length > 0 || !offerLocalBackends() || !vscode.workspace.isTrusted) return;
    for (const c of LOCAL_CANDIDATES) {
      const probe = createBackend({ name: c.name, type: c.type, url: c.url, timeoutMs: 1000 }, undefined, { retries: 0 });
      const health = await probe.health();
      probe.dispose();
      if (!health.reachable || health.lastError) continue;
      const add = vscode.l10n.t('Add {0}', BACKEND_TYPE_LABEL[c.type]);
      const never = vscode.l10n.t('Don\'t Ask Again');
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t('A {0} answers on {1}. Add it as a Spanscope backend, so that traces can be opened from it by ID?', BACKEND_TYPE_LABEL[c.type], c.url),
        add, never,
      );
      if (choice === add) {
        await saveBackend({ name: c.name, type: c.type, url: c.url });
        await this.manager.reload();
      } else if (choice === never) {
        await vscode.workspace.getConfiguration('spanscope').update(OFFER_LOCAL_KEY, false, vscode.ConfigurationTarget.Global);
      }
      return;
    }
  }

  /**
   * The text to pre-fill the input box with: the selection, else (only when `clipboard`) the clipboard, when it
   * holds a trace ID.
   */
  private async prefill(clipboard: boolean): Promise<string | undefined> {
    const editor = vscode.window.activeTextEditor;
    // A selection can be a whole file: its size is checked from the offsets before its text is read or parsed.
    const sel = editor && !editor.selection.isEmpty ? editor.selection : undefined;
    const selSize = sel ? editor!.document.offsetAt(sel.end) - editor!.document.offsetAt(sel.start) : 0;
    const selected = sel && selSize <= MAX_PREFILL_CHARS ? editor!.document.getText(sel) : undefined;
    if (selected && tryParseTraceIdInput(selected)) return selected.trim();
    if (!clipboard) return undefined;
    try {
      // Desktop reads the clipboard silently; still, the input box must never wait long for it.
      const clip = await Promise.race([
        vscode.env.clipboard.readText(),
        new Promise<undefined>(resolve => setTimeout(resolve, CLIPBOARD_PREFILL_TIMEOUT_MS)),
      ]);
      if (clip && clip.length <= MAX_PREFILL_CHARS && tryParseTraceIdInput(clip)) return clip.trim();
    } catch {
      // clipboard unavailable (remote, permissions): no pre-fill
    }
    return undefined;
  }

  /** Asks for the trace ID. Resolves with the text entered, or undefined when the user cancelled. */
  private async askTraceId(): Promise<string | undefined> {
    const validate = (v: string): string | undefined => {
      if (!v.trim()) return undefined;
      try {
        parseTraceIdInput(v);
        return undefined;
      } catch (e) {
        return e instanceof TraceIdInputError ? e.message : String(e);
      }
    };
    const title = vscode.l10n.t('Open Trace by ID');
    const prompt = vscode.l10n.t('A trace ID (16 or 32 hex), traceparent, uber-trace-id, B3 header, Jaeger/Grafana/Tempo/Zipkin URL, or a log line with the ID');
    const placeHolder = '4bf92f3577b34da6a3ce929d0e0e4736';
    // In a browser (code-server, vscode.dev, Codespaces) reading the clipboard without a user gesture fails with an
    // error toast ("Unable to read from the browser's clipboard"), so there it is read only when the user presses
    // the input box's Paste button. The desktop keeps the silent pre-fill.
    if (vscode.env.uiKind !== vscode.UIKind.Web) {
      const value = await this.prefill(true);
      return vscode.window.showInputBox({ title, prompt, placeHolder, ignoreFocusOut: true, ...(value ? { value } : {}), validateInput: validate });
    }
    const value = await this.prefill(false);
    const box = vscode.window.createInputBox();
    box.title = title;
    box.prompt = prompt;
    box.placeholder = placeHolder;
    box.ignoreFocusOut = true;
    if (value) box.value = value;
    const paste: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('clippy'), tooltip: vscode.l10n.t('Paste from Clipboard') };
    box.buttons = [paste];
    return new Promise<string | undefined>(resolve => {
      const subs: vscode.Disposable[] = [];
      subs.push(
        box.onDidChangeValue(v => { box.validationMessage = validate(v); }),
        box.onDidTriggerButton(async b => {
          if (b !== paste) return;
          try {
            const clip = (await vscode.env.clipboard.readText()).trim();
            if (!clip) { box.validationMessage = vscode.l10n.t('The clipboard is empty.'); return; }
            box.value = clip.slice(0, 8192);
            box.validationMessage = validate(box.value);
          } catch {
            box.validationMessage = vscode.l10n.t('The browser did not allow reading the clipboard; paste with Ctrl+V instead.');
          }
        }),
        box.onDidAccept(() => {
          const message = validate(box.value);
          if (message) { box.validationMessage = message; return; }
          // Resolved before hiding: the hide that follows (which resolves with undefined) then changes nothing.
          resolve(box.value);
          box.hide();
        }),
        box.onDidHide(() => {
          resolve(undefined);
          for (const d of subs) d.dispose();
          box.dispose();
        }),
      );
      box.show();
    });
  }

  /**
   * Opens a trace by ID. `arg`: nothing (ask), the pasted text, or `{traceId, spanId?, backend?, startMs?}` (links,
   * URIs; `startMs`, when the trace started, lets Tempo read only the blocks of that time).
   * Resolves with the opened trace, or undefined when the user cancelled or it was not found (a message was shown).
   */
  async openTraceById(arg?: unknown): Promise<OpenTrace | undefined> {
    let input: TraceIdInput | undefined;
    let onlyBackend: string | undefined;
    let hint: TraceLookupHint | undefined;
    if (typeof arg === 'string') input = this.parseOrTell(arg);
    else if (arg && typeof arg === 'object' && typeof (arg as { traceId?: unknown }).traceId === 'string') {
      const a = arg as { traceId: string; spanId?: string; backend?: string; startMs?: unknown };
      input = this.parseOrTell(a.traceId);
      // A link's span= is untrusted text: anything but a span ID is dropped (the trace still opens). Passed on as it
      // was, a long one made the panel's first message invalid, and the panel stayed blank.
      const span = typeof a.spanId === 'string' ? canonicalSpanId(a.spanId) : undefined;
      if (a.spanId !== undefined && span === undefined) this.host.log.warn(`ignoring span ${JSON.stringify(String(a.spanId).slice(0, 40))}: not a span ID`);
      if (input && span) input = { ...input, spanId: span };
      onlyBackend = a.backend;
      if (typeof a.startMs === 'number' && Number.isFinite(a.startMs)) hint = { startMs: a.startMs };
    } else {
      const text = await this.askTraceId();
      if (text === undefined) return undefined;
      input = this.parseOrTell(text);
    }
    if (!input) return undefined;
    // A pasted URL may say when the trace was (a Grafana Explore range, a Tempo URL's start/end, a link's start=).
    hint ??= input.time;
    return this.fetchAndOpen(input, onlyBackend ?? input.backend, hint);
  }

  private parseOrTell(text: string): TraceIdInput | undefined {
    try {
      return parseTraceIdInput(text);
    } catch (e) {
      if (!(e instanceof TraceIdInputError)) throw e;
      void vscode.window.showErrorMessage(e.message);
      return undefined;
    }
  }

  private async fetchAndOpen(input: TraceIdInput, onlyBackend: string | undefined, hint?: TraceLookupHint): Promise<OpenTrace | undefined> {
    const { traceId, spanId } = input;
    const openOptions: OpenOptions = spanId ? { selectSpanId: spanId } : {};
    const receiver = this.deps.receiver;
    if (receiver && !onlyBackend) {
      await receiver.ready;
      if (receiver.getTrace(traceId)) return receiver.openTrace(traceId, openOptions);
    }
    // A trace in the Live list asked of one backend (a link naming it): the receiver knows when it started.
    if (!hint && receiver) {
      const live = receiver.getTrace(traceId);
      if (live) hint = lookupHintOfTrace(live);
    }
    await this.manager.ready;
    if (this.manager.backends.length === 0) {
      const add = vscode.l10n.t('Add Backend…');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('Trace {0} is not in the OTLP receiver, and no backend is configured to fetch it from.', traceId), add);
      if (choice === add) await vscode.commands.executeCommand(Commands.addBackend);
      return undefined;
    }
    let found: FoundTraceWithConfig;
    try {
      const asked = onlyBackend ? (this.manager.byName(onlyBackend)?.displayName ?? onlyBackend) : this.manager.backends.map(b => b.displayName).join(', ');
      const timeoutsMs = this.manager.backends.filter(b => !onlyBackend || b.config.name === onlyBackend).map(b => b.config.timeoutMs);
      found = await withBackendProgress(vscode.l10n.t('Fetching trace {0}…', traceId), { backend: asked, timeoutsMs },
        signal => this.manager.findTrace(traceId, { ...(onlyBackend ? { onlyBackend } : {}), ...(hint ? { hint } : {}), signal }));
    } catch (e) {
      await this.tell(e, input, onlyBackend, hint);
      return undefined;
    }
    this.host.log.info(`trace ${traceId}: found in ${found.source} (${found.trace.spans.length} spans)`);
    if (found.partial) void vscode.window.showWarningMessage(vscode.l10n.t('{0} returned only part of trace {1}: {2}', found.source, traceId, found.partial));
    const prepared = await this.deps.prepare(found.trace);
    return this.host.traces.open(prepared, { kind: 'backend', label: found.source, backend: found.backendName ?? found.source }, openOptions);
  }

  private async tell(e: unknown, input: TraceIdInput, onlyBackend: string | undefined, hint?: TraceLookupHint): Promise<void> {
    if (e instanceof BackendError && e.kind === 'cancelled') return;
    const retry = vscode.l10n.t('Retry');
    const settings = vscode.l10n.t('Open Settings');
    const credentials = vscode.l10n.t('Set Credentials…');
    let message: string;
    const actions: string[] = [];
    let credentialsFor: string | undefined;
    if (e instanceof TraceNotFoundError) {
      message = e.message;
      actions.push(retry, settings);
      const auth = e.failures.find(f => f.error instanceof BackendError && f.error.actions.includes('setCredentials'));
      if (auth) {
        actions.push(credentials);
        credentialsFor = this.manager.backends.find(b => b.displayName === auth.source)?.config.name;
      }
      for (const f of e.failures) this.host.log.warn(f.error instanceof Error ? f.error.message : String(f.error));
    } else if (e instanceof BackendError) {
      message = e.message;
      if (e.actions.includes('retry')) actions.push(retry);
      if (e.actions.includes('setCredentials')) actions.push(credentials);
      if (e.actions.includes('openSettings')) actions.push(settings);
    } else {
      throw e;
    }
    this.host.log.warn(message);
    const choice = await vscode.window.showErrorMessage(message, ...actions);
    if (choice === retry) await this.fetchAndOpen(input, onlyBackend, hint);
    else if (choice === settings) await vscode.commands.executeCommand('workbench.action.openSettings', `spanscope.${BACKENDS_KEY}`);
    else if (choice === credentials) await this.setCredentials(credentialsFor);
  }

  /** vscode://spanscope.spanscope/trace/<id>?backend=<name>&span=<spanId>&start=<ms since 1970, or an ISO 8601 time> */
  async handleUri(uri: vscode.Uri): Promise<OpenTrace | undefined> {
    const m = /^\/trace\/([^/]+)\/?$/.exec(uri.path);
    if (!m) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Spanscope cannot open the link {0}: expected …/trace/<trace ID>.', uri.toString()));
      return undefined;
    }
    const q = new URLSearchParams(uri.query);
    const backend = q.get('backend') ?? undefined;
    const span = q.get('span') ?? undefined;
    const startMs = linkStartMs(q.get('start'));
    // uri.path is already decoded; a second decode of a "%" that is not an escape would throw (nothing would open).
    return this.openTraceById({ traceId: decodeUriComponentSafe(m[1]!), ...(span ? { spanId: span } : {}), ...(backend ? { backend } : {}), ...(startMs !== undefined ? { startMs } : {}) });
  }

  /** Walks through type, URL, tenant and credentials; tests the connection before saving. */
  async addBackend(): Promise<BackendConfig | undefined> {
    const typePick = await vscode.window.showQuickPick(
      (['jaeger', 'tempo', 'zipkin'] as const).map(t => ({ label: BACKEND_TYPE_LABEL[t], type: t })),
      { title: vscode.l10n.t('Add Backend: type'), ignoreFocusOut: true },
    );
    if (!typePick) return undefined;
    const type = typePick.type;
    const url = await vscode.window.showInputBox({
      title: vscode.l10n.t('Add Backend: {0} URL', typePick.label),
      value: DEFAULT_URLS[type],
      ignoreFocusOut: true,
      validateInput: v => (/^https?:\/\/[^/\s]+/i.test(v.trim()) ? undefined : vscode.l10n.t('An http:// or https:// URL')),
    });
    if (!url) return undefined;
    let tenant: string | undefined;
    if (type === 'tempo') {
      tenant = (await vscode.window.showInputBox({ title: vscode.l10n.t('Add Backend: tenant (X-Scope-OrgID), empty for none'), ignoreFocusOut: true }))?.trim() || undefined;
    }
    const name = (await vscode.window.showInputBox({
      title: vscode.l10n.t('Add Backend: name'),
      value: `${type}-${new URL(url.trim()).hostname}`,
      ignoreFocusOut: true,
      validateInput: v => (v.trim() ? undefined : vscode.l10n.t('A name, shown in messages')),
    }))?.trim();
    if (!name) return undefined;
    const secrets = await this.askCredentials();
    if (secrets === null) return undefined;
    const config: BackendConfig = { name, type, url: url.trim(), ...(tenant ? { tenant } : {}) };
    const probe = createBackend(config, secrets, backendEnvironment());
    const health = await withBackendProgress(vscode.l10n.t('Testing {0}…', probe.displayName), { backend: probe.displayName, timeoutsMs: [config.timeoutMs] },
      signal => probe.health(signal));
    probe.dispose();
    if (!health.reachable || health.lastError) {
      const saveAnyway = vscode.l10n.t('Save Anyway');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('{0} did not answer: {1}', probe.displayName, health.lastError ?? 'unreachable'), saveAnyway);
      if (choice !== saveAnyway) return undefined;
    } else {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} answers{1}. Saved to your settings.', probe.displayName, health.version ? ` (${health.version})` : ''));
    }
    await storeSecrets(this.host.extension.secrets, config, secrets);
    await saveBackend(config);
    await this.manager.reload();
    return config;
  }

  /** null: the user cancelled; undefined: no credentials. */
  private askCredentials(): Promise<BackendSecrets | undefined | null> {
    return askBackendCredentials();
  }

  async setCredentials(name?: string): Promise<void> {
    await this.manager.ready;
    let backendName = name;
    if (!backendName) {
      const picked = await vscode.window.showQuickPick(
        this.manager.backends.map(b => ({ label: b.displayName, description: b.config.url, name: b.config.name })),
        { title: vscode.l10n.t('Set credentials for which backend?'), ignoreFocusOut: true },
      );
      if (!picked) return;
      backendName = picked.name;
    }
    // Credentials are kept for the backend's name and URL (the URL it has now).
    const config = this.manager.byName(backendName)?.config;
    if (!config) return;
    const secrets = await this.askCredentials();
    if (secrets === null) return;
    await storeSecrets(this.host.extension.secrets, config, secrets);
    await this.manager.reload();
    const had = await readSecrets(this.host.extension.secrets, config);
    void vscode.window.showInformationMessage(had
      ? vscode.l10n.t('Credentials for {0} saved in the secret storage.', backendName)
      : vscode.l10n.t('Credentials for {0} removed.', backendName));
  }

  /** Checks every backend and shows the result. */
  async checkBackends(): Promise<void> {
    const results = await withBackendProgress(vscode.l10n.t('Checking backends…'), { backend: this.manager.backends.map(b => b.displayName).join(', '), timeoutsMs: this.manager.backends.map(b => b.config.timeoutMs) },
      signal => this.manager.checkHealth(signal));
    if (results.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No backend is configured (spanscope.backends).'));
      return;
    }
    const lines = results.map(r => `${r.displayName}: ${r.health.reachable && !r.health.lastError ? `ok${r.health.version ? ` (${r.health.version})` : ''}${r.health.latencyMs !== undefined ? `, ${r.health.latencyMs} ms` : ''}` : r.health.lastError ?? 'unreachable'}`);
    for (const l of lines) this.host.log.info(`backend health: ${l}`);
    const bad = results.some(r => !r.health.reachable || r.health.lastError);
    void (bad ? vscode.window.showWarningMessage(lines.join(' · ')) : vscode.window.showInformationMessage(lines.join(' · ')));
  }
}

/** When a trace we hold started and how long it took, for a backend lookup of the same trace. */
export function lookupHintOfTrace(trace: Trace): TraceLookupHint | undefined {
  const extent = spansExtent(trace.spans);
  if (!extent) return undefined;
  return { startMs: Number(extent.startNs / 1_000_000n), durationMs: Number(extent.endNs - extent.startNs) / 1e6 };
}

/** Receiver traces as a TraceSource (for callers that want it raced with the backends). */
export function receiverSource(receiver: ReceiverLike): TraceSource {
  return {
    displayName: 'OTLP receiver',
    getTrace: async traceId => {
      await receiver.ready;
      const trace = receiver.getTrace(traceId);
      if (!trace) throw new NotFoundError({ backend: 'OTLP receiver', url: 'spanscope:receiver' });
      return { trace, backend: 'OTLP receiver', warnings: [] };
    },
  };
}

function decodeUriComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Asks which credentials (none, a bearer token, user name and password); null: the user cancelled. Metric sources
 *  (fleet latency) ask the same way. */
export async function askBackendCredentials(): Promise<BackendSecrets | undefined | null> {
  const none = vscode.l10n.t('None');
  const bearer = vscode.l10n.t('Bearer token');
  const basic = vscode.l10n.t('User name and password');
  const kind = await vscode.window.showQuickPick([none, bearer, basic], { title: vscode.l10n.t('Credentials (kept in VS Code\'s secret storage)'), ignoreFocusOut: true });
  if (kind === undefined) return null;
  if (kind === none) return undefined;
  if (kind === bearer) {
    const token = await vscode.window.showInputBox({ title: bearer, password: true, ignoreFocusOut: true });
    return token ? { bearerToken: token } : null;
  }
  const username = await vscode.window.showInputBox({ title: vscode.l10n.t('User name'), ignoreFocusOut: true });
  if (username === undefined) return null;
  const password = await vscode.window.showInputBox({ title: vscode.l10n.t('Password'), password: true, ignoreFocusOut: true });
  if (password === undefined) return null;
  return { username, password };
}
