import { describe, expect, it } from "vitest";
import type { Shape3 } from "../../kernel-lib/src/volume/types.js";
import { separableCorrelate } from "../../kernel-lib/src/filters/index.js";

/** Plain float64 reference: valid correlation along each axis in turn. */
function reference(
  src: ArrayLike<number>,
  shape: Shape3,
  kernels: (number[] | null)[],
): { data: Float64Array; shape: Shape3 } {
  let data = Float64Array.from(src);
  let cur: Shape3 = [...shape];
  for (let a = 0; a < 3; a++) {
    const w = kernels[a];
    if (!w) continue;
    const next: Shape3 = [...cur];
    next[a] = cur[a] - w.length + 1;
    const out = new Float64Array(next[0] * next[1] * next[2]);
    const strides = [cur[1] * cur[2], cur[2], 1];
    for (let z = 0; z < next[0]; z++)
      for (let y = 0; y < next[1]; y++)
        for (let x = 0; x < next[2]; x++) {
          let s = 0;
          for (let k = 0; k < w.length; k++)
            s += w[k]! * data[z * strides[0]! + y * strides[1]! + x + k * strides[a]!]!;
          out[(z * next[1] + y) * next[2] + x] = s;
        }
    data = out;
    cur = next;
  }
  return { data, shape: cur };
}

describe("separableCorrelate", () => {
  it("correlates (not convolves) a delta impulse: hand case along each axis", () => {
    const delta = (shape: Shape3) => {
      const d = new Float32Array(shape[0] * shape[1] * shape[2]);
      d[Math.floor(d.length / 2)] = 1;
      return d;
    };
    const w = [1, 2, 3];
    expect(Array.from(separableCorrelate(delta([1, 1, 5]), [1, 1, 5], [null, null, w]))).toEqual([
      3, 2, 1,
    ]);
    expect(Array.from(separableCorrelate(delta([1, 5, 1]), [1, 5, 1], [null, w, null]))).toEqual([
      3, 2, 1,
    ]);
    expect(Array.from(separableCorrelate(delta([5, 1, 1]), [5, 1, 1], [w, null, null]))).toEqual([
      3, 2, 1,
    ]);
  });

  it("matches a float64 reference on random data with kernels of different lengths", () => {
    const shape: Shape3 = [13, 17, 41];
    const src = Float32Array.from(
      { length: 13 * 17 * 41 },
      (_, i) => Math.sin(i * 0.731) * 0.5 + 0.5,
    );
    const kernels = [
      [0.1, 0.2, 0.4, 0.2, 0.1],
      [-0.5, 0, 0.5],
      [0.05, 0.1, 0.15, 0.2, 0.15, 0.1, 0.05, 0.1, 0.1],
    ];
    const out = separableCorrelate(src, shape, kernels as [number[], number[], number[]]);
    const ref = reference(src, shape, kernels);
    expect(out.length).toBe(9 * 15 * 33);
    let err = 0;
    for (let i = 0; i < out.length; i++) err = Math.max(err, Math.abs(out[i]! - ref.data[i]!));
    expect(err).toBeLessThan(1e-6);
  });

  it("matches the reference on planes larger than the z pass's chunk (rows not multiples of 16)", () => {
    const shape: Shape3 = [9, 67, 71];
    const src = Float32Array.from({ length: 9 * 67 * 71 }, (_, i) => Math.cos(i * 0.377));
    const kernels = [
      [0.2, 0.3, 0.1, 0.25, 0.15],
      [0.5, 0.5],
      [0.3, 0.4, 0.3],
    ];
    const out = separableCorrelate(src, shape, kernels as [number[], number[], number[]]);
    const ref = reference(src, shape, kernels);
    let err = 0;
    for (let i = 0; i < out.length; i++) err = Math.max(err, Math.abs(out[i]! - ref.data[i]!));
    expect(out.length).toBe(5 * 66 * 69);
    expect(err).toBeLessThan(1e-6);
  });

  it("crops the valid region to a centred `outShape`, accepts a fill function and `out`", () => {
    const shape: Shape3 = [6, 7, 9];
    const src = Uint16Array.from({ length: 6 * 7 * 9 }, (_, i) => i % 97);
    const kernels = [null, [0.25, 0.5, 0.25], null] as const;
    const full = reference(src, shape, [null, [0.25, 0.5, 0.25], null]); // 6 x 5 x 9
    const out = new Float32Array(4 * 3 * 5 + 3);
    const res = separableCorrelate((dest) => dest.set(src), shape, kernels, {
      outShape: [4, 3, 5],
      out,
    });
    expect(res).toBe(out);
    for (let z = 0; z < 4; z++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 5; x++)
          expect(out[(z * 3 + y) * 5 + x]).toBeCloseTo(
            full.data[((z + 1) * 5 + y + 1) * 9 + x + 2]!,
            5,
          );
    expect(() => separableCorrelate(src, shape, kernels, { outShape: [5, 5, 9] })).toThrow(
      /cannot produce 5 centred voxels/,
    );
    expect(() => separableCorrelate(src, shape, [[1, 2, 3, 4, 5, 6, 7], null, null])).toThrow(
      /valid size 0/,
    );
    expect(() => separableCorrelate(src.subarray(1), shape, kernels)).toThrow(/needs 378/);
  });
});
