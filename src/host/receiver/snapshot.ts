// The receiver's store kept across window reloads: the newest traces, encoded as OTLP protobuf (one message per
// trace, length-prefixed), bounded in bytes. No `vscode` here, so it is tested in plain Node.
import { readFile, rename, writeFile, mkdir } from 'node:fs/promises';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Trace } from '../../core/model';
import { encodeOtlpProtobuf } from '../../core/otlp/proto';
import { parseTraceDocument } from '../../core/parse';

const MAGIC = Buffer.from('SPANSCOPE-STORE1\n', 'latin1');

/** Encodes traces (in the given order, newest first) until `maxBytes` would be exceeded. */
export function encodeSnapshot(traces: readonly Trace[], maxBytes: number): { bytes: Buffer; count: number } {
  const parts: Buffer[] = [MAGIC];
  let total = MAGIC.length;
  let count = 0;
  for (const t of traces) {
    const body = encodeOtlpProtobuf([t]);
    if (total + 4 + body.byteLength > maxBytes) continue; // a smaller, older trace may still fit
    const len = Buffer.alloc(4);
    len.writeUInt32LE(body.byteLength);
    parts.push(len, Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    total += 4 + body.byteLength;
    count++;
  }
  return { bytes: Buffer.concat(parts, total), count };
}

/**
 * Decodes a snapshot. A damaged file gives the traces before the damage (and `damaged: true`), never an exception:
 * it is our own file, but disks and versions change.
 */
export function decodeSnapshot(bytes: Uint8Array): { traces: Trace[]; damaged: boolean } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return { traces: [], damaged: buf.length > 0 };
  const traces: Trace[] = [];
  let at = MAGIC.length;
  while (at < buf.length) {
    if (at + 4 > buf.length) return { traces, damaged: true };
    const len = buf.readUInt32LE(at);
    at += 4;
    if (at + len > buf.length) return { traces, damaged: true };
    try {
      traces.push(...parseTraceDocument(buf.subarray(at, at + len), { format: 'otlp-proto' }).traces);
    } catch {
      return { traces, damaged: true };
    }
    at += len;
  }
  return { traces, damaged: false };
}

/** Written synchronously: it runs while the window closes, when pending promises may never settle. */
export function writeSnapshotSync(file: string, bytes: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, bytes);
  renameSync(`${file}.tmp`, file);
}

export async function writeSnapshot(file: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, bytes);
  await rename(`${file}.tmp`, file);
}

export async function readSnapshot(file: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}
