// Aggregate mode: the code annotated with p50/p95/max/count/error rate per location over the last N traces of a
// service/operation. Traces come from providers (the embedded receiver, a backend) registered here, or from the
// traces already open. Fetching and mapping run under a cancellable progress notification (each trace mapped in
// its own turn of the event loop); the per-location statistics are computed in a worker thread.
import * as vscode from 'vscode';
import type { CompactTrace } from '../../protocol/compact';
import type { HostContext } from '../hostContext';
import type { PreparedTraceLike, TraceSource } from '../traces/traceService';
import { annotateAggregateOffThread } from './aggregateClient';
import { AnnotationModel, viewOf, type AnnotatedTrace } from './annotationModel';

export interface AggregateGroup {
  readonly service: string;
  readonly operation?: string;
  /** Which backend, for providers that front several. */
  readonly backendId?: string;
  /** Shown beside the service in the picker (the backend's name). */
  readonly detail?: string;
}

/** A place recent traces come from. The receiver and the backends register one each. */
export interface AggregateTraceProvider {
  readonly id: string;
  readonly label: string;
  /** Services (and operations) it has traces of. */
  groups(token: vscode.CancellationToken): Promise<AggregateGroup[]>;
  /** The last `limit` traces of a group, newest first. */
  fetch(group: AggregateGroup, limit: number, token: vscode.CancellationToken): Promise<PreparedTraceLike[]>;
  /** How its traces are opened again (for revealing spans from the aggregate). */
  readonly source: TraceSource;
  /** Per group, when it differs (a provider over several backends). */
  sourceOf?(group: AggregateGroup): TraceSource;
}

export const DEFAULT_AGGREGATE_TRACES = 20;

const yieldToHost = () => new Promise<void>(resolve => setImmediate(resolve));

export class AggregateController {
  private readonly _providers = new Map<string, AggregateTraceProvider>();

  constructor(private readonly _host: HostContext, private readonly _model: AnnotationModel) {}

  register(p: AggregateTraceProvider): vscode.Disposable {
    this._providers.set(p.id, p);
    return new vscode.Disposable(() => { if (this._providers.get(p.id) === p) this._providers.delete(p.id); });
  }

  providers(): AggregateTraceProvider[] {
    return [...this._providers.values()];
  }

  lastN(): number {
    const n = vscode.workspace.getConfiguration('spanscope.annotations').get<unknown>('aggregateTraces');
    return typeof n === 'number' && Number.isFinite(n) ? Math.max(1, Math.min(500, Math.floor(n))) : DEFAULT_AGGREGATE_TRACES;
  }

  async aggregateOpenTraces(): Promise<void> {
    const open = this._host.traces.all().slice(-this.lastN());
    if (open.length === 0) { void vscode.window.showInformationMessage(vscode.l10n.t('No traces are open to aggregate.')); return; }
    await this._run(vscode.l10n.t('aggregate of {0} open traces', open.length), open.map(t => ({ traceKey: t.traceKey, prepared: { summary: t.summary, compact: t.compact }, source: t.source })));
  }

  async aggregateFromProvider(id: string): Promise<void> {
    const p = this._providers.get(id);
    if (!p) return;
    const cts = new vscode.CancellationTokenSource();
    try {
      const groups = await p.groups(cts.token);
      if (groups.length === 0) { void vscode.window.showInformationMessage(vscode.l10n.t('{0} has no traces yet.', p.label)); return; }
      const pick = await vscode.window.showQuickPick(groups.map(g => ({ label: g.operation ?? vscode.l10n.t('(all operations)'), description: g.detail ? `${g.service} · ${g.detail}` : g.service, g })), { title: vscode.l10n.t('Aggregate which service/operation?'), matchOnDescription: true, ignoreFocusOut: true });
      if (!pick) return;
      const n = this.lastN();
      const prepared = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Fetching the last {0} traces of {1}', n, pick.g.service), cancellable: true }, (_p, token) => p.fetch(pick.g, n, token));
      if (prepared.length === 0) { void vscode.window.showInformationMessage(vscode.l10n.t('No traces found.')); return; }
      const label = `${pick.g.service}${pick.g.operation ? ' ' + pick.g.operation : ''}: ${prepared.length} traces`;
      const source = p.sourceOf?.(pick.g) ?? p.source;
      await this._run(label, prepared.map(x => ({ traceKey: `aggregate:${p.id}#${x.summary.traceId}`, prepared: x, source })));
    } finally {
      cts.dispose();
    }
  }

  private async _run(label: string, inputs: { traceKey: string; prepared: PreparedTraceLike; source: TraceSource }[]): Promise<void> {
    const done = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Mapping {0} traces to code', inputs.length), cancellable: true }, async (progress, token) => {
      const out: AnnotatedTrace[] = [];
      for (const input of inputs) {
        if (token.isCancellationRequested) return undefined;
        const view = viewOf({ compact: input.prepared.compact as CompactTrace });
        if (view) out.push({ traceKey: input.traceKey, view, mapping: await this._model.mapper.mapTrace(view), reopen: { prepared: input.prepared, source: input.source } });
        progress.report({ increment: 100 / inputs.length });
        await yieldToHost();
      }
      return out;
    });
    if (!done) return;
    // Per-location statistics for every file, in a worker thread.
    const stats = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Computing p50/p95 per code location'), cancellable: true },
      (_p, token) => annotateAggregateOffThread(AnnotationModel.filesOf(done), token));
    if (!stats) return;
    this._host.log.debug(`aggregate statistics computed ${stats.where === 'worker' ? 'in a worker thread' : 'inline (no worker bundle)'}`);
    this._model.showAggregate(done, label, stats.result);
    this._host.log.info(`annotations: ${label}; ${done.reduce((n, t) => n + t.mapping.spans.filter(Boolean).length, 0)} spans mapped`);
  }
}
