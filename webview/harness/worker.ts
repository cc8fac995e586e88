// Harness worker: does what the extension host's parse worker does (StreamingPrepare: each span read as soon as its
// JSON is complete), off the page's main thread, on the document's bytes as they arrive from fetch (a gzip body
// without Content-Encoding, such as a .json.gz file, is decompressed with DecompressionStream; with the header the
// browser already did). It transfers the compact traces: the spans read so far of a big document (`partial`,
// growing), then the whole.
import { StreamingPrepare } from '../../src/worker/prepare';
import { transferables } from '../../src/protocol/compact';
import type { EarlyFetch } from './worker-start';

interface Job { url: string; traceId?: string; preview?: boolean }

/** The response of the fetch worker-start.ts began for `url`, once; else a new fetch. */
function fetchDocument(url: string): Promise<Response> {
  const scope = self as unknown as { spanscopeEarly?: EarlyFetch };
  const early = scope.spanscopeEarly;
  if (early?.url === url) {
    scope.spanscopeEarly = undefined;
    return early.response;
  }
  return fetch(url);
}

self.addEventListener('message', (e: MessageEvent<Job>) => {
  void (async () => {
    const t0 = performance.now();
    try {
      const res = await fetchDocument(e.data.url);
      if (!res.ok || !res.body) throw new Error(`GET ${e.data.url}: HTTP ${res.status}`);
      const want = e.data.traceId?.toLowerCase();
      const declared = Number(res.headers.get('content-length'));
      // Content-Length is the compressed size when the body was gzip-encoded: then it says nothing about the JSON.
      const expectedBytes = Number.isFinite(declared) && declared > 0 && !res.headers.get('content-encoding') ? declared : undefined;
      let firstPartialAt = 0;
      const prep = new StreamingPrepare({
        ...(expectedBytes ? { expectedBytes } : {}),
        ...(e.data.preview ? {
          onPartial: p => {
            if (want && p.compact.traceId !== want) return;
            const at = performance.now();
            if (!firstPartialAt) firstPartialAt = at;
            self.postMessage({ ok: true, part: 'preview', compact: p.compact, fetchMs: at - t0, previewMs: at - t0 }, { transfer: transferables(p.compact) });
          },
        } : {}),
      });
      let bytes = 0;
      let parseMs = 0;
      let reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
      let first = true;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (first) {
          first = false;
          if (value[0] === 0x1f && value[1] === 0x8b) {
            // A gzip file served as is: decompress as a stream, starting again with this chunk.
            const gz = new ReadableStream<Uint8Array>({
              start(c) { c.enqueue(value); },
              async pull(c) { const r = await reader.read(); if (r.done) c.close(); else c.enqueue(r.value); },
            }).pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
            reader = gz.getReader();
            continue;
          }
        }
        bytes += value.length;
        const t = performance.now();
        prep.write(value);
        parseMs += performance.now() - t;
      }
      const t1 = performance.now();
      const doc = prep.finish();
      const t3 = performance.now();
      parseMs += t3 - t1;
      const picked = doc.traces.find(t => !want || t.compact.traceId === want) ?? doc.traces[0];
      if (!picked) throw new Error('the document holds no traces');
      const compact = picked.compact;
      // fetchMs: until the last byte arrived; prepareMs: the work after it (the rest was done while bytes arrived).
      self.postMessage({ ok: true, part: 'whole', compact, format: doc.format, traceCount: doc.traces.length, bytes, fetchMs: t1 - t0, prepareMs: t3 - t1, parseMs }, { transfer: transferables(compact) });
    } catch (err) {
      self.postMessage({ ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
  })();
});
