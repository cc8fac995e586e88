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
  if (text.indexOf('\n') < 0) return undefined;
  // Cheap test first (a broken pretty-printed document must not be split into a million lines): the first
  // non-empty line must be a JSON value by itself.
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const line = text.slice(start, nl < 0 ? text.length : nl);
    if (line.trim().length > 0) {
      try { JSON.parse(line); } catch { return undefined; }
      break;
    }
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const parts = text.split('\n');
  let nonEmpty = 0;
  for (const p of parts) if (p.trim().length > 0) nonEmpty++;
  if (nonEmpty < 2) return undefined;
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
  // Some V8 messages ("Unexpected token 'x', …") carry no position: find it ourselves.
  const found = m ? Number(m[1]) : firstSyntaxErrorOffset(text);
  let loc: string;
  if (found !== undefined && found < text.length) {
    const pos = found;
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

/**
 * Offset of the first JSON syntax error (undefined when the text is valid or ends early). Only used to say where a
 * document is broken, so it is a plain iterative scanner (no recursion: deep nesting cannot overflow the stack).
 */
export function firstSyntaxErrorOffset(t: string): number | undefined {
  const stack: number[] = []; // 0 = in array, 1 = in object
  let i = 0;
  const n = t.length;
  const ws = () => { while (i < n && (t[i] === ' ' || t[i] === '\n' || t[i] === '\r' || t[i] === '\t')) i++; };
  const str = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === 34) { i++; return true; }
      if (c === 92) { i = Math.min(i + 2, n); continue; } // a backslash at the very end must not step past it
      if (c < 32) return false;
      i++;
    }
    return false;
  };
  const value = (): boolean => {
    ws();
    const c = t[i];
    if (c === '"') return str();
    if (c === '{' || c === '[') return true; // opened by the caller loop
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(t.slice(i, i + 400));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  ws();
  for (;;) {
    ws();
    if (i >= n) return undefined;
    const c = t[i];
    if (c === '{' || c === '[') {
      stack.push(c === '{' ? 1 : 0);
      i++;
      ws();
      if (t[i] === (c === '{' ? '}' : ']')) { stack.pop(); i++; }
      else if (c === '{') { if (t[i] !== '"') return i; if (!str()) return i; ws(); if (t[i] !== ':') return i; i++; continue; }
      else continue;
    } else if (!value()) return i;
    // after a value: a comma, a closer, or the end
    for (;;) {
      ws();
      if (stack.length === 0) { return i < n ? i : undefined; }
      if (i >= n) return undefined;
      const top = stack[stack.length - 1];
      if (t[i] === ',') {
        i++;
        if (top === 1) { ws(); if (t[i] !== '"') return i; if (!str()) return i; ws(); if (t[i] !== ':') return i; i++; }
        break;
      }
      if ((top === 1 && t[i] === '}') || (top === 0 && t[i] === ']')) { stack.pop(); i++; continue; }
      return i;
    }
  }
}
