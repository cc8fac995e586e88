// The fleet's figures for the editor: the configured metric sources (settings validated, credentials from the
// secret storage as for trace backends), one whole-window query per source cached with an expiry and shared by every
// surface (a file view costs one query at most, usually none), the series placed on the code through the mapping
// engine, the baseline window for "regressed since …", health for the Backends view, and exemplars. Loaded lazily
// (through ../lazy) the first time a metric source is configured or a fleet command runs.
import * as vscode from 'vscode';
import { FleetCache, isAbortError } from '../../core/fleet/cache';
import { fleetWindow, shiftWindow, windowLabel } from '../../core/fleet/format';
import { FleetIndex, fleetKeyId, locateFleet } from '../../core/fleet/locate';
import type { FleetExemplar, FleetKey, FleetResult, FleetSchema, FleetStats, FleetWindow, MetricSource } from '../../core/fleet/types';
import { BackendError } from '../../backends/http/errors';
import { METRIC_SOURCE_TYPE_LABEL, parseMetricSources, type MetricSourceConfig } from '../../backends/metrics';
import type { BackendEnvironment, BackendSecrets } from '../../backends/types';
import { Commands } from '../commands';
import { askBackendCredentials } from '../backends/backendsController';
import { backendEnvironment, readSecrets, storeSecrets } from '../backends/backendSettings';
import type { HostContext } from '../hostContext';
import { Disposable } from '../lifecycle';
import type { CodeMapper } from '../mapping/codeMapper';
import type { BackendItem } from '../sidebar/deps';
import { affectsFleet, fleetSettings, rawMetricSources } from './fleetSettings';

export type MetricSourceFactory = (config: MetricSourceConfig, secrets: BackendSecrets | undefined, env: BackendEnvironment) => MetricSource;

interface SourceState {
  readonly config: MetricSourceConfig;
  readonly client: MetricSource;
  status: BackendItem['status'];
  detail?: string;
  schema?: FleetSchema;
  lastError?: string;
}

/** What one load cost and found (the log, the bench and the tests read it). */
export interface FleetLoad {
  readonly index: FleetIndex;
  readonly window: FleetWindow;
  readonly windowText: string;
  readonly truncated: boolean;
  /** HTTP requests the queries cost (0 when every source answered from the cache). */
  readonly requests: number;
  /** Errors of sources that failed while others answered. */
  readonly errors: readonly string[];
}

