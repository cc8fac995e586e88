// A metric source's HTTP client follows the same environment as the trace backends' (they were built by two copies
// of one function, and the metric copy had lost http.noProxy): a listed host is reached without the proxy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { makeMetricHttpClient } from '../../../../src/backends/metrics/http';
import { makeHttpClient } from '../../../../src/backends/base';

test('metric sources and trace backends honour http.noProxy alike (the proxy here is dead: only a direct request answers)', async () => {
  const origin = createServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
  await new Promise<void>(r => origin.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  const env = { proxy: 'http://127.0.0.1:1', noProxy: ['127.0.0.1'], retries: 0 };
  const SCHEMA = z.object({ ok: z.boolean() });
  try {
    const metric = makeMetricHttpClient({ name: 'prom', type: 'prometheus', url }, undefined, env);
    const backend = makeHttpClient({ name: 'jaeger', type: 'jaeger', url }, undefined, env);
    try {
      assert.equal((await backend.json({ path: 'x' }, SCHEMA)).ok, true);
      assert.equal((await metric.json({ path: 'x' }, SCHEMA)).ok, true);
    } finally {
      metric.dispose();
      backend.dispose();
    }
  } finally {
    await new Promise(r => origin.close(r));
  }
});
