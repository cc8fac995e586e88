// Export requests for receiver tests, built from model spans with the core's OTLP encoders, plus a raw HTTP client
// that shows exactly what the receiver answered (status, headers, body) without any exporter logic in between.
import * as http from 'node:http';
import type { Span, Trace } from '../../../src/core/model';
import { encodeOtlpProtobuf } from '../../../src/core/otlp/proto';
import { traceToOtlpJson } from '../../../src/core/otlp/encode';
import { exchange, type RawResponse } from '../../support/http';

export type { RawResponse };

const RESOURCE = { serviceName: 'payload-svc', attributes: [{ key: 'service.name', value: 'payload-svc' }] };

export function traceIdOf(n: number): string {
  return (n + 1).toString(16).padStart(32, '0');
}

/** One trace of `spans` spans (a root and children), trace ID derived from `n`. */
export function modelTrace(n: number, spans = 3): Trace {
  const traceId = traceIdOf(n);
  const out: Span[] = [];
  for (let i = 0; i < spans; i++) {
    out.push({
      traceId,
      spanId: (i + 1).toString(16).padStart(16, '0'),
      ...(i > 0 ? { parentId: '0000000000000001' } : {}),
      name: i === 0 ? `GET /item/${n}` : `child-${i}`,
      kind: i === 0 ? 'server' : 'internal',
      resource: RESOURCE,
      status: { code: 'unset' },
      startNs: 1_767_000_000_000_000_000n + BigInt(n) * 1_000_000n + BigInt(i) * 1000n,
      durationNs: 900,
      attributes: [{ key: 'i', value: BigInt(i) }],
      events: [],
      links: [],
    });
  }
  return { traceId, spans: out, format: 'otlp', warnings: [] };
}

export function protoBody(traces: readonly Trace[]): Buffer {
  const b = encodeOtlpProtobuf(traces);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

export function jsonBody(traces: readonly Trace[]): Buffer {
  return Buffer.from(JSON.stringify(traceToOtlpJson(traces)));
}

export function post(url: string, body: Buffer | string, headers: Record<string, string> = {}, method = 'POST', agent: http.Agent | false = false): Promise<RawResponse> {
  return exchange(http.request(url, { method, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers }, agent }), body);
}
