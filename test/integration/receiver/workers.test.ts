// The receiver with its parse worker threads (dist/receiver-worker.js, as built): same answers, same stored spans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import * as grpc from '@grpc/grpc-js';
import { TraceStore } from '../../../src/backends/receiver/store';
import { GRPC_EXPORT_PATH } from '../../../src/backends/receiver/receiver';
import { decodeExportTraceServiceResponse } from '../../../src/core/otlp/proto';
import { OtlpReceiver } from '../../../src/backends/receiver/receiver';
import { ParsePool } from '../../../src/backends/receiver/parse-pool';
import { PROJECT_ROOT } from '../../support/paths';
import { assertStoredEqualsSent, emitThroughSdk } from './sdk';
import { withReceiver } from './rig';
import { jsonBody, modelTrace, post, protoBody, traceIdOf } from './payloads';

const WORKER = join(PROJECT_ROOT, 'dist', 'receiver-worker.js');

async function withWorkers(fn: (r: OtlpReceiver, store: TraceStore) => Promise<void>, workerPath = WORKER): Promise<void> {
  assert.ok(existsSync(WORKER), 'dist/receiver-worker.js is built (scripts/test.mjs builds first)');
  await withReceiver({ grpcPort: 0, parseWorkers: { workerPath, threads: 2 } }, fn);
}

test('parse workers: real SDK exports over HTTP protobuf, JSON and gRPC are stored exactly', async () => {
  await withWorkers(async (receiver, store) => {
    const a = await emitThroughSdk(new ProtoExporter({ url: receiver.address!.httpUrl, compression: 'gzip' as never }), 6);
    const b = await emitThroughSdk(new JsonExporter({ url: receiver.address!.httpUrl }), 6);
    const c = await emitThroughSdk(new GrpcExporter({ url: receiver.address!.grpcUrl! }), 6);
    for (const sent of [a, b, c]) assertStoredEqualsSent(sent, id => store.get(id)?.spans);
    assert.equal(receiver.stats().spansAccepted, 3 * 6 * 7);
    // The list is built from the workers' summaries.
    const item = store.item(a.spans[0]!.spanContext().traceId)!;
    assert.equal(item.rootService, 'conformance-svc');
    assert.match(item.rootName, /^GET \/orders\/\d$/);
    assert.equal(item.errorCount, 2);
  });
});

test('parse workers: bad data is 400, partial success reported, late spans refresh a viewed trace', async () => {
  await withWorkers(async (receiver, store) => {
    const url = receiver.address!.httpUrl;
    const whole = protoBody([modelTrace(1, 20)]);
    assert.equal((await post(url, whole.subarray(0, 40), { 'content-type': 'application/x-protobuf' })).status, 400);
    assert.equal((await post(url, '{"resourceSpans":[', { 'content-type': 'application/json' })).status, 400);

    const doc = JSON.parse(jsonBody([modelTrace(2)]).toString());
    doc.resourceSpans[0].scopeSpans[0].spans[1].spanId = '0000000000000000';
    const partial = await post(url, JSON.stringify(doc), { 'content-type': 'application/json' });
    assert.equal(JSON.parse(partial.body.toString()).partialSuccess.rejectedSpans, '1');

    const t = modelTrace(3, 4);
    await post(url, protoBody([{ ...t, spans: t.spans.slice(0, 2) }]), { 'content-type': 'application/x-protobuf' });
    assert.equal(store.get(traceIdOf(3))!.spans.length, 2);
    await post(url, protoBody([{ ...t, spans: t.spans.slice(2) }]), { 'content-type': 'application/x-protobuf' });
    const viewed = store.get(traceIdOf(3))!;
    assert.equal(viewed.spans.length, 4);
    assert.deepEqual(viewed.spans[3]!.attributes, t.spans[3]!.attributes, 'decoded from the bytes, not the summaries');
  });
});

test('a parse worker that cannot run makes the receiver answer 503 with Retry-After, not crash', async () => {
  await withWorkers(async (receiver) => {
    const res = await post(receiver.address!.httpUrl, protoBody([modelTrace(1)]), { 'content-type': 'application/x-protobuf' });
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '1');
  }, join(PROJECT_ROOT, 'dist', 'no-such-worker.js'));
});

test('parse workers: a start time at or above 2^63 ns is kept exactly, not dropped with a 200 (defect: signed summary column)', async () => {
  await withWorkers(async (receiver, store) => {
    const url = receiver.address!.httpUrl;
    const t = modelTrace(7, 3);
    const late = (2n ** 63n) + 12_345n;
    const spans = t.spans.map((s, i) => ({ ...s, startNs: late + BigInt(i) }));
    for (const [body, type] of [[protoBody([{ ...t, spans }]), 'application/x-protobuf'], [jsonBody([{ ...t, spans }]), 'application/json']] as const) {
      const res = await post(url, body, { 'content-type': type });
      assert.equal(res.status, 200);
      if (type === 'application/json') assert.deepEqual(JSON.parse(res.body.toString()), {});
    }
    // Over gRPC too: OK with no partial-success note, and the spans are there.
    const g = modelTrace(8, 3);
    const gSpans = g.spans.map((s, i) => ({ ...s, startNs: 2n ** 64n - 10n + BigInt(i) }));
    const client = new grpc.Client(receiver.address!.grpcUrl!.replace('http://', ''), grpc.credentials.createInsecure());
    const answer = await new Promise<Buffer>((resolve, reject) => {
      client.makeUnaryRequest(GRPC_EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, protoBody([{ ...g, spans: gSpans }]), new grpc.Metadata(), { deadline: Date.now() + 5000 },
        (err, value) => (err ? reject(err) : resolve(value!)));
    }).finally(() => client.close());
    assert.deepEqual(decodeExportTraceServiceResponse(answer), { rejectedSpans: 0, errorMessage: '' });
    const stored = store.get(traceIdOf(7))!;
    assert.deepEqual(stored.spans.map(s => s.startNs), spans.map(s => s.startNs));
    assert.equal(store.item(traceIdOf(7))!.startNs, late);
    assert.deepEqual(store.get(traceIdOf(8))!.spans.map(s => s.startNs), gSpans.map(s => s.startNs));
    assert.equal(receiver.stats().spansAccepted, 6);
  });
});

test('the parse pool moves a copy of each request to its worker: the caller\'s buffer (which may share memory with a socket read) stays whole', async () => {
  const pool = new ParsePool({ workerPath: WORKER, threads: 1 });
  try {
    const proto = protoBody([modelTrace(11, 3)]);
    // A view into the middle of a larger buffer, as a socket read or Node's buffer pool hands out.
    const shared = Buffer.alloc(proto.length + 64);
    proto.copy(shared, 32);
    const view = shared.subarray(32, 32 + proto.length);
    const p = await pool.prepare(view, 'proto');
    assert.equal(shared.byteLength, proto.length + 64, 'the caller\'s memory is not detached');
    assert.ok(Buffer.from(view).equals(proto));
    assert.equal(p.index.count, 3);
    assert.ok(Buffer.from(p.bytes).equals(proto), 'the index refers to the bytes that came back');
    const json = jsonBody([modelTrace(12, 2)]);
    const length = json.byteLength;
    const q = await pool.prepare(json, 'json');
    assert.equal(json.byteLength, length);
    assert.equal(q.index.count, 2);
  } finally {
    pool.dispose();
  }
});
