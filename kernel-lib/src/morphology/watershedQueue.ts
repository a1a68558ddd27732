// Priority queues of the marker watershed (watershed.ts): skimage's binary heap, and a
// bucket queue over the ranks of a relief's distinct values. @internal
import type { Volume } from "../volume/types.js";

/**
 * Binary min-heap of (value, age, index, source), ordered by value then age, with the
 * comparisons of skimage's `heap_general.pxi` (its swaps done as moves of a hole, which
 * compares the same pairs), so that entries of equal key (the markers, which all have
 * age 0) leave the heap in the same order. `source` is kept only for the compact flood.
 */
export class FloodHeap {
  size = 0;
  /** Entries interleaved (value, age, index[, source]): one cache line per comparison. */
  private h: Float64Array;
  private readonly w: number;
  /** The last popped entry's source (compact flood). */
  poppedSource = 0;

  constructor(withSource: boolean) {
    this.w = withSource ? 4 : 3;
    this.h = new Float64Array(this.w << 16);
  }

  push(value: number, age: number, index: number, source = 0): void {
    const w = this.w;
    if ((this.size + 1) * w > this.h.length) {
      const grown = new Float64Array(this.h.length * 2);
      grown.set(this.h);
      this.h = grown;
    }
    const h = this.h;
    let child = this.size++;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const a = parent * w;
      const vp = h[a]!;
      if (!(value < vp || (value === vp && age < h[a + 1]!))) break;
      const b = child * w;
      h[b] = vp;
      h[b + 1] = h[a + 1]!;
      h[b + 2] = h[a + 2]!;
      if (w === 4) h[b + 3] = h[a + 3]!;
      child = parent;
    }
    const b = child * w;
    h[b] = value;
    h[b + 1] = age;
    h[b + 2] = index;
    if (w === 4) h[b + 3] = source;
  }

  /** Remove the smallest entry and return its voxel index (its source in `poppedSource`). */
  pop(): number {
    const h = this.h;
    const w = this.w;
    const top = h[2]!;
    if (w === 4) this.poppedSource = h[3]!;
    const size = --this.size;
    if (size === 0) return top;
    // Sift the last entry down from the root.
    const e = size * w;
    const v = h[e]!;
    const g = h[e + 1]!;
    const idx = h[e + 2]!;
    const src = w === 4 ? h[e + 3]! : 0;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      let best = i;
      let bv = v;
      let bg = g;
      const al = l * w;
      const vl = h[al]!;
      if (vl < bv || (vl === bv && h[al + 1]! < bg)) {
        best = l;
        bv = vl;
        bg = h[al + 1]!;
      }
      if (l + 1 < size) {
        const vr = h[al + w]!;
        if (vr < bv || (vr === bv && h[al + w + 1]! < bg)) best = l + 1;
      }
      if (best === i) break;
      const a = best * w;
      const b = i * w;
      h[b] = h[a]!;
      h[b + 1] = h[a + 1]!;
      h[b + 2] = h[a + 2]!;
      if (w === 4) h[b + 3] = h[a + 3]!;
      i = best;
    }
    const b = i * w;
    h[b] = v;
    h[b + 1] = g;
    h[b + 2] = idx;
    if (w === 4) h[b + 3] = src;
    return top;
  }
}

/** Most distinct values for which the watershed uses the bucket queue (else the heap). */
export const MAX_LEVELS = 1 << 16;

/**
 * Order-preserving uint32 keys of a relief's values, read straight from its buffer:
 * float32 bits made monotone (-0 read as +0), unsigned integers as they are, signed
 * integers shifted by 2^31. `undefined` for float64 data (no 32-bit key keeps their order).
 */
export function levelKeys(data: Volume["data"]): ((i: number) => number) | undefined {
  if (data instanceof Float32Array) {
    const u = new Uint32Array(data.buffer, data.byteOffset, data.length);
    return (i) => {
      const b = u[i]!;
      if (b === 0x80000000) return 0x80000000; // -0 ties with +0
      return b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    };
  }
  if (data instanceof Uint8Array || data instanceof Uint16Array || data instanceof Uint32Array)
    return (i) => data[i]!;
  if (data instanceof Uint8ClampedArray) return (i) => data[i]!;
  if (data instanceof Int8Array || data instanceof Int16Array || data instanceof Int32Array)
    return (i) => (data[i]! ^ 0x80000000) >>> 0;
  return undefined;
}

