// Entry point: builds the host context and registers every feature module. Activation is on our own commands,
// views, URI handler and webview restore only (package.json `activationEvents`), and must stay cheap: features
// do their heavy work lazily, when first used.
import * as vscode from 'vscode';
import { Commands, registerCommand } from './commands';
import { traceSettings } from './config';
import type { HostContext } from './hostContext';
import { TraceService } from './traces/traceService';

export function activate(context: vscode.ExtensionContext): HostContext {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Spanscope', { log: true });
  context.subscriptions.push(log);
  const traces = new TraceService(context.globalState, () => traceSettings().recentLimit);
  context.subscriptions.push(traces);
  const host: HostContext = { extension: context, log, traces };

  context.subscriptions.push(
    registerCommand(Commands.showLog, () => log.show(true), log),
  );

  log.info(`Spanscope ${String(context.extension.packageJSON.version ?? '')} activated in ${(performance.now() - started).toFixed(1)} ms`);
  return host;
}

export function deactivate(): void {
  // Everything is in context.subscriptions; VS Code disposes them. Async shutdown work (the receiver's store
  // snapshot) is done by its own dispose.
}
