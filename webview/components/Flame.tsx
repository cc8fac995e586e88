// Flame graph (icicle) over time: one rectangle per span at (start, depth), drawn on a canvas; click selects.
// For keyboard and assistive technology, the rectangles wide enough to see (and the focused one) are also
// transparent labelled buttons over the canvas with a roving tabindex: Left/Right move along a depth by start
// time, Up goes to the parent, Down to the first child, Home/End to the first/last at the depth, Enter/Space select.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { TraceData } from '../data';
import { PALETTE_SIZE } from '../model/colors';
import { formatDuration } from '../../src/core/units/duration';

const LEVEL = 18;
/** At most this many rectangle buttons in the DOM (the widest first); the focused one is always there. */
const MAX_BUTTONS = 1500;

export function Flame(p: { data: TraceData; zoom: readonly [number, number]; selected: number; onSelect(i: number): void; adjusted: boolean }): JSX.Element {
  const cv = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ i: number; x: number; y: number } | null>(null);
  const { view } = p.data;
  const levels = p.data.index.maxDepth + 1;
  const startOf = (i: number): number => view.cols.relStartNs[i]! + (p.adjusted ? view.cols.skewNs[i]! : 0);
  const [width, setWidth] = useState(0);
  const [focus, setFocus] = useState(() => (p.selected >= 0 ? p.selected : view.cols.preorder[0] ?? -1));
  const buttons = useRef<HTMLDivElement>(null);
  const moved = useRef(false);
  const [groupFocused, setGroupFocused] = useState(false);
  useEffect(() => { if (p.selected >= 0) setFocus(p.selected); }, [p.selected]);
  // Spans of each depth by start time, and each span's place in its depth.
  const byDepth = useMemo(() => {
    const lists: number[][] = Array.from({ length: levels }, () => []);
    for (let i = 0; i < view.spanCount; i++) lists[view.cols.depth[i]!]!.push(i);
    const place = new Int32Array(view.spanCount);
    for (const l of lists) { l.sort((a, b) => startOf(a) - startOf(b) || a - b); l.forEach((i, k) => { place[i] = k; }); }
    return { lists, place };
  }, [p.data, p.adjusted]);

  useEffect(() => {
    const draw = (): void => {
      const el = cv.current;
      if (!el) return;
      const w = el.clientWidth, h = levels * LEVEL, dpr = window.devicePixelRatio || 1;
      el.width = Math.max(1, Math.floor(w * dpr));
      el.height = Math.floor(h * dpr);
      const ctx = el.getContext('2d')!;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      const st = getComputedStyle(el);
      const total = view.durationNs || 1;
      const from = p.zoom[0] * total, span = (p.zoom[1] - p.zoom[0]) * total || 1;
      const colors = Array.from({ length: PALETTE_SIZE }, (_, s) => st.getPropertyValue(`--svc-${s}`).trim() || '#888');
      const fg = st.getPropertyValue('--vscode-editor-background').trim() || '#000';
      ctx.font = `11px ${st.getPropertyValue('--vscode-font-family') || 'sans-serif'}`;
      ctx.textBaseline = 'middle';
      for (let i = 0; i < view.spanCount; i++) {
        const x = ((startOf(i) - from) / span) * w;
        const ww = (view.cols.durationNs[i]! / span) * w;
        if (x > w || x + ww < 0) continue;
        const y = view.cols.depth[i]! * LEVEL;
        ctx.fillStyle = colors[p.data.slot(i)]!;
        ctx.fillRect(x, y, Math.max(0.5, ww - 0.5), LEVEL - 1);
        if (ww > 40) {
          ctx.fillStyle = fg;
          ctx.save();
          ctx.beginPath();
          ctx.rect(Math.max(0, x), y, Math.min(ww, w - Math.max(0, x)), LEVEL);
          ctx.clip();
          ctx.fillText(view.name(i), Math.max(0, x) + 3, y + LEVEL / 2);
          ctx.restore();
        }
        if (i === p.selected) { ctx.strokeStyle = st.getPropertyValue('--vscode-focusBorder').trim() || '#06f'; ctx.lineWidth = 2; ctx.strokeRect(x, y, Math.max(2, ww), LEVEL - 1); }
      }
    };
    draw();
    const ro = new ResizeObserver(() => { draw(); setWidth(cv.current?.clientWidth ?? 0); });
    if (cv.current) ro.observe(cv.current);
    return () => ro.disconnect();
  }, [p.data, p.zoom[0], p.zoom[1], p.selected, p.adjusted]);

  const hit = (e: MouseEvent): number => {
    const el = cv.current!;
    const r = el.getBoundingClientRect();
    const depth = Math.floor((e.clientY - r.top) / LEVEL);
    const total = view.durationNs || 1;
    const t = p.zoom[0] * total + ((e.clientX - r.left) / r.width) * (p.zoom[1] - p.zoom[0]) * total;
    let best = -1;
    for (let i = 0; i < view.spanCount; i++) {
      if (view.cols.depth[i] !== depth) continue;
      const s = startOf(i);
      if (t >= s && t <= s + view.cols.durationNs[i]!) { if (best < 0 || view.cols.durationNs[i]! < view.cols.durationNs[best]!) best = i; }
    }
    return best;
  };

  const total = view.durationNs || 1;
  const from = p.zoom[0] * total, span = (p.zoom[1] - p.zoom[0]) * total || 1;
  const rectOf = (i: number) => {
    const x = ((startOf(i) - from) / span) * width, w = (view.cols.durationNs[i]! / span) * width;
    const left = Math.max(0, x), right = Math.min(width, x + Math.max(2, w));
    return { left, width: Math.max(2, right - left), top: view.cols.depth[i]! * LEVEL, visible: x <= width && x + w >= 0 };
  };
  const shown = useMemo(() => {
    if (width <= 0) return [] as number[];
    const out: number[] = [];
    for (let i = 0; i < view.spanCount; i++) if ((view.cols.durationNs[i]! / span) * width >= 3 && rectOf(i).visible) out.push(i);
    if (out.length > MAX_BUTTONS) { out.sort((a, b) => view.cols.durationNs[b]! - view.cols.durationNs[a]!); out.length = MAX_BUTTONS; }
    if (focus >= 0 && !out.includes(focus)) out.push(focus);
    return out;
  }, [p.data, p.zoom[0], p.zoom[1], p.adjusted, width, focus]);
  // The focused button takes the focus when it moved by keyboard (it may be a new element).
  useLayoutEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    (buttons.current?.querySelector(`[data-span="${focus}"]`) as HTMLElement | null)?.focus();
  }, [focus]);
  const onKey = (e: KeyboardEvent): void => {
    if (focus < 0) return;
    const d = view.cols.depth[focus]!, list = byDepth.lists[d]!, k = byDepth.place[focus]!;
    let next = -1;
    if (e.key === 'ArrowRight') next = list[k + 1] ?? -1;
    else if (e.key === 'ArrowLeft') next = list[k - 1] ?? -1;
    else if (e.key === 'ArrowUp') next = view.cols.parent[focus]!;
    else if (e.key === 'ArrowDown') next = p.data.index.childCount[focus]! > 0 ? view.cols.preorder[p.data.index.posOf[focus]! + 1]! : -1;
    else if (e.key === 'Home') next = list[0]!;
    else if (e.key === 'End') next = list[list.length - 1]!;
    else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); p.onSelect(focus); return; }
    else return;
    e.preventDefault();
    if (next >= 0) { moved.current = true; setFocus(next); }
  };
  const label = (i: number): string => `${view.service(i)}: ${view.name(i)}, ${formatDuration(view.durationNsOf(i))}, depth ${view.cols.depth[i]! + 1}${p.data.errors[i] ? ', error' : ''}`;

  return (
    <div class="flame" data-testid="flame" style={{ position: 'relative' }}>
      <canvas ref={cv} style={{ height: `${levels * LEVEL}px` }} role="img" aria-label="Flame graph of span durations by depth"
        onClick={e => { const i = hit(e); if (i >= 0) p.onSelect(i); }}
        onMouseMove={e => { const i = hit(e); setHover(i >= 0 ? { i, x: e.offsetX, y: e.offsetY } : null); }}
        onMouseLeave={() => setHover(null)} />
      <div ref={buttons} role="group" aria-label="Spans of the flame graph (arrow keys move, Enter selects)" onKeyDown={onKey}
        onFocusIn={() => setGroupFocused(true)} onFocusOut={() => setGroupFocused(false)}
        style={{ position: 'absolute', left: 0, top: 0, width: `${width}px`, height: `${levels * LEVEL}px`, pointerEvents: 'none' }}>
        {shown.map(i => {
          const r = rectOf(i);
          return (
            <button type="button" class="flame-rect" data-span={i} tabIndex={i === focus ? 0 : -1} aria-label={label(i)} aria-pressed={i === p.selected}
              onFocus={() => setFocus(i)} onClick={() => { setFocus(i); p.onSelect(i); }}
              style={{ position: 'absolute', left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${LEVEL - 1}px`, padding: 0, margin: 0, border: 0, background: 'transparent', pointerEvents: 'none', ...(i === focus && groupFocused ? { outline: '2px solid var(--vscode-focusBorder, #007fd4)', outlineOffset: '-1px' } : {}) }} />
          );
        })}
      </div>
      {hover ? <div class="flame-tip" style={{ left: `${hover.x + 12}px`, top: `${hover.y + 12}px` }}>{view.service(hover.i)}: {view.name(hover.i)} — {formatDuration(view.durationNsOf(hover.i))}</div> : null}
    </div>
  );
}
