// A Jaeger document of any size as a stream of byte chunks, never held whole: bench/gen-trace.mjs makes a trace of
// `base` spans (generating 1,000,000 directly takes minutes and gigabytes), and its spans are written `copies` times
// with the span IDs of each copy rewritten, every copy's root a child of the first copy's root. So the tree is known:
// `base * copies` spans, one root, each copy a subtree of `base` spans under it.
// @ts-expect-error plain JS module without types
import { generateTrace } from '../../bench/gen-trace.mjs';

interface JaegerDoc {
  data: Array<{ traceID: string; spans: Array<{ spanID: string; references: Array<{ refType: string; traceID: string; spanID: string }> }>; processes: unknown }>;
}

export interface BigTrace {
  readonly spanCount: number;
  readonly traceId: string;
  readonly rootSpanId: string;
  /** The whole document's size in bytes. */
  readonly bytes: number;
  /** The document, in chunks of about `chunkBytes`. */
  chunks(chunkBytes?: number): Generator<Uint8Array>;
}

/** Span ID of span `spanId` in copy `k` (copy 0 keeps the original IDs). */
export function copyId(spanId: string, k: number): string {
  if (k === 0) return spanId;
  return (k.toString(16).padStart(6, '0') + spanId.slice(6)).slice(0, 16);
}

export function bigJaegerTrace(base: number, copies: number, seed = 1): BigTrace {
  const doc = generateTrace({ n: base, seed, format: 'jaeger' }) as JaegerDoc;
  const trace = doc.data[0]!;
  const ids = new Set(trace.spans.map(s => s.spanID));
  const root = trace.spans[0]!;
  // Each span's JSON split around the in-trace span IDs it mentions, so a copy is a join with the IDs rewritten.
  const templates = trace.spans.map(s => {
    const text = JSON.stringify(s);
    const parts: string[] = [];
    const slots: string[] = [];
    let at = 0;
    const re = /"spanID":"([0-9a-f]{16})"/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (!ids.has(m[1]!)) continue;
      parts.push(text.slice(at, m.index + 10));
      slots.push(m[1]!);
      at = m.index + 10 + 16;
    }
    parts.push(text.slice(at));
    return { parts, slots };
  });
  // Copy k > 0 of the root: a child of the original root.
  const rootCopy = (k: number): string => JSON.stringify({ ...root, spanID: copyId(root.spanID, k), references: [{ refType: 'CHILD_OF', traceID: trace.traceID, spanID: root.spanID }] });
  const head = `{"data":[{"traceID":"${trace.traceID}","spans":[`;
  const tail = `],"processes":${JSON.stringify(trace.processes)},"warnings":null}],"total":0,"limit":0,"offset":0,"errors":null}`;
  const enc = new TextEncoder();
  const spanText = (i: number, k: number): string => {
    if (i === 0 && k > 0) return rootCopy(k);
    const t = templates[i]!;
    let s = t.parts[0]!;
    for (let j = 0; j < t.slots.length; j++) s += copyId(t.slots[j]!, k) + t.parts[j + 1]!;
    return s;
  };
  let bytes = head.length + tail.length + base * copies - 1;
  for (let k = 0; k < Math.min(copies, 2); k++) for (let i = 0; i < base; i++) bytes += enc.encode(spanText(i, k)).length * (k === 1 ? copies - 1 : 1);
  return {
    spanCount: base * copies,
    traceId: trace.traceID,
    rootSpanId: root.spanID,
    bytes,
    *chunks(chunkBytes = 1024 * 1024) {
      let pending = head;
      for (let k = 0; k < copies; k++) {
        for (let i = 0; i < base; i++) {
          pending += (k === 0 && i === 0 ? '' : ',') + spanText(i, k);
          if (pending.length >= chunkBytes) { yield enc.encode(pending); pending = ''; }
        }
      }
      yield enc.encode(pending + tail);
    },
  };
}
