// Harness worker: does what the extension host's parse worker does (fetch the document, then the same
// preparePreview and prepareSync: parse + analyse + encode), off the page's main thread, and transfers the
// compact traces: first the preview of a big document (its first spans), then the whole.
import { preparePreview, prepareSync } from '../../src/worker/prepare';
import { transferables } from '../../src/protocol/compact';

interface Job { url: string; traceId?: string; preview?: boolean }

self.addEventListener('message', (e: MessageEvent<Job>) => {
  void (async () => {
    const t0 = performance.now();
    try {
      const res = await fetch(e.data.url);
      if (!res.ok) throw new Error(`GET ${e.data.url}: HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const t1 = performance.now();
      const want = e.data.traceId?.toLowerCase();
      const preview = e.data.preview ? preparePreview(bytes) : undefined;
      if (preview && (!want || preview.compact.traceId === want)) {
        const compact = preview.compact;
        self.postMessage({ ok: true, part: 'preview', compact, fetchMs: t1 - t0, previewMs: performance.now() - t1 }, { transfer: transferables(compact) });
      }
      const t2 = performance.now();
      const doc = prepareSync(bytes);
      const t3 = performance.now();
      const picked = doc.traces.find(t => !want || t.compact.traceId === want) ?? doc.traces[0];
      if (!picked) throw new Error('the document holds no traces');
      const compact = picked.compact;
      self.postMessage({ ok: true, part: 'whole', compact, format: doc.format, traceCount: doc.traces.length, bytes: bytes.length, fetchMs: t1 - t0, prepareMs: t3 - t2 }, { transfer: transferables(compact) });
    } catch (err) {
      self.postMessage({ ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
  })();
});
