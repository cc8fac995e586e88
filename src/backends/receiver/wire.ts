// The two small messages the receiver itself writes: ExportTraceServiceResponse (success, maybe partial) and
// google.rpc.Status (the body of an OTLP/HTTP error), in the encoding of the request as the OTLP spec asks.
// Request decoding and the binary ExportTraceServiceResponse are the core's OTLP codec (src/core/otlp/proto.ts);
// google.rpc.Status is not an OTLP message, so its three-field encoding lives here.
import { encodeExportTraceServiceResponse } from '../../core/otlp/proto';

export type WireEncoding = 'proto' | 'json';

export interface PartialSuccess {
  readonly rejectedSpans: number;
  readonly errorMessage: string;
}

/** ExportTraceServiceResponse { partial_success = 1 { rejected_spans = 1 (int64); error_message = 2 } }. */
export function encodeExportResponse(partial: PartialSuccess | undefined, encoding: WireEncoding): Buffer {
  if (encoding === 'json') {
    // proto3 JSON: int64 as a decimal string; an empty message when nothing was rejected.
    return Buffer.from(JSON.stringify(partial && (partial.rejectedSpans > 0 || partial.errorMessage)
      ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } }
      : {}));
  }
  const bytes = encodeExportTraceServiceResponse(partial ?? {});
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** gRPC status codes used for OTLP/HTTP error bodies. */
export const RPC_CODE = { invalidArgument: 3, permissionDenied: 7, resourceExhausted: 8, unavailable: 14, unauthenticated: 16, unimplemented: 12 } as const;

/** google.rpc.Status { code = 1 (int32); message = 2 }. */
export function encodeStatus(code: number, message: string, encoding: WireEncoding): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const out: number[] = [];
  if (code) { out.push(0x08); varint(out, code); }
  if (message) lengthDelimited(out, 2, Buffer.from(message, 'utf8'));
  return Buffer.from(out);
}

function varint(out: number[], n: number): void {
  let v = BigInt(Math.max(0, Math.floor(n)));
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

function lengthDelimited(out: number[], field: number, bytes: Uint8Array): void {
  out.push((field << 3) | 2);
  varint(out, bytes.length);
  for (const b of bytes) out.push(b);
}
