// The real OpenTelemetry JS SDK exporters (OTLP/HTTP protobuf and JSON, gzip on, many batches; OTLP/gRPC) send to
// the receiver on a loopback port; every stored span must equal what the SDK exported, field by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { TraceStore } from '../../../src/backends/receiver/store';
import { OtlpReceiver } from '../../../src/backends/receiver/receiver';
import { assertStoredEqualsSent, emitThroughSdk } from './sdk';
import { withReceiver as withOneReceiver } from './rig';

const TRACES = 12; // 7 spans each, batches of 5: 17 export requests per exporter

function withReceiver(grpc: boolean, fn: (r: OtlpReceiver, store: TraceStore) => Promise<void>): Promise<void> {
  return withOneReceiver({ grpcPort: grpc ? 0 : false }, fn);
}

test('OTLP/HTTP protobuf exporter with gzip: stored spans equal the sent spans', async () => {
  await withReceiver(false, async (receiver, store) => {
    const exporter = new ProtoExporter({ url: receiver.address!.httpUrl, compression: 'gzip' as never });
    const sent = await emitThroughSdk(exporter, TRACES);
    assert.equal(sent.spans.length, TRACES * 7);
    assertStoredEqualsSent(sent, id => store.get(id)?.spans);
    const stats = receiver.stats();
    assert.equal(stats.spansAccepted, TRACES * 7);
    assert.equal(stats.spansRejected, 0);
    assert.ok(stats.requests >= Math.ceil((TRACES * 7) / 5), `many export requests (${stats.requests})`);
    assert.equal(stats.responses['200'], stats.requests);
  });
});

test('OTLP/HTTP JSON exporter with gzip: stored spans equal the sent spans', async () => {
  await withReceiver(false, async (receiver, store) => {
    const exporter = new JsonExporter({ url: receiver.address!.httpUrl, compression: 'gzip' as never });
    const sent = await emitThroughSdk(exporter, TRACES);
    assertStoredEqualsSent(sent, id => store.get(id)?.spans);
    assert.equal(receiver.stats().spansAccepted, TRACES * 7);
    assert.ok(receiver.stats().requests >= Math.ceil((TRACES * 7) / 5));
  });
});

test('OTLP/HTTP JSON exporter without compression', async () => {
  await withReceiver(false, async (receiver, store) => {
    const exporter = new JsonExporter({ url: receiver.address!.httpUrl });
    const sent = await emitThroughSdk(exporter, 3);
    assertStoredEqualsSent(sent, id => store.get(id)?.spans);
  });
});

test('OTLP/gRPC exporter with gzip: stored spans equal the sent spans', async () => {
  await withReceiver(true, async (receiver, store) => {
    const exporter = new GrpcExporter({ url: receiver.address!.grpcUrl!, compression: 'gzip' as never });
    const sent = await emitThroughSdk(exporter, TRACES);
    assertStoredEqualsSent(sent, id => store.get(id)?.spans);
    const stats = receiver.stats();
    assert.equal(stats.spansAccepted, TRACES * 7);
    assert.equal(stats.responses['grpc-0'], stats.requests);
  });
});
