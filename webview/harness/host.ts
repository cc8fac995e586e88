// Harness host: plays the extension host for dist/webview.js in a plain page. It implements acquireVsCodeApi,
// answers `ready` with `init` (the trace prepared by the harness worker), answers requests, and records every
// message both ways on `window.__harness` for tests and benchmarks. Query parameters:
//   ?n=<spans>&seed=<seed>[&format=jaeger|otlp]  a trace from bench/gen-trace.mjs (served by the harness)
//   ?trace=<url>[&traceId=<id>]                   any Jaeger/OTLP/Zipkin document (CORS)
//   ?preview=0                                     no preview of a big document: init only with the whole
//   ?holdWhole=1                                   after a preview, hold the whole until __harness.releaseWhole()
//   ?hold=1                                        do not answer `ready` until __harness.go() (tests)
//   ?sourceFails=1                                 answer openSource with an error
import { PROTOCOL_VERSION } from '../../src/protocol/version';
import type { CompactTrace } from '../../src/protocol/compact';
import { transferables } from '../../src/protocol/compact';

interface Recorded { readonly at: number; readonly message: unknown }
interface Harness {
  received: Recorded[];
  sent: Recorded[];
  initPostedAt: number | undefined;
  prepared: { fetchMs: number; prepareMs: number; bytes: number; spanCount: number; format: string } | undefined;
  /** The first preview of a big document (the spans read so far), when there was one; `prepared` is the whole. */
  preview: { previewMs: number; spanCount: number; totalSpans: number } | undefined;
  /** Every preview: when it arrived and its spans. */
  previews: Array<{ at: number; spanCount: number }>;
  error: string | undefined;
  sourceFails: boolean;
  post(message: unknown, transfer?: Transferable[]): void;
  go(): void;
  state(): unknown;
  /** With ?holdWhole=1: send the whole trace that follows a preview (tests look at the preview until then). */
  releaseWhole(): void;
  /** Prepare another document and send it as a live `update` of the open trace. */
  sendUpdate(url: string): Promise<void>;
}

const params = new URLSearchParams(location.search);
const STATE_KEY = 'spanscope-harness-state';
let compact: CompactTrace | undefined;
let webviewReady = false;
let held = params.get('hold') === '1';
let initSent = false;
let wholeHeld = params.get('holdWhole') === '1';
let releaseHeldWhole: (() => void) | undefined;

const harness: Harness = {
  received: [],
  sent: [],
  initPostedAt: undefined,
  prepared: undefined,
  preview: undefined,
  previews: [],
  error: undefined,
  sourceFails: params.get('sourceFails') === '1',
  post(message, transfer) {
    harness.sent.push({ at: performance.now(), message: summarize(message) });
    window.postMessage(message, { targetOrigin: location.origin, ...(transfer ? { transfer } : {}) });
  },
  go() { held = false; maybeInit(); },
  releaseWhole() { wholeHeld = false; releaseHeldWhole?.(); releaseHeldWhole = undefined; },
  state() { const s = sessionStorage.getItem(STATE_KEY); return s ? JSON.parse(s) : undefined; },
  async sendUpdate(url) {
    const r = await prepare(new URL(url, location.href).href, { preview: false });
    if (!r.ok) throw new Error(r.error);
    compact = r.compact;
    const c = structuredClone(r.compact);
    harness.post({ type: 'update', compact: c }, transferables(c));
  },
};
(window as unknown as { __harness: Harness }).__harness = harness;

function summarize(m: unknown): unknown {
  if (m && typeof m === 'object' && 'compact' in m) return { ...(m as object), compact: `[compact ${(m as { compact: CompactTrace }).compact.spanCount} spans]` };
  return m;
}

