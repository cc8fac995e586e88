// The ONE list of command ids the extension contributes, and the helper every feature module registers its
// commands through. `test/unit/host/commands.test.ts` fails when this list, what `activate` registers and
// package.json `contributes.commands` disagree. To add a command: add its id here, register it in your
// feature module with `registerCommand`, and contribute it with `node scripts/add-command.mjs`.
import * as vscode from 'vscode';

export const Commands = {
  // Opening traces
  openTraceFile: 'spanscope.openTraceFile',
  openInSpanscope: 'spanscope.openInSpanscope',
  openFromClipboard: 'spanscope.openFromClipboard',
  openSample: 'spanscope.openSample',
  openRecent: 'spanscope.openRecent',
  pinTrace: 'spanscope.pinTrace',
  unpinTrace: 'spanscope.unpinTrace',
  clearRecent: 'spanscope.clearRecent',
  showLog: 'spanscope.showLog',
  // Embedded OTLP receiver
  startReceiver: 'spanscope.receiver.start',
  stopReceiver: 'spanscope.receiver.stop',
  receiverStatus: 'spanscope.receiver.status',
  setReceiverToken: 'spanscope.receiver.setToken',
  clearReceiverStore: 'spanscope.receiver.clear',
  openReceiverTrace: 'spanscope.receiver.openTrace',
  showNewLiveTraces: 'spanscope.live.showNew',
  openLiveSelection: 'spanscope.live.openSelected',
  // Backends (F)
  openTraceById: 'spanscope.openTraceById',
  addBackend: 'spanscope.addBackend',
  setBackendCredentials: 'spanscope.setBackendCredentials',
  checkBackends: 'spanscope.checkBackends',
  // Editor surfaces and code mapping (G)
  toggleAnnotations: 'spanscope.annotations.toggle',
  chooseAnnotationSource: 'spanscope.annotations.chooseSource',
  clearAnnotations: 'spanscope.annotations.clear',
  aggregateAnnotations: 'spanscope.annotations.aggregate',
  mapSpanToCursor: 'spanscope.mapSpanToCursor',
  showUnmappedSpans: 'spanscope.showUnmappedSpans',
  addPathMapping: 'spanscope.addPathMapping',
  revealSpans: 'spanscope.revealSpans',
  revealSpanInWaterfall: 'spanscope.revealSpanInWaterfall',
  showSpanDetails: 'spanscope.showSpanDetails',
  openCodeLocation: 'spanscope.openCodeLocation',
  // Side panel (G)
  searchTraces: 'spanscope.traces.search',
  openSearchResult: 'spanscope.traces.openSearchResult',
  refreshSidebar: 'spanscope.sidebar.refresh',
  // Analysis across traces (H)
  showServiceGraph: 'spanscope.analysis.serviceGraph',
  compareTraces: 'spanscope.analysis.compareTraces',
  showLatencyDistribution: 'spanscope.analysis.latencyDistribution',
  // Fleet latency on the code (metric sources' figures in the editor)
  fleetRefresh: 'spanscope.fleet.refresh',
  fleetOpenExamples: 'spanscope.fleet.openExamples',
  fleetToggleGutter: 'spanscope.fleet.toggleGutter',
  fleetSetCredentials: 'spanscope.fleet.setCredentials',
  fleetCheckSources: 'spanscope.fleet.checkSources',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/**
 * Registers a command. A handler that throws or rejects does not vanish silently: the error is logged and
 * shown to the user with a "Show Log" action. Handlers return whatever they like (tests and other commands
 * that call `executeCommand` receive it).
 */
export function registerCommand(
  id: CommandId,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers declare their own argument types
  handler: (...args: any[]) => unknown,
  log?: vscode.LogOutputChannel,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (err) {
      if (err instanceof vscode.CancellationError) return undefined;
      const message = err instanceof Error ? err.message : String(err);
      log?.error(`command ${id} failed`, err instanceof Error ? err : message);
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window.showErrorMessage(message, showLog).then(choice => {
        if (choice === showLog) void vscode.commands.executeCommand(Commands.showLog);
      });
      return undefined;
    }
  });
}
