// Service dependency graph: layered layout (layout.ts), zoom and pan with d3-zoom, every node and edge a focusable
// SVG element (Tab / arrow keys, Enter on a node asks the host to filter the waterfall and trace list).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { select } from 'd3-selection';
import { zoom, zoomIdentity } from 'd3-zoom';
import type { ZoomBehavior } from 'd3-zoom';
import type { AnalysisBridge } from './bridge';
import type { AnalysisView } from '../../src/protocol/analysis';
import type { ServiceEdge, ServiceNode } from '../../src/core/analysis/graph';
import { layoutGraph, NODE_H, NODE_W } from './layout';
import { percent } from './format';
import { formatDuration } from '../../src/core/units/duration';

type GraphData = Extract<AnalysisView, { view: 'graph' }>;

const fit = (s: string, max: number) => (s.length > max ? s.slice(0, max - 1) + '…' : s);

function edgeLabel(e: ServiceEdge): string {
  return `${e.from} calls ${e.to}: ${e.count} calls${e.errors ? `, ${e.errors} failed` : ''}${e.p95Ns !== undefined ? `, p95 ${formatDuration(e.p95Ns)}` : ''}${e.errorSpread ? `, errors spread along this call ${e.errorSpread} times` : ''}`;
}
function nodeLabel(n: ServiceNode): string {
  return `${n.service}: ${n.requests} requests, error rate ${percent(n.errorRate)}${n.p95Ns !== undefined ? `, p95 ${formatDuration(n.p95Ns)}` : ''}${n.errorOrigins ? `, ${n.errorOrigins} errors started here` : ''}`;
}

