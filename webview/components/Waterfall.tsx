// The virtualized waterfall: fixed row height, only the rows in view plus a buffer in the DOM, each bar placed
// by one view-range function in percent of the zoom window. Scroll work happens in the scroll event, which the
// browser already delivers once per frame, so a frame never paints rows that were not drawn.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { Component } from 'preact';
import type { JSX } from 'preact';
import type { TraceData } from '../data';
import type { CollapseState } from '../model/rows';
import { isCollapsed } from '../model/rows';
import { formatDuration } from '../../src/core/units/duration';
import { SpanFlag } from '../../src/core/analysis/types';
import { Ruler } from './Ruler';
import { Minimap } from './Minimap';
import { formatCount } from '../../src/core/units/count';

export const ROW_HEIGHT = 24;
const INDENT = 14;
const MAX_TICKS = 24;

export interface WaterfallProps {
  data: TraceData;
  rows: Int32Array;
  collapse: CollapseState;
  selected: number;
  focus: number;
  matches: Uint8Array | undefined;
  mapped: Uint8Array | undefined;
  zoom: readonly [number, number];
  adjusted: boolean;
  initialScrollTop: number;
  onScrollTop(top: number): void;
  setZoom(z: readonly [number, number]): void;
  onFocus(i: number): void;
  onSelect(i: number): void;
  onToggle(i: number, expand?: boolean): void;
  onActivate(i: number): void;
  onEscape(): void;
}

/** The one view-range function: a time interval (ns from trace start) → left/width in percent of the window. */
export function placeInWindow(startNs: number, durNs: number, totalNs: number, zoom: readonly [number, number]): { left: number; width: number } {
  const span = (zoom[1] - zoom[0]) * totalNs || 1;
  const from = zoom[0] * totalNs;
  const left = ((startNs - from) / span) * 100;
  const width = (durNs / span) * 100;
  return { left, width };
}

