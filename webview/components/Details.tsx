// Span details: everything about one span. All span text is rendered as text nodes (never as HTML).
import { useMemo, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { TraceData } from '../data';
import type { CompactAttr } from '../../src/protocol/compact';
import { formatTimestamp, percent, shortId } from '../model/format';
import { formatDuration } from '../../src/core/units/duration';
import { parseStackFrames } from '../model/stack';
import type { Frame } from '../model/stack';
import { formatCount } from '../../src/core/units/count';

export interface DetailsActions {
  /** Without a location: the host opens where it mapped the span (code.function, a route, a span-start call…). */
  openSource(loc: { filePath: string; line?: number; column?: number } | undefined, spanIndex: number): void;
  openTrace(traceId: string, spanId?: string): void;
  copy(text: string): void;
  selectSpan(spanId: string): void;
}

const MAX_VALUE_SHOWN = 20_000;

export function Details(p: { data: TraceData; span: number; actions: DetailsActions; /** The host mapped this span to a workspace file. */ mapped?: boolean }): JSX.Element {
  const { view } = p.data;
  const i = p.span;
  const [filter, setFilter] = useState('');
  const attrs = useMemo(() => ({ span: view.attributes(i), resource: view.resourceAttributes(i), scope: view.scope(i) }), [view, i]);
  const events = useMemo(() => view.events(i), [view, i]);
  const links = useMemo(() => view.links(i), [view, i]);
  const loc = view.codeLocation(i);
  const dur = view.durationNsOf(i);
  const self = view.selfNs(i);
  const status = view.status(i);
  const f = filter.trim().toLowerCase();
  const keep = (a: CompactAttr): boolean => !f || a.key.toLowerCase().includes(f) || a.value.toLowerCase().includes(f);
  const warnings = view.warnings(i);
  const spanId = view.spanId(i);
  const parentId = view.parentSpanId(i);

  return (
    <section class="details" aria-label="Span details" data-testid="details">
      <h2 class="d-title" title={view.name(i)}>{view.name(i)}</h2>
      <dl class="kv">
        <dt>Service</dt><dd>{view.service(i)}</dd>
        <dt>Kind</dt><dd>{view.kind(i)}</dd>
        <dt>Status</dt>
        <dd class={status === 'error' ? 'err-text' : ''}>{status}{view.statusMessage(i) ? `: ${view.statusMessage(i)}` : ''}</dd>
        <dt>Start</dt><dd>{formatTimestamp(view.startNsOf(i))} <span class="muted">(+{formatDuration(view.relStartNs(i))})</span></dd>
        <dt>Duration</dt><dd>{formatDuration(dur)}</dd>
        <dt>Self time</dt><dd>{formatDuration(self)} <span class="muted">({dur > 0 ? percent(self / dur) : '100%'})</span></dd>
        {view.skewNs(i) !== 0 ? <><dt>Skew</dt><dd>{formatDuration(view.skewNs(i))} adjustment</dd></> : null}
        <dt>Span ID</dt><dd><code>{spanId}</code> <button class="link-btn" onClick={() => p.actions.copy(spanId)} title="Copy span ID">Copy</button></dd>
        {parentId ? <><dt>Parent</dt><dd><button class="link-btn" onClick={() => p.actions.selectSpan(parentId)}><code>{parentId}</code></button>{view.parent(i) < 0 ? <span class="muted"> (not in this trace)</span> : null}</dd></> : null}
      </dl>

      <div class="code-loc">
        <h3>Code</h3>
        {loc ? (
          <div>
            <div class="loc-text"><code>{[loc.filePath, loc.line, loc.column].filter(x => x !== undefined).join(':') || '(no file)'}</code></div>
            {loc.function || loc.namespace ? <div class="muted">{[loc.namespace, loc.function].filter(Boolean).join(' · ')}</div> : null}
            <button class="primary" disabled={!loc.filePath && !p.mapped} data-testid="go-to-source"
              onClick={() => p.actions.openSource(loc.filePath ? { filePath: loc.filePath, ...(loc.line ? { line: loc.line } : {}), ...(loc.column ? { column: loc.column } : {}) } : undefined, i)}>
              Go to source
            </button>
          </div>
        ) : p.mapped ? (
          <div>
            <div class="muted">No code.* attributes: placed in the workspace by its name, route, query or stack trace.</div>
            <button class="primary" data-testid="go-to-source" onClick={() => p.actions.openSource(undefined, i)}>Go to source</button>
          </div>
        ) : <p class="muted">This span carries no code location (code.* attributes or a stack trace), and nothing in the workspace matches it.</p>}
      </div>

      {warnings.length ? <div class="warnings"><h3>Warnings</h3><ul>{warnings.map(w => <li>{w}</li>)}</ul></div> : null}

      <div class="attrs">
        <h3>Attributes</h3>
        <input class="attr-filter" type="search" placeholder="Filter attributes" aria-label="Filter attributes" value={filter} onInput={e => setFilter((e.currentTarget as HTMLInputElement).value)} />
        <AttrGroup title="Span" list={attrs.span.filter(keep)} copy={p.actions.copy} />
        <AttrGroup title="Resource" list={attrs.resource.filter(keep)} copy={p.actions.copy} />
        {/* A scope is mostly its name and version: with no attributes it is just its heading (no "None"). */}
        {attrs.scope ? <AttrGroup title={`Scope ${attrs.scope.name}${attrs.scope.version ? ` ${attrs.scope.version}` : ''}`} list={attrs.scope.attributes.filter(keep)} copy={p.actions.copy} quietWhenEmpty={attrs.scope.attributes.length === 0} /> : null}
        <button class="link-btn" onClick={() => p.actions.copy(JSON.stringify(Object.fromEntries(attrs.span.map(a => [a.key, a.value])), null, 2))}>Copy span attributes as JSON</button>
      </div>

      {events.length ? (
        <div class="events">
          <h3>Events ({events.length})</h3>
          {events.slice(0, 500).map(ev => {
            const stack = ev.attributes.find(a => a.key === 'exception.stacktrace');
            return (
              <details class="event" open={ev.name === 'exception'}>
                <summary><span class="muted">+{formatDuration(ev.relNs - view.relStartNs(i))}</span> {ev.name || '(unnamed)'}</summary>
                <AttrGroup title="" list={ev.attributes.filter(a => a.key !== 'exception.stacktrace')} copy={p.actions.copy} />
                {stack ? <StackTrace text={stack.value} open={fr => p.actions.openSource({ filePath: fr.filePath!, ...(fr.line ? { line: fr.line } : {}), ...(fr.column ? { column: fr.column } : {}) }, i)} /> : null}
              </details>
            );
          })}
        </div>
      ) : null}

      {links.length ? (
        <div class="links">
          <h3>Links ({links.length})</h3>
          <ul>
            {links.slice(0, 200).map(l => (
              <li>
                <span class="muted">{l.type}</span>{' '}
                <button class="link-btn" data-testid="open-link"
                  onClick={() => (l.traceId === view.traceId ? p.actions.selectSpan(l.spanId) : p.actions.openTrace(l.traceId, l.spanId))}>
                  <code>{shortId(l.traceId)}…/{l.spanId}</code>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function AttrGroup(p: { title: string; list: readonly CompactAttr[]; copy(text: string): void; quietWhenEmpty?: boolean }): JSX.Element | null {
  if (!p.list.length && !p.title) return null;
  return (
    <div class="attr-group">
      {p.title ? <h4>{p.title}</h4> : null}
      {p.list.length === 0 ? (p.quietWhenEmpty ? null : <p class="muted">None</p>) : (
        <table class="attr-table">
          <tbody>
            {p.list.slice(0, 2000).map(a => (
              <tr>
                <th scope="row" title={a.type}>{breakableKey(a.key)}</th>
                <td><Value a={a} /></td>
                <td class="copy-cell"><button class="copy-btn" title="Copy value" aria-label={`Copy ${a.key}`} onClick={() => p.copy(a.value)}>Copy</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Value(p: { a: CompactAttr }): JSX.Element {
  const { a } = p;
  const [full, setFull] = useState(false);
  const pretty = useMemo(() => prettyJson(a), [a]);
  const text = pretty ?? a.value;
  const long = text.length > MAX_VALUE_SHOWN && !full;
  const shown = long ? text.slice(0, MAX_VALUE_SHOWN) : text;
  return (
    <div class={`val t-${a.type}`}>
      {pretty !== undefined ? <pre>{shown}</pre> : <span>{shown}</span>}
      {long ? <button class="link-btn" onClick={() => setFull(true)}>Show all {formatCount(text.length)} characters</button> : null}
      {a.truncated ? <span class="muted"> (cut by Spanscope)</span> : null}
    </div>
  );
}

function prettyJson(a: CompactAttr): string | undefined {
  if (a.type === 'array' || a.type === 'kvlist' || (a.type === 'string' && /^\s*[[{]/.test(a.value) && a.value.length < 1_000_000)) {
    try { return JSON.stringify(JSON.parse(a.value), null, 2); } catch { return undefined; }
  }
  return undefined;
}

function StackTrace(p: { text: string; open(f: Frame): void }): JSX.Element {
  const frames = useMemo(() => parseStackFrames(p.text), [p.text]);
  return (
    <div class="stack" aria-label="Stack trace">
      {frames.map(f => (f.filePath ? (
        <button class="frame" title="Open this frame" onClick={() => p.open(f)}>{f.raw}</button>
      ) : <div class="frame-text">{f.raw}</div>))}
    </div>
  );
}

/**
 * An attribute key with line-break opportunities after its separators (http.request.method wraps as
 * "http.request." / "method", never inside a word); see .attr-table th in waterfall.css.
 */
function breakableKey(key: string): (string | JSX.Element)[] {
  const out: (string | JSX.Element)[] = [];
  for (const part of key.split(/(?<=[._/:-])/)) {
    if (out.length) out.push(<wbr />);
    out.push(part);
  }
  return out;
}
