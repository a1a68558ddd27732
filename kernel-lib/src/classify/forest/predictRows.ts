/** Prediction loops over the flat node arrays of a forest. @internal */
import type { ForestArrays } from "./model.js";
import { NODE_BYTES } from "./wasmWalk.js";
import { predictRowsWasm } from "./predictWasm.js";

/**
 * A forest packed for prediction. Each tree's nodes are stored in depth-first
 * (pre-)order, so a split's left child is the next node and only the right
 * child is stored; a leaf has feature -1 and the offset of its class
 * probabilities in `value` in place of the right child. Three parallel
 * arrays (rather than one interleaved record) let the walk read only the
 * feature and threshold of the nodes it passes. Nodes of one tree are
 * contiguous, so a prediction walks few cache lines.
 * @internal
 */
export interface PackedForest {
  /** Random identity, so a thread can keep the forest loaded across tasks (each task's copy is a new object). */
  id: number;
  nClasses: number;
  nFeatures: number;
  /** Index of each tree's root. */
  roots: Int32Array;
  /** Split feature per node; -1 at leaves. */
  feature: Int32Array;
  /** Split threshold per node (go left when `x[feature] <= threshold`). */
  threshold: Float32Array;
  /** Right child of a split; `value` offset of a leaf. */
  right: Int32Array;
  /** nodes x classes of the unpacked forest: leaf class probabilities. */
  value: Float32Array;
  /**
   * The same nodes interleaved for the WebAssembly walk ({@link NODE_BYTES}
   * per node): feature, threshold (float32 bits), right, leaf: -1 at splits;
   * a leaf has its `value` offset there and loops to itself (feature 0,
   * threshold NaN, right itself).
   */
  nodes: Int32Array;
}

/**
 * Pack flat arrays (absolute child indices, feature -1 at leaves) for
 * prediction, in shared memory when `shared`. Throws unless every split's
 * children lie after it and every node is reached once (the walks of
 * {@link predictRowsInto} then always end at a leaf, within tree-depth steps).
 * @internal
 */
export function packForest(a: ForestArrays, shared: boolean): PackedForest {
  const N = a.feature.length;
  const K = a.nClasses;
  const buffer = (bytes: number) =>
    shared ? new SharedArrayBuffer(Math.max(1, bytes)) : new ArrayBuffer(Math.max(1, bytes));
  const feature = new Int32Array(buffer(4 * N), 0, N);
  const threshold = new Float32Array(buffer(4 * N), 0, N);
  const right = new Int32Array(buffer(4 * N), 0, N);
  const nodes = new Int32Array(buffer(NODE_BYTES * N), 0, (NODE_BYTES / 4) * N);
  const roots = new Int32Array(a.roots.length);
  const seen = new Uint8Array(N);
  const stack: number[] = [];
  let next = 0;
  // Fix-ups: packed split j waits for the packed index of its right child.
  const parentOfRight = new Int32Array(N).fill(-1);
  for (let t = 0; t < a.roots.length; t++) {
    roots[t] = next;
    stack.push(a.roots[t]!);
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (!(i >= 0 && i < N) || seen[i]) throw packError(a, i, N);
      seen[i] = 1;
      const j = next++;
      if (parentOfRight[i]! >= 0) right[parentOfRight[i]!] = j;
      const f = a.feature[i]!;
      feature[j] = f;
      if (f >= 0) {
        // Defence in depth (forestFromJSON checks this with field names): children strictly
        // after their parent and inside the arrays, so every walk ends at a leaf.
        const l = a.left[i]!;
        const r = a.right[i]!;
        if (!(l > i && l < N && r > i && r < N) || f >= a.nFeatures) throw packError(a, i, N);
        threshold[j] = a.threshold[i]!;
        parentOfRight[r] = j;
        stack.push(r, l); // left popped first: it becomes node j + 1
      } else right[j] = i * K;
    }
  }
  const bits = new Int32Array(threshold.buffer, 0, N);
  const NAN_BITS = 0x7fc00000;
  for (let j = 0; j < N; j++) {
    const leaf = feature[j]! < 0;
    nodes[4 * j] = leaf ? 0 : feature[j]!;
    nodes[4 * j + 1] = leaf ? NAN_BITS : bits[j]!;
    nodes[4 * j + 2] = leaf ? j : right[j]!;
    nodes[4 * j + 3] = leaf ? right[j]! : -1;
  }
  let value = a.value;
  if (shared) {
    value = new Float32Array(new SharedArrayBuffer(Math.max(1, value.length) * 4), 0, value.length);
    value.set(a.value);
  }
  const id = Math.floor(Math.random() * 2 ** 52);
  return { id, nClasses: K, nFeatures: a.nFeatures, roots, feature, threshold, right, value, nodes };
}

