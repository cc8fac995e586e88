// "Go to source" for a span: where the mapping placed it. One place opens directly; a ranked guess with several
// candidates opens a quick pick showing each one's reason, and the choice is saved for that service and span name.
// A span with no location says why, offering the action that would help: a path mapping only when the span wrote
// a path, otherwise mapping the span to the cursor's line.
import * as vscode from 'vscode';
import { basename, dirname } from '../../core/mapping/paths';
import { Commands } from '../commands';
import type { AnnotatedTrace, AnnotationModel } from './annotationModel';
import { openMappedLocation } from './openLocation';

const WAIT_FOR_MAPPING_MS = 15_000;

/** The trace's mapping once phase 2 is done (or the wait times out: what is there is used). */
async function completed(model: AnnotationModel, traceKey: string): Promise<AnnotatedTrace | undefined> {
  const find = () => model.state.traces.find(t => t.traceKey === traceKey);
  const now = find();
  if (!now || now.mapping.complete) return now;
  return new Promise(resolve => {
    const timer = setTimeout(() => { sub.dispose(); resolve(find()); }, WAIT_FOR_MAPPING_MS);
    const sub = model.onDidChange(() => {
      const t = find();
      if (!t || t.mapping.complete) { clearTimeout(timer); sub.dispose(); resolve(t); }
    });
  });
}

export async function openSpanMapping(model: AnnotationModel, traceKey: string, spanId: string, filePath: string | undefined, log?: vscode.LogOutputChannel): Promise<boolean> {
  let t = model.state.traces.find(x => x.traceKey === traceKey);
  if (!t) return false;
  const i = t.view.indexOf(spanId);
  if (i < 0) return false;
  const own = t.view.codeLocation(i);
  // A stack frame link names another place than the span's own location: resolved as a path.
  if (filePath !== undefined && filePath !== own?.filePath) return false;
  if (!t.mapping.spans[i]) t = (await completed(model, traceKey)) ?? t;
  const m = t.mapping.spans[i];
  if (!m) {
    if (filePath !== undefined) return false; // the path resolution explains itself
    const u = t.mapping.unmapped.find(x => x.spanIndex === i);
    const reason = u?.reason ?? 'it was not mapped';
    const actions = u?.filePath !== undefined ? [vscode.l10n.t('Add Path Mapping…')] : [vscode.l10n.t('Map to Cursor Line…')];
    log?.info(`go to source: ${t.view.name(i)} has no code location: ${reason}`);
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('"{0}" has no code location: {1}', t.view.name(i), reason), ...actions);
    if (choice === actions[0]) await vscode.commands.executeCommand(u?.filePath !== undefined ? Commands.addPathMapping : Commands.mapSpanToCursor, { traceKey, spanId });
    return true;
  }
  let path = m.path;
  let line: number = m.line;
  if (m.candidates && m.candidates.length > 1 && m.confidence === 'low') {
    const items = m.candidates.map(c => ({ label: `${basename(c.file)}:${c.line}`, description: vscode.workspace.asRelativePath?.(dirname(c.file)) ?? dirname(c.file), detail: c.reason, c }));
    const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Where was "{0}" made? ({1} candidates)', t.view.name(i), m.candidates.length), matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
    if (!pick) return true;
    path = pick.c.file;
    line = pick.c.line;
    // Remembered for this service and span name: the next mapping uses it ('saved').
    if (await model.mapper.saved.set(t.view.service(i), t.view.name(i), { path, line }, model.mapper.folders)) void model.refresh();
  }
  await openMappedLocation(path, line, model, log);
  return true;
}
