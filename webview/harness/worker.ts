// Harness worker: does what the extension host's parse worker does (fetch the document, then the same
// prepareSync: parse + analyse + encode), off the page's main thread, and transfers the compact trace.
import { prepareSync } from '../../src/worker/prepare';
import { transferables } from '../../src/protocol/compact';

interface Job { url: string; traceId?: string }

self.addEventListener('message', (e: MessageEvent<Job>) => {
  void (async () => {
    const t0 = performance.now();
    try {
      const res = await fetch(e.data.url);
      if (!res.ok) throw new Error(`GET ${e.data.url}: HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const t1 = performance.now();
      const doc = prepareSync(bytes);
      const t2 = performance.now();
      const want = e.data.traceId?.toLowerCase();
      const picked = doc.traces.find(t => !want || t.compact.traceId === want) ?? doc.traces[0];
      if (!picked) throw new Error('the document holds no traces');
      const compact = picked.compact;
      self.postMessage({ ok: true, compact, format: doc.format, traceCount: doc.traces.length, bytes: bytes.length, fetchMs: t1 - t0, prepareMs: t2 - t1 }, { transfer: transferables(compact) });
    } catch (err) {
      self.postMessage({ ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
  })();
});
