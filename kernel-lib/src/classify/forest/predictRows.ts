/** Prediction loops over the flat node arrays of a forest. @internal */
import type { ForestArrays } from "./model.js";

/**
 * A forest packed for prediction: 4 int32 per node `[feature, threshold
 * bits (float32), left, right]` with children as offsets into `nodes`
 * (node index x 4); a leaf has feature -1 and its `value` offset in `left`.
 * Nodes of one tree are contiguous, so a prediction walks few cache lines.
 * @internal
 */
export interface PackedForest {
  nClasses: number;
  nFeatures: number;
  /** Offset (into `nodes`) of each tree's root. */
  roots: Int32Array;
  nodes: Int32Array;
  /** nodes x classes: leaf class probabilities. */
  value: Float32Array;
}

/**
 * Pack flat arrays (absolute child indices, feature -1 at leaves) for
 * prediction, in shared memory when `shared`. Throws unless every split's
 * children lie after it (the walks of {@link predictRowsInto} then always
 * end at a leaf, within tree-depth steps). @internal
 */
export function packForest(a: ForestArrays, shared: boolean): PackedForest {
  const N = a.feature.length;
  const K = a.nClasses;
  const mk = (len: number) =>
    shared
      ? new Int32Array(new SharedArrayBuffer(Math.max(1, len) * 4), 0, len)
      : new Int32Array(len);
  const nodes = mk(4 * N);
  const thr = new Float32Array(nodes.buffer, nodes.byteOffset, nodes.length);
  for (let i = 0; i < N; i++) {
    const f = a.feature[i]!;
    nodes[4 * i] = f;
    if (f >= 0) {
      // Defence in depth (forestFromJSON checks this with field names): children strictly
      // after their parent and inside the arrays, so every walk ends at a leaf.
      const l = a.left[i]!;
      const r = a.right[i]!;
      if (!(l > i && l < N && r > i && r < N) || f >= a.nFeatures)
        throw new RangeError(
          `internal: forest node ${i} (feature ${f}, children ${l}, ${r}) is not a node of a tree of ${N} nodes over ${a.nFeatures} features`,
        );
      thr[4 * i + 1] = a.threshold[i]!;
      nodes[4 * i + 2] = 4 * a.left[i]!;
      nodes[4 * i + 3] = 4 * a.right[i]!;
    } else nodes[4 * i + 2] = i * K;
  }
  const roots = Int32Array.from(a.roots, (r) => 4 * r);
  let value = a.value;
  if (shared) {
    value = new Float32Array(new SharedArrayBuffer(Math.max(1, value.length) * 4), 0, value.length);
    value.set(a.value);
  }
  return { nClasses: K, nFeatures: a.nFeatures, roots, nodes, value };
}

/**
 * Rows per block. Each tree walks all rows of a block before the next tree
 * starts, so the tree's nodes stay in cache; measured on 100-tree forests
 * of ~2000 nodes per tree, this beats blocks small enough to keep the rows
 * in cache instead (the row's features are read a few times per tree, the
 * nodes once per row), in both layouts.
 */
const BLOCK = 65536;

/**
 * Mean class probabilities of rows `[from, to)` into `out` (row-major rows x
 * classes, starting at `out[outOffset]`).
 * @param samples - `"samples"`: row i's features at `i * nFeatures`;
 *   `"channels"`: feature f of row i at `f * count + i`.
 */
export function predictRowsInto(
  forest: PackedForest,
  samples: Float32Array,
  layout: "samples" | "channels",
  count: number,
  from: number,
  to: number,
  out: Float32Array,
  outOffset: number,
): void {
  const { roots, nodes, value, nClasses: K, nFeatures: F } = forest;
  const thr = new Float32Array(nodes.buffer, nodes.byteOffset, nodes.length);
  const T = roots.length;
  // Row stride and feature stride of the layout.
  const rs = layout === "samples" ? F : 1;
  const fs = layout === "samples" ? 1 : count;
  const block = Math.min(BLOCK, Math.max(0, to - from));
  const acc = new Float64Array(block * K);
  const inv = 1 / T;
  for (let b0 = from; b0 < to; b0 += block) {
    const b1 = Math.min(to, b0 + block);
    acc.fill(0);
    for (let t = 0; t < T; t++) {
      const root = roots[t]!;
      for (let r = b0; r < b1; r++) {
        const base = r * rs;
        let o = root;
        let f = nodes[o]!;
        while (f >= 0) {
          o = samples[base + f * fs]! <= thr[o + 1]! ? nodes[o + 2]! : nodes[o + 3]!;
          f = nodes[o]!;
        }
        const v = nodes[o + 2]!;
        const a = (r - b0) * K;
        for (let k = 0; k < K; k++) acc[a + k] += value[v + k]!;
      }
    }
    const o0 = outOffset + (b0 - from) * K;
    for (let j = 0; j < (b1 - b0) * K; j++) out[o0 + j] = acc[j]! * inv;
  }
}
