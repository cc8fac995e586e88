// The waterfall panel's app: passes the host's messages and the user's actions to the panel's reducer
// (model/panelState.ts, where every state change is), derives the rows, persists the view state, and lays out the views.
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { HostBridge } from './host';
import type { HostToWebview } from '../src/protocol/messages';
import type { TraceData } from './data';
import { prepareData } from './data';
import { buildRows, withAncestors } from './model/rows';
import { initialPanelState, panelReducer } from './model/panelState';
import type { CollapseState } from './model/rows';
import { matchQuery, parseQuery } from './model/search';
import { MAX_TOGGLED_PERSISTED, restoreViewState } from './state';
import type { RowFilter, Tab, ViewState } from './state';
import { Waterfall } from './components/Waterfall';
import { Details } from './components/Details';
import { Header } from './components/Header';
import { SpanTable } from './components/SpanTable';
import { Stats } from './components/Stats';
import { Flame } from './components/Flame';
import { installDropTarget } from './drop';
import { formatCount } from '../src/core/units/count';

const TABS: [Tab, string][] = [['waterfall', 'Waterfall'], ['table', 'Span table'], ['stats', 'Statistics'], ['flame', 'Flame graph']];

export function App(p: { bridge: HostBridge }): JSX.Element {
  const { bridge } = p;
  const [panel, dispatch] = useReducer(panelReducer, undefined, initialPanelState);
  const { loaded, vs, toggled, selected, focus, mapping, restoreScroll } = panel;
  const [toast, setToast] = useState('');
  const [dragging, setDragging] = useState(false);
  /** Where the waterfall is scrolled to now (kept off the state: scrolling re-renders nothing here). */
  const scrollTop = useRef(0);
  const searchBox = useRef<HTMLInputElement>(null);
  const rowsBox = useRef<HTMLDivElement>(null);
  const state = useRef(panel);
  state.current = panel;

  const data = loaded.kind === 'trace' ? loaded.data : undefined;
  // Each requested scroll position (restored on init, or once a preview's whole reaches it) is where we are now.
  useLayoutEffect(() => { scrollTop.current = restoreScroll.top; }, [restoreScroll]);

  // ---- messages from the host: parsed and restored here, applied by panelReducer ----
  useEffect(() => {
    bridge.start((m: HostToWebview) => {
      switch (m.type) {
        case 'init': {
          performance.mark('spanscope:init-received');
          let d: TraceData;
          try { d = prepareData(m.compact); } catch (e) { dispatch({ type: 'error', message: `This trace could not be shown: ${(e as Error).message}` }); bridge.log('error', String(e)); return; }
          const restored = restoreViewState(bridge.getState(), m.traceKey);
          dispatch({ type: 'init', data: d, traceKey: m.traceKey, sourceLabel: m.sourceLabel, restored, ...(m.selectSpanId ? { selectSpanId: m.selectSpanId } : {}), ...(m.mapping ? { mapping: m.mapping } : {}) });
          return;
        }
        case 'update': {
          if (state.current.loaded.kind !== 'trace') return;
          let d: TraceData;
          try { d = prepareData(m.compact); } catch (e) { bridge.log('error', `update dropped: ${String(e)}`); return; }
          dispatch({ type: 'update', data: d, scrollTop: scrollTop.current });
          return;
        }
        case 'reveal': dispatch({ type: 'revealSpanId', spanId: m.spanId }); return;
        case 'mapping': dispatch({ type: 'mapping', mapping: m.mapping }); return;
        case 'setFilter': dispatch({ type: 'setFilter', text: m.text, ...(m.mode ? { mode: m.mode } : {}) }); return;
        case 'error': dispatch({ type: 'error', message: m.message }); return;
      }
    });
  }, []);

  // ---- derived rows ----
  const collapse: CollapseState = useMemo(() => ({ base: vs.collapseBase, toggled }), [vs.collapseBase, toggled]);
  const query = useMemo(() => parseQuery(vs.query), [vs.query]);
  const matches = useMemo(() => (data ? matchQuery(query, { view: data.view, ...(mapping ? { workspace: mapping.workspace, currentFile: mapping.currentFile } : {}) }) : undefined), [data, query, mapping]);
  const keep = useMemo(() => {
    if (!data) return undefined;
    let k: Uint8Array | undefined;
    if (vs.filter === 'critical') k = data.critical;
    else if (vs.filter === 'errors') k = withAncestors(data.view, data.errors);
    if (matches && vs.hideUnmatched) {
      const m = withAncestors(data.view, matches);
      if (k) { const a = k; k = m.map((x, i) => x & a[i]!); } else k = m;
    }
    return k;
  }, [data, vs.filter, matches, vs.hideUnmatched]);
  const rows = useMemo(() => (data ? buildRows(data.view, data.index, collapse, keep) : new Int32Array(0)), [data, collapse, keep]);
  const matchOrder = useMemo(() => {
    if (!data || !matches) return new Int32Array(0);
    const out: number[] = [];
    for (const i of data.view.cols.preorder) if (matches[i]) out.push(i);
    return Int32Array.from(out);
  }, [data, matches]);

  // ---- the first frame with rows, and the first with the whole trace (read by the benchmark and the tests) ----
  const marked = useRef(false);
  const markedWhole = useRef(false);
  useLayoutEffect(() => {
    if (!marked.current && rows.length > 0) {
      marked.current = true;
      const partial = data?.view.compact.partial !== undefined;
      requestAnimationFrame(() => performance.mark('spanscope:first-rows', { detail: { partial } }));
    }
    if (!markedWhole.current && data && !data.view.compact.partial) {
      markedWhole.current = true;
      requestAnimationFrame(() => performance.mark('spanscope:whole'));
    }
  }, [rows, data]);

  // ---- persistence (debounced) ----
  const persistTimer = useRef(0);
  const persist = (): void => {
    clearTimeout(persistTimer.current);
    persistTimer.current = window.setTimeout(() => {
      const cur = state.current;
      if (cur.loaded.kind !== 'trace') return;
      const v = cur.loaded.data.view;
      const ids: string[] = [];
      for (let i = 0; i < cur.toggled.length && ids.length < MAX_TOGGLED_PERSISTED; i++) if (cur.toggled[i]) ids.push(v.spanId(i));
      bridge.setState({ ...cur.vs, traceKey: cur.loaded.traceKey, scrollTop: scrollTop.current, selected: cur.selected >= 0 ? v.spanId(cur.selected) : null, toggled: ids });
    }, 150);
  };
  useEffect(() => { if (data) persist(); }, [vs, toggled, selected, data]);

  const update = (patch: Partial<ViewState>): void => dispatch({ type: 'patch', patch });
  const say = (text: string): void => { setToast(text); window.setTimeout(() => setToast(t => (t === text ? '' : t)), 5000); };
  // ---- dropping trace files on the panel opens them (through the host) ----
  useEffect(() => installDropTarget(bridge, say, setDragging), []);

  // ---- actions ----
  const reveal = (i: number, opts: { select?: boolean } = {}): void => {
    if (!data || i < 0) return;
    dispatch({ type: 'reveal', index: i });
    if (opts.select !== false) select(i);
  };
  const select = (i: number): void => {
    dispatch({ type: 'select', index: i });
    if (data && i >= 0) bridge.post({ type: 'selectionChanged', spanId: data.view.spanId(i) });
  };
  const setFocus = (i: number): void => dispatch({ type: 'focus', index: i });
  const openSource = (loc: { filePath: string; line?: number; column?: number } | undefined, i: number): void => {
    if (!data) return;
    bridge.request({ type: 'openSource', spanId: data.view.spanId(i), ...(loc ? { location: loc } : {}) }).catch((e: Error) => say(loc ? `Could not open ${loc.filePath}: ${e.message}` : `Could not go to source: ${e.message}`));
  };
  const activate = (i: number): void => {
    if (!data) return;
    const loc = data.view.codeLocation(i);
    select(i);
    if (loc?.filePath) openSource({ filePath: loc.filePath, ...(loc.line ? { line: loc.line } : {}), ...(loc.column ? { column: loc.column } : {}) }, i);
    // The host may have placed it (a qualified name, a route, a span-start call) or says why it could not
    else openSource(undefined, i);
  };
  const toggle = (i: number, expand?: boolean): void => dispatch({ type: 'toggle', index: i, ...(expand !== undefined ? { expand } : {}) });
  const setCollapseBase = (base: 'none' | 'all' | number): void => dispatch({ type: 'collapseBase', base });
  const copy = (text: string): void => { bridge.post({ type: 'copyText', text }); say('Copied.'); };
  const step = (dir: 1 | -1): void => {
    if (!data || matchOrder.length === 0) return;
    const pos = focus >= 0 ? data.index.posOf[focus]! : -1;
    let k = -1;
    if (dir === 1) { for (let q = 0; q < matchOrder.length; q++) if (data.index.posOf[matchOrder[q]!]! > pos) { k = q; break; } if (k < 0) k = 0; }
    else { for (let q = matchOrder.length - 1; q >= 0; q--) if (data.index.posOf[matchOrder[q]!]! < pos) { k = q; break; } if (k < 0) k = matchOrder.length - 1; }
    reveal(matchOrder[k]!);
  };

  // ---- global keys: `/` focuses search ----
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement;
      const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');
      if (e.key === '/' && !typing) { e.preventDefault(); searchBox.current?.focus(); searchBox.current?.select(); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // ---- details pane resizing ----
  const startResize = (e: PointerEvent): void => {
    const el = e.currentTarget as HTMLElement;
    el.setPointerCapture(e.pointerId);
    const x0 = e.clientX, w0 = vs.detailsWidth;
    const move = (ev: PointerEvent) => update({ detailsWidth: Math.max(220, Math.min(window.innerWidth - 300, w0 - (ev.clientX - x0))) });
    const up = () => { el.removeEventListener('pointermove', move); el.removeEventListener('pointerup', up); };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  };

  if (loaded.kind === 'waiting') return <div class="empty" role="status"><div class="spinner" aria-hidden="true" />Loading trace…</div>;
  if (loaded.kind === 'error') return <div class="empty error-state" role="alert"><h2>Could not show this trace</h2><p>{loaded.message}</p></div>;
  const d = loaded.data;
  const matchCount = matchOrder.length;
  const hasQuery = vs.query.trim().length > 0;
  const setFilter = (f: RowFilter) => update({ filter: vs.filter === f ? 'none' : f });
  const toggleTerm = (term: string) => {
    const parts = vs.query.split(/\s+/).filter(Boolean);
    update({ query: (parts.includes(term) ? parts.filter(x => x !== term) : [...parts, term]).join(' ') });
  };

  let body: JSX.Element;
  if (d.view.spanCount === 0) body = <div class="empty" role="status"><h2>This trace has no spans</h2><p>The document was read, but it held no spans for this trace ID.</p></div>;
  else if (vs.tab === 'table') body = <SpanTable data={d} sort={vs.sort} setSort={s => update({ sort: s })} selected={selected} onSelect={select} onOpen={activate} keep={keep} />;
  else if (vs.tab === 'stats') body = <Stats data={d} />;
  else if (vs.tab === 'flame') body = <Flame data={d} zoom={vs.zoom} selected={selected} onSelect={select} adjusted={vs.adjusted} />;
  else body = (
    <>
      <Waterfall
        data={d} rows={rows} collapse={collapse} selected={selected} focus={focus} matches={matches} mapped={mapping?.workspace}
        zoom={vs.zoom} adjusted={vs.adjusted} initialScrollTop={restoreScroll.top}
        onScrollTop={t => { scrollTop.current = t; persist(); }}
        setZoom={z => update({ zoom: [Math.max(0, z[0]), Math.min(1, z[1])] })}
        onFocus={setFocus} onSelect={select} onToggle={toggle} onActivate={activate}
        onEscape={() => { if (hasQuery) update({ query: '' }); else dispatch({ type: 'deselect' }); }}
      />
      {rows.length === 0 ? <div class="empty overlay" role="status">No spans match {vs.filter !== 'none' ? `the "${vs.filter}" filter` : ''}{hasQuery ? ` "${vs.query}"` : ''}.</div> : null}
    </>
  );

  return (
    <div class="app" ref={rowsBox}>
      <Header data={d} sourceLabel={loaded.sourceLabel} adjusted={vs.adjusted} setAdjusted={a => update({ adjusted: a })} copy={copy} select={i => reveal(i)} />
      <div class="toolbar" role="toolbar" aria-label="Trace view tools">
        <div role="tablist" class="tabs">
          {TABS.map(([t, label]) => <button role="tab" aria-selected={vs.tab === t} class={vs.tab === t ? 'tab active' : 'tab'} onClick={() => update({ tab: t })}>{label}</button>)}
        </div>
        <div class="search">
          <input ref={searchBox} type="search" data-testid="search" aria-label="Search spans (press / to focus)" placeholder="Search spans" title="Search: text, span ID, key=value, duration>100ms, status=error, service=x, in:workspace (press / to focus)"
            value={vs.query}
            onInput={e => update({ query: (e.currentTarget as HTMLInputElement).value })}
            onKeyDown={e => {
              if (e.key === 'Enter') { e.preventDefault(); step(e.shiftKey ? -1 : 1); }
              else if (e.key === 'Escape') { e.preventDefault(); if (vs.query) update({ query: '' }); else (document.querySelector('.rows') as HTMLElement | null)?.focus(); }
            }} />
          <span class="match-count" aria-live="polite" data-testid="match-count">{hasQuery ? `${formatCount(matchCount)} match${matchCount === 1 ? '' : 'es'}` : ''}</span>
          {query.errors.length ? <span class="err-text">{query.errors[0]}</span> : null}
          <button class="icon-btn" title="Previous match (Shift+Enter)" aria-label="Previous match" disabled={!matchCount} onClick={() => step(-1)}>↑</button>
          <button class="icon-btn" title="Next match (Enter)" aria-label="Next match" disabled={!matchCount} onClick={() => step(1)}>↓</button>
          <label class="check"><input type="checkbox" checked={vs.hideUnmatched} onChange={e => update({ hideUnmatched: (e.currentTarget as HTMLInputElement).checked })} />Hide others</label>
        </div>
        <div class="filters">
          <button class={vs.filter === 'critical' ? 'toggle on' : 'toggle'} aria-pressed={vs.filter === 'critical'} onClick={() => setFilter('critical')}>Critical path</button>
          <button class={vs.filter === 'errors' ? 'toggle on' : 'toggle'} aria-pressed={vs.filter === 'errors'} onClick={() => setFilter('errors')}>Errors</button>
          <button class={vs.query.split(/\s+/).includes('in:workspace') ? 'toggle on' : 'toggle'} title="Only spans whose code is in this workspace" disabled={!mapping} onClick={() => toggleTerm('in:workspace')}>In workspace</button>
          <button class={vs.query.split(/\s+/).includes('in:file') ? 'toggle on' : 'toggle'} title={mapping?.file ? `Only spans in ${mapping.file}` : 'Only spans in the current file'} disabled={!mapping} onClick={() => toggleTerm('in:file')}>In current file</button>
        </div>
        <div class="collapse-tools">
          <button onClick={() => setCollapseBase('all')} data-testid="collapse-all" title="Collapse all">Collapse all</button>
          <button onClick={() => setCollapseBase('none')} data-testid="expand-all" title="Expand all">Expand all</button>
          <select aria-label="Expand to depth" value={typeof vs.collapseBase === 'number' ? String(vs.collapseBase) : ''} onChange={e => { const v = Number((e.currentTarget as HTMLSelectElement).value); if (v > 0) setCollapseBase(v); }}>
            <option value="">Depth…</option>
            {Array.from({ length: Math.min(d.index.maxDepth + 1, 20) }, (_, k) => <option value={String(k + 1)}>{k + 1} level{k ? 's' : ''}</option>)}
          </select>
          <button onClick={() => update({ zoom: [0, 1] })} disabled={vs.zoom[0] === 0 && vs.zoom[1] === 1} title="Reset zoom (0)">Reset zoom</button>
        </div>
      </div>
      <div class="main">
        <div class="view">{body}</div>
        {vs.detailsOpen && selected >= 0 && selected < d.view.spanCount ? (
          <>
            <div class="splitter" role="separator" aria-orientation="vertical" aria-label="Resize details" tabIndex={0} onPointerDown={startResize}
              onKeyDown={e => { if (e.key === 'ArrowLeft') update({ detailsWidth: vs.detailsWidth + 20 }); if (e.key === 'ArrowRight') update({ detailsWidth: Math.max(220, vs.detailsWidth - 20) }); }} />
            <aside class="details-pane" style={{ width: `${vs.detailsWidth}px` }}>
              <button class="icon-btn close" aria-label="Close details" title="Close details" onClick={() => update({ detailsOpen: false })}>×</button>
              <Details data={d} span={selected} mapped={mapping?.workspace[selected] === 1} actions={{ openSource, copy, openTrace: (traceId, spanId) => { bridge.request({ type: 'openTrace', traceId, ...(spanId ? { spanId } : {}) }).catch((e: Error) => say(`Could not open trace ${traceId}: ${e.message}`)); }, selectSpan: id => { const i = d.view.indexOf(id); if (i >= 0) reveal(i); else say(`Span ${id} is not in this trace.`); } }} />
            </aside>
          </>
        ) : null}
      </div>
      {dragging ? <div class="empty overlay" role="status" data-testid="drop-hint">Drop a trace file to open it</div> : null}
      <div class="status-line" role="status" aria-live="polite" data-testid="toast">{toast}</div>
    </div>
  );
}

