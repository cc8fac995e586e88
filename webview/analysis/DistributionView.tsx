// Latency distribution of one operation: a d3 histogram (log or linear x) with p50/p95/p99 markers; a bucket is a
// focusable button that opens its example trace; the "slow ones" table lists attribute values over-represented
// among the slowest samples.
import { useMemo, useState } from 'preact/hooks';
import { scaleLinear, scaleLog } from 'd3-scale';
import type { AnalysisBridge } from './bridge';
import type { AnalysisView } from '../../src/protocol/analysis';
import type { LatencySample } from '../../src/core/analysis/distribution';
import { percent } from './format';
import { formatDuration } from '../../src/core/units/duration';

type DistributionData = Extract<AnalysisView, { view: 'distribution' }>;
const W = 860, H = 320, M = { top: 44, right: 20, bottom: 34, left: 44 };

export function DistributionView({ data, bridge }: { data: DistributionData; bridge: AnalysisBridge }) {
  const d = data.distribution;
  const [status, setStatus] = useState('');
  const x = useMemo(() => {
    const lo = d.buckets[0]?.x0 ?? d.minNs, hi = d.buckets[d.buckets.length - 1]?.x1 ?? d.maxNs;
    return d.scale === 'log' && lo > 0 ? scaleLog().domain([lo, Math.max(hi, lo * 1.001)]).range([M.left, W - M.right])
      : scaleLinear().domain([lo, hi > lo ? hi : lo + 1]).range([M.left, W - M.right]);
  }, [d]);
  const y = useMemo(() => scaleLinear().domain([0, Math.max(1, ...d.buckets.map(b => b.count))]).nice().range([H - M.bottom, M.top]), [d]);

  const open = (s: LatencySample) => {
    setStatus(`Opening trace ${s.traceId}…`);
    bridge.request({ type: 'openTrace', traceId: s.traceId, spanId: s.spanId }).then(() => setStatus(''), (e: Error) => setStatus(e.message));
  };
  const markers: [string, number][] = [['p50', d.p50Ns], ['p95', d.p95Ns], ['p99', d.p99Ns]];

  return (
    <>
      <header class="bar">
        <h1>Latency of <span data-testid="operation">{d.operation.name}</span></h1>
        <span class="muted">{d.operation.service}</span>
        <span class="muted">{data.scopeLabel}</span>
        <span data-testid="summary">{d.sampleCount} spans in {d.traceCount} traces · p50 {formatDuration(d.p50Ns)} · p95 {formatDuration(d.p95Ns)} · p99 {formatDuration(d.p99Ns)}</span>
        <span class="muted" role="status" data-testid="status">{status}</span>
      </header>
      <div class="split">
        <div class="main" style="overflow:auto">
          {d.sampleCount === 0 ? <div class="message">No spans of this operation in these traces.</div> : (
            <svg class="hist" viewBox={`0 0 ${W} ${H}`} role="group" aria-label={`Histogram of ${d.sampleCount} durations`}>
              <g class="axis">
                <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
                {x.ticks(6).map((t, k) => (
                  <g key={k} transform={`translate(${x(t)},${H - M.bottom})`}><line y2={4} /><text y={16} text-anchor="middle">{formatDuration(t)}</text></g>
                ))}
                {y.ticks(4).map((t, k) => (
                  <g key={`y${k}`} transform={`translate(${M.left},${y(t)})`}><line x1={-4} /><text x={-6} dy="0.3em" text-anchor="end">{t}</text></g>
                ))}
              </g>
              {d.buckets.map((b, k) => {
                const x0 = x(Math.max(b.x0, x.domain()[0]!)), x1 = x(b.x1);
                const w = Math.max(1, x1 - x0 - 1);
                const label = `${formatDuration(b.x0)} to ${formatDuration(b.x1)}: ${b.count} spans${b.errors ? `, ${b.errors} failed` : ''}${b.example ? '. Enter opens an example trace' : ''}`;
                return (
                  <g key={k} class={`bucket${b.errors ? ' errors' : ''}`} data-testid="bucket" role="button" tabindex={b.count ? 0 : -1} aria-label={label}
                    onClick={() => b.example && open(b.example)} onKeyDown={e => { if ((e.key === 'Enter' || e.key === ' ') && b.example) { e.preventDefault(); open(b.example); } }}>
                    <title>{label}</title>
                    <rect x={x0} y={y(b.count)} width={w} height={y(0) - y(b.count)} />
                    {b.errors ? <rect class="err-part" x={x0} y={y(b.errors)} width={w} height={y(0) - y(b.errors)} /> : null}
                  </g>
                );
              })}
              {markers.map(([name, v], k) => (
                // labels on three heights and on the inner side of their line, so that close percentiles stay legible
                <g key={name} class="marker" data-testid={`marker-${name}`} transform={`translate(${x(v)},0)`}>
                  <line y1={M.top - 6 + k * 14} y2={H - M.bottom} />
                  <text y={M.top - 10 + k * 14} dx={x(v) > W / 2 ? -4 : 4} text-anchor={x(v) > W / 2 ? 'end' : 'start'}>{name} {formatDuration(v)}</text>
                </g>
              ))}
            </svg>
          )}
        </div>
        <aside class="side">
          <h2>What is different in the slow ones</h2>
          <div class="muted">Slow: above {formatDuration(d.slowThresholdNs)} ({d.slowCount} spans)</div>
          {d.slowAttributes.length === 0 ? <div class="muted">No attribute value stands out.</div> : (
            <table data-testid="slow-attributes">
              <thead><tr><th>Attribute</th><th class="num">Slow</th><th class="num">Rest</th><th class="num">Lift</th></tr></thead>
              <tbody>
                {d.slowAttributes.map((a, k) => (
                  <tr key={k}>
                    <td title={`${a.fromResource ? 'resource ' : ''}${a.key} = ${a.value}`}>{a.key} = {a.value}</td>
                    <td class="num">{percent(a.slowShare)}</td>
                    <td class="num">{percent(a.restShare)}</td>
                    <td class="num">{a.lift.toFixed(1)}×</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>Slowest</h2>
          <ol data-testid="slowest">
            {d.slowest.map((s, k) => (
              <li key={k}><button type="button" class="link" onClick={() => open(s)}>{formatDuration(s.durationNs)}</button> <span class="muted">{s.traceId}</span>{s.error ? <span class="err"> error</span> : null}</li>
            ))}
          </ol>
        </aside>
      </div>
    </>
  );
}
