// Clock skew between a client and the server it called, detected and corrected the way Zipkin's
// CorrectForClockSkew does: when a SERVER span starts before its CLIENT parent or ends after it, the
// server's clock is assumed off; the network latency is taken as half of (client duration − server
// duration) and the server is shifted so that it sits centred inside the client. The shift carries to the
// server's descendants in the same service (same clock); a descendant RPC gets its own correction,
// computed against its already-corrected client. A CONSUMER that starts before its PRODUCER is a one-way
// case: it is moved to just after the producer's start.
// Raw times stay the default; callers opt in to the adjusted times (analyzeTrace {skew:'adjust'}).
import type { Span } from '../model';
import { SpanFlag } from './types';

const CLIENT = 1, SERVER = 2, PRODUCER = 3, CONSUMER = 4; // tree.ts KIND_CODE

/** Zipkin's minimum separation when it cannot do better (1 µs), in ns. */
const MIN_SEPARATION_NS = 1000;

/**
 * Adjustment (ns) for `server` given its parent `client`, in relative ns, or 0 when there is no skew.
 * `clientStart` is the parent's (already adjusted) start.
 */
export function skewAdjustment(
  clientKind: Span['kind'], clientStart: number, clientDur: number,
  serverKind: Span['kind'], serverStart: number, serverDur: number,
): number {
  if (clientKind === 'producer' && serverKind === 'consumer') {
    return serverStart < clientStart ? clientStart - serverStart + MIN_SEPARATION_NS : 0;
  }
  if (clientKind !== 'client' || serverKind !== 'server') return 0;
  const outside = serverStart < clientStart || serverStart + serverDur > clientStart + clientDur;
  if (!outside) return 0;
  if (!(clientDur > 0) || !(serverDur > 0)) {
    // one-way: only the start is known
    return serverStart < clientStart ? clientStart - serverStart + MIN_SEPARATION_NS : 0;
  }
  if (clientDur < serverDur) {
    // the server took longer than the client saw: push them apart by the minimum
    return clientStart + MIN_SEPARATION_NS - serverStart;
  }
  const latency = (clientDur - serverDur) / 2;
  const skew = serverStart - latency - clientStart;
  return skew === 0 ? 0 : -skew;
}

/** Resource attributes that name a span's machine (OpenTelemetry host.*, Jaeger process tags), most specific first. */
const HOST_KEYS = ['host.id', 'host.name', 'hostname', 'ip'];

function hostOf(span: Span): string | undefined {
  const attrs = span.resource.attributes;
  for (const key of HOST_KEYS) {
    for (const a of attrs) if (a.key === key && typeof a.value === 'string' && a.value !== '') return `${key}=${a.value}`;
  }
  return undefined;
}

/** Both spans' resources name the same machine (unknown on either side: not the same). */
function sameHost(a: Span, b: Span): boolean {
  const h = hostOf(a);
  return h !== undefined && h === hostOf(b);
}

/**
 * Per-span adjustment in ns (adjusted start = relStartNs + result). Sets SpanFlag.Skewed on every span
 * whose own clock was found off (not on descendants that merely move with it).
 */
export function computeClockSkew(
  spans: readonly Span[],
  parent: Int32Array,
  preorder: Int32Array,
  relStartNs: Float64Array,
  flags: Uint16Array,
  /** Kind codes (tree.ts KIND_CODE: 1 client, 2 server, 3 producer, 4 consumer, 5 internal). */
  kind: Uint8Array,
  dur: Float64Array,
): Float64Array {
  const n = spans.length;
  const skewNs = new Float64Array(n);
  // Zipkin's correction rests on one client ↔ one server: a CLIENT span with several SERVER children
  // (retries, fan-out, async work that outlives the call) is ambiguous and left alone
  const serverChildren = new Uint8Array(n);
  let candidates = false;
  for (let i = 0; i < n; i++) {
    const p = parent[i]!;
    if (p < 0) continue;
    const k = kind[i]!;
    if (k === SERVER && serverChildren[p]! < 2) serverChildren[p]!++;
    if ((k === SERVER && kind[p] === CLIENT) || (k === CONSUMER && kind[p] === PRODUCER)) candidates = true;
  }
  if (!candidates) return skewNs;
  // The correction in force for each span's subtree and the service whose clock it corrects.
  const carryAdj = new Float64Array(n);
  const carryService: (string | undefined)[] = new Array<string | undefined>(n);
  for (let k = 0; k < n; k++) {
    const i = preorder[k]!;
    const p = parent[i]!;
    if (p < 0) continue;
    const ki = kind[i]!, kp = kind[p]!;
    let own = (ki === SERVER && (kp !== CLIENT || serverChildren[p]! > 1)) || (ki !== SERVER && ki !== CONSUMER)
      ? 0
      : skewAdjustment(spans[p]!.kind, relStartNs[p]! + skewNs[p]!, dur[p]!, spans[i]!.kind, relStartNs[i]!, dur[i]!);
    // One machine, one clock (Zipkin skips matching IPs too): a server that outlives its client on the same host
    // did real work after answering (flushing, async tails); shifting it would hide that.
    if (own !== 0 && sameHost(spans[p]!, spans[i]!)) own = 0;
    if (own !== 0) {
      skewNs[i] = own;
      flags[i]! |= SpanFlag.Skewed;
      carryAdj[i] = own;
      carryService[i] = spans[i]!.resource.serviceName;
    } else {
      const svc = carryService[p];
      if (svc === undefined) continue;
      carryAdj[i] = carryAdj[p]!;
      carryService[i] = svc;
      if (svc === spans[i]!.resource.serviceName) skewNs[i] = carryAdj[p]!;
    }
  }
  return skewNs;
}
