// The waterfall panel's state and every change to it, as one pure reducer: what the host's messages (init, live
// update, reveal, mapping, filter, error) and the user's actions (select, expand/collapse, view settings) do to the
// loaded trace, the view state, the collapse toggles, the selection and the keyboard focus. No DOM, no Preact, no
// bridge: App.tsx parses the message's trace (prepareData) and reads the saved state before dispatching, and sends
// what must reach the host itself, so this module runs in plain Node (test/webview/panelState.test.ts).
import type { SourceMapping } from '../../src/protocol/messages';
import type { TraceData } from '../data';
import { defaultViewState } from '../state';
import type { ViewState } from '../state';
import { revealInCollapse } from './rows';
import type { CollapseState } from './rows';

export type Loaded =
  | { readonly kind: 'trace'; readonly data: TraceData; readonly traceKey: string; readonly sourceLabel: string }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'waiting' };

/** Spans mapped to the workspace and to the active editor's file, as masks over span indexes. */
export interface MappingMasks {
  readonly workspace: Uint8Array;
  readonly currentFile: Uint8Array;
  readonly file?: string;
}

/** Restored state a preview could not apply yet (its spans were not in it), applied when the whole trace arrives. */
export interface PendingRestore {
  readonly toggled: readonly string[];
  readonly selected?: string;
  readonly scrollTop: number;
}

export interface PanelState {
  readonly loaded: Loaded;
  readonly vs: ViewState;
  /** Per span: its collapse state is the opposite of `vs.collapseBase`'s rule. */
  readonly toggled: Uint8Array;
  /** The span shown in Details (-1: none). */
  readonly selected: number;
  /** The row with the keyboard focus (-1: none). */
  readonly focus: number;
  readonly mapping?: MappingMasks;
  /**
   * Where the waterfall should scroll to: set on init and once a preview's whole trace reaches the restored position.
   * A new object each time, so that the same position asked for twice still counts as a request.
   */
  readonly restoreScroll: { readonly top: number };
  readonly pending?: PendingRestore;
}

export type PanelAction =
  /** The host's first message: the trace (parsed by the caller), and the view state saved for it. */
  | { type: 'init'; data: TraceData; traceKey: string; sourceLabel: string; restored: ViewState; selectSpanId?: string; mapping?: SourceMapping }
  /** A newer version of the same trace (live updates, or the whole after a preview); `scrollTop` is where the user is now. */
  | { type: 'update'; data: TraceData; scrollTop: number }
  /** Show a span: expand its ancestors, select it, open Details on the waterfall tab. */
  | { type: 'revealSpanId'; spanId: string }
  | { type: 'mapping'; mapping: SourceMapping }
  | { type: 'setFilter'; text: string; mode?: 'dim' | 'hide' }
  | { type: 'error'; message: string }
  | { type: 'patch'; patch: Partial<ViewState> }
  | { type: 'select'; index: number }
  | { type: 'deselect' }
  | { type: 'focus'; index: number }
  /** Expand the ancestors of a span and focus it (without selecting it). */
  | { type: 'reveal'; index: number }
  /** Flip a span's collapse state, or set it (`expand`). */
  | { type: 'toggle'; index: number; expand?: boolean }
  | { type: 'collapseBase'; base: 'none' | 'all' | number };

export function initialPanelState(): PanelState {
  return { loaded: { kind: 'waiting' }, vs: defaultViewState(''), toggled: new Uint8Array(0), selected: -1, focus: -1, restoreScroll: { top: 0 } };
}

export function mappingMasks(spanCount: number, m: SourceMapping): MappingMasks {
  const ws = new Uint8Array(spanCount), cf = new Uint8Array(spanCount);
  for (const i of m.workspaceSpans) if (i >= 0 && i < spanCount) ws[i] = 1;
  for (const i of m.currentFileSpans) if (i >= 0 && i < spanCount) cf[i] = 1;
  return { workspace: ws, currentFile: cf, ...(m.currentFile ? { file: m.currentFile } : {}) };
}

/** Whether span `i` is collapsed under `base` with toggles `t` (a leaf never is). */
export function isCollapsedNow(base: 'none' | 'all' | number, t: Uint8Array, d: TraceData, i: number): boolean {
  if (d.index.childCount[i] === 0) return false;
  const b = base === 'none' ? false : base === 'all' ? true : d.view.cols.depth[i]! >= base - 1;
  return b !== (t[i] === 1);
}

