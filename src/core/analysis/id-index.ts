// Span ID → first span index, without hashing strings: canonical span IDs are 16 hex digits, read here as
// two 32-bit numbers into an open-addressing table of typed arrays. 100k spans index and resolve their
// parents several times faster than through a Map of strings (whose hashing dominated tree building).
// IDs that are not 16 hex digits (opaque IDs such as "span-1") go through a Map as before.

const NOT_HEX = -1;

/** The 32-bit value of 8 hex digits at `off`, or -1. */
function hex8(s: string, off: number): number {
  let v = 0;
  for (let k = off; k < off + 8; k++) {
    const c = s.charCodeAt(k);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return NOT_HEX;
    v = (v << 4) | d;
  }
  return v >>> 0;
}

export class SpanIdIndex {
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  /** Slot → span index + 1 (0 = empty). */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private opaque: Map<string, number> | undefined;

  constructor(capacity: number) {
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
  }

  // The two halves of the ID `slotOf` last read (fields, so that the hot path allocates nothing).
  private h = 0;
  private l = 0;

  /** For an ID of 16 hex digits: the slot that holds it, or the empty slot where it belongs. -1 for any other ID. */
  private slotOf(id: string): number {
    if (id.length !== 16) return -1;
    const h = hex8(id, 0);
    const l = h === NOT_HEX ? NOT_HEX : hex8(id, 8);
    if (l === NOT_HEX) return -1;
    this.h = h;
    this.l = l;
    let slot = (Math.imul(h ^ Math.imul(l, 0x9e3779b1), 0x85ebca6b) >>> 0) & this.mask;
    for (;;) {
      const at = this.slots[slot]!;
      if (at === 0 || (this.hi[at - 1] === h && this.lo[at - 1] === l)) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Records span `index` under `id` unless the ID is already there; returns the index that holds it. */
  add(id: string, index: number): number {
    const slot = this.slotOf(id);
    if (slot >= 0) {
      const at = this.slots[slot]!;
      if (at !== 0) return at - 1;
      this.slots[slot] = index + 1;
      this.hi[index] = this.h;
      this.lo[index] = this.l;
      return index;
    }
    const map = (this.opaque ??= new Map());
    const prev = map.get(id);
    if (prev !== undefined) return prev;
    map.set(id, index);
    return index;
  }

  /** The first span index with this ID, or -1. */
  get(id: string): number {
    const slot = this.slotOf(id);
    // an empty slot holds 0: -1, not found
    if (slot >= 0) return this.slots[slot]! - 1;
    return this.opaque?.get(id) ?? -1;
  }
}
