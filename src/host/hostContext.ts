// What every feature module receives from `activate`: the extension context, the log, the open traces.
// Feature modules export `registerX(host: HostContext): vscode.Disposable` and register their commands with
// `registerCommand` from commands.ts; extension.ts calls each one.
import type * as vscode from 'vscode';
import type { TraceService } from './traces/traceService';

export interface HostContext {
  readonly extension: vscode.ExtensionContext;
  /** The "Spanscope" LogOutputChannel (levels: trace/debug/info/warn/error). Never log tokens or credentialed URLs. */
  readonly log: vscode.LogOutputChannel;
  readonly traces: TraceService;
}