function packError(a: ForestArrays, i: number, N: number): RangeError {
  const f = a.feature[i];
  return new RangeError(
    `internal: forest node ${i} (feature ${f}, children ${a.left[i]}, ${a.right[i]}) is not a node of a tree of ${N} nodes over ${a.nFeatures} features, reached once`,
  );
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
 * Add tree `root`'s leaf probabilities for rows `[b0, b1)` to `acc`, rows
 * stored `"samples"`-wise (row r's feature f at `r * F + f`). A separate
 * function per layout keeps each walk's index arithmetic constant for the JIT.
 */
function walkSamples(
  p: PackedForest,
  root: number,
  x: Float32Array,
  b0: number,
  b1: number,
  acc: Float64Array,
): void {
  const { feature, threshold, right, value, nClasses: K, nFeatures: F } = p;
  for (let r = b0; r < b1; r++) {
    const base = r * F;
    let o = root;
    let f = feature[o]!;
    while (f >= 0) {
      o = x[base + f]! <= threshold[o]! ? o + 1 : right[o]!;
      f = feature[o]!;
    }
    const v = right[o]!;
    const a = (r - b0) * K;
    for (let k = 0; k < K; k++) acc[a + k] += value[v + k]!;
  }
}

/** As {@link walkSamples} for `"channels"` rows (feature f of row r at `f * count + r`). */
function walkChannels(
  p: PackedForest,
  root: number,
  x: Float32Array,
  count: number,
  b0: number,
  b1: number,
  acc: Float64Array,
): void {
  const { feature, threshold, right, value, nClasses: K } = p;
  for (let r = b0; r < b1; r++) {
    let o = root;
    let f = feature[o]!;
    while (f >= 0) {
      o = x[f * count + r]! <= threshold[o]! ? o + 1 : right[o]!;
      f = feature[o]!;
    }
    const v = right[o]!;
    const a = (r - b0) * K;
    for (let k = 0; k < K; k++) acc[a + k] += value[v + k]!;
  }
}

/**
 * Mean class probabilities of rows `[from, to)` into `out` (row-major rows x
 * classes, starting at `out[outOffset]`), by the WebAssembly walk
 * ({@link predictRowsWasm}; identical results to {@link predictRowsJS}).
 * @returns Whether any feature read was NaN (then throw: see {@link checkNoNaN}).
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
): boolean {
  return predictRowsWasm(forest, samples, layout, count, from, to, out, outOffset);
}

/**
 * {@link predictRowsInto} in JavaScript: the reference the WebAssembly walk
 * is tested against (1.5-3x slower; its blocks of {@link BLOCK} rows of
 * 183 features are 48 MB, read once per tree).
 */
export function predictRowsJS(
  forest: PackedForest,
  samples: Float32Array,
  layout: "samples" | "channels",
  count: number,
  from: number,
  to: number,
  out: Float32Array,
  outOffset: number,
): void {
  const { roots, nClasses: K } = forest;
  const T = roots.length;
  const block = Math.min(BLOCK, Math.max(0, to - from));
  const acc = new Float64Array(block * K);
  const inv = 1 / T;
  for (let b0 = from; b0 < to; b0 += block) {
    const b1 = Math.min(to, b0 + block);
    acc.fill(0);
    for (let t = 0; t < T; t++) {
      if (layout === "samples") walkSamples(forest, roots[t]!, samples, b0, b1, acc);
      else walkChannels(forest, roots[t]!, samples, count, b0, b1, acc);
    }
    const o0 = outOffset + (b0 - from) * K;
    for (let j = 0; j < (b1 - b0) * K; j++) out[o0 + j] = acc[j]! * inv;
  }
}
