#!/usr/bin/env node
// A generated trace (bench/gen-trace.mjs) written to a file, for sizes whose JSON is longer than the longest string
// V8 can hold (about 512 MiB: a 1,000,000-span Jaeger document is about 1 GB), so `JSON.stringify` of the whole
// document throws. The document is written piece by piece: the same bytes as `JSON.stringify(generateTrace(...))`
// (checked by test/unit/bench/trace-file.test.ts), with each span serialized on its own.
//
//   node --max-old-space-size=8192 bench/trace-file.mjs --n 1000000 [--seed 1] [--format jaeger|otlp] --out FILE
//
// Files are cached by the benchmark (bench/webview.mjs) under ~/.cache/spanscope/bench-traces, keyed by the
// generator's own hash, so that a changed generator never serves stale bytes.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateTrace } from './gen-trace.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The JSON text of `value` as pieces whose concatenation is exactly `JSON.stringify(value)` (for plain data: no
 * toJSON, no cycles). Objects and arrays are opened `depth` levels deep; below that each value is stringified whole,
 * so no single piece grows with the document.
 */
export function* jsonPieces(value, depth = 4) {
  const skip = x => x === undefined || typeof x === 'function' || typeof x === 'symbol';
  if (depth > 0 && Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      // JSON.stringify writes what it cannot represent inside an array as null.
      if (skip(value[i])) yield 'null';
      else yield* jsonPieces(value[i], depth - 1);
    }
    yield ']';
  } else if (depth > 0 && value !== null && typeof value === 'object' && typeof value.toJSON !== 'function') {
    yield '{';
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (skip(v)) continue; // ... and leaves such a property out of an object
      yield `${first ? '' : ','}${JSON.stringify(k)}:`;
      first = false;
      yield* jsonPieces(v, depth - 1);
    }
    yield '}';
  } else {
    yield JSON.stringify(value);
  }
}

/** Writes the generated trace to `file` (through a temporary name, so a reader never sees half a file). */
export function writeTraceFile({ n, seed = 1, format = 'jaeger', file }) {
  const doc = generateTrace({ n, seed, format });
  const tmp = `${file}.${process.pid}.part`;
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(tmp, 'w');
  let bytes = 0;
  try {
    // Pieces are gathered into writes of about 4 MiB (one write per span would be a million system calls).
    let buf = [];
    let size = 0;
    const flush = () => { const b = Buffer.from(buf.join('')); writeSync(fd, b); bytes += b.length; buf = []; size = 0; };
    for (const piece of jsonPieces(doc)) {
      buf.push(piece);
      size += piece.length;
      if (size >= 4 << 20) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return bytes;
}

/** Where the benchmark keeps the file of (n, seed, format): named by the generator's hash. */
export function traceFilePath({ n, seed = 1, format = 'jaeger' }) {
  const gen = createHash('sha256').update(readFileSync(join(HERE, 'gen-trace.mjs'))).digest('hex').slice(0, 12);
  return join(homedir(), '.cache', 'spanscope', 'bench-traces', `${format}-${n}-${seed}-${gen}.json`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
  const n = Number(arg('n')), seed = Number(arg('seed', '1')), format = arg('format', 'jaeger');
  const file = arg('out') ?? traceFilePath({ n, seed, format });
  const t0 = performance.now();
  const bytes = writeTraceFile({ n, seed, format, file });
  process.stdout.write(`${file}\t${bytes} bytes\t${Math.round(performance.now() - t0)} ms\n`);
}
