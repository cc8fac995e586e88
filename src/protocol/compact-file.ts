// A compact trace as one byte array (for the panel serializer's store): a JSON header followed by the raw
// bytes of every typed array and the string table as UTF-8. Pure (TextEncoder/TextDecoder only).
import type { CompactColumns, CompactTrace } from './compact';
import { validateCompactTrace } from './compact';

const MAGIC = 'SPANSCOPE-COMPACT-1\n';
type ArrayCtor = { new (b: ArrayBuffer, off: number, len: number): ArrayBufferView; BYTES_PER_ELEMENT: number };
const CTORS: Record<string, ArrayCtor> = {
  Uint8Array: Uint8Array as unknown as ArrayCtor, Uint16Array: Uint16Array as unknown as ArrayCtor, Uint32Array: Uint32Array as unknown as ArrayCtor,
  Int32Array: Int32Array as unknown as ArrayCtor, Float64Array: Float64Array as unknown as ArrayCtor,
};

interface Header {
  meta: Omit<CompactTrace, 'cols' | 'strings' | 'stringEnds'>;
  arrays: { name: string; type: string; length: number }[];
  stringsBytes: number;
}

export function serializeCompactTrace(c: CompactTrace): Uint8Array {
  const { cols, strings, stringEnds, ...meta } = c;
  const named: [string, ArrayBufferView & { length: number }][] = [['stringEnds', stringEnds], ...(Object.entries(cols) as [string, ArrayBufferView & { length: number }][])];
  const str = new TextEncoder().encode(strings);
  const header: Header = { meta, arrays: named.map(([name, a]) => ({ name, type: a.constructor.name, length: a.length })), stringsBytes: str.length };
  const head = new TextEncoder().encode(MAGIC + JSON.stringify(header) + '\n');
  const align = (n: number) => (n + 7) & ~7;
  let size = align(head.length);
  for (const [, a] of named) size += align(a.byteLength);
  size += str.length;
  const out = new Uint8Array(size);
  out.set(head, 0);
  let off = align(head.length);
  for (const [, a] of named) { out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off); off += align(a.byteLength); }
  out.set(str, off);
  return out;
}

/** Read bytes written by serializeCompactTrace; throws on anything malformed (then validated as any compact trace). */
export function deserializeCompactTrace(bytes: Uint8Array): CompactTrace {
  const nl = bytes.indexOf(10, MAGIC.length);
  // ignoreBOM: a U+FEFF at the start of the string table is the first string's own character (the default drops it,
  // and every string after it would be read one character off)
  const dec = new TextDecoder('utf-8', { ignoreBOM: true });
  if (nl < 0 || dec.decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) throw new Error('not a Spanscope compact trace file');
  const header = JSON.parse(dec.decode(bytes.subarray(MAGIC.length, nl))) as Header;
  const align = (n: number) => (n + 7) & ~7;
  let off = align(nl + 1);
  const arrays: Record<string, ArrayBufferView> = {};
  for (const a of header.arrays) {
    const ctor = CTORS[a.type];
    if (!ctor) throw new Error(`unknown array type ${a.type}`);
    const byteLength = a.length * ctor.BYTES_PER_ELEMENT;
    if (off + byteLength > bytes.length) throw new Error('truncated compact trace file');
    // Uint8Array's slice copies; Node's Buffer.slice (what workspace.fs.readFile returns) would not.
    const copy = Uint8Array.prototype.slice.call(bytes, off, off + byteLength);
    arrays[a.name] = new ctor(copy.buffer, 0, a.length);
    off += align(byteLength);
  }
  if (off + header.stringsBytes > bytes.length) throw new Error('truncated compact trace file');
  const strings = dec.decode(bytes.subarray(off, off + header.stringsBytes));
  const { stringEnds, ...cols } = arrays;
  const c = { ...header.meta, strings, stringEnds: stringEnds as Uint32Array, cols: cols as unknown as CompactColumns } as CompactTrace;
  validateCompactTrace(c);
  return c;
}
