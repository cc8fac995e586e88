// The one entry point for trace documents: detect the format, parse, validate and normalize into the model.
// Only TraceParseError escapes (anything else is wrapped: the CLI prints one clean line, never a stack trace).
import { TraceParseError, type ParseResult, type SourceFormat } from '../model';
import { Builder, describe, isObject } from './builder';
import { parseJsonText, stripBom, type JsonInput } from './json-text';
import { findResourceSpans, readOtlpDocument } from './otlp-json';
import { readJaegerDocument } from './jaeger';
import { readZipkinDocument } from './zipkin';
import { decodeOtlpProtobuf } from './otlp-proto';

export interface ParseOptions {
  /** `auto` (default) detects the format; a named format skips detection but still validates the shape. */
  readonly format?: 'auto' | SourceFormat;
}

export const SOURCE_FORMATS: readonly SourceFormat[] = ['jaeger', 'jaeger-v3', 'otlp', 'otlp-proto', 'zipkin'];

/** Parses a trace document of any supported format. Throws only TraceParseError. */
export function parseTraceDocument(input: string | Uint8Array, options: ParseOptions = {}): ParseResult {
  try {
    return parseUnchecked(input, options.format ?? 'auto');
  } catch (err) {
    throw asParseError(err);
  }
}

/** The format of a document (parses JSON to look at its shape). Throws TraceParseError when unknown or unreadable. */
export function detectFormat(input: string | Uint8Array): SourceFormat {
  try {
    const text = typeof input === 'string' ? input : jsonTextOf(input);
    if (text === undefined) return 'otlp-proto';
    return detectJson(parseJsonText(text));
  } catch (err) {
    throw asParseError(err);
  }
}

export function parseUnchecked(input: string | Uint8Array, format: 'auto' | SourceFormat): ParseResult {
  if (format !== 'auto' && !SOURCE_FORMATS.includes(format)) throw new TraceParseError(`unknown format "${String(format)}" (expected one of auto, ${SOURCE_FORMATS.join(', ')})`, '$');
  let text: string | undefined;
  if (typeof input === 'string') {
    if (format === 'otlp-proto') throw new TraceParseError('OTLP protobuf input must be bytes, not text', '$');
    text = input;
  } else if (format === 'otlp-proto') {
    return decodeOtlpProtobuf(input);
  } else {
    text = jsonTextOf(input);
    if (text === undefined) {
      if (format !== 'auto') throw new TraceParseError(`expected ${format} JSON but the input is not UTF-8 JSON text`, 'byte 0');
      return decodeOtlpProtobuf(input);
    }
  }
  return readJsonInput(parseJsonText(text), format);
}

/** Normalizes parsed JSON documents (one, or the lines of JSON Lines) of a format, detected when `auto`. */
export function readJsonInput(json: JsonInput, format: 'auto' | SourceFormat): ParseResult {
  const detected = format === 'auto' ? detectJson(json) : format;
  const b = new Builder(detected);
  for (const doc of json.docs) {
    switch (detected) {
      case 'otlp': case 'jaeger-v3': readOtlpDocument(doc.value, doc.path, b); break;
      case 'jaeger': readJaegerDocument(doc.value, doc.path, b); break;
      case 'zipkin': readZipkinDocument(doc.value, doc.path, b); break;
    }
  }
  return b.finish();
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The text of bytes that are UTF-8 JSON (first non-blank byte `{` or `[`), else undefined (protobuf). */
function jsonTextOf(bytes: Uint8Array): string | undefined {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (i === bytes.length) throw new TraceParseError('empty input: expected a trace document (JSON or OTLP protobuf)', '$');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw new TraceParseError('the input is gzip-compressed: decompress it first', 'byte 0');
  const c = bytes[i];
  if (c !== 0x7b && c !== 0x5b) return undefined;
  try {
    return stripBom(decoder.decode(bytes));
  } catch {
    return undefined;
  }
}

function detectJson(json: JsonInput): SourceFormat {
  const first = json.docs[0];
  if (!first) throw new TraceParseError('empty input: expected a trace document', '$');
  const f = detectValue(first.value, first.path);
  if (json.lines && f !== 'otlp' && f !== 'jaeger-v3') throw new TraceParseError(`JSON Lines are read as OTLP (one TracesData per line), but line 1 looks like ${f}`, first.path);
  return f;
}

export function detectValue(v: unknown, path: string): SourceFormat {
  if (Array.isArray(v)) {
    if (v.length === 0) return 'zipkin';
    const x = v[0];
    if (Array.isArray(x)) return 'zipkin';
    if (isObject(x)) {
      if ('spanID' in x || 'operationName' in x || 'traceID' in x) return 'jaeger';
      if ('traceId' in x && ('id' in x || 'localEndpoint' in x || 'timestamp' in x)) return 'zipkin';
      if ('id' in x || 'localEndpoint' in x) return 'zipkin';
    }
    throw new TraceParseError(`unknown trace format: an array whose first element is ${describe(x)} is neither Zipkin spans nor Jaeger spans`, `${path}[0]`);
  }
  if (!isObject(v)) throw new TraceParseError(`unknown trace format: expected a JSON object or array, got ${describe(v)}`, path);
  if (isObject(v.result) && findResourceSpans(v)) return 'jaeger-v3';
  if (findResourceSpans(v)) return 'otlp';
  if ('data' in v) return 'jaeger'; // the envelope's own validation says what is wrong inside
  if (Array.isArray(v.spans) && ('traceID' in v || 'processes' in v || v.spans.length === 0 || (isObject(v.spans[0]) && 'spanID' in v.spans[0]))) return 'jaeger';
  if (isObject(v.error) && typeof v.error.message === 'string') throw new TraceParseError(`the document is an error response, not a trace: ${v.error.message}`, `${path}.error`);
  const keys = Object.keys(v).slice(0, 6).map(k => JSON.stringify(k)).join(', ');
  throw new TraceParseError(`unknown trace format: expected Jaeger ({"data":[…]} or a trace with "spans"), OTLP ({"resourceSpans":[…]}, "batches", {"trace":…}, {"result":…}) or Zipkin ([…]); found an object with keys ${keys || '(none)'}`, path);
}

export function asParseError(err: unknown): TraceParseError {
  if (err instanceof TraceParseError) return err;
  if (err instanceof RangeError) return new TraceParseError(`the document is nested too deeply or too large (${err.message})`, '$');
  return new TraceParseError(`could not read the document: ${err instanceof Error ? err.message : String(err)}`, '$');
}
