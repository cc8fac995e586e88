// Registers the backend commands, the trace URI handler and the terminal link provider at activation. Kept light:
// the clients, zod schemas and parsers load on first use (BackendsController through ../lazy), so that activation
// stays within its budget.
import * as vscode from 'vscode';
import { findTraceIdsInText } from '../../core/trace-id-input';
import { Commands, registerCommand } from '../commands';
import type { HostContext } from '../hostContext';
import { Disposable } from '../lifecycle';
import type { OpenTrace, TraceHistoryEntry } from '../traces/traceService';
import type { BackendDeps, BackendsController } from './backendsController';

export interface BackendRegistrationDeps extends BackendDeps {
  /** Registers how history entries of kind `backend` are opened again (TraceOpener.registerReopener). */
  readonly registerReopener?: (kind: 'backend', reopener: (entry: TraceHistoryEntry) => Promise<OpenTrace | undefined>) => vscode.Disposable;
  /** Offer a local Jaeger/Tempo this long after activation (ms); negative: never. */
  readonly offerLocalAfterMs?: number;
}

interface TraceLink extends vscode.TerminalLink {
  readonly traceId: string;
  readonly spanId?: string;
}

export class BackendCommands extends Disposable {
  private _controller: Promise<BackendsController> | undefined;

  constructor(private readonly host: HostContext, private readonly deps: BackendRegistrationDeps) {
    super();
    const { log } = host;
    this._register(registerCommand(Commands.openTraceById, async (arg?: unknown) => (await this.controller()).openTraceById(arg), log));
    this._register(registerCommand(Commands.addBackend, async () => (await this.controller()).addBackend(), log));
    this._register(registerCommand(Commands.setBackendCredentials, async (name?: string) => (await this.controller()).setCredentials(name), log));
    this._register(registerCommand(Commands.checkBackends, async () => (await this.controller()).checkBackends(), log));
    this._register(vscode.window.registerUriHandler({
      handleUri: uri => {
        void this.controller().then(c => c.handleUri(uri)).catch(err => log.error(`opening ${uri.toString()} failed`, err));
      },
    }));
    const links: vscode.TerminalLinkProvider<TraceLink> = {
      provideTerminalLinks: ctx => findTraceIdsInText(ctx.line).map(m => ({
        startIndex: m.start,
        length: m.length,
        tooltip: vscode.l10n.t('Open trace {0} in Spanscope', m.traceId),
        traceId: m.traceId,
        ...(m.spanId ? { spanId: m.spanId } : {}),
      })),
      handleTerminalLink: link => {
        void vscode.commands.executeCommand(Commands.openTraceById, { traceId: link.traceId, ...(link.spanId ? { spanId: link.spanId } : {}) });
      },
    };
    this._register(vscode.window.registerTerminalLinkProvider(links as vscode.TerminalLinkProvider));
    if (deps.registerReopener) {
      this._register(deps.registerReopener('backend', async entry =>
        (await this.controller()).openTraceById({ traceId: entry.traceId, ...(entry.source.backend ? { backend: entry.source.backend } : {}) })));
    }
    const after = deps.offerLocalAfterMs ?? 3000;
    if (after >= 0) {
      const t = setTimeout(() => {
        void this.controller().then(c => c.offerLocal()).catch(err => log.warn(`local backend check failed: ${String(err)}`));
      }, after);
      this._register({ dispose: () => clearTimeout(t) });
    }
  }

  /** The controller, loaded and built on first use. */
  controller(): Promise<BackendsController> {
    this._controller ??= import('../lazy').then(m => {
      const c = new m.BackendsController(this.host, this.deps);
      this._register(c);
      return c;
    });
    return this._controller;
  }
}

export function registerBackends(host: HostContext, deps: BackendRegistrationDeps): BackendCommands {
  return new BackendCommands(host, deps);
}
