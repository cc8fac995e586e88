// The configured backends as live clients: rebuilt when the settings or credentials change, asked all at once
// for a trace (plus any extra source such as the embedded receiver), with their health for the side panel and a
// small cache of recently fetched traces.
import * as vscode from 'vscode';
import { createBackend, findTraceInBackends, type FoundTrace, type TraceSource } from '../../backends/registry';
import type { BackendConfig, BackendHealth, BackendSecrets, TraceBackend, TraceLookupHint } from '../../backends/types';
import { Disposable } from '../lifecycle';
import { backendEnvironment, credentialUrl, findOtherSecrets, isUsersOwnBackend, migrateLegacySecrets, readBackendSettings, readSecrets, storeSecrets, BACKENDS_KEY, MAX_RESPONSE_KEY, type OtherCredentials } from './backendSettings';

/** Fetched traces kept for a quick re-open (span data: keep it small), and for how long (spans may still arrive). */
export const RECENT_FETCH_LIMIT = 8;
export const RECENT_FETCH_TTL_MS = 60_000;

export interface FoundTraceWithConfig extends FoundTrace {
  /** The configured backend's name, when a configured backend had it. */
  readonly backendName?: string;
}

export class BackendManager extends Disposable {
  private _backends: TraceBackend[] = [];
  private _problems: readonly string[] = [];
  private _ignoredWorkspace = false;
  private _loading: Promise<void>;
  private readonly _offered = new Set<string>();
  /** Questions "send the credentials saved elsewhere to this URL?" asked so far (tests wait on them). */
  readonly credentialOffers: Promise<void>[] = [];
  private readonly _recent = new Map<string, { found: FoundTraceWithConfig; at: number }>();
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** Backends were rebuilt or a health result changed. */
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly log: vscode.LogOutputChannel) {
    super();
    this._loading = this.reload();
    this._register(vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration(`spanscope.${BACKENDS_KEY}`) || e.affectsConfiguration(`spanscope.${MAX_RESPONSE_KEY}`) || e.affectsConfiguration('http.proxy') || e.affectsConfiguration('http.noProxy')) {
        this._loading = this.reload();
      }
    }));
    this._register({ dispose: () => this._backends.forEach(b => b.dispose()) });
  }

  /** Rebuilds the clients from the settings and the stored credentials. */
  async reload(): Promise<void> {
    const settings = readBackendSettings();
    const env = backendEnvironment();
    const built: TraceBackend[] = [];
    for (const config of settings.backends) built.push(createBackend(config, await this.credentialsFor(config), env));
    for (const b of this._backends) b.dispose();
    this._backends = built;
    this._problems = settings.problems;
    this._ignoredWorkspace = settings.ignoredWorkspaceValue;
    for (const p of settings.problems) this.log.warn(`backend settings: ${p}`);
    if (settings.ignoredWorkspaceValue) this.log.warn('spanscope.backends from this workspace is ignored: the workspace is not trusted (Restricted Mode).');
    this._onDidChange.fire();
    // The side panel shows each backend's health: find it out once, in the background.
    if (built.length > 0) {
      void Promise.all(built.map(b => b.health())).then(() => {
        if (this._backends === built) this._onDidChange.fire();
      });
    }
  }

  /**
   * The credentials saved for this backend's name and URL. Ones saved for the same name elsewhere are sent only
   * after the user agrees (asked once per name and URL in a session); until then the backend has none.
   */
  private async credentialsFor(config: BackendConfig): Promise<BackendSecrets | undefined> {
    const own = await readSecrets(this.secrets, config);
    if (own) return own;
    const other = await findOtherSecrets(this.secrets, config);
    if (!other) return undefined;
    if (other.fromUrl === undefined && isUsersOwnBackend(config)) {
      // Saved by name before URLs were recorded, for the backend the user's own settings still name: it is theirs.
      await migrateLegacySecrets(this.secrets, config, other.secrets);
      this.log.info(`credentials of backend "${config.name}" are now kept for ${credentialUrl(config.url)}`);
      return other.secrets;
    }
    const key = JSON.stringify([config.name, credentialUrl(config.url)]);
    if (!this._offered.has(key)) {
      this._offered.add(key);
      this.credentialOffers.push(this.offerCredentials(config, other));
    }
    return undefined;
  }

  private async offerCredentials(config: BackendConfig, other: OtherCredentials): Promise<void> {
    const send = vscode.l10n.t('Send Them');
    const url = credentialUrl(config.url);
    const choice = await vscode.window.showWarningMessage(other.fromUrl !== undefined
      ? vscode.l10n.t('Backend "{0}" now points at {1}, but its credentials were saved for {2}. Send them to {1}?', config.name, url, other.fromUrl)
      : vscode.l10n.t('Backend "{0}" points at {1}. Credentials are saved for a backend of that name, but not for this URL. Send them to {1}?', config.name, url),
    { modal: true, detail: vscode.l10n.t('A workspace can name its own server like one of yours; only agree if you know {0}.', url) }, send);
    if (choice !== send) {
      this.log.info(`credentials of backend "${config.name}" not sent to ${url}`);
      return;
    }
    await storeSecrets(this.secrets, config, other.secrets);
    await (this._loading = this.reload());
  }

  get ready(): Promise<void> {
    return this._loading;
  }

  get backends(): readonly TraceBackend[] {
    return this._backends;
  }

  get problems(): readonly string[] {
    return this._problems;
  }

  get ignoredWorkspaceSetting(): boolean {
    return this._ignoredWorkspace;
  }

  byName(name: string): TraceBackend | undefined {
    return this._backends.find(b => b.config.name === name);
  }

  /** Health of every backend (checks them all, in parallel). */
  async checkHealth(signal?: AbortSignal): Promise<Array<{ config: BackendConfig; displayName: string; health: BackendHealth }>> {
    await this._loading;
    const out = await Promise.all(this._backends.map(async b => ({ config: b.config, displayName: b.displayName, health: await b.health(signal) })));
    this._onDidChange.fire();
    return out;
  }

  /** The last known health of each backend (undefined entries were never checked). */
  healthSnapshot(): Array<{ config: BackendConfig; displayName: string; health: BackendHealth | undefined }> {
    return this._backends.map(b => ({ config: b.config, displayName: b.displayName, health: b.lastHealth }));
  }

  /**
   * Asks `extra` sources (the receiver) and every backend (or only `onlyBackend`) at once; the first that has it
   * wins. Rejects with TraceNotFoundError naming every source, or CancelledError. `hint` (when the trace started, if
   * known) lets a backend narrow its lookup.
   */
  async findTrace(traceId: string, opts: { signal?: AbortSignal; onlyBackend?: string; extra?: readonly TraceSource[]; useCache?: boolean; hint?: TraceLookupHint } = {}): Promise<FoundTraceWithConfig> {
    await this._loading;
    const hit = opts.useCache !== false ? this._recent.get(traceId) : undefined;
    const cached = hit && Date.now() - hit.at < RECENT_FETCH_TTL_MS ? hit.found : undefined;
    if (cached && (!opts.onlyBackend || cached.backendName === opts.onlyBackend)) return cached;
    const backends = opts.onlyBackend ? this._backends.filter(b => b.config.name === opts.onlyBackend) : this._backends;
    const sources: TraceSource[] = [...(opts.extra ?? []), ...backends];
    const found = await findTraceInBackends(traceId, sources, opts.signal, opts.hint);
    const backend = backends.find(b => b.displayName === found.source);
    const result: FoundTraceWithConfig = backend ? { ...found, backendName: backend.config.name } : found;
    this._remember(traceId, result);
    this._onDidChange.fire();
    return result;
  }

  private _remember(traceId: string, found: FoundTraceWithConfig): void {
    this._recent.delete(traceId);
    this._recent.set(traceId, { found, at: Date.now() });
    while (this._recent.size > RECENT_FETCH_LIMIT) this._recent.delete(this._recent.keys().next().value!);
  }

  /** Recently fetched trace IDs, newest first. */
  recentTraceIds(): string[] {
    return [...this._recent.keys()].reverse();
  }
}
