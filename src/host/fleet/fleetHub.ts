// The fleet surfaces' one handle on the fleet figures. The FleetService (settings validation, metric clients) loads
// lazily, only once a metric source is configured or a fleet command runs, so that users without one pay nothing
// at activation and see nothing. Every surface asks `load(token)`: the first ask of a window starts one query per
// source, the others share it or read the cache.
import * as vscode from 'vscode';
import type { HostContext } from '../hostContext';
import { abortSignalOf, Disposable } from '../lifecycle';
import type { CodeMapper } from '../mapping/codeMapper';
import { affectsFleet, hasMetricSources } from './fleetSettings';
import type { FleetLoad, FleetService, MetricSourceFactory } from './fleetService';

/** Builds the service (the lazy bundle in the extension; the sources directly in tests and the bench). */
export type FleetServiceLoader = (host: HostContext, mapper: CodeMapper) => Promise<FleetService>;

export const lazyFleetService: FleetServiceLoader = async (host, mapper) => {
  const m = await import('../lazy');
  return new m.FleetService(host, mapper, m.createMetricSource as MetricSourceFactory);
};

export class FleetHub extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** New figures, other sources or health, or a change of window/gutter mode. */
  readonly onDidChange = this._onDidChange.event;
  private _service: Promise<FleetService> | undefined;
  private _loaded: FleetService | undefined;

  constructor(private readonly _host: HostContext, private readonly _mapper: CodeMapper, private readonly _loader: FleetServiceLoader = lazyFleetService) {
    super();
    if (hasMetricSources()) void this.service();
    this._register(vscode.workspace.onDidChangeConfiguration(e => {
      if (affectsFleet(e)) {
        if (hasMetricSources()) void this.service();
        this._onDidChange.fire();
      }
    }));
  }

  /** The service, loaded on first use. */
  service(): Promise<FleetService> {
    this._service ??= this._loader(this._host, this._mapper).then(s => {
      this._register(s);
      this._loaded = s;
      this._register(s.onDidChange(() => this._onDidChange.fire()));
      this._onDidChange.fire();
      return s;
    });
    return this._service;
  }

  /** The service if it is loaded (surfaces that must answer synchronously). */
  get loaded(): FleetService | undefined {
    return this._loaded;
  }

  /** True when a metric source is configured (as far as the settings tell, before validation). */
  get configured(): boolean {
    return this._loaded ? this._loaded.configured : hasMetricSources();
  }

  /** The figures for the current window, or undefined without metric sources. Errors of sources are told once. */
  async load(token?: vscode.CancellationToken): Promise<FleetLoad | undefined> {
    if (!this.configured) return undefined;
    const s = await this.service();
    return s.load(abortSignalOf(token));
  }

  /** Tells the user how to get fleet figures (commands run without any metric source). */
  async hintNoSources(): Promise<void> {
    const open = vscode.l10n.t('Open Settings');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('No metric source is configured. Add one to spanscope.metricSources (Prometheus fed by the OpenTelemetry Collector\'s spanmetrics connector, Jaeger SPM or Tempo) to see the fleet\'s latency on the code.'),
      open);
    if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'spanscope.metricSources');
  }
}