let acquired = false;
(window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => {
  if (acquired) throw new Error('acquireVsCodeApi can only be called once');
  acquired = true;
  return {
    postMessage(message: unknown) {
      // VS Code serializes what the webview posts; a structured clone is the closest stand-in.
      const copy = structuredClone(message);
      harness.received.push({ at: performance.now(), message: copy });
      onWebviewMessage(copy);
    },
    getState: () => harness.state(),
    setState(s: unknown) { sessionStorage.setItem(STATE_KEY, JSON.stringify(s)); },
  };
};

function onWebviewMessage(m: unknown): void {
  const msg = m as { type?: string; id?: number };
  if (msg.type === 'ready') { webviewReady = true; initSent = false; maybeInit(); return; }
  if (msg.type === 'openSource' || msg.type === 'openTrace') {
    const id = msg.id!;
    setTimeout(() => harness.post(harness.sourceFails ? { type: 'reply', id, ok: false, error: 'harness: file not found' } : { type: 'reply', id, ok: true }), 0);
  }
}

function traceKey(): string {
  return params.get('trace') ?? `gen:${params.get('n')}:${params.get('seed') ?? '1'}`;
}

function maybeInit(): void {
  if (!webviewReady || held || initSent) return;
  if (harness.error) { initSent = true; harness.post({ type: 'error', message: harness.error }); return; }
  if (!compact) return;
  initSent = true;
  // The harness keeps its copy for reloads of the webview and transfers a clone (made before the clock starts).
  const c = structuredClone(compact);
  harness.initPostedAt = performance.now();
  performance.mark('harness:init-posted');
  harness.post({ type: 'init', protocol: PROTOCOL_VERSION, traceKey: traceKey(), sourceLabel: params.get('trace') ?? `gen-trace n=${params.get('n')} seed=${params.get('seed') ?? '1'}`, compact: c, ...(params.get('select') ? { selectSpanId: params.get('select')! } : {}) }, transferables(c));
}

function documentUrl(): string | undefined {
  const t = params.get('trace');
  if (t) return new URL(t, location.href).href;
  const n = params.get('n');
  if (n) return `/gen/trace.json?n=${encodeURIComponent(n)}&seed=${encodeURIComponent(params.get('seed') ?? '1')}&format=${encodeURIComponent(params.get('format') ?? 'jaeger')}`;
  return undefined;
}

type Prepared = { ok: true; compact: CompactTrace; fetchMs: number; prepareMs: number; bytes: number; format: string } | { ok: false; error: string };
interface Preview { compact: CompactTrace; fetchMs: number; previewMs: number }
/** Fetches and prepares in the harness worker; `onPreview` gets the first spans of a big document before the whole. */
function prepare(url: string, opts: { traceId?: string; preview: boolean; onPreview?: (p: Preview) => void }): Promise<Prepared> {
  return new Promise(resolve => {
    // worker-start.js begins the fetch before the parser's script loads (the URL rides in its own URL).
    const worker = new Worker(`/harness/worker-start.js?url=${encodeURIComponent(url)}`);
    worker.onmessage = (e: MessageEvent) => {
      const m = e.data as (Preview & { ok: true; part: 'preview' }) | (Prepared & { part?: 'whole' });
      if (m.ok && m.part === 'preview') { opts.onPreview?.(m); return; }
      worker.terminate();
      resolve(m);
    };
    worker.onerror = e => { worker.terminate(); resolve({ ok: false, error: `harness worker: ${e.message}` }); };
    worker.postMessage({ url, preview: opts.preview, ...(opts.traceId ? { traceId: opts.traceId } : {}) });
  });
}

const url = documentUrl();
if (!url) {
  harness.error = 'Harness: give ?n=<spans>&seed=<seed> or ?trace=<url>.';
} else {
  // As the extension host does: draw the preview of a big document first, then send the whole as an update.
  // The spans read so far arrive several times, growing: the first is the init, the others updates of it.
  const onPreview = (p: Preview) => {
    harness.preview ??= { previewMs: p.previewMs, spanCount: p.compact.spanCount, totalSpans: p.compact.partial?.totalSpans ?? p.compact.spanCount };
    harness.previews.push({ at: performance.now(), spanCount: p.compact.spanCount });
    // With ?holdWhole=1 the view stays on the first preview until released (tests look at it meanwhile).
    if (wholeHeld && compact?.partial) return;
    compact = p.compact;
    if (initSent) {
      const c = structuredClone(p.compact);
      harness.post({ type: 'update', compact: c }, transferables(c));
      return;
    }
    maybeInit();
  };
  void prepare(url, { preview: params.get('preview') !== '0', onPreview, ...(params.get('traceId') ? { traceId: params.get('traceId')! } : {}) }).then(r => {
    if (r.ok) {
      harness.prepared = { fetchMs: r.fetchMs, prepareMs: r.prepareMs, bytes: r.bytes, spanCount: r.compact.spanCount, format: r.format };
      const sendWhole = () => {
        const previewShown = initSent && compact?.partial !== undefined;
        compact = r.compact;
        if (previewShown) {
          const c = structuredClone(r.compact);
          performance.mark('harness:whole-posted');
          harness.post({ type: 'update', compact: c }, transferables(c));
        }
        maybeInit();
      };
      if (wholeHeld && compact?.partial) releaseHeldWhole = sendWhole;
      else sendWhole();
      return;
    } else {
      harness.error = r.error;
      if (initSent) harness.post({ type: 'error', message: r.error });
    }
    maybeInit();
  });
}
