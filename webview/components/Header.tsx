// Trace summary line: IDs, root, times, counts, the broken-propagation findings and the skew switch.
import type { JSX } from 'preact';
import type { TraceData } from '../data';
import { formatTimestamp } from '../model/format';
import { formatDuration } from '../../src/core/units/duration';
import { formatCount } from '../../src/core/units/count';

const PROPAGATION = new Set(['orphan', 'client-without-server', 'multiple-roots', 'duplicate-span-id', 'clock-skew']);

export function Header(p: { data: TraceData; sourceLabel: string; adjusted: boolean; setAdjusted(v: boolean): void; copy(t: string): void; select(i: number): void }): JSX.Element {
  const { view } = p.data;
  const root = view.spanCount ? view.cols.preorder[0]! : -1;
  const findings = view.compact.findings.filter(f => PROPAGATION.has(f.kind));
  return (
    <header class="header" data-testid="header">
      <div class="h-main">
        <span class="h-root">
          {root >= 0 ? <><span class="chip" style={{ background: `var(--svc-${p.data.slot(root)})` }} /><strong>{view.service(root)}</strong>: {view.name(root)}</> : <strong>Empty trace</strong>}
        </span>
        <span class="h-id"><code title="Trace ID">{view.traceId}</code> <button class="link-btn" onClick={() => p.copy(view.traceId)} title="Copy trace ID">Copy</button></span>
      </div>
      <div class="h-facts">
        {root >= 0 ? <span>Start <b>{formatTimestamp(view.startNs)}</b></span> : null}
        <span>Duration <b>{formatDuration(view.durationNs)}</b></span>
        {view.compact.partial ? (
          <span class="badge loading" role="status" data-testid="partial" title="The first spans of a big document, shown while the whole is read. Durations, errors, the critical path and statistics cover these spans only until it is.">
            <span class="spinner small" aria-hidden="true" />showing the first <b>{formatCount(view.spanCount)}</b> of {formatCount(view.compact.partial.totalSpans)} spans, loading the rest…
          </span>
        ) : <span><b>{formatCount(view.spanCount)}</b> spans</span>}
        <span><b>{p.data.serviceCount}</b> services</span>
        <span class={view.compact.errorCount ? 'err-text' : ''}><b>{view.compact.errorCount}</b> errors</span>
        <span>Depth <b>{view.compact.maxDepth + 1}</b></span>
        <span class="muted" title="Where this trace came from">{p.sourceLabel}</span>
        {p.data.hasSkew ? (
          <label class="skew-switch" title="Some spans look shifted by clock skew between hosts">
            <span class="badge skew">clock skew</span>
            <select value={p.adjusted ? 'adjusted' : 'raw'} onChange={e => p.setAdjusted((e.currentTarget as HTMLSelectElement).value === 'adjusted')} aria-label="Times">
              <option value="raw">raw times</option>
              <option value="adjusted">adjusted times</option>
            </select>
          </label>
        ) : null}
      </div>
      {findings.length ? (
        <ul class="findings" aria-label="Broken propagation">
          {findings.slice(0, 8).map(f => (
            <li><span class="badge warn">{f.kind}</span> <button class="link-btn" onClick={() => p.select(f.spanIndex)}>{f.message}</button></li>
          ))}
          {findings.length > 8 ? <li class="muted">and {findings.length - 8} more</li> : null}
        </ul>
      ) : null}
      {view.compact.traceWarnings.length ? <div class="muted">{view.compact.traceWarnings.slice(0, 3).join(' · ')}</div> : null}
    </header>
  );
}
