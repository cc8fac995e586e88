// Commands of the editor surfaces: toggle/clear annotations, choose the source (active trace or an aggregate),
// map a span to the cursor, the Unmapped spans list with a proposed path mapping, reveal/details of spans.
import * as vscode from 'vscode';
import { shortTraceId } from '../../core/ids';
import { fromEditorLine, type EditorLine } from '../../core/mapping/lines';
import { normalizeLocalPath } from '../../core/mapping/paths';
import { proposePathMappings } from '../../core/mapping/propose';
import { Commands, registerCommand } from '../commands';
import type { HostContext } from '../hostContext';
import type { WorkspaceFileIndex } from '../mapping/workspaceIndex';
import { openMappedLocation } from './openLocation';
import type { AggregateController } from './aggregate';
import { viewOf, type AnnotationModel } from './annotationModel';
import { isSpanRef, revealSpan, revealSpans, showSpanDetails, type SpanRef } from './reveal';

export function registerEditorCommands(host: HostContext, model: AnnotationModel, index: WorkspaceFileIndex, aggregate: AggregateController): vscode.Disposable {
  const { log, traces } = host;
  const cfg = () => vscode.workspace.getConfiguration('spanscope.annotations');
  const refsOf = (arg: unknown): SpanRef[] => (Array.isArray(arg) ? arg.filter(isSpanRef) : isSpanRef(arg) ? [arg] : []);
  return vscode.Disposable.from(
    registerCommand(Commands.toggleAnnotations, async () => {
      const on = cfg().get('enabled') !== false;
      await cfg().update('enabled', !on, vscode.ConfigurationTarget.Global);
      if (!on && model.kind === 'off') await model.showActive();
    }, log),
    registerCommand(Commands.clearAnnotations, () => model.clear(), log),
    registerCommand(Commands.chooseAnnotationSource, async () => {
      const items: (vscode.QuickPickItem & { id: string })[] = [
        { id: 'active', label: vscode.l10n.t('$(pulse) The active trace'), description: model.current.trace ? shortTraceId(model.current.trace.traceId) : vscode.l10n.t('none open') },
        { id: 'open', label: vscode.l10n.t('$(graph) Aggregate of the open traces'), description: vscode.l10n.t('{0} open', traces.all().length) },
        ...aggregate.providers().map(p => ({ id: `provider:${p.id}`, label: `$(graph) ${p.label}`, description: vscode.l10n.t('last {0} traces of a service/operation', aggregate.lastN()) })),
        { id: 'off', label: vscode.l10n.t('$(circle-slash) Off') },
      ];
      const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Annotate code with…'), ignoreFocusOut: true });
      if (!pick) return;
      if (pick.id === 'active') await model.showActive();
      else if (pick.id === 'off') model.clear();
      else if (pick.id === 'open') await aggregate.aggregateOpenTraces();
      else await aggregate.aggregateFromProvider(pick.id.slice('provider:'.length));
    }, log),
    registerCommand(Commands.aggregateAnnotations, (providerId?: string) => (typeof providerId === 'string' ? aggregate.aggregateFromProvider(providerId) : aggregate.aggregateOpenTraces()), log),
    registerCommand(Commands.revealSpans, (arg?: unknown) => revealSpans(traces, refsOf(arg), model), log),
    registerCommand(Commands.revealSpanInWaterfall, async (arg?: unknown) => { const r = refsOf(arg)[0]; if (r) await revealSpan(traces, r, model); }, log),
    registerCommand(Commands.showSpanDetails, async (arg?: unknown) => { const r = refsOf(arg)[0]; if (r) await showSpanDetails(traces, model, r); }, log),
    registerCommand(Commands.openCodeLocation, (arg?: unknown) => {
      const a = arg as { path?: unknown; line?: unknown } | undefined;
      if (typeof a?.path !== 'string' || typeof a.line !== 'number') return undefined;
      return openMappedLocation(a.path, a.line, model, log);
    }, log),
    registerCommand(Commands.mapSpanToCursor, async (arg?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      const path = editor && editor.document.uri.scheme === 'file' ? normalizeLocalPath(editor.document.uri.fsPath) : undefined;
      if (!editor || !path) { void vscode.window.showWarningMessage(vscode.l10n.t('Place the cursor in a workspace file first.')); return; }
      let ref = refsOf(arg)[0];
      if (!ref) {
        const active = model.current.trace;
        const v = active ? viewOf(active) : undefined;
        if (!active || !v) { void vscode.window.showWarningMessage(vscode.l10n.t('Open a trace first.')); return; }
        const seen = new Set<string>();
        const items: (vscode.QuickPickItem & { ref: SpanRef })[] = [];
        for (let i = 0; i < v.spanCount && items.length < 2000; i++) {
          const key = `${v.service(i)}\u0000${v.name(i)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          items.push({ label: v.name(i), description: v.service(i), ref: { traceKey: active.traceKey, spanId: v.spanId(i) } });
        }
        const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Map which span to line {0}?', editor.selection.active.line + 1), matchOnDescription: true, ignoreFocusOut: true });
        if (!pick) return;
        ref = pick.ref;
      }
      const t = traces.get(ref.traceKey);
      const v = t ? viewOf(t) : undefined;
      const i = v ? v.indexOf(ref.spanId) : -1;
      if (!v || i < 0) return;
      const line = fromEditorLine(editor.selection.active.line as EditorLine);
      const ok = await model.mapper.saved.set(v.service(i), v.name(i), { path, line }, model.mapper.folders);
      if (!ok) { void vscode.window.showWarningMessage(vscode.l10n.t('Only files inside a workspace folder can be remembered.')); return; }
      log.info(`saved mapping: ${v.service(i)} / ${v.name(i)} → ${path}:${line}`);
      await model.refresh();
    }, log),
    registerCommand(Commands.showUnmappedSpans, async () => {
      const list = model.unmapped();
      if (list.length === 0) { void vscode.window.showInformationMessage(vscode.l10n.t('Every span of the current source is mapped to code (or no trace is shown).')); return; }
      const items = list.slice(0, 2000).map(({ trace, span }) => ({
        label: trace.view.name(span.spanIndex),
        description: trace.view.service(span.spanIndex),
        detail: span.reason + (span.filePath ? ` — ${span.filePath}` : ''),
        ref: { traceKey: trace.traceKey, spanId: trace.view.spanId(span.spanIndex) },
      }));
      const addMapping = { label: vscode.l10n.t('$(add) Add a path mapping…'), description: '', detail: vscode.l10n.t('Proposed from the paths these spans wrote and the workspace files'), ref: undefined as SpanRef | undefined };
      const pick = await vscode.window.showQuickPick([addMapping, ...items], { title: vscode.l10n.t('Unmapped spans ({0})', list.length), matchOnDetail: true, ignoreFocusOut: true });
      if (!pick) return;
      if (!pick.ref) await vscode.commands.executeCommand(Commands.addPathMapping);
      else await revealSpan(traces, pick.ref, model);
    }, log),
    registerCommand(Commands.addPathMapping, async () => {
      const paths = model.unmapped().map(u => u.span.filePath).filter((p): p is string => p !== undefined);
      const proposals = proposePathMappings(paths, await index.get(), model.mapper.folders);
      const items: (vscode.QuickPickItem & { from?: string; to?: string })[] = proposals.map(p => ({ label: `"${p.from}" → "${p.to}"`, description: vscode.l10n.t('maps {0} span paths', p.explains), from: p.from, to: p.to }));
      items.push({ label: vscode.l10n.t('$(edit) Enter a mapping…') });
      const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Add to spanscope.pathMappings'), ignoreFocusOut: true });
      if (!pick) return;
      let from = pick.from, to = pick.to;
      if (from === undefined) {
        from = await vscode.window.showInputBox({ prompt: vscode.l10n.t('Path prefix as the spans write it'), placeHolder: '/app/', value: paths[0]?.replace(/[^/\\]*$/, '') ?? '', ignoreFocusOut: true });
        if (!from) return;
        to = await vscode.window.showInputBox({ prompt: vscode.l10n.t('Local path (variables: ${workspaceFolder}, ${workspaceFolder:name})'), value: '${workspaceFolder}/', ignoreFocusOut: true });
        if (!to) return;
      }
      const c = vscode.workspace.getConfiguration('spanscope');
      const current = c.get<Record<string, string>>('pathMappings') ?? {};
      const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await c.update('pathMappings', { ...current, [from]: to! }, target);
      log.info(`added path mapping "${from}" → "${to}"`);
    }, log),
  );
}