export class FleetService extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** Figures, sources or their health changed: surfaces redraw. */
  readonly onDidChange = this._onDidChange.event;
  private _sources: SourceState[] = [];
  private _problems: string[] = [];
  private _generation = 0;
  private readonly _results: FleetCache<FleetResult>;
  private _located: { key: string; load: Promise<FleetLoad> } | undefined;
  private _latest: FleetLoad | undefined;
  private readonly _shownErrors = new Set<string>();
  ready: Promise<void>;

  constructor(private readonly _host: HostContext, private readonly _mapper: CodeMapper, private readonly _factory: MetricSourceFactory, private readonly _now: () => number = Date.now, ttlMs = 120_000) {
    super();
    this._results = new FleetCache<FleetResult>(ttlMs, _now);
    this.ready = this.reload();
    this._register(vscode.workspace.onDidChangeConfiguration(e => { if (affectsFleet(e)) this.ready = this.reload(); }));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => { this.ready = this.reload(); }));
    this._register(_host.extension.secrets.onDidChange(e => { if (e.key.startsWith('spanscope.backendCredentials')) this.ready = this.reload(); }));
    // The code moved under the figures: place them again (the engine re-reads changed files; no new query).
    this._register(_mapper.onDidInvalidate(() => this._relocate()));
    this._register(vscode.workspace.onDidSaveTextDocument(() => this._relocate()));
    this._register({ dispose: () => { this._results.clear(); for (const s of this._sources) s.client.dispose(); } });
  }

  get configured(): boolean {
    return this._sources.length > 0;
  }

  get problems(): readonly string[] {
    return this._problems;
  }

  /** Queries started so far (one per source and window, then served from the cache until it expires). */
  get queriesStarted(): number {
    return this._results.started;
  }

  /** The last load, fresh or not (surfaces draw it while a new one runs). */
  get latest(): FleetLoad | undefined {
    return this._latest;
  }

  /** Reads the settings and credentials again and rebuilds the clients. */
  async reload(): Promise<void> {
    const gen = ++this._generation;
    const { raw, ignoredWorkspaceValue } = rawMetricSources();
    const { sources, problems: found } = parseMetricSources(raw, 'spanscope.metricSources');
    const problems = [...found];
    if (ignoredWorkspaceValue) problems.push('the workspace\'s spanscope.metricSources is ignored until you trust the workspace');
    const env = backendEnvironment();
    const built: SourceState[] = [];
    for (const config of sources) {
      const secrets = await readSecrets(this._host.extension.secrets, config);
      try {
        built.push({ config, client: this._factory(config, secrets, env), status: 'unknown' });
      } catch (err) {
        problems.push(`${config.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (gen !== this._generation) { for (const s of built) s.client.dispose(); return; }
    for (const s of this._sources) s.client.dispose();
    this._sources = built;
    this._problems = problems;
    for (const p of problems) this._host.log.warn(`fleet latency: ${p}`);
    this._results.clear();
    this._located = undefined;
    this._latest = undefined;
    this._onDidChange.fire();
  }

  /** The metric sources as rows of the Backends view. */
  items(): BackendItem[] {
    return this._sources.map(s => ({
      id: `metrics:${s.config.name}`,
      label: s.config.name,
      kind: METRIC_SOURCE_TYPE_LABEL[s.config.type],
      status: s.status,
      detail: s.lastError ?? s.detail ?? s.config.url,
    }));
  }

  /** Asks each source what it can answer (metric names, dimensions): the health the Backends view shows. */
  async checkHealth(signal?: AbortSignal): Promise<{ name: string; ok: boolean; text: string }[]> {
    await this.ready;
    const out = await Promise.all(this._sources.map(async s => {
      s.status = 'checking';
      this._onDidChange.fire();
      try {
        const schema = await s.client.discover(signal);
        s.schema = schema;
        s.status = 'ok';
        delete s.lastError;
        const code = schema.dimensions.some(d => d.startsWith('code'));
        s.detail = `${schema.services.length} service${schema.services.length === 1 ? '' : 's'}${code ? ' · code attributes' : ''}`;
        return { name: s.config.name, ok: true, text: `${s.config.name}: ok (${s.detail}${schema.durationMetric ? `, ${schema.durationMetric}` : ''})` };
      } catch (err) {
        s.status = 'error';
        s.lastError = messageOf(err);
        return { name: s.config.name, ok: false, text: `${s.config.name}: ${s.lastError}` };
      } finally {
        this._onDidChange.fire();
      }
    }));
    return out;
  }

  /** The current window (ending now, minute-aligned) and its label. */
  window(): { window: FleetWindow; text: string } {
    const s = fleetSettings();
    return { window: fleetWindow(this._now(), s.windowMs), text: windowLabel(s.windowMs) };
  }

  /**
   * The figures placed on the code for the current window: from the cache when fresh (no request), else one query
   * per source. `signal`: this caller giving up.
   */
  async load(signal?: AbortSignal): Promise<FleetLoad | undefined> {
    await this.ready;
    if (this._sources.length === 0) return undefined;
    const s = fleetSettings();
    const { window, text } = this.window();
    const gen = this._generation;
    // Results are cached per source and window length; the located index per set of results.
    const results = await this._queryAll(window, s.windowMs, s.maxSeries, signal);
    const key = `${gen}\u0000${results.map(r => r.id).join('\u0001')}`;
    if (this._located?.key !== key) {
      const load = (async (): Promise<FleetLoad> => {
        const merged = mergeStats(results.flatMap(r => (r.result ? [r.result] : [])));
        const started = performance.now();
        const { located, unplaced } = await locateFleet(merged, facts => this._mapper.mapFacts(facts));
        this._host.log.debug(`fleet latency: ${located.length} series placed on code, ${unplaced.length} not (${(performance.now() - started).toFixed(0)} ms)`);
        return {
          index: new FleetIndex(located, unplaced), window, windowText: text,
          truncated: results.some(r => r.result?.truncated), requests: results.reduce((n, r) => n + (r.fresh ? r.result?.requests ?? 0 : 0), 0),
          errors: results.flatMap(r => (r.error ? [r.error] : [])),
        };
      })();
      this._located = { key, load };
      // A new placement redraws the surfaces once (they ask again and get this same answer from the cache).
      load.then(l => { if (this._located?.load === load && this._latest !== l) { this._latest = l; this._onDidChange.fire(); } }, () => { if (this._located?.load === load) this._located = undefined; });
    }
    return this._located.load;
  }

  /** The baseline window's raw figures ("regressed since": the same window `compareWindow` earlier). */
  async baseline(signal?: AbortSignal): Promise<{ stats: FleetStats[]; window: FleetWindow; sinceText: string } | undefined> {
    await this.ready;
    if (this._sources.length === 0) return undefined;
    const s = fleetSettings();
    const base = shiftWindow(this.window().window, s.compareMs);
    const results = await this._queryAll(base, s.windowMs, s.maxSeries, signal, `baseline:${s.compareMs}`);
    return { stats: mergeStats(results.flatMap(r => (r.result ? [r.result] : []))), window: base, sinceText: windowLabel(s.compareMs) };
  }

  /** Traces that show a figure, from the sources that can name them (Prometheus exemplars). */
  async exemplars(key: FleetKey, window: FleetWindow, signal?: AbortSignal): Promise<FleetExemplar[]> {
    await this.ready;
    const out: FleetExemplar[] = [];
    for (const s of this._sources) {
      if (!s.client.exemplars) continue;
      try {
        out.push(...await s.client.exemplars(key, window, signal));
      } catch (err) {
        if (isAbortError(err) || signal?.aborted) throw err;
        this._host.log.warn(`fleet latency: exemplars from ${s.config.name} failed: ${messageOf(err)}`);
      }
    }
    return out;
  }

  /** Forgets cached answers (the Refresh command). */
  invalidate(): void {
    this._results.clear();
    this._located = undefined;
    this._onDidChange.fire();
  }

  private _relocate(): void {
    if (!this._located) return;
    this._located = undefined;
    this._onDidChange.fire();
  }

  private async _queryAll(window: FleetWindow, windowMs: number, maxSeries: number, signal: AbortSignal | undefined, tag = 'current'): Promise<{ id: string; result?: FleetResult; fresh: boolean; error?: string }[]> {
    const sources = this._sources;
    const names = sources.map(s => s.config.name).join(', ');
    return Promise.all(sources.map(async s => {
      const id = `${this._generation}\u0000${s.config.name}\u0000${tag}\u0000${windowMs}\u0000${maxSeries}`;
      const cached = this._results.peek(id);
      if (cached) return { id: `${id}\u0000${this._resultId(cached)}`, result: cached, fresh: false };
      try {
        const result = await this._results.get(id, async qs => vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Fleet latency: querying {0}', names) },
          () => s.client.query({ window, maxSeries }, qs)), signal);
        if (s.status !== 'ok') { s.status = 'ok'; delete s.lastError; this._onDidChange.fire(); }
        if (result.truncated) this._host.log.info(`fleet latency: ${s.config.name} has more than ${maxSeries} series; showing ${result.stats.length} (spanscope.fleet.maxSeries)`);
        return { id: `${id}\u0000${this._resultId(result)}`, result, fresh: true };
      } catch (err) {
        if (isAbortError(err) || signal?.aborted) throw err;
        const text = `${s.config.name}: ${messageOf(err)}`;
        s.status = 'error';
        s.lastError = messageOf(err);
        this._onDidChange.fire();
        this._host.log.warn(`fleet latency: ${text}`);
        this._tell(text, err);
        return { id: `${id}\u0000error`, fresh: false, error: text };
      }
    }));
  }

  private readonly _ids = new WeakMap<FleetResult, number>();
  private _nextId = 0;
  private _resultId(r: FleetResult): number {
    let n = this._ids.get(r);
    if (n === undefined) { n = ++this._nextId; this._ids.set(r, n); }
    return n;
  }

  /** A failing source is said once per distinct error, with what helps (credentials, settings), not on every redraw. */
  private _tell(text: string, err: unknown): void {
    if (this._shownErrors.has(text)) return;
    this._shownErrors.add(text);
    const creds = vscode.l10n.t('Set Credentials…'), check = vscode.l10n.t('Check Metric Sources'), log = vscode.l10n.t('Show Log');
    const actions = err instanceof BackendError && err.actions.includes('setCredentials') ? [creds, check, log] : [check, log];
    void vscode.window.showWarningMessage(vscode.l10n.t('Fleet latency: {0}', text), ...actions).then(choice => {
      if (choice === creds) void vscode.commands.executeCommand(Commands.fleetSetCredentials);
      else if (choice === check) void vscode.commands.executeCommand(Commands.fleetCheckSources);
      else if (choice === log) void vscode.commands.executeCommand(Commands.showLog);
    });
  }

  /**
   * Spanscope: Set Metric Source Credentials…: the trace backends' flow and storage (SecretStorage, per name and URL,
   * so a workspace reusing a name with its own URL never receives them).
   */
  async setCredentials(name?: string): Promise<void> {
    await this.ready;
    let config = this._sources.find(s => s.config.name === name)?.config;
    if (!config) {
      if (this._sources.length === 0) return;
      const picked = await vscode.window.showQuickPick(this._sources.map(s => ({ label: s.config.name, description: `${METRIC_SOURCE_TYPE_LABEL[s.config.type]} · ${s.config.url}`, config: s.config })),
        { title: vscode.l10n.t('Set credentials for which metric source?'), ignoreFocusOut: true });
      if (!picked) return;
      config = picked.config;
    }
    const secrets = await askBackendCredentials();
    if (secrets === null) return;
    await storeSecrets(this._host.extension.secrets, config, secrets);
    await this.reload();
    void vscode.window.showInformationMessage(secrets
      ? vscode.l10n.t('Credentials for {0} saved in the secret storage.', config.name)
      : vscode.l10n.t('Credentials for {0} removed.', config.name));
  }

  /** Spanscope: Check Metric Sources: discovery of each source under a cancellable progress, the result shown. */
  async checkSourcesCommand(): Promise<void> {
    await this.ready;
    if (this._sources.length === 0) return;
    const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking metric sources…'), cancellable: true },
      (_p, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return this.checkHealth(ac.signal);
      });
    for (const r of results) this._host.log.info(`metric source health: ${r.text}`);
    const text = [...results.map(r => r.text), ...this._problems].join(' · ');
    void (results.some(r => !r.ok) || this._problems.length ? vscode.window.showWarningMessage(text) : vscode.window.showInformationMessage(text));
  }
}

/** One series per key over several sources: the first source to name a key wins (sources are in settings order). */
export function mergeStats(results: readonly FleetResult[]): FleetStats[] {
  const seen = new Set<string>();
  const out: FleetStats[] = [];
  for (const r of results) {
    for (const s of r.stats) {
      const id = fleetKeyId(s.key);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(s);
    }
  }
  return out;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
