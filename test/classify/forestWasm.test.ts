import { afterAll, describe, expect, it } from "vitest";
import { checkForest, type ForestArrays } from "../../kernel-lib/src/classify/forest/model.js";
import {
  packForest,
  predictRowsInto,
  predictRowsJS,
} from "../../kernel-lib/src/classify/forest/predictRows.js";
import { blockRows, predictRowsWasm } from "../../kernel-lib/src/classify/forest/predictWasm.js";
import { predictProbaParallel, trainForest } from "../../kernel-lib/src/classify/index.js";
import { closePool } from "../../kernel-lib/src/parallel/index.js";

afterAll(() => closePool());

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/**
 * A random forest of `trees` trees over `F` features and `K` classes, grown
 * node by node (children after their parent, as training stores them); the
 * first tree is a single leaf. Thresholds are drawn from `pool` so rows
 * built from the same pool hit `x === threshold` (the `<=` tie).
 */
function randomForest(
  rnd: () => number,
  trees: number,
  F: number,
  K: number,
  pool: number[],
): ForestArrays {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const roots: number[] = [];
  const node = (depth: number, leaf: boolean): number => {
    const i = feature.length;
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    for (let k = 0; k < K; k++) value.push(0);
    if (leaf || depth > 14 || rnd() < 0.12) {
      let sum = 0;
      const w = Array.from({ length: K }, () => rnd());
      for (const x of w) sum += x;
      w.forEach((x, k) => (value[i * K + k] = Math.fround(x / sum)));
      return i;
    }
    feature[i] = Math.floor(rnd() * F);
    threshold[i] = pool[Math.floor(rnd() * pool.length)]!;
    left[i] = node(depth + 1, false);
    right[i] = node(depth + 1, false);
    return i;
  };
  for (let t = 0; t < trees; t++) roots.push(node(0, t === 0));
  return {
    nClasses: K,
    nFeatures: F,
    roots: Int32Array.from(roots),
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float32Array.from(value),
  };
}

function toChannels(x: Float32Array, count: number, F: number): Float32Array {
  const ch = new Float32Array(x.length);
  for (let i = 0; i < count; i++) for (let f = 0; f < F; f++) ch[f * count + i] = x[i * F + f]!;
  return ch;
}