/**
 * The distinct keys of a relief, each given a slot as it is first seen (open addressing);
 * {@link LevelTable.ranks} then maps slots to the keys' ranks in increasing order.
 */
export class LevelTable {
  count = 0;
  private keys = new Uint32Array(1024);
  private slots = new Int32Array(1024).fill(-1);
  private slotKeys = new Uint32Array(256);
  private lastKey = -1;
  private lastSlot = -1;

  /** Slot of `key`, or -1 when there would be more than `limit` distinct keys. */
  slot(key: number, limit: number): number {
    if (key === this.lastKey) return this.lastSlot;
    const mask = this.keys.length - 1;
    let h = Math.imul(key, 0x9e3779b1) >>> 0;
    for (;;) {
      const at = h & mask;
      const s = this.slots[at]!;
      if (s === -1) break;
      if (this.keys[at] === key) {
        this.lastKey = key;
        this.lastSlot = s;
        return s;
      }
      h = at + 1;
    }
    if (this.count === limit) return -1;
    const s = this.count++;
    if (s === this.slotKeys.length) {
      const grown = new Uint32Array(s * 2);
      grown.set(this.slotKeys);
      this.slotKeys = grown;
    }
    this.slotKeys[s] = key;
    if (2 * this.count > this.keys.length) this.rehash();
    else this.insert(key, s);
    this.lastKey = key;
    this.lastSlot = s;
    return s;
  }

  private insert(key: number, s: number): void {
    const mask = this.keys.length - 1;
    let at = (Math.imul(key, 0x9e3779b1) >>> 0) & mask;
    while (this.slots[at] !== -1) at = (at + 1) & mask;
    this.keys[at] = key;
    this.slots[at] = s;
  }

  private rehash(): void {
    const n = this.keys.length * 2;
    this.keys = new Uint32Array(n);
    this.slots = new Int32Array(n).fill(-1);
    for (let s = 0; s < this.count; s++) this.insert(this.slotKeys[s]!, s);
  }

  /** `rank[slot]`: 0 for the smallest key, count - 1 for the largest. */
  ranks(): Int32Array {
    const keys = this.slotKeys;
    const order = Array.from({ length: this.count }, (_, s) => s).sort(
      (a, b) => keys[a]! - keys[b]!,
    );
    const rank = new Int32Array(this.count);
    order.forEach((s, r) => (rank[s] = r));
    return rank;
  }
}

/**
 * Bucket queue over integer levels 0..levels-1: one FIFO per level, the lowest non-empty
 * level served first; entries pushed below the level being served are served next.
 */
export class LevelQueue {
  private queues: Int32Array[];
  private head: Int32Array;
  private tail: Int32Array;
  private current: number;

  constructor(private readonly levels: number) {
    this.queues = Array.from({ length: levels }, () => new Int32Array(16));
    this.head = new Int32Array(levels);
    this.tail = new Int32Array(levels);
    this.current = levels;
  }

  push(level: number, index: number): void {
    let q = this.queues[level]!;
    const t = this.tail[level]!;
    if (t === q.length) {
      const h = this.head[level]!;
      const live = t - h;
      if (h > q.length >> 1)
        q.copyWithin(0, h, t); // drop the served part
      else {
        const grown = new Int32Array(q.length * 2);
        grown.set(q.subarray(h, t));
        this.queues[level] = q = grown;
      }
      this.head[level] = 0;
      this.tail[level] = live;
    }
    q[this.tail[level]!++] = index;
    if (level < this.current) this.current = level;
  }

  /** Next index, or -1 when the queue is empty. */
  pop(): number {
    let c = this.current;
    const head = this.head;
    const tail = this.tail;
    while (c < this.levels && head[c] === tail[c]) {
      head[c] = 0;
      tail[c] = 0;
      c++;
    }
    this.current = c;
    if (c === this.levels) return -1;
    return this.queues[c]![head[c]!++]!;
  }
}