export function Waterfall(p: WaterfallProps): JSX.Element {
  const { data, rows, zoom } = p;
  const { view } = data;
  const scroller = useRef<HTMLDivElement>(null);
  // Until the box is measured, rows for the window's size: reading the box's size here would lay the page out
  // once without rows before laying it out again with them (tens of milliseconds before the first rows). The
  // window is a little larger than the box (a header above, a scroll bar beside): enough rows, labels placed for
  // a timeline a few pixels too wide until the box's size arrives, just after the first frame (see below).
  const [vp, setVp] = useState({ top: p.initialScrollTop, height: window.innerHeight || 800, width: window.innerWidth || 0 });
  const lastReported = useRef(-1);
  // The first frame draws only the rows in view; the buffer above and below follows once it is painted.
  const [painted, setPainted] = useState(false);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (p.initialScrollTop > 0) {
      el.scrollTop = p.initialScrollTop;
      setVp({ top: el.scrollTop, height: el.clientHeight || 800, width: el.clientWidth });
    }
    // Its first call comes once the page is laid out, before the first frame is painted. Applying the box's size
    // there would render and lay out the rows a second time before that frame; when the window's size covered
    // the box, it is applied after the frame instead, with the buffer rows.
    let first = true;
    let gone = false;
    const ro = new ResizeObserver(() => {
      const next = { top: el.scrollTop, height: el.clientHeight, width: el.clientWidth };
      const apply = () => setVp(v => (v.top === next.top && v.height === next.height && v.width === next.width ? v : next));
      if (first) {
        first = false;
        setTimeout(() => { if (!gone) { apply(); setPainted(true); } }, 0);
        setVp(v => (next.top === v.top && next.height <= v.height ? v : next));
      } else apply();
    });
    ro.observe(el);
    return () => { gone = true; ro.disconnect(); };
  }, []);
  // A later restore position (the whole trace arrived after its preview): scroll there once.
  const mountedTop = useRef(p.initialScrollTop);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || p.initialScrollTop === mountedTop.current) return;
    mountedTop.current = p.initialScrollTop;
    el.scrollTop = p.initialScrollTop;
    setVp({ top: el.scrollTop, height: el.clientHeight || 800, width: el.clientWidth });
  }, [p.initialScrollTop]);

  const onScroll = (): void => {
    const el = scroller.current!;
    const top = el.scrollTop;
    setVp(v => (v.top === top ? v : { ...v, top }));
    if (lastReported.current !== top) { lastReported.current = top; p.onScrollTop(top); }
  };

  // Bring the focused row into view when focus moves (not when rows change: a live update keeps the scroll).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || p.focus < 0) return;
    const pos = rows.indexOf(p.focus);
    if (pos < 0) return;
    const y = pos * ROW_HEIGHT;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = y + ROW_HEIGHT - el.clientHeight;
    else return;
    setVp({ top: el.scrollTop, height: el.clientHeight, width: el.clientWidth });
  }, [p.focus >= 0 ? view.spanId(p.focus) : '']);

  const pageRows = Math.max(1, Math.floor(vp.height / ROW_HEIGHT) - 1);
  // Type-to-find, as in VS Code's lists: letters typed within a second of each other form a prefix, and the
  // selection moves to the next row whose operation (or service) name starts with it.
  const typed = useRef({ text: '', at: 0 });
  const onKeyDown = (e: KeyboardEvent): void => {
    if (rows.length === 0) return;
    const pos = p.focus >= 0 ? rows.indexOf(p.focus) : -1;
    // Moving the focus moves the selection too (VS Code's trees and lists): the details pane follows the keys.
    const go = (q: number): void => { e.preventDefault(); const c = Math.max(0, Math.min(rows.length - 1, q)); p.onSelect(rows[c]!); };
    const i = pos >= 0 ? rows[pos]! : -1;
    switch (e.key) {
      case 'ArrowDown': return go(pos + 1);
      case 'ArrowUp': return go(pos < 0 ? 0 : pos - 1);
      case 'Home': return go(0);
      case 'End': return go(rows.length - 1);
      case 'PageDown': return go((pos < 0 ? 0 : pos) + pageRows);
      case 'PageUp': return go((pos < 0 ? 0 : pos) - pageRows);
      case 'ArrowRight':
        e.preventDefault();
        if (i < 0) return go(0);
        if (data.index.childCount[i]! > 0) {
          if (isCollapsed(p.collapse, view, data.index, i)) p.onToggle(i, true);
          else if (pos + 1 < rows.length && view.cols.parent[rows[pos + 1]!] === i) go(pos + 1);
        }
        return;
      case 'ArrowLeft': {
        e.preventDefault();
        if (i < 0) return go(0);
        if (data.index.childCount[i]! > 0 && !isCollapsed(p.collapse, view, data.index, i)) { p.onToggle(i, false); return; }
        const par = view.cols.parent[i]!;
        const parPos = par >= 0 ? rows.indexOf(par) : -1;
        if (parPos >= 0) go(parPos);
        return;
      }
      case 'Enter': e.preventDefault(); if (i >= 0) p.onActivate(i); return;
      case ' ':
        // Space toggles the row's subtree; on a leaf it (re)selects the row, which opens its details.
        e.preventDefault();
        if (i >= 0 && data.index.childCount[i]! > 0) p.onToggle(i);
        else if (i >= 0) p.onSelect(i);
        return;
      case 'Escape': p.onEscape(); return;
      case '+': case '=': if (!e.ctrlKey && !e.metaKey) { e.preventDefault(); zoomBy(0.5); } return;
      case '-': if (!e.ctrlKey && !e.metaKey) { e.preventDefault(); zoomBy(2); } return;
      case '0': e.preventDefault(); p.setZoom([0, 1]); return;
    }
    // `/` is left to the page (it focuses the search box).
    if (e.key.length === 1 && /\S/.test(e.key) && e.key !== '/' && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      const now = e.timeStamp;
      const t = typed.current;
      const extend = t.text !== '' && now - t.at < 1000;
      t.text = (extend ? t.text : '') + e.key.toLowerCase();
      t.at = now;
      // A new prefix starts after the current row (typing "d" twice walks the rows starting with d); a longer
      // prefix is first tried on the current row itself.
      const from = extend ? Math.max(0, pos) : pos + 1;
      const hit = findPrefix(rows, from, t.text, k => view.name(k), k => view.service(k));
      if (hit >= 0) go(hit);
    }
  };

  const zoomBy = (factor: number, centre = (zoom[0] + zoom[1]) / 2): void => {
    const w = Math.min(1, Math.max(1e-6, (zoom[1] - zoom[0]) * factor));
    let a = centre - (centre - zoom[0]) * (w / (zoom[1] - zoom[0]));
    a = Math.max(0, Math.min(1 - w, a));
    p.setZoom([a, a + w]);
  };

  const onWheel = (e: WheelEvent): void => {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    const tl = (e.currentTarget as HTMLElement).querySelector('.spacer') as HTMLElement;
    const r = tl.getBoundingClientRect();
    const nameW = nameColumnWidth(r.width);
    const x = (e.clientX - r.left - nameW) / (r.width - nameW);
    const centre = zoom[0] + Math.max(0, Math.min(1, x)) * (zoom[1] - zoom[0]);
    zoomBy(e.deltaY > 0 ? 1.25 : 0.8, centre);
  };

  // Visible slice plus a buffer above and below: at least 20 rows (480 px, more than a 400 px-per-frame fling
  // moves between two scroll events), half a viewport on tall screens.
  const buffer = painted ? Math.max(20, Math.ceil(vp.height / ROW_HEIGHT / 2)) : 0;
  const first = Math.max(0, Math.floor(vp.top / ROW_HEIGHT) - buffer);
  const last = Math.min(rows.length, Math.ceil((vp.top + vp.height) / ROW_HEIGHT) + buffer);
  // Rows are keyed by their slot in a fixed pool (position modulo the pool size), so that scrolling patches
  // the DOM nodes of rows that left the window instead of removing them and creating new ones.
  const pool = useRef(0);
  pool.current = Math.max(pool.current, last - first);
  const poolSize = pool.current || 1;
  // Children in slot order (not row order): a row that moves keeps its DOM position, so nothing is re-inserted.
  // Rows are absolutely placed; aria-level/posinset/setsize give assistive technology the structure.
  const items: (JSX.Element | null)[] = new Array<JSX.Element | null>(poolSize).fill(null);
  const total = view.durationNs;
  // Everything a row shows besides its span and position; a row re-renders only when one of them changes.
  const epoch = useEpoch([data, zoom[0], zoom[1], p.collapse, p.selected, p.focus, p.matches, p.mapped, p.adjusted, vp.width]);
  // The timeline's width in pixels (the rows' width less the name column and its 1 px border), for label placement.
  const timelinePx = vp.width > 0 ? vp.width - nameColumnWidth(vp.width) - 1 : 0;
  const ctx: RowContext = { p, data, zoom, total, timelinePx };
  // The DOM order is a rotation of the row order; aria-owns gives assistive technology the row order instead.
  const owned: string[] = [];
  for (let pos = first; pos < last; pos++) {
    const i = rows[pos]!;
    items[pos % poolSize] = <Row key={pos % poolSize} i={i} pos={pos} epoch={epoch} ctx={ctx} />;
    owned.push(`span-${i}`);
  }

  return (
    <div class="waterfall">
      <div class="wf-top">
        <div class="name-head">
          <span class="muted">{formatCount(rows.length)} of {formatCount(view.spanCount)} rows</span>
        </div>
        <div class="wf-scales">
          <Minimap data={data} zoom={zoom} setZoom={p.setZoom} adjusted={p.adjusted} />
          <Ruler totalNs={total} zoom={zoom} setZoom={p.setZoom} />
        </div>
      </div>
      <div
        class="rows"
        ref={scroller}
        role="tree"
        aria-label="Spans"
        aria-multiselectable="false"
        tabIndex={0}
        aria-activedescendant={p.focus >= 0 && rows.indexOf(p.focus) >= 0 ? `span-${p.focus}` : undefined}
        aria-owns={owned.join(' ')}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        onWheel={onWheel}
        onFocus={() => { if (p.focus < 0 && rows.length) p.onFocus(rows[Math.min(rows.length - 1, Math.floor(vp.top / ROW_HEIGHT))]!); }}
        data-testid="rows"
      >
        <div class="spacer" style={{ height: `${rows.length * ROW_HEIGHT}px` }}>{items}</div>
      </div>
    </div>
  );
}

