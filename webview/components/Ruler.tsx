// The time ruler: d3 ticks over the zoom window; drag across it to zoom into that interval.
import { useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { scaleLinear } from 'd3-scale';
import { formatDuration } from '../../src/core/units/duration';

export function Ruler(p: { totalNs: number; zoom: readonly [number, number]; setZoom(z: readonly [number, number]): void }): JSX.Element {
  const { totalNs, zoom } = p;
  const ref = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const scale = scaleLinear().domain([zoom[0] * totalNs, zoom[1] * totalNs]).range([0, 100]);
  const ticks = totalNs > 0 ? scale.ticks(8) : [];
  const frac = (e: PointerEvent): number => {
    const r = ref.current!.getBoundingClientRect();
    return Math.max(0, Math.min(1, (e.clientX - r.left) / (r.width || 1)));
  };
  const down = (e: PointerEvent): void => {
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    const f = frac(e);
    setDrag({ a: f, b: f });
  };
  const move = (e: PointerEvent): void => { if (drag) setDrag({ a: drag.a, b: frac(e) }); };
  const up = (): void => {
    if (drag && Math.abs(drag.b - drag.a) > 0.005) {
      const w = zoom[1] - zoom[0];
      const lo = zoom[0] + Math.min(drag.a, drag.b) * w, hi = zoom[0] + Math.max(drag.a, drag.b) * w;
      p.setZoom([lo, Math.max(hi, lo + 1e-6)]);
    }
    setDrag(null);
  };
  return (
    <div class="ruler" ref={ref} onPointerDown={down} onPointerMove={move} onPointerUp={up} title="Drag to zoom into an interval">
      {ticks.map(t => (
        <span class="rtick" style={{ left: `${scale(t)}%` }}>
          <span class="rlabel">{formatDuration(t)}</span>
        </span>
      ))}
      {drag ? <span class="rsel" style={{ left: `${Math.min(drag.a, drag.b) * 100}%`, width: `${Math.abs(drag.b - drag.a) * 100}%` }} /> : null}
    </div>
  );
}
