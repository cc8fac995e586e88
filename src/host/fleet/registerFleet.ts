// Fleet latency in the editor, wired with one call from extension.ts: the CodeLens, hover and
// gutter "fleet" mode (fleetSurfaces.ts), Hot Spots' fleet rows (fleetHotSpots.ts), the metric sources in the
// Backends view, and the fleet commands. Nothing loads or shows until a metric source is configured.
import * as vscode from 'vscode';
import { Commands, registerCommand } from '../commands';
import type { HostContext } from '../hostContext';
import { Disposable } from '../lifecycle';
import type { CodeMapper } from '../mapping/codeMapper';
import type { BackendsView } from '../sidebar/backendsView';
import type { BackendsSource, ReceiverLike } from '../sidebar/deps';
import type { HotSpotsView } from '../sidebar/hotSpotsView';
import { openFleetExamples } from './fleetExamples';
import { FleetHub, type FleetServiceLoader } from './fleetHub';
import { FleetHotSpots } from './fleetHotSpots';
import { fleetGutterMode } from './fleetSettings';
import { FleetCodeLensProvider, FleetGutter, FleetHoverProvider } from './fleetSurfaces';

export interface FleetParts {
  readonly mapper: CodeMapper;
  readonly backends: BackendsView;
  readonly hotSpots: HotSpotsView;
  /** Redraws the trace's decorations (its heat steps aside in fleet mode). */
  readonly redrawTrace: () => void;
  readonly receiver?: ReceiverLike;
  /** Tests and the bench build the service directly. */
  readonly loader?: FleetServiceLoader;
}

export class Fleet extends Disposable {
  readonly hub: FleetHub;
  readonly lenses: FleetCodeLensProvider;
  readonly gutter: FleetGutter;

  constructor(host: HostContext, parts: FleetParts) {
    super();
    const { log } = host;
    const hub = (this.hub = this._register(new FleetHub(host, parts.mapper, parts.loader)));
    this.lenses = this._register(new FleetCodeLensProvider(hub, log));
    this._register(vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this.lenses));
    this._register(vscode.languages.registerHoverProvider({ scheme: 'file' }, new FleetHoverProvider(hub)));
    this.gutter = this._register(new FleetGutter(hub, parts.redrawTrace));
    this._register(parts.hotSpots.addSection(new FleetHotSpots(hub)));
    this._register(parts.backends.addItems({ onDidChange: hub.onDidChange, items: () => hub.loaded?.items() ?? [] }));

    const backends = (): BackendsSource | undefined => parts.backends.source;
    const withService = async (run: (s: Awaited<ReturnType<FleetHub['service']>>) => Promise<unknown>) => {
      if (!hub.configured) { await hub.hintNoSources(); return; }
      await run(await hub.service());
    };
    this._register(registerCommand(Commands.fleetOpenExamples, (arg?: unknown) => openFleetExamples({ hub, backends, ...(parts.receiver ? { receiver: parts.receiver } : {}), log }, arg), log));
    this._register(registerCommand(Commands.fleetRefresh, () => withService(async s => {
      s.invalidate();
      const load = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Querying the fleet\'s latency…'), cancellable: true },
        (_p, token) => hub.load(token));
      if (load) log.info(`fleet latency: ${load.index.located.length} series on the code, ${load.index.unplaced.length} not placed, ${load.requests} requests${load.truncated ? ', capped by spanscope.fleet.maxSeries' : ''}`);
    }), log));
    this._register(registerCommand(Commands.fleetToggleGutter, async () => {
      const next = fleetGutterMode() === 'fleet' ? 'trace' : 'fleet';
      if (next === 'fleet' && !hub.configured) { await hub.hintNoSources(); return; }
      await vscode.workspace.getConfiguration('spanscope.fleet').update('gutter', next, vscode.ConfigurationTarget.Global);
    }, log));
    this._register(registerCommand(Commands.fleetSetCredentials, (name?: unknown) => withService(s => s.setCredentials(typeof name === 'string' ? name : undefined)), log));
    this._register(registerCommand(Commands.fleetCheckSources, () => withService(s => s.checkSourcesCommand()), log));
  }
}

export function registerFleet(host: HostContext, parts: FleetParts): Fleet {
  return new Fleet(host, parts);
}
