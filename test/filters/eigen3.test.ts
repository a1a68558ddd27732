import { describe, expect, it } from "vitest";
import {
  jacobiEigen3,
  symmetricEigenvalues2x2,
  symmetricEigenvalues3x3,
  tensorEigenvalues,
} from "../../kernel-lib/src/filters/index.js";

/** R diag(l) R^T for a rotation R from Euler angles. */
function rotated(l: [number, number, number], a: number, b: number, c: number): number[] {
  const ca = Math.cos(a),
    sa = Math.sin(a),
    cb = Math.cos(b),
    sb = Math.sin(b),
    cc = Math.cos(c),
    sc = Math.sin(c);
  const R = [
    [ca * cb, ca * sb * sc - sa * cc, ca * sb * cc + sa * sc],
    [sa * cb, sa * sb * sc + ca * cc, sa * sb * cc - ca * sc],
    [-sb, cb * sc, cb * cc],
  ];
  const m = (i: number, j: number) =>
    R[i]![0]! * l[0] * R[j]![0]! + R[i]![1]! * l[1] * R[j]![1]! + R[i]![2]! * l[2] * R[j]![2]!;
  return [m(0, 0), m(0, 1), m(0, 2), m(1, 1), m(1, 2), m(2, 2)];
}

/** The library's cyclic Jacobi iteration (tested on a hand-built case below): an independent reference, descending. */
function jacobi(m: number[]): number[] {
  return jacobiEigen3([
    [m[0]!, m[1]!, m[2]!],
    [m[1]!, m[3]!, m[4]!],
    [m[2]!, m[4]!, m[5]!],
  ]).values;
}

function eig3(m: number[]): number[] {
  const out = [0, 0, 0];
  symmetricEigenvalues3x3(m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, out);
  return out;
}

describe("symmetricEigenvalues3x3", () => {
  it("recovers known eigenvalues of rotated matrices, sorted descending", () => {
    const cases: [number, number, number][] = [
      [3, -1, 2],
      [1e4, 1e-2, 5],
      [-7, -7, 2],
      [0.5, 0.5, 0.5],
      [1e6, 1e6 + 1, 1e6 - 1],
      [0, 0, 1e-3],
    ];
    for (const l of cases) {
      const want = [...l].sort((a, b) => b - a);
      for (const [a, b, c] of [
        [0.3, 1.1, -0.4],
        [2.0, -0.7, 0.9],
        [0, 0, 0],
      ] as const) {
        const got = eig3(rotated(l, a, b, c));
        const scale = Math.max(...l.map(Math.abs));
        // Double eigenvalues cost the trigonometric method sqrt(eps) of relative
        // accuracy (~1e-8), still far below float32 resolution (6e-8).
        got.forEach((v, i) =>
          expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-7 * scale + 1e-15),
        );
      }
    }
  });

  it("agrees with a Jacobi eigenvalue iteration on random matrices (all cosine arguments r)", () => {
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32 - 0.5;
    };
    let worst = 0;
    for (let t = 0; t < 3000; t++) {
      const m = [rnd(), rnd(), rnd(), rnd(), rnd(), rnd()];
      if (t % 3 === 0) m[0] += 5; // large trace vs spread
      const got = eig3(m);
      const want = jacobi(m);
      const scale = Math.max(...want.map(Math.abs));
      got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want[i]!) / scale)));
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it("handles degenerate cases exactly", () => {
    expect(eig3([0, 0, 0, 0, 0, 0])).toEqual([0, 0, 0]);
    expect(eig3([2.5, 0, 0, 2.5, 0, 2.5])).toEqual([2.5, 2.5, 2.5]);
    expect(eig3([1, 0, 0, 3, 0, 2])).toEqual([3, 2, 1]);
    // rank 1: v v^T with v = (1, 2, 2): eigenvalues 9, 0, 0
    const r1 = eig3([1, 2, 2, 4, 4, 4]);
    expect(r1[0]).toBeCloseTo(9, 12);
    expect(Math.abs(r1[1]!)).toBeLessThan(1e-12);
    expect(Math.abs(r1[2]!)).toBeLessThan(1e-12);
  });

  it("2x2 and field versions agree with the scalar ones", () => {
    const out = [0, 0];
    symmetricEigenvalues2x2(2, 1, 2, out);
    expect(out).toEqual([3, 1]);
    const comps = [
      new Float32Array([1, 4]),
      new Float32Array([0, 0]),
      new Float32Array([0, 0]),
      new Float32Array([3, 4]),
      new Float32Array([0, 0]),
      new Float32Array([2, 4]),
    ];
    const o = [new Float32Array(2), new Float32Array(2), new Float32Array(2)];
    tensorEigenvalues(comps, o, 2);
    expect([o[0]![0], o[1]![0], o[2]![0]]).toEqual([3, 2, 1]);
    expect([o[0]![1], o[1]![1], o[2]![1]]).toEqual([4, 4, 4]);
    expect(() => tensorEigenvalues([new Float32Array(1)], [], 1)).toThrow(RangeError);
  });
});

describe("jacobiEigen3", () => {
  it("diagonalises a rotated diagonal matrix (hand-built)", () => {
    // R diag(9, 4, 1) R^T with R a rotation by 30 degrees about z
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const R = [
      [c, -s, 0],
      [s, c, 0],
      [0, 0, 1],
    ];
    const D = [9, 4, 1];
    const M = R.map((_, i) =>
      R.map((__, j) => D.reduce((acc, d, k) => acc + R[i]![k]! * d * R[j]![k]!, 0)),
    );
    const { values, vectors } = jacobiEigen3(M);
    expect(values[0]).toBeCloseTo(9, 12);
    expect(values[1]).toBeCloseTo(4, 12);
    expect(values[2]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0]![0]!)).toBeCloseTo(c, 12);
    expect(Math.abs(vectors[0]![1]!)).toBeCloseTo(s, 12);
    expect(Math.abs(vectors[2]![2]!)).toBeCloseTo(1, 12);
  });
});
