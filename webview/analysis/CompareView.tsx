// Trace comparison: the merged tree (windowed rows; only the visible ones are in the DOM), deltas on a diverging
// colour scale (red slower, blue faster), and the summary of the biggest regressions with links that reveal the
// span in trace B (or A when the span is gone).
import { useMemo, useRef, useState } from 'preact/hooks';
import { scaleDivergingSqrt } from 'd3-scale';
import { interpolateRdBu } from 'd3-scale-chromatic';
import type { AnalysisBridge } from './bridge';
import type { AnalysisView } from '../../src/protocol/analysis';
import type { TraceDiffSummaryItem } from '../../src/core/analysis/compare';
import { formatDuration, formatDurationDelta } from '../../src/core/units/duration';

type CompareData = Extract<AnalysisView, { view: 'compare' }>;
const ROW_H = 22;

export function CompareView({ data, bridge }: { data: CompareData; bridge: AnalysisBridge }) {
  const { diff } = data;
  const [onlyChanges, setOnlyChanges] = useState(false);
  const [focused, setFocused] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [status, setStatus] = useState('');
  const treeRef = useRef<HTMLDivElement>(null);

  // visible rows: everything, or the changed rows and their ancestors
  const visible = useMemo(() => {
    if (!onlyChanges) return diff.rows.map((_, i) => i);
    const keep = new Uint8Array(diff.rows.length);
    for (let i = 0; i < diff.rows.length; i++) {
      if (diff.rows[i]!.status === 'same') continue;
      for (let r = i; r >= 0 && !keep[r]; r = diff.rows[r]!.parent) keep[r] = 1;
    }
    const out: number[] = [];
    keep.forEach((k, i) => { if (k) out.push(i); });
    return out;
  }, [diff, onlyChanges]);
  const position = useMemo(() => { const m = new Map<number, number>(); visible.forEach((r, k) => m.set(r, k)); return m; }, [visible]);

  const maxAbs = useMemo(() => Math.max(1, ...diff.rows.map(r => Math.abs(r.selfDeltaNs))), [diff]);
  // RdBu runs red→blue; the reversed domain puts red on slower (positive) deltas; sqrt keeps small deltas visible
  const colour = useMemo(() => scaleDivergingSqrt<string>(interpolateRdBu).domain([maxAbs, 0, -maxAbs]).clamp(true), [maxAbs]);
  // a chip in the scale's colour with text that stays readable on it (dark on the pale middle, white on the ends)
  const chip = (deltaNs: number) => `background:${colour(deltaNs)};color:${Math.abs(deltaNs) > maxAbs * 0.45 ? '#fff' : '#111'}`;

  const scrollToRow = (row: number) => {
    let k = position.get(row);
    if (k === undefined) { setOnlyChanges(false); k = row; }
    setFocused(row);
    const el = treeRef.current;
    if (el) { el.scrollTop = Math.max(0, k * ROW_H - el.clientHeight / 2); setScrollTop(el.scrollTop); }
    setTimeout(() => (treeRef.current?.querySelector(`[data-row="${row}"]`) as HTMLElement | null)?.focus(), 0);
  };
  const reveal = (row: number) => {
    const r = diff.rows[row]!;
    const side = r.b >= 0 ? 'b' : 'a';
    scrollToRow(row);
    setStatus(`Revealing ${r.name} in ${side === 'b' ? data.bLabel : data.aLabel}…`);
    bridge.request({ type: 'revealDiffRow', row, side }).then(() => setStatus(''), (e: Error) => setStatus(e.message));
  };

  const onKey = (e: KeyboardEvent) => {
    const k = position.get(focused) ?? 0;
    let next = k;
    if (e.key === 'ArrowDown') next = Math.min(visible.length - 1, k + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, k - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = visible.length - 1;
    else if (e.key === 'Enter') { e.preventDefault(); reveal(focused); return; } else return;
    e.preventDefault();
    const row = visible[next];
    if (row !== undefined) scrollToRow(row);
  };

  // A filter can shrink the list under a scroll position past its new end: draw where the browser will clamp it to,
  // not an empty window until its scroll event arrives.
  const top = Math.min(scrollTop, Math.max(0, visible.length * ROW_H - height));
  const first = Math.max(0, Math.floor(top / ROW_H) - 10);
  const last = Math.min(visible.length, Math.ceil((top + height) / ROW_H) + 10);
  const summary = (title: string, items: readonly TraceDiffSummaryItem[], testid: string) => (
    <>
      <h2>{title}</h2>
      {items.length === 0 ? <div class="muted">None</div> : (
        <ol data-testid={testid}>
          {items.map(x => (
            <li key={x.row}>
              <button type="button" class="link" onClick={() => reveal(x.row)} title={`${x.service} ${x.name}`}>{x.name}</button>{' '}
              <span class="muted">{x.service}</span>{' '}
              <span class="chip" style={chip(x.selfDeltaNs)}>{formatDurationDelta(x.selfDeltaNs)}</span>
              {x.status !== 'changed' ? <span class="muted"> ({x.status})</span> : null}
            </li>
          ))}
        </ol>
      )}
    </>
  );

  return (
    <>
      <header class="bar">
        <h1>Compare traces</h1>
        <span>A: <span class="muted">{data.aLabel}</span> ({formatDuration(diff.aDurationNs)})</span>
        <span>B: <span class="muted">{data.bLabel}</span> ({formatDuration(diff.bDurationNs)})</span>
        <span data-testid="counts" class="muted">{diff.counts.changed} changed · {diff.counts.added} added · {diff.counts.removed} removed · {diff.counts.same} same</span>
        <label><input type="checkbox" checked={onlyChanges} onChange={e => setOnlyChanges((e.target as HTMLInputElement).checked)} /> Only changes</label>
        <span class="legend" aria-hidden="true">faster <span class="ramp" style={`background:linear-gradient(to right, ${colour(-maxAbs)}, ${colour(0)}, ${colour(maxAbs)})`} /> slower</span>
        <span class="muted" role="status" data-testid="status">{status}</span>
      </header>
      <div class="split">
        <div class="main">
          <div class="tree" ref={treeRef} role="tree" aria-label="Merged span tree" tabIndex={-1} onKeyDown={onKey}
            onScroll={e => { const el = e.currentTarget as HTMLDivElement; setScrollTop(el.scrollTop); setHeight(el.clientHeight); }}>
            <div style={`height:${visible.length * ROW_H}px;position:relative`}>
              {visible.slice(first, last).map((row, k) => {
                const r = diff.rows[row]!;
                return (
                  <div key={row} class={`row${row === focused ? ' focused' : ''}`} style={`top:${(first + k) * ROW_H}px`} role="treeitem" aria-level={r.depth + 1}
                    tabIndex={row === focused ? 0 : -1} data-row={row} data-status={r.status} onClick={() => setFocused(row)} onDblClick={() => reveal(row)}
                    aria-label={`${r.service} ${r.name}: ${r.status}, ${formatDurationDelta(r.deltaNs)}`}>
                    <span class="name" style={`padding-left:${8 + r.depth * 14}px`}>
                      {r.name} <span class="svc">{r.service}</span>{r.bError && !r.aError ? <span class="err"> (now failing)</span> : null}{r.aError && !r.bError ? <span class="muted"> (no longer failing)</span> : null}
                    </span>
                    <span class={`status ${r.status}`}>{r.status === 'same' ? '' : r.status}</span>
                    <span class="dur">{r.a >= 0 ? formatDuration(r.aNs) : '—'} → {r.b >= 0 ? formatDuration(r.bNs) : '—'}</span>
                    <span class="delta" style={r.status === 'same' ? '' : chip(r.selfDeltaNs)}>{formatDurationDelta(r.deltaNs)}</span>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
        <aside class="side">
          {summary('Biggest regressions (own time)', diff.regressions, 'regressions')}
          {summary('Biggest improvements', diff.improvements, 'improvements')}
        </aside>
      </div>
    </>
  );
}