interface RowContext {
  readonly p: WaterfallProps;
  readonly data: TraceData;
  readonly zoom: readonly [number, number];
  readonly total: number;
  readonly timelinePx: number;
}
interface RowProps { i: number; pos: number; epoch: number; ctx: RowContext }

/** One waterfall row. Skips rendering when its span, position and the view epoch are unchanged (scrolling). */
class Row extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    return next.i !== this.props.i || next.pos !== this.props.pos || next.epoch !== this.props.epoch;
  }
  // Handlers read this.props when called: a row that skipped rendering still gets the latest callbacks.
  override render(): JSX.Element {
    const { i, pos, ctx } = this.props;
    const { p, data, zoom, total, timelinePx } = ctx;
    const view = data.view;
    const c = view.cols;
    const start = c.relStartNs[i]! + (p.adjusted ? c.skewNs[i]! : 0);
    const dur = c.durationNs[i]!;
    const { left, width } = placeInWindow(start, dur, total, zoom);
    const hasKids = data.index.childCount[i]! > 0;
    const collapsed = hasKids && isCollapsed(p.collapse, view, data.index, i);
    const depth = c.depth[i]!;
    const err = data.errors[i] === 1;
    const crit = data.critical[i] === 1;
    const flags = c.flags[i]!;
    const match = p.matches ? p.matches[i] === 1 : false;
    const dim = p.matches !== undefined && !match;
    const cls = `row${i === p.selected ? ' selected' : ''}${i === p.focus ? ' focused' : ''}${err ? ' error' : ''}${crit ? ' critical' : ''}${match ? ' match' : ''}${dim ? ' dim' : ''}`;
    const slot = data.slot(i);
    const evCount = view.eventCount(i);
    const ticks: JSX.Element[] = [];
    if (evCount > 0) {
      const times = view.eventTimes(i);
      const step = Math.max(1, Math.ceil(times.length / MAX_TICKS));
      for (let k = 0; k < times.length; k += step) {
        const x = placeInWindow(times[k]! + (p.adjusted ? c.skewNs[i]! : 0), 0, total, zoom).left;
        if (x >= 0 && x <= 100) ticks.push(<span class="tick" style={{ left: `${x}%` }} />);
      }
    }
    const selfFrac = dur > 0 ? Math.min(1, Math.max(0, c.selfNs[i]! / dur)) : 1;
    const durText = formatDuration(dur);
    const label = placeLabel(clamp(left), clamp(left + width), timelinePx, labelWidth(durText));
    const name = view.name(i);
    const service = view.service(i);
    return (
      <div
        role="treeitem"
        id={`span-${i}`}
        class={cls}
        aria-level={depth + 1}
        aria-expanded={hasKids ? !collapsed : undefined}
        aria-selected={i === p.selected}
        aria-posinset={data.index.posInSet[i]}
        aria-setsize={data.index.setSize[i]}
        aria-label={`${service} ${name} ${formatDuration(dur)}${err ? ', error' : ''}`}
        data-pos={pos}
        data-span-id={view.spanId(i)}
        style={{ top: `${pos * ROW_HEIGHT}px` }}
        onClick={() => this.props.ctx.p.onSelect(this.props.i)}
        onDblClick={() => this.props.ctx.p.onActivate(this.props.i)}
      >
        <div class="name-cell">
          <span class="indent" style={{ width: `${Math.min(depth, 60) * INDENT}px` }} />
          {hasKids ? (
            <button class="twisty" tabIndex={-1} aria-hidden="true" title={collapsed ? 'Expand' : 'Collapse'} onClick={e => { e.stopPropagation(); this.props.ctx.p.onToggle(this.props.i); }}>
              {collapsed ? '▸' : '▾'}
            </button>
          ) : <span class="twisty-space" />}
          <span class="chip" style={{ background: `var(--svc-${slot})` }} />
          <span class="svc">{service}</span>
          <span class="op">{name}</span>
          {collapsed ? <span class="badge count" title="Hidden descendants">{countLabel(data.index.subtreeEnd[data.index.posOf[i]!]! - data.index.posOf[i]! - 1)}</span> : null}
          {err ? <span class="badge err" title={view.statusMessage(i) ?? 'Error'}>!</span> : null}
          {view.linkCount(i) > 0 ? <span class="badge link" title={`${view.linkCount(i)} link(s)`}>⇢</span> : null}
          {flags & SpanFlag.Skewed ? <span class="badge skew" title="Clock skew: this span's times look shifted relative to its parent">skew</span> : null}
          {flags & SpanFlag.Orphan ? <span class="badge orphan" title="Parent span is missing from the trace">orphan</span> : null}
          {p.mapped && p.mapped[i] === 1 ? <span class="badge src" title="Code in this workspace">{'</>'}</span> : null}
        </div>
        <div class="timeline-cell">
          <div class="bar" style={{ left: `${clamp(left)}%`, width: `${Math.max(0.05, clamp(left + width) - clamp(left))}%`, '--c': `var(--svc-${slot})` }}>
            <div class="self" style={{ width: `${selfFrac * 100}%` }} />
          </div>
          {ticks}
          <span class={`dur ${label}`} style={label === 'right' ? { left: `calc(${clamp(left + width)}% + 4px)` } : label === 'left' ? { right: `calc(${100 - clamp(left)}% + 4px)` } : { left: `calc(${clamp(left)}% + 4px)` }}>{durText}</span>
        </div>
      </div>
    );
  }
}