describe("WebAssembly forest walk", () => {
  it("equals the JavaScript walk bit for bit: both layouts, ties, infinities, -0, partial blocks", () => {
    const rnd = lcg(3);
    const pool = [-Infinity, Infinity, -0, 0, 1e-30, -2.5, 3.25];
    for (let i = 0; i < 40; i++) pool.push(Math.fround((rnd() - 0.5) * 10));
    for (const [F, K, trees] of [
      [1, 2, 3],
      [7, 3, 25],
      [61, 5, 12],
    ] as const) {
      const forest = packForest(randomForest(rnd, trees, F, K, pool), false);
      const count = 1000;
      const x = new Float32Array(count * F);
      for (let i = 0; i < x.length; i++)
        x[i] = rnd() < 0.5 ? pool[Math.floor(rnd() * pool.length)]! : (rnd() - 0.5) * 12;
      const ch = toChannels(x, count, F);
      const ref = new Float32Array(count * K + 5);
      predictRowsJS(forest, x, "samples", count, 0, count, ref, 5);
      // the reference itself: the mean of the leaves reached, by a plain walk
      const row = 517;
      const mean = new Float64Array(K);
      for (let t = 0; t < trees; t++) {
        let o = forest.roots[t]!;
        while (forest.feature[o]! >= 0)
          o = x[row * F + forest.feature[o]!]! <= forest.threshold[o]! ? o + 1 : forest.right[o]!;
        for (let k = 0; k < K; k++) mean[k] += forest.value[forest.right[o]! + k]!;
      }
      for (let k = 0; k < K; k++) expect(ref[5 + row * K + k]).toBe(Math.fround(mean[k]! / trees));
      for (const block of [1, 7, 64, 1000, 4096]) {
        for (const [layout, data] of [
          ["samples", x],
          ["channels", ch],
        ] as const) {
          const out = new Float32Array(count * K + 5);
          predictRowsWasm(forest, data, layout, count, 0, count, out, 5, block);
          expect(out).toEqual(ref);
          // a sub-range written at its own offset, as a worker task does
          const part = new Float32Array(count * K);
          predictRowsWasm(forest, data, layout, count, 123, 789, part, 123 * K, block);
          expect(part.subarray(123 * K, 789 * K)).toEqual(ref.subarray(5 + 123 * K, 5 + 789 * K));
          expect(part[123 * K - 1]).toBe(0);
          expect(part[789 * K]).toBe(0);
        }
      }
    }
  });

  it("equals the JavaScript walk on a trained forest, switching forests in one thread", async () => {
    const rnd = lcg(9);
    const F = 12;
    const n = 3000;
    const X = new Float32Array(n * F);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < F; f++) X[i * F + f] = rnd();
      y[i] = (X[i * F]! + X[i * F + 3]! > 1 ? 1 : 0) + (X[i * F + 5]! > 0.7 ? 2 : 0);
    }
    const a = await trainForest(X, y, F, { trees: 10, seed: 1, threads: 1 });
    const b = await trainForest(X, y, F, { trees: 7, seed: 2, threads: 1 });
    for (const f of [a, b, a]) {
      const packed = packForest(checkForest(f).parts, false);
      const ref = new Float32Array(n * f.classes.length);
      predictRowsJS(packed, X, "samples", n, 0, n, ref, 0);
      const out = new Float32Array(ref.length);
      predictRowsInto(packed, X, "samples", n, 0, n, out, 0);
      expect(out).toEqual(ref);
      expect(f.predictProba(X)).toEqual(ref);
    }
  });

  it("reports NaN wherever it is, in either layout; predictProba and predictProbaParallel name its index", async () => {
    const rnd = lcg(5);
    const F = 5;
    const forest = packForest(randomForest(rnd, 4, F, 2, [0, 0.5, 1]), false);
    const count = 37; // 185 values: the last SIMD vector is padded
    const x = Float32Array.from({ length: count * F }, () => rnd());
    const out = new Float32Array(count * 2);
    for (const block of [3, 37]) {
      expect(predictRowsWasm(forest, x, "samples", count, 0, count, out, 0, block)).toBe(false);
      for (const i of [0, 1, 93, count * F - 1]) {
        const bad = x.slice();
        bad[i] = NaN;
        expect(predictRowsWasm(forest, bad, "samples", count, 0, count, out, 0, block)).toBe(true);
        const ch = toChannels(bad, count, F);
        expect(predictRowsWasm(forest, ch, "channels", count, 0, count, out, 0, block)).toBe(true);
        // a range without the NaN's row reads no NaN
        const row = Math.floor(i / F);
        const clean = row < 18 ? [20, count] : [0, 18];
        expect(predictRowsWasm(forest, bad, "samples", count, clean[0]!, clean[1]!, out, 0, block)).toBe(false);
      }
    }
    const X = Float32Array.from({ length: 4000 * 3 }, () => rnd());
    const y = Int32Array.from({ length: 4000 }, (_, i) => (X[i * 3]! > 0.5 ? 1 : 0));
    const f = await trainForest(X, y, 3, { trees: 4, seed: 1, threads: 1 });
    X[3 * 3000 + 2] = NaN;
    expect(() => f.predictProba(X)).toThrow(/holds NaN \(first at index 9002\)/);
    await expect(
      predictProbaParallel(f, X, { threads: 2, minRowsPerThread: 100 }),
    ).rejects.toThrow(/holds NaN \(first at index 9002\)/);
    X[3 * 3000 + 2] = 0.5;
    expect(await predictProbaParallel(f, X, { threads: 2, minRowsPerThread: 100 })).toEqual(
      f.predictProba(X),
    );
  });

  it("picks blocks of about 0.75 MB of features", () => {
    expect(blockRows(1)).toBe(65536);
    expect(blockRows(61)).toBe(4096);
    expect(blockRows(183)).toBe(1024);
    expect(blockRows(5000)).toBe(256);
  });
});
