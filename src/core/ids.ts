// Trace and span IDs in one canonical form: lowercase hex, trace IDs left-padded to 32 chars and span IDs to 16.
// Sources disagree: Jaeger/Zipkin send 16-hex trace IDs, jaeger-ui fixtures 14-hex span IDs, the OTLP spec example
// UPPERCASE hex, Tempo JSON base64 (24 chars for 16 bytes, 12 for 8), Tempo search strips leading zeros, and test
// data uses non-hex strings like `trace-123`. A string that is pure hex is always read as hex (a 12-char hex string
// is a 48-bit ID, not base64); a non-hex, non-base64 string is kept as an opaque ID (trimmed) so nothing crashes.

const HEX_DIGITS = '0123456789abcdef';
const BYTE_HEX: string[] = [];
for (let i = 0; i < 256; i++) BYTE_HEX.push(HEX_DIGITS[i >> 4]! + HEX_DIGITS[i & 15]!);

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64_ALPHABET.charCodeAt(i)] = i;
// URL-safe alphabet too (some proxies re-encode IDs that way).
B64_VALUE['-'.charCodeAt(0)] = 62;
B64_VALUE['_'.charCodeAt(0)] = 63;

const CANONICAL_TRACE = /^[0-9a-f]{32}$/;
const CANONICAL_SPAN = /^[0-9a-f]{16}$/;
const HEX = /^[0-9a-fA-F]+$/;
const ALL_ZERO = /^0+$/;

/** True when `s` is a non-empty string of hex digits (any case). */
export function isHexId(s: string): boolean {
  return HEX.test(s);
}

/** True for IDs that are all zeros (invalid in W3C trace context, OTLP, Jaeger and Zipkin). */
export function isAllZeroId(s: string): boolean {
  return ALL_ZERO.test(s);
}

/** Lowercase hex of bytes (protobuf IDs). */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += BYTE_HEX[bytes[i]!]!;
  return s;
}

/** Bytes of an even-length hex string; undefined when it is not hex. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || (hex.length > 0 && !HEX.test(hex))) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Decodes standard or URL-safe base64, padded or not; undefined when `s` is not base64. */
export function base64ToBytes(s: string): Uint8Array | undefined {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61 /* = */) end--;
  if (s.length - end > 2) return undefined;
  if (s.length !== end && s.length % 4 !== 0) return undefined; // padding only on a full quantum
  const rem = end % 4;
  if (rem === 1) return undefined;
  const out = new Uint8Array(((end >> 2) * 3) + (rem === 0 ? 0 : rem - 1));
  let o = 0;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    const a = b64(s, i), b = b64(s, i + 1), c = b64(s, i + 2), d = b64(s, i + 3);
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16; out[o++] = (n >> 8) & 255; out[o++] = n & 255;
  }
  if (rem === 2) {
    const a = b64(s, i), b = b64(s, i + 1);
    if ((a | b) < 0) return undefined;
    out[o++] = ((a << 18) | (b << 12)) >> 16;
  } else if (rem === 3) {
    const a = b64(s, i), b = b64(s, i + 1), c = b64(s, i + 2);
    if ((a | b | c) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6);
    out[o++] = n >> 16; out[o++] = (n >> 8) & 255;
  }
  return out;
}

function b64(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? B64_VALUE[c]! : -1;
}

/** Standard padded base64 of bytes. */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    s += B64_ALPHABET[n >> 18]! + B64_ALPHABET[(n >> 12) & 63]! + B64_ALPHABET[(n >> 6) & 63]! + B64_ALPHABET[n & 63]!;
  }
  const rem = bytes.length - i;
  if (rem === 1) {
    const n = bytes[i]! << 16;
    s += B64_ALPHABET[n >> 18]! + B64_ALPHABET[(n >> 12) & 63]! + '==';
  } else if (rem === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    s += B64_ALPHABET[n >> 18]! + B64_ALPHABET[(n >> 12) & 63]! + B64_ALPHABET[(n >> 6) & 63]! + '=';
  }
  return s;
}

/** Base64 (standard or URL-safe) → lowercase hex; undefined when `s` is not base64. */
export function base64ToHex(s: string): string | undefined {
  const bytes = base64ToBytes(s);
  return bytes === undefined ? undefined : bytesToHex(bytes);
}

/** Hex → standard padded base64 (odd-length hex is left-padded with one 0); undefined when not hex. */
export function hexToBase64(s: string): string | undefined {
  const bytes = hexToBytes(s.length % 2 ? '0' + s : s);
  return bytes === undefined ? undefined : bytesToBase64(bytes);
}

function canonicalId(raw: string, width: number, canonical: RegExp, byteLengths: readonly number[]): string {
  if (canonical.test(raw)) return raw; // the common case: already canonical, keep the same string
  const s = raw.trim();
  if (s.length === 0) return s;
  if (HEX.test(s)) {
    const lower = s.toLowerCase();
    if (lower.length <= width) return lower.padStart(width, '0');
    // Longer than the width: fine when the excess is leading zeros, otherwise it is not an ID we know: keep it.
    const excess = lower.length - width;
    return ALL_ZERO.test(lower.slice(0, excess)) ? lower.slice(excess) : lower;
  }
  if (s.length <= 24) {
    const bytes = base64ToBytes(s);
    if (bytes !== undefined && byteLengths.includes(bytes.length)) return bytesToHex(bytes).padStart(width, '0');
  }
  return s;
}

const TRACE_BYTES = [8, 16];
const SPAN_BYTES = [8];

/** Canonical trace ID: lowercase hex padded to 32; base64 of 8 or 16 bytes decoded; anything else kept, trimmed. */
export function canonicalTraceId(raw: string): string {
  return canonicalId(raw, 32, CANONICAL_TRACE, TRACE_BYTES);
}

/** Canonical span ID: lowercase hex padded to 16; base64 of 8 bytes decoded; anything else kept, trimmed. */
export function canonicalSpanId(raw: string): string {
  return canonicalId(raw, 16, CANONICAL_SPAN, SPAN_BYTES);
}

/** Canonical ID of protobuf `bytes` (trace: 32 hex, span: 16 hex); empty bytes give ''. */
export function idBytesToHex(bytes: Uint8Array, start: number, end: number, width: 16 | 32): string {
  if (end === start) return '';
  const hex = bytesToHex(bytes, start, end);
  return hex.length < width ? hex.padStart(width, '0') : hex;
}

/** How many leading characters of a trace ID the UI shows (tab titles, the Live list, comparisons): one length. */
export const SHORT_ID_LENGTH = 8;

/** A trace (or span) ID shortened for display, the same everywhere. */
export function shortTraceId(id: string): string {
  return id.length > SHORT_ID_LENGTH ? id.slice(0, SHORT_ID_LENGTH) : id;
}
