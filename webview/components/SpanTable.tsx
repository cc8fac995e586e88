// All spans as a sortable, virtualized table.
import { useMemo, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { TraceData } from '../data';
import type { SortKey } from '../state';
import { formatDuration } from '../model/format';

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
  const height = ref.current?.clientHeight ?? 800;
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
    rows.push(
      <div role="row" class={`tr${i === p.selected ? ' selected' : ''}${p.data.errors[i] ? ' error' : ''}`} style={{ transform: `translateY(${r * H}px)` }} onClick={() => p.onSelect(i)} onDblClick={() => p.onOpen(i)} aria-selected={i === p.selected}>
        <div role="cell" class="td name">{view.name(i)}</div>
        <div role="cell" class="td svc"><span class="chip" style={{ background: `var(--svc-${p.data.slot(i)})` }} />{view.service(i)}</div>
        <div role="cell" class="td num">{formatDuration(c.durationNs[i]!)}</div>
        <div role="cell" class="td num">{formatDuration(c.selfNs[i]!)}</div>
        <div role="cell" class="td num">+{formatDuration(c.relStartNs[i]!)}</div>
      </div>,
    );
  }
  return (
    <div class="span-table" role="table" aria-label="Spans" aria-rowcount={order.length}>
      <div role="row" class="tr head">
        {head('name', 'Operation', 'name')}{head('service', 'Service', 'svc')}{head('duration', 'Duration', 'num')}{head('self', 'Self time', 'num')}{head('start', 'Start', 'num')}
      </div>
      <div class="t-body" ref={ref} onScroll={e => setTop((e.currentTarget as HTMLElement).scrollTop)}>
        <div class="spacer" style={{ height: `${order.length * H}px` }}>{rows}</div>
      </div>
    </div>
  );
}