export function GraphView({ data, bridge }: { data: GraphData; bridge: AnalysisBridge }) {
  const { graph } = data;
  const layout = useMemo(() => layoutGraph(graph), [graph]);
  const pos = useMemo(() => new Map(layout.nodes.map(n => [n.service, n])), [layout]);
  const svgRef = useRef<SVGSVGElement>(null);
  const gRef = useRef<SVGGElement>(null);
  const zoomRef = useRef<ZoomBehavior<SVGSVGElement, unknown>>();
  const [selected, setSelected] = useState<string | undefined>();
  const [status, setStatus] = useState<string>('');

  useEffect(() => {
    const svg = svgRef.current, g = gRef.current;
    if (!svg || !g) return;
    const z = zoom<SVGSVGElement, unknown>().scaleExtent([0.1, 4]).on('zoom', ev => { g.setAttribute('transform', String(ev.transform)); });
    zoomRef.current = z;
    const sel = select(svg);
    sel.call(z);
    const r = svg.getBoundingClientRect();
    const k = Math.min(1, r.width / layout.width, r.height / layout.height) || 1;
    sel.call(z.transform, zoomIdentity.translate(Math.max(0, (r.width - layout.width * k) / 2), Math.max(0, (r.height - layout.height * k) / 2)).scale(k));
    return () => { sel.on('.zoom', null); };
  }, [layout]);

  const zoomBy = (f: number) => { const svg = svgRef.current; if (svg && zoomRef.current) select(svg).call(zoomRef.current.scaleBy, f); };

  const activate = (service: string) => {
    setSelected(service);
    setStatus(`Filtering to ${service}…`);
    bridge.request({ type: 'filterService', service }).then(() => setStatus(`Filtered to ${service}`), (e: Error) => setStatus(e.message));
  };

  const onNodeKey = (e: KeyboardEvent, service: string) => {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); activate(service); return; }
    const arrows: Record<string, (a: { x: number; y: number }, b: { x: number; y: number }) => boolean> = {
      ArrowRight: (a, b) => b.x > a.x, ArrowLeft: (a, b) => b.x < a.x, ArrowDown: (a, b) => b.y > a.y && b.x === a.x, ArrowUp: (a, b) => b.y < a.y && b.x === a.x,
    };
    const test = arrows[e.key];
    const here = pos.get(service);
    if (!test || !here) return;
    e.preventDefault();
    let best: string | undefined, bestD = Infinity;
    for (const n of layout.nodes) {
      if (n.service === service || !test(here, n)) continue;
      const d = Math.hypot(n.x - here.x, n.y - here.y);
      if (d < bestD) { bestD = d; best = n.service; }
    }
    if (best !== undefined) (svgRef.current?.querySelector(`[data-index="${layout.nodes.findIndex(n => n.service === best)}"]`) as SVGGElement | null)?.focus();
  };

  const maxCount = Math.max(1, ...graph.edges.map(e => e.count));
  const red = graph.edges.filter(e => e.errorSpread > 0).length;
  return (
    <>
      <header class="bar">
        <h1>Service graph</h1>
        <span class="muted">{data.scopeLabel}</span>
        <span class="muted">{graph.nodes.length} services · {graph.edges.length} calls{graph.source === 'spans' ? ` · ${graph.traceCount} traces` : ' · from the backend'}</span>
        {red ? <span class="err">{red} calls along which errors spread</span> : null}
        <span style="flex:1" />
        <button type="button" onClick={() => zoomBy(1.25)} aria-label="Zoom in">+</button>
        <button type="button" onClick={() => zoomBy(0.8)} aria-label="Zoom out">−</button>
        <span class="muted" role="status" data-testid="status">{status}</span>
      </header>
      <div class="split">
        <div class="main">
          <svg class="graph" ref={svgRef} role="group" aria-label="Service dependency graph">
            <defs>
              <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" /></marker>
              <marker id="arrow-red" class="spread" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" /></marker>
            </defs>
            <g ref={gRef}>
              {graph.edges.map((e, k) => {
                const a = pos.get(e.from), b = pos.get(e.to);
                if (!a || !b) return null;
                let d: string, lx: number, ly: number;
                if (a === b) {
                  const x = a.x + NODE_W / 2, y = a.y;
                  d = `M${x - 20},${y} C${x - 30},${y - 40} ${x + 30},${y - 40} ${x + 20},${y}`;
                  lx = x; ly = y - 34;
                } else {
                  const forward = b.x > a.x;
                  const x1 = forward ? a.x + NODE_W : a.x + NODE_W / 2, y1 = forward ? a.y + NODE_H / 2 : a.y + NODE_H;
                  const x2 = forward ? b.x : b.x + NODE_W / 2, y2 = forward ? b.y + NODE_H / 2 : b.y + NODE_H;
                  const mx = (x1 + x2) / 2;
                  d = forward ? `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}` : `M${x1},${y1} C${x1},${y1 + 60} ${x2},${y2 + 60} ${x2},${y2}`;
                  lx = mx; ly = (y1 + y2) / 2 - 4;
                }
                const spread = e.errorSpread > 0;
                return (
                  <g key={`e${k}`} class={`g-edge${spread ? ' spread' : ''}`} tabindex={0} role="img" aria-label={edgeLabel(e)} data-testid="edge">
                    <title>{edgeLabel(e)}</title>
                    <path d={d} stroke-width={1 + 3 * Math.sqrt(e.count / maxCount)} marker-end={spread ? 'url(#arrow-red)' : 'url(#arrow)'} />
                    <text x={lx} y={ly} text-anchor="middle">{e.count}{e.p95Ns !== undefined ? ` · ${formatDuration(e.p95Ns)}` : ''}</text>
                  </g>
                );
              })}
              {layout.nodes.map((p, k) => {
                const n = graph.nodes[k]!;
                return (
                  <g key={`n${k}`} class={`g-node${n.errors ? ' errors' : ''}${selected === n.service ? ' selected' : ''}`} transform={`translate(${p.x},${p.y})`}
                    tabindex={0} role="button" aria-label={nodeLabel(n)} data-index={k} data-testid="node"
                    onClick={() => activate(n.service)} onKeyDown={e => onNodeKey(e, n.service)}>
                    <title>{nodeLabel(n)}</title>
                    <rect width={NODE_W} height={NODE_H} rx={4} />
                    <text x={8} y={17}>{fit(n.service, 24)}</text>
                    <text class="sub" x={8} y={34}>{n.requests} req · {percent(n.errorRate)} err{n.p95Ns !== undefined ? ` · p95 ${formatDuration(n.p95Ns)}` : ''}</text>
                  </g>
                );
              })}
            </g>
          </svg>
        </div>
        <aside class="side">
          <h2>Services</h2>
          <table data-testid="services">
            <thead><tr><th>Service</th><th class="num">Req</th><th class="num">Err</th><th class="num">p95</th></tr></thead>
            <tbody>
              {graph.nodes.map(n => (
                <tr key={n.service}>
                  <td title={n.service}><button type="button" class="link" onClick={() => activate(n.service)}>{n.service}</button></td>
                  <td class="num">{n.requests}</td>
                  <td class={`num${n.errors ? ' err' : ''}`}>{percent(n.errorRate)}</td>
                  <td class="num">{n.p95Ns !== undefined ? formatDuration(n.p95Ns) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Calls</h2>
          <table data-testid="calls">
            <thead><tr><th>From → to</th><th class="num">Calls</th><th class="num">p50</th><th class="num">p95</th></tr></thead>
            <tbody>
              {graph.edges.map((e, k) => (
                <tr key={k} class={e.errorSpread ? 'err' : ''}>
                  <td title={edgeLabel(e)}>{e.from} → {e.to}{e.errorSpread ? ' (error spread)' : ''}</td>
                  <td class="num">{e.count}</td>
                  <td class="num">{e.p50Ns !== undefined ? formatDuration(e.p50Ns) : '—'}</td>
                  <td class="num">{e.p95Ns !== undefined ? formatDuration(e.p95Ns) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </aside>
      </div>
    </>
  );
}