export function panelReducer(s: PanelState, a: PanelAction): PanelState {
  switch (a.type) {
    case 'init': return init(a);
    case 'update': return update(s, a.data, a.scrollTop);
    case 'revealSpanId': {
      if (s.loaded.kind !== 'trace') return s;
      const d = s.loaded.data;
      const i = d.view.indexOf(a.spanId);
      if (i < 0) return s;
      const c = revealInCollapse({ base: s.vs.collapseBase, toggled: s.toggled }, d.view, d.index, i);
      return { ...s, toggled: c.toggled, focus: i, selected: i, vs: { ...s.vs, tab: 'waterfall', detailsOpen: true } };
    }
    case 'mapping':
      return s.loaded.kind === 'trace' ? { ...s, mapping: mappingMasks(s.loaded.data.view.spanCount, a.mapping) } : s;
    case 'setFilter':
      return { ...s, vs: { ...s.vs, tab: s.vs.tab === 'stats' ? 'waterfall' : s.vs.tab, query: a.text, ...(a.mode ? { hideUnmatched: a.mode === 'hide' } : {}) } };
    case 'error': return { ...s, loaded: { kind: 'error', message: a.message } };
    case 'patch': return { ...s, vs: { ...s.vs, ...a.patch } };
    case 'select': return { ...s, selected: a.index, focus: a.index, vs: s.vs.detailsOpen ? s.vs : { ...s.vs, detailsOpen: true } };
    case 'deselect': return { ...s, selected: -1 };
    case 'focus': return { ...s, focus: a.index };
    case 'reveal': {
      if (s.loaded.kind !== 'trace' || a.index < 0) return s;
      const d = s.loaded.data;
      const c = revealInCollapse({ base: s.vs.collapseBase, toggled: s.toggled }, d.view, d.index, a.index);
      return { ...s, toggled: c.toggled, focus: a.index };
    }
    case 'toggle': {
      if (s.loaded.kind !== 'trace') return s;
      const t = s.toggled.slice();
      const collapsedNow = isCollapsedNow(s.vs.collapseBase, t, s.loaded.data, a.index);
      if (a.expand === undefined || a.expand === collapsedNow) t[a.index] = t[a.index] ? 0 : 1;
      return { ...s, toggled: t };
    }
    case 'collapseBase':
      if (s.loaded.kind !== 'trace') return s;
      return { ...s, vs: { ...s.vs, collapseBase: a.base }, toggled: new Uint8Array(s.loaded.data.view.spanCount) };
  }
}

function init(a: Extract<PanelAction, { type: 'init' }>): PanelState {
  const d = a.data, restored = a.restored;
  const partial = d.view.compact.partial !== undefined;
  const t = new Uint8Array(d.view.spanCount);
  const missing: string[] = [];
  for (const id of restored.toggled) { const i = d.view.indexOf(id); if (i >= 0) t[i] = 1; else missing.push(id); }
  const wantSel = a.selectSpanId ?? restored.selected;
  const sel = wantSel ? d.view.indexOf(wantSel) : -1;
  // A preview holds only the first spans: what it cannot show yet is applied when the whole arrives.
  const pending: PendingRestore | undefined = partial ? { toggled: missing, ...(sel < 0 && wantSel ? { selected: wantSel } : {}), scrollTop: restored.scrollTop } : undefined;
  let collapse: CollapseState = { base: restored.collapseBase, toggled: t };
  if (sel >= 0) collapse = revealInCollapse(collapse, d.view, d.index, sel);
  return {
    loaded: { kind: 'trace', data: d, traceKey: a.traceKey, sourceLabel: a.sourceLabel },
    vs: restored, toggled: collapse.toggled, selected: sel, focus: sel,
    ...(a.mapping ? { mapping: mappingMasks(d.view.spanCount, a.mapping) } : {}),
    // A preview may be shorter than the restored position: it starts at the top, the whole goes there.
    restoreScroll: { top: partial ? 0 : restored.scrollTop },
    ...(pending ? { pending } : {}),
  };
}

function update(s: PanelState, d: TraceData, scrollTop: number): PanelState {
  if (s.loaded.kind !== 'trace') return s;
  const old = s.loaded.data.view;
  const partial = d.view.compact.partial !== undefined;
  const t = new Uint8Array(d.view.spanCount);
  for (let i = 0; i < old.spanCount; i++) if (s.toggled[i]) { const j = d.view.indexOf(old.spanId(i)); if (j >= 0) t[j] = 1; }
  const remap = (i: number) => (i >= 0 ? d.view.indexOf(old.spanId(i)) : -1);
  const wait = s.pending;
  let sel = remap(s.selected);
  let restoreScroll = s.restoreScroll;
  if (wait) {
    for (const id of wait.toggled) { const j = d.view.indexOf(id); if (j >= 0) t[j] = 1; }
    const j = wait.selected !== undefined && sel < 0 ? d.view.indexOf(wait.selected) : -1;
    if (j >= 0) sel = j;
    // Go to the restored scroll position now that the rows reach it, unless the user has scrolled meanwhile.
    if (!partial && scrollTop === 0 && wait.scrollTop > 0) restoreScroll = { top: wait.scrollTop };
  }
  let collapse: CollapseState = { base: s.vs.collapseBase, toggled: t };
  if (sel >= 0 && sel !== remap(s.selected)) collapse = revealInCollapse(collapse, d.view, d.index, sel);
  const { mapping: _dropped, pending: _applied, ...rest } = s;
  return {
    ...rest, loaded: { ...s.loaded, data: d }, toggled: collapse.toggled, selected: sel, focus: s.focus >= 0 ? remap(s.focus) : sel, restoreScroll,
    // The mapping's span indexes are of the old version: the host sends a new one.
    ...(wait && partial ? { pending: wait } : {}),
  };
}
