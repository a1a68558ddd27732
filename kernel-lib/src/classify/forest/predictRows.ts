/** Prediction loops over the flat node arrays of a forest. @internal */

/** The arrays a prediction needs (all trees concatenated; child indices absolute). @internal */
export interface ForestArrays {
  nClasses: number;
  nFeatures: number;
  /** Root node of each tree. */
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** nodes x classes: leaf class probabilities. */
  value: Float32Array;
}

/**
 * Mean class probabilities of rows `[from, to)` into `out` (row-major rows x
 * classes, starting at `out[outOffset]`). Trees run one after the other over
 * all rows (a tree's nodes stay in cache).
 * @param samples - `"samples"`: row i's features at `i * nFeatures`;
 *   `"channels"`: feature f of row i at `f * count + i`.
 */
export function predictRowsInto(
  forest: ForestArrays,
  samples: Float32Array,
  layout: "samples" | "channels",
  count: number,
  from: number,
  to: number,
  out: Float32Array,
  outOffset: number,
): void {
  const { roots, feature, threshold, left, right, value, nClasses: K, nFeatures: F } = forest;
  const rows = to - from;
  const acc = new Float64Array(rows * K);
  const T = roots.length;
  // Row stride and feature stride of the layout.
  const rs = layout === "samples" ? F : 1;
  const fs = layout === "samples" ? 1 : count;
  for (let t = 0; t < T; t++) {
    const root = roots[t]!;
    for (let r = 0; r < rows; r++) {
      const base = (from + r) * rs;
      let nd = root;
      let f = feature[nd]!;
      while (f >= 0) {
        nd = samples[base + f * fs]! <= threshold[nd]! ? left[nd]! : right[nd]!;
        f = feature[nd]!;
      }
      const v = nd * K;
      const o = r * K;
      for (let k = 0; k < K; k++) acc[o + k] += value[v + k]!;
    }
  }
  const inv = 1 / T;
  for (let j = 0; j < rows * K; j++) out[outOffset + j] = acc[j]! * inv;
}

/** Argmax per row of a rows x classes matrix (ties: first class). @internal */
export function argmaxRows(proba: Float32Array, K: number, rows: number, out: Int32Array, classes: readonly number[]): void {
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bv = proba[r * K]!;
    for (let k = 1; k < K; k++) {
      const v = proba[r * K + k]!;
      if (v > bv) {
        bv = v;
        best = k;
      }
    }
    out[r] = classes[best]!;
  }
}
