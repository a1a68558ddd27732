/** Forest prediction through the WebAssembly walk ({@link instantiateWalk}). @internal */
import type { PackedForest } from "./predictRows.js";
import { instantiateWalk, LOCKSTEP, NODE_BYTES, type WalkExports } from "./wasmWalk.js";

/** This thread's instance and the forest loaded in its memory. */
interface State {
  ex: WalkExports;
  /** `id` of the loaded forest (-1: none). */
  forest: number;
  values: number;
  roots: number;
  x: number;
  acc: number;
  block: number;
}

let state: State | undefined;

/**
 * Rows per block for `nFeatures` features: each tree walks all rows of the
 * block before the next tree starts, so its nodes are read from cache, and
 * the block's features (about 0.75 MB: 4096 rows of 61 features, 1024 of
 * 183) stay in a core's L2 cache over the trees, where a block of 65536 rows
 * of 183 features (48 MB) is fetched from memory once per tree. Measured
 * (CPU time, 262k rows, 100 trees, lockstep walk) on 61 features: 1024 rows
 * 0.54 s, 2048-4096 0.52 s, 8192 0.62 s, 16384 0.67 s; on 183: 256-1024
 * 0.45 s, 2048 0.52-0.54 s, 4096 0.94 s, 8192 1.08 s.
 * @internal
 */
export function blockRows(nFeatures: number): number {
  const rows = 196608 / nFeatures;
  return Math.max(256, Math.min(65536, 2 ** Math.round(Math.log2(rows))));
}

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Load `forest` into this thread's instance (once per forest) and size its memory for blocks of `block` rows. */
function load(forest: PackedForest, block: number): State {
  const s: State = (state ??= {
    ex: instantiateWalk(),
    forest: -1,
    values: 0,
    roots: 0,
    x: 0,
    acc: 0,
    block: 0,
  });
  if (s.forest === forest.id && s.block === block) return s;
  const N = forest.feature.length;
  const F = forest.nFeatures;
  const K = forest.nClasses;
  const values = align(NODE_BYTES * N);
  const roots = align(values + 4 * forest.value.length);
  const x = align(roots + 4 * forest.roots.length);
  const padded = Math.ceil(block / LOCKSTEP) * LOCKSTEP; // whole lockstep groups
  const acc = align(x + 4 * F * padded); // room for the zeros that pad the last vector
  const end = acc + 8 * K * padded;
  const memory = s.ex.memory;
  const pages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  const buf = memory.buffer;
  new Int32Array(buf, 0, forest.nodes.length).set(forest.nodes);
  new Float32Array(buf, values, forest.value.length).set(forest.value);
  new Int32Array(buf, roots, forest.roots.length).set(forest.roots);
  Object.assign(s, { forest: forest.id, values, roots, x, acc, block });
  return s;
}

/**
 * As {@link predictRowsInto} (same arguments, identical results), walking
 * the trees in WebAssembly over blocks of {@link blockRows} rows copied into
 * its memory (`"channels"` rows transposed to `"samples"` on the way).
 * NaN features take the `>` branch (so every walk still ends at a leaf).
 * @returns Whether any feature read was NaN (the caller's error: the
 *   rows' probabilities are then meaningless).
 * @internal
 */
export function predictRowsWasm(
  forest: PackedForest,
  samples: Float32Array,
  layout: "samples" | "channels",
  count: number,
  from: number,
  to: number,
  out: Float32Array,
  outOffset: number,
  block = blockRows(forest.nFeatures),
): boolean {
  if (to <= from) return false;
  const F = forest.nFeatures;
  const K = forest.nClasses;
  const T = forest.roots.length;
  const s = load(forest, block);
  const buf = s.ex.memory.buffer;
  const x = new Float32Array(buf, s.x, 4 * Math.ceil((F * block) / 4));
  const acc = new Float64Array(buf, s.acc, K * block);
  const inv = 1 / T;
  let nan = false;
  for (let b0 = from; b0 < to; b0 += block) {
    const n = Math.min(to, b0 + block) - b0;
    if (layout === "samples") x.set(samples.subarray(b0 * F, (b0 + n) * F));
    else {
      for (let f = 0; f < F; f++) {
        const src = f * count + b0;
        for (let r = 0; r < n; r++) x[r * F + f] = samples[src + r]!;
      }
    }
    const len = n * F;
    x.fill(0, len, 4 * Math.ceil(len / 4));
    if (s.ex.hasNaN(s.x, Math.ceil(len / 4)) !== 0) nan = true;
    acc.fill(0, 0, n * K);
    // the rows past n (to a whole group) are walked too, their sums never read
    const rows = Math.ceil(n / LOCKSTEP) * LOCKSTEP;
    s.ex.walk(0, s.values, s.roots, T, s.x, 4 * F, rows, s.acc, K);
    const o0 = outOffset + (b0 - from) * K;
    for (let j = 0; j < n * K; j++) out[o0 + j] = acc[j]! * inv;
  }
  return nan;
}
