// Where the receiver's store snapshot (TraceStore.snapshot(): OTLP protobuf, newest first, bounded) lives between
// sessions. Written synchronously on shutdown, when pending promises may never settle; written to a temporary
// file first so that a crash mid-write leaves the previous snapshot intact.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export function writeSnapshotSync(file: string, bytes: Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, bytes);
  renameSync(`${file}.tmp`, file);
}

export async function readSnapshot(file: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}
