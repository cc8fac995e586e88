// Service dependency graph of one trace or a set of traces, or of a backend's dependencies list.
//
// Input is a `SpanTable`: index-based accessors over one analysed trace, so that the same code reads the host's
// compact traces (src/protocol/analysis.ts adapts CompactView) and the core's TraceAnalysis (tableFromAnalysis).
import { attrToString } from '../model';
import type { SpanKind } from '../model';
import type { TraceAnalysis } from './types';
import { SpanFlag } from './types';
import { percentileSorted } from '../units/percentile';

/** Read access to the spans of one analysed trace. Span indices are dense, 0..spanCount-1. */
export interface SpanTable {
  readonly traceId: string;
  readonly spanCount: number;
  spanId(i: number): string;
  service(i: number): string;
  name(i: number): string;
  kind(i: number): SpanKind;
  /** Parent span index, -1 for top-level spans (roots and orphans). */
  parent(i: number): number;
  /** Start relative to the trace start, ns. */
  relStartNs(i: number): number;
  durationNs(i: number): number;
  isError(i: number): boolean;
  /** Spans where an error started (TraceAnalysis.errorOrigins). */
  readonly errorOrigins: ArrayLike<number>;
  /** Span attributes then resource attributes as (key, display text); called only by the distribution. */
  attributes(i: number, visit: (key: string, value: string, fromResource: boolean) => void): void;
}

export function tableFromAnalysis(a: TraceAnalysis): SpanTable {
  const spans = a.tree.trace.spans;
  return {
    traceId: a.tree.trace.traceId,
    spanCount: spans.length,
    spanId: i => spans[i]!.spanId,
    service: i => spans[i]!.resource.serviceName,
    name: i => spans[i]!.name,
    kind: i => spans[i]!.kind,
    parent: i => a.tree.parent[i]!,
    relStartNs: i => a.tree.relStartNs[i]!,
    durationNs: i => spans[i]!.durationNs,
    isError: i => (a.tree.flags[i]! & SpanFlag.Error) !== 0,
    errorOrigins: a.errorOrigins,
    attributes(i, visit) {
      const s = spans[i]!;
      for (const x of s.attributes) visit(x.key, attrToString(x.value), false);
      for (const x of s.resource.attributes) visit(x.key, attrToString(x.value), true);
    },
  };
}

export interface ServiceNode {
  readonly service: string;
  /** Requests served: spans entering the service (top-level, or a parent in another service, or a SERVER/CONSUMER span under a CLIENT/PRODUCER). */
  readonly requests: number;
  readonly errors: number;
  /** errors / requests (0 when no requests). */
  readonly errorRate: number;
  /** p95 duration of the requests, ns (undefined when the numbers came from a backend's dependency list). */
  readonly p95Ns?: number;
  readonly p50Ns?: number;
  /** Spans of this service (all kinds). */
  readonly spanCount: number;
  /** Errors that started in this service. */
  readonly errorOrigins: number;
}

export interface ServiceEdge {
  readonly from: string;
  readonly to: string;
  readonly count: number;
  /** Calls whose callee span failed. */
  readonly errors: number;
  readonly p50Ns?: number;
  readonly p95Ns?: number;
  /** Calls along which an error travelled up from where it started (callee failed first, caller failed because of it). */
  readonly errorSpread: number;
}

export interface ServiceGraph {
  readonly nodes: readonly ServiceNode[];
  readonly edges: readonly ServiceEdge[];
  readonly traceCount: number;
  readonly source: 'spans' | 'backend';
}

class Samples {
  private a = new Float64Array(16);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) { const b = new Float64Array(this.n * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
  }
  quantiles(): { p50Ns: number; p95Ns: number } {
    const s = this.a.subarray(0, this.n).sort();
    return { p50Ns: percentileSorted(s, 0.5), p95Ns: percentileSorted(s, 0.95) };
  }
}

interface NodeAcc { requests: number; errors: number; spans: number; origins: number; dur: Samples }
interface EdgeAcc { from: string; to: string; count: number; errors: number; spread: number; dur: Samples }

const isCaller = (k: SpanKind): boolean => k === 'client' || k === 'producer';
const isCallee = (k: SpanKind): boolean => k === 'server' || k === 'consumer';

/** Accumulates traces into one graph; `graph()` may be called at any time. */
export class ServiceGraphBuilder {
  private readonly nodes = new Map<string, NodeAcc>();
  private readonly edges = new Map<string, EdgeAcc>();
  private traces = 0;

  private node(service: string): NodeAcc {
    let n = this.nodes.get(service);
    if (!n) this.nodes.set(service, (n = { requests: 0, errors: 0, spans: 0, origins: 0, dur: new Samples() }));
    return n;
  }
  private edge(from: string, to: string): EdgeAcc {
    const key = from + '\u0000' + to;
    let e = this.edges.get(key);
    if (!e) this.edges.set(key, (e = { from, to, count: 0, errors: 0, spread: 0, dur: new Samples() }));
    return e;
  }

