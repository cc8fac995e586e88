// Status bar item for what the editor shows: the active trace (service, duration, errors) or the aggregate.
// Clicking reveals the trace's waterfall.
import * as vscode from 'vscode';
import { plural } from '../../core/mapping/format';
import { formatDuration } from '../../core/units/duration';
import { Commands } from '../commands';
import { Disposable } from '../lifecycle';
import type { AnnotationModel } from './annotationModel';

export class TraceStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;

  constructor(private readonly _model: AnnotationModel) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('spanscope.activeTrace', vscode.StatusBarAlignment.Left, 50));
    this.item.name = vscode.l10n.t('Spanscope trace');
    this._register(_model.onDidChange(() => this.render()));
    this.render();
  }

  render(): void {
    const s = this._model.state;
    const first = s.traces[0];
    if (!first) { this.item.hide(); return; }
    const mapped = s.traces.reduce((n, t) => n + t.mapping.spans.filter(Boolean).length, 0);
    const unmapped = s.traces.reduce((n, t) => n + t.mapping.unmapped.length, 0);
    if (s.kind === 'aggregate') {
      this.item.text = `$(graph) ${s.label}`;
      this.item.tooltip = vscode.l10n.t('Code annotations: aggregate of {0} traces. {1} spans mapped, {2} unmapped. Click to choose the source.', s.traces.length, mapped, unmapped);
      this.item.command = Commands.chooseAnnotationSource;
    } else {
      const v = first.view;
      const errors = v.compact.errorCount;
      this.item.text = `$(pulse) ${s.label.length > 40 ? s.label.slice(0, 39) + '…' : s.label} · ${formatDuration(v.durationNs)}${errors > 0 ? ` · $(error) ${errors}` : ''}`;
      this.item.tooltip = vscode.l10n.t('Trace {0}: {1} spans, {2}, {3} mapped to code, {4} unmapped. Click to reveal its waterfall.', v.traceId, v.spanCount, plural(errors, 'error'), mapped, unmapped);
      this.item.command = { command: Commands.revealSpanInWaterfall, title: 'Reveal waterfall', arguments: [{ traceKey: first.traceKey, spanId: v.spanId(v.roots()[0] ?? 0) }] };
    }
    this.item.show();
  }
}
