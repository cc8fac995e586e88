// The whole trace in miniature (one thin line per span, in row order) with a d3 brush to zoom and pan.
import { useEffect, useRef } from 'preact/hooks';
import type { JSX } from 'preact';
import { brushX } from 'd3-brush';
import type { BrushBehavior, D3BrushEvent } from 'd3-brush';
import { select } from 'd3-selection';
import type { TraceData } from '../data';
import { PALETTE_SIZE } from '../model/colors';

const HEIGHT = 40;

export function Minimap(p: { data: TraceData; zoom: readonly [number, number]; setZoom(z: readonly [number, number]): void; adjusted: boolean }): JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const brushRef = useRef<BrushBehavior<unknown> | null>(null);
  const setZoom = useRef(p.setZoom);
  setZoom.current = p.setZoom;
  const width = useRef(0);

  // Draw after the first rows are on screen: the minimap is not needed for the first frame.
  useEffect(() => {
    let cancelled = false;
    const draw = (): void => {
      const cv = canvas.current;
      if (!cv || cancelled) return;
      const w = cv.clientWidth, dpr = window.devicePixelRatio || 1;
      width.current = w;
      cv.width = Math.max(1, Math.floor(w * dpr));
      cv.height = Math.floor(HEIGHT * dpr);
      const ctx = cv.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, HEIGHT);
      const { view } = p.data;
      const n = view.spanCount;
      const total = view.durationNs || 1;
      const style = getComputedStyle(cv);
      const c = view.cols;
      // Rasterize through a difference array per (pixel row, colour): O(spans + pixels), not one fillRect per span
      // (100k sub-pixel rectangles cost ~170 ms on a software canvas).
      const slots = p.data.slots;
      const W = Math.max(1, Math.ceil(w));
      const cover = new Int32Array(HEIGHT * PALETTE_SIZE * (W + 1));
      for (let q = 0; q < n; q++) {
        const i = c.preorder[q]!;
        const y = Math.min(HEIGHT - 1, Math.floor((q / n) * HEIGHT));
        const x0 = Math.max(0, Math.min(W - 1, Math.floor(((c.relStartNs[i]! + (p.adjusted ? c.skewNs[i]! : 0)) / total) * W)));
        const x1 = Math.max(x0 + 1, Math.min(W, Math.ceil(((c.relStartNs[i]! + (p.adjusted ? c.skewNs[i]! : 0) + c.durationNs[i]!) / total) * W)));
        const base = (y * PALETTE_SIZE + slots[i]!) * (W + 1);
        cover[base + x0]!++;
        cover[base + x1]!--;
      }
      const rowPx = 1;
      for (let s = 0; s < PALETTE_SIZE; s++) {
        ctx.fillStyle = style.getPropertyValue(`--svc-${s}`).trim() || '#888';
        for (let y = 0; y < HEIGHT; y++) {
          const base = (y * PALETTE_SIZE + s) * (W + 1);
          let run = 0, from = -1;
          for (let x = 0; x <= W; x++) {
            run += cover[base + x]!;
            if (run > 0 && from < 0) from = x;
            else if (run <= 0 && from >= 0) { ctx.fillRect(from, y, x - from, rowPx); from = -1; }
          }
        }
      }
      const b = brushRef.current;
      if (b && svg.current && (p.zoom[0] > 0 || p.zoom[1] < 1)) select(svg.current).select<SVGGElement>('g.brush').call(b.move, [p.zoom[0] * w, p.zoom[1] * w]);
    };
    // After the next frame is painted, once for any number of requests: the resize observer's first call comes in
    // the first frame itself (drawing there held the first rows back by a canvas pass over every span).
    let frame = 0;
    const later = (): void => {
      if (frame) return;
      frame = requestAnimationFrame(() => setTimeout(() => { frame = 0; draw(); }, 0));
    };
    later();
    const ro = new ResizeObserver(later);
    if (canvas.current) ro.observe(canvas.current);
    return () => { cancelled = true; cancelAnimationFrame(frame); ro.disconnect(); };
  }, [p.data, p.adjusted]);

  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const b = brushX<unknown>()
      .extent([[0, 0], [Math.max(1, el.clientWidth), HEIGHT]])
      .on('end', (e: D3BrushEvent<unknown>) => {
        if (!e.sourceEvent) return;
        const w = el.clientWidth || 1;
        const sel = e.selection as [number, number] | null;
        if (!sel || sel[1] - sel[0] < 2) setZoom.current([0, 1]);
        else setZoom.current([Math.max(0, sel[0] / w), Math.min(1, sel[1] / w)]);
      });
    brushRef.current = b;
    const g = select(el).select<SVGGElement>('g.brush');
    g.call(b);
    const ro = new ResizeObserver(() => {
      b.extent([[0, 0], [Math.max(1, el.clientWidth), HEIGHT]]);
      g.call(b);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Follow zoom changes made elsewhere (ruler, keys, wheel).
  useEffect(() => {
    const el = svg.current, b = brushRef.current;
    if (!el || !b) return;
    const w = el.clientWidth;
    const g = select(el).select<SVGGElement>('g.brush');
    if (p.zoom[0] <= 0 && p.zoom[1] >= 1) g.call(b.move, null);
    else g.call(b.move, [p.zoom[0] * w, p.zoom[1] * w]);
  }, [p.zoom[0], p.zoom[1]]);

  return (
    <div class="minimap" title="Drag to zoom and pan; click to reset">
      <canvas ref={canvas} style={{ height: `${HEIGHT}px` }} aria-hidden="true" />
      <svg ref={svg} height={HEIGHT} aria-label="Trace overview; drag to choose a time window">
        <g class="brush" />
      </svg>
    </div>
  );
}