  /** Whether span i is a call from its parent's service into its own (the edge parent → i). */
  private static isCall(t: SpanTable, i: number, p: number, svc: readonly string[]): boolean {
    return svc[p] !== svc[i] || (isCaller(t.kind(p)) && isCallee(t.kind(i)));
  }

  add(t: SpanTable): void {
    this.traces++;
    const n = t.spanCount;
    const svc: string[] = new Array<string>(n);
    for (let i = 0; i < n; i++) svc[i] = t.service(i);
    for (let i = 0; i < n; i++) {
      const node = this.node(svc[i]!);
      node.spans++;
      const p = t.parent(i);
      const entry = p < 0 || ServiceGraphBuilder.isCall(t, i, p, svc);
      if (!entry) continue;
      const err = t.isError(i);
      node.requests++;
      if (err) node.errors++;
      node.dur.push(t.durationNs(i));
      if (p < 0) continue;
      const e = this.edge(svc[p]!, svc[i]!);
      e.count++;
      if (err) e.errors++;
      // the call as the caller saw it (its CLIENT span) when there is one, else the callee's own span
      e.dur.push(isCaller(t.kind(p)) ? t.durationNs(p) : t.durationNs(i));
    }
    // Error spread: from each origin up through failing ancestors; every service boundary crossed is a red edge.
    for (let k = 0; k < t.errorOrigins.length; k++) {
      let c = t.errorOrigins[k]!;
      this.node(svc[c]!).origins++;
      for (let p = t.parent(c), guard = 0; p >= 0 && t.isError(p) && guard < n; c = p, p = t.parent(p), guard++) {
        if (ServiceGraphBuilder.isCall(t, c, p, svc)) this.edge(svc[p]!, svc[c]!).spread++;
      }
    }
  }

  graph(): ServiceGraph {
    const nodes: ServiceNode[] = [...this.nodes].map(([service, a]) => ({
      service, requests: a.requests, errors: a.errors, errorRate: a.requests ? a.errors / a.requests : 0,
      ...a.dur.quantiles(), spanCount: a.spans, errorOrigins: a.origins,
    }));
    const edges: ServiceEdge[] = [...this.edges.values()].map(e => ({
      from: e.from, to: e.to, count: e.count, errors: e.errors, errorSpread: e.spread, ...e.dur.quantiles(),
    }));
    nodes.sort((a, b) => b.requests - a.requests || (a.service < b.service ? -1 : 1));
    edges.sort((a, b) => b.count - a.count || (a.from + a.to < b.from + b.to ? -1 : 1));
    return { nodes, edges, traceCount: this.traces, source: 'spans' };
  }
}

/** The service graph of one trace or a set of traces. */
export function buildServiceGraph(tables: Iterable<SpanTable>): ServiceGraph {
  const b = new ServiceGraphBuilder();
  for (const t of tables) b.add(t);
  return b.graph();
}

/** A backend's dependency list (Jaeger `/api/dependencies`, Zipkin `/api/v2/dependencies`). */
export interface DependencyLinkLike {
  readonly parent: string;
  readonly child: string;
  readonly callCount: number;
  readonly errorCount?: number;
}

/** The graph from a backend's dependency list: counts only, no latencies (the backends do not give them). */
export function graphFromDependencies(links: readonly DependencyLinkLike[]): ServiceGraph {
  const nodes = new Map<string, { requests: number; errors: number }>();
  const edges = new Map<string, { from: string; to: string; count: number; errors: number }>();
  const node = (s: string) => { let n = nodes.get(s); if (!n) nodes.set(s, (n = { requests: 0, errors: 0 })); return n; };
  for (const l of links) {
    const count = Number.isFinite(l.callCount) && l.callCount > 0 ? l.callCount : 0;
    const errors = Math.min(count, Number.isFinite(l.errorCount) && (l.errorCount ?? 0) > 0 ? l.errorCount! : 0);
    node(l.parent);
    const c = node(l.child);
    c.requests += count; c.errors += errors;
    const key = l.parent + '\u0000' + l.child;
    const e = edges.get(key) ?? { from: l.parent, to: l.child, count: 0, errors: 0 };
    e.count += count; e.errors += errors;
    edges.set(key, e);
  }
  return {
    nodes: [...nodes].map(([service, n]) => ({ service, requests: n.requests, errors: n.errors, errorRate: n.requests ? n.errors / n.requests : 0, spanCount: 0, errorOrigins: 0 }))
      .sort((a, b) => b.requests - a.requests || (a.service < b.service ? -1 : 1)),
    edges: [...edges.values()].map(e => ({ ...e, errorSpread: 0 })).sort((a, b) => b.count - a.count),
    traceCount: 0,
    source: 'backend',
  };
}
