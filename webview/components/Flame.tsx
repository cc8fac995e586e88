// Flame graph (icicle) over time: one rectangle per span at (start, depth), drawn on a canvas; click selects.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { TraceData } from '../data';
import { PALETTE_SIZE } from '../model/colors';
import { formatDuration } from '../model/format';

const LEVEL = 18;

export function Flame(p: { data: TraceData; zoom: readonly [number, number]; selected: number; onSelect(i: number): void; adjusted: boolean }): JSX.Element {
  const cv = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ i: number; x: number; y: number } | null>(null);
  const { view } = p.data;
  const levels = p.data.index.maxDepth + 1;
  const startOf = (i: number): number => view.cols.relStartNs[i]! + (p.adjusted ? view.cols.skewNs[i]! : 0);

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
    const ro = new ResizeObserver(draw);
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

  return (
    <div class="flame" data-testid="flame">
      <canvas ref={cv} style={{ height: `${levels * LEVEL}px` }} role="img" aria-label="Flame graph of span durations by depth"
        onClick={e => { const i = hit(e); if (i >= 0) p.onSelect(i); }}
        onMouseMove={e => { const i = hit(e); setHover(i >= 0 ? { i, x: e.offsetX, y: e.offsetY } : null); }}
        onMouseLeave={() => setHover(null)} />
      {hover ? <div class="flame-tip" style={{ left: `${hover.x + 12}px`, top: `${hover.y + 12}px` }}>{view.service(hover.i)}: {view.name(hover.i)} — {formatDuration(view.durationNsOf(hover.i))}</div> : null}
    </div>
  );
}
