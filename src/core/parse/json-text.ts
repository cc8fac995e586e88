// From text to JSON values: one document, or JSON Lines (one document per line, the collector file exporter).
// Errors say where: line and column for a syntax error, `line N` for a bad JSON Lines record.
import { TraceParseError } from '../model';

export interface JsonDocument {
  readonly value: unknown;
  /** Path prefix for messages: `$` for a single document, `line 3: $` for JSON Lines. */
  readonly path: string;
}

export interface JsonInput {
  readonly docs: readonly JsonDocument[];
  readonly lines: boolean;
}

/** Strips a UTF-8 byte-order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function parseJsonText(raw: string): JsonInput {
  const text = stripBom(raw);
  if (text.trim().length === 0) throw new TraceParseError('empty input: expected a trace document (JSON or OTLP protobuf)', '$');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const lines = jsonLines(text);
    if (lines) return lines;
    throw syntaxError(text, err, '');
  }
  return { docs: [{ value, path: '$' }], lines: false };
}

/** JSON Lines when there are several non-empty lines and the first one is a JSON value by itself. */
function jsonLines(text: string): JsonInput | undefined {
  const first = text.indexOf('\n');
  if (first < 0) return undefined;
  const parts = text.split('\n');
  let nonEmpty = 0;
  for (const p of parts) if (p.trim().length > 0) nonEmpty++;
  if (nonEmpty < 2) return undefined;
  const firstLine = parts.findIndex(p => p.trim().length > 0);
  try {
    JSON.parse(parts[firstLine]!);
  } catch {
    return undefined;
  }
  const docs: JsonDocument[] = [];
  for (let i = 0; i < parts.length; i++) {
    const line = parts[i]!;
    if (line.trim().length === 0) continue;
    try {
      docs.push({ value: JSON.parse(line), path: `line ${i + 1}: $` });
    } catch (err) {
      throw syntaxError(line, err, `line ${i + 1}`);
    }
  }
  return { docs, lines: true };
}

function syntaxError(text: string, err: unknown, where: string): TraceParseError {
  const msg = err instanceof Error ? err.message : String(err);
  const m = /position (\d+)/.exec(msg);
  let loc: string;
  if (m) {
    const pos = Number(m[1]);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
    loc = where ? `${where}, column ${pos - lineStart + 1}` : `line ${line}, column ${pos - lineStart + 1}`;
  } else if (/end of JSON input|Unterminated/i.test(msg)) {
    loc = where ? `${where}, end of line` : 'end of input';
  } else {
    loc = where || 'line 1';
  }
  const truncated = /end of JSON input|Unterminated/i.test(msg);
  const short = msg.length > 160 ? msg.slice(0, 160) + '…' : msg;
  return new TraceParseError(`${truncated ? 'truncated JSON' : 'not valid JSON'} (${short}) at ${loc}`, loc);
}
