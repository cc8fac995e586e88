// All spans as a sortable, virtualized table. Keyboard: an ARIA grid whose body holds the focus and points at the
// focused row with aria-activedescendant (rows come and go with scrolling); arrows, Page keys, Home/End move,
// Enter/Space select (the details pane opens), Shift+Enter opens the span's code.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { TraceData } from '../data';
import type { SortKey } from '../state';
import { formatDuration } from '../../src/core/units/duration';

const H = 24;

export function SpanTable(p: { data: TraceData; sort: { key: SortKey; desc: boolean }; setSort(s: { key: SortKey; desc: boolean }): void; selected: number; onSelect(i: number): void; onOpen(i: number): void; keep: Uint8Array | undefined }): JSX.Element {
  const { view } = p.data;
  const c = view.cols;
  const order = useMemo(() => {
    const idx: number[] = [];
    for (let i = 0; i < view.spanCount; i++) if (!p.keep || p.keep[i]) idx.push(i);
    const k = p.sort.key;
    // Text keys are read once (not per comparison: a 100k-span sort makes ~1.7M comparisons).
    const text = k === 'service' || k === 'name' ? new Map(idx.map(i => [i, k === 'service' ? view.service(i) : view.name(i)])) : undefined;
    const cmp: (a: number, b: number) => number =
      k === 'duration' ? (a, b) => c.durationNs[a]! - c.durationNs[b]!
      : k === 'self' ? (a, b) => c.selfNs[a]! - c.selfNs[b]!
      : k === 'start' ? (a, b) => c.relStartNs[a]! - c.relStartNs[b]!
      : (a, b) => { const x = text!.get(a)!, y = text!.get(b)!; return x < y ? -1 : x > y ? 1 : 0; };
    idx.sort(p.sort.desc ? (a, b) => cmp(b, a) || a - b : (a, b) => cmp(a, b) || a - b);
    return idx;
  }, [view, p.sort.key, p.sort.desc, p.keep]);
  const ref = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const [hasFocus, setHasFocus] = useState(false);
  const [cursor, setCursor] = useState(() => Math.max(0, order.indexOf(p.selected)));
  const at = Math.min(cursor, order.length - 1);
  const height = ref.current?.clientHeight ?? 800;
  // Keep the focused row in view when it moves.
  useEffect(() => {
    const el = ref.current;
    if (!el || at < 0) return;
    if (at * H < el.scrollTop) el.scrollTop = at * H;
    else if ((at + 1) * H > el.scrollTop + el.clientHeight) el.scrollTop = (at + 1) * H - el.clientHeight;
  }, [at]);
  const onKey = (e: KeyboardEvent): void => {
    if (order.length === 0) return;
    const pageRows = Math.max(1, Math.floor((ref.current?.clientHeight ?? 240) / H) - 1);
    const move: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + pageRows, PageUp: at - pageRows, Home: 0, End: order.length - 1 };
    if (e.key in move) { e.preventDefault(); setCursor(Math.max(0, Math.min(order.length - 1, move[e.key]!))); return; }
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const i = order[at]!;
      if (e.key === 'Enter' && e.shiftKey) p.onOpen(i); else p.onSelect(i);
    }
  };
  const first = Math.max(0, Math.floor(top / H) - 20);
  const last = Math.min(order.length, Math.ceil((top + height) / H) + 20);
  const head = (k: SortKey, label: string, cls = ''): JSX.Element => (
    <div role="columnheader" class={`th ${cls}`} aria-sort={p.sort.key === k ? (p.sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button onClick={() => p.setSort({ key: k, desc: p.sort.key === k ? !p.sort.desc : k !== 'name' && k !== 'service' })}>
        {label}{p.sort.key === k ? (p.sort.desc ? ' ▾' : ' ▴') : ''}
      </button>
    </div>
  );
  const rows: JSX.Element[] = [];
  for (let r = first; r < last; r++) {
    const i = order[r]!;
    const focused = r === at && hasFocus;
    rows.push(
      <div role="row" id={`st-row-${r}`} aria-rowindex={r + 2} data-row={r} class={`tr${i === p.selected ? ' selected' : ''}${p.data.errors[i] ? ' error' : ''}${r === at ? ' focused' : ''}`}
        style={{ transform: `translateY(${r * H}px)`, ...(focused ? { outline: '1px solid var(--vscode-focusBorder, #007fd4)', outlineOffset: '-1px' } : {}) }}
        onClick={e => { setCursor(r); p.onSelect(i); ((e.currentTarget as HTMLElement).closest('[role=grid]') as HTMLElement | null)?.focus({ preventScroll: true }); }} onDblClick={() => p.onOpen(i)} aria-selected={i === p.selected}>
        <div role="gridcell" class="td name">{view.name(i)}</div>
        <div role="gridcell" class="td svc"><span class="chip" style={{ background: `var(--svc-${p.data.slot(i)})` }} />{view.service(i)}</div>
        <div role="gridcell" class="td num">{formatDuration(c.durationNs[i]!)}</div>
        <div role="gridcell" class="td num">{formatDuration(c.selfNs[i]!)}</div>
        <div role="gridcell" class="td num">+{formatDuration(c.relStartNs[i]!)}</div>
      </div>,
    );
  }
  return (
    <div class="span-table" role="grid" aria-label="Spans" aria-rowcount={order.length + 1} aria-readonly="true" tabIndex={0} data-testid="span-grid"
      aria-activedescendant={at >= 0 && at >= first && at < last ? `st-row-${at}` : undefined}
      onKeyDown={e => { if (e.target === e.currentTarget) onKey(e); }}
      onFocus={e => setHasFocus(e.target === e.currentTarget)} onBlur={() => setHasFocus(false)}>
      <div role="row" class="tr head" aria-rowindex={1}>
        {head('name', 'Operation', 'name')}{head('service', 'Service', 'svc')}{head('duration', 'Duration', 'num')}{head('self', 'Self time', 'num')}{head('start', 'Start', 'num')}
      </div>
      <div class="t-body" ref={ref} role="rowgroup" onScroll={e => setTop((e.currentTarget as HTMLElement).scrollTop)}>
        <div class="spacer" style={{ height: `${order.length * H}px` }}>{rows}</div>
      </div>
    </div>
  );
}