const LABEL_GAP = 4;
/**
 * Where a bar's duration label goes so that it is always shown whole: after the bar when there is room, else before
 * it, else inside it (a bar with no room on either side covers most of the timeline, so the label fits inside).
 * `fromPct`/`toPct` are the bar's visible extent in percent of the timeline, `timelinePx` the timeline's width
 * (0 before it is measured: then the old rule of thumb, after the bar unless it ends past 80%).
 */
export function placeLabel(fromPct: number, toPct: number, timelinePx: number, labelPx: number): 'right' | 'left' | 'inside' {
  if (timelinePx <= 0) return toPct < 80 ? 'right' : fromPct > 20 ? 'left' : 'inside';
  const need = labelPx + LABEL_GAP + 2;
  if ((100 - toPct) / 100 * timelinePx >= need) return 'right';
  if (fromPct / 100 * timelinePx >= need) return 'left';
  return 'inside';
}

let measureCtx: CanvasRenderingContext2D | null | undefined;
const labelWidths = new Map<string, number>();
/** The rendered width of a duration label (11 px in the body's font, see .dur in waterfall.css), cached. */
function labelWidth(text: string): number {
  let w = labelWidths.get(text);
  if (w !== undefined) return w;
  if (measureCtx === undefined) {
    measureCtx = document.createElement('canvas').getContext('2d');
    if (measureCtx) measureCtx.font = `11px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
  }
  // Without a canvas, a generous estimate (digits are at most ~0.62 em wide in common UI fonts).
  w = Math.ceil(measureCtx ? measureCtx.measureText(text).width : text.length * 7);
  if (labelWidths.size > 10_000) labelWidths.clear();
  labelWidths.set(text, w);
  return w;
}

/** The first row from `from` on (wrapping around) whose name, or else service, starts with `prefix`; -1 if none. */
export function findPrefix(rows: Int32Array, from: number, prefix: string, name: (i: number) => string, service: (i: number) => string): number {
  const n = rows.length;
  for (const get of [name, service]) {
    for (let k = 0; k < n; k++) {
      const pos = (from + k) % n;
      if (get(rows[pos]!).toLowerCase().startsWith(prefix)) return pos;
    }
  }
  return -1;
}

/** A number that changes whenever one of `deps` changes (by identity). */
function useEpoch(deps: readonly unknown[]): number {
  const ref = useRef<{ deps: readonly unknown[]; n: number }>({ deps, n: 0 });
  if (ref.current.deps.length !== deps.length || ref.current.deps.some((d, k) => d !== deps[k])) ref.current = { deps, n: ref.current.n + 1 };
  return ref.current.n;
}

function clamp(x: number): number {
  return x < 0 ? 0 : x > 100 ? 100 : x;
}
function countLabel(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n);
}
/** Must match .name-cell width in media/waterfall.css. */
export function nameColumnWidth(total: number): number {
  return Math.max(240, Math.min(total * 0.36, 560));
}
