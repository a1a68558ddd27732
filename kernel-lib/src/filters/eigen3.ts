import { expectedError } from "../util/checks.js";

/*
 * cos(phi) and sin(phi) for phi = acos(r) / 3 without Math.acos/Math.cos
 * (the eigenvalue loops are the costliest part of the feature bank): for
 * a = |r| and x = 2a - 1, cos(acos(a) / 3) and sin(acos(a) / 3) /
 * sqrt((1 - a) / 2) are smooth on [0, 1]; their degree-16 Chebyshev fits at
 * 400 nodes, expanded to powers of x, are accurate to 1.3e-15 and 6e-16
 * (checked in test/filters/eigen3.test.ts). sin keeps its exact sqrt factor
 * so it stays accurate relative to its size as phi -> 0, and r < 0 uses
 * phi = pi/3 - acos(-r)/3, a rotation of the r >= 0 values.
 */
function cosThirdPoly(x: number): number {
  return (
    0.9396926207859089 +
    x *
      (0.06582180727244262 +
        x *
          (-0.006431413987660753 +
            x *
              (0.001106654956164637 +
                x *
                  (-0.00023364527952256613 +
                    x *
                      (5.491441414824099e-5 +
                        x *
                          (-1.379127695925401e-5 +
                            x *
                              (3.6233171347597274e-6 +
                                x *
                                  (-9.835453335469506e-7 +
                                    x *
                                      (2.7358717489855147e-7 +
                                        x *
                                          (-7.762149630458753e-8 +
                                            x *
                                              (2.2540508727436532e-8 +
                                                x *
                                                  (-6.579030153316887e-9 +
                                                    x *
                                                      (1.7602638947989858e-9 +
                                                        x *
                                                          (-5.256619683788765e-10 +
                                                            x *
                                                              (2.5994291210941274e-10 +
                                                                x *
                                                                  -7.802384194542786e-11)))))))))))))))
  );
}

function sinThirdPoly(x: number): number {
  return (
    0.6840402866513378 +
    x *
      (-0.019667715051827076 +
        x *
          (0.002722455860146477 +
            x *
              (-0.0005220881597414912 +
                x *
                  (0.00011618717240993021 +
                    x *
                      (-2.816805220835815e-5 +
                        x *
                          (7.219968096800171e-6 +
                            x *
                              (-1.924430081731735e-6 +
                                x *
                                  (5.280258729968357e-7 +
                                    x *
                                      (-1.4810173981356537e-7 +
                                        x *
                                          (4.228724528046066e-8 +
                                            x *
                                              (-1.2345987053864815e-8 +
                                                x *
                                                  (3.6325570528399923e-9 +
                                                    x *
                                                      (-9.746100468181834e-10 +
                                                        x *
                                                          (2.8337844100438626e-10 +
                                                            x *
                                                              (-1.4374439514805574e-10 +
                                                                x *
                                                                  4.5562791509090917e-11)))))))))))))))
  );
}

const SQRT3 = 1.7320508075688772;
const SQRT3_2 = 0.8660254037844386;

/** A field of matrix components or eigenvalues, one value per element. */
type Field = Float32Array | Float64Array;

/** Write `e0, e1, e2` sorted in descending order to `o0[i], o1[i], o2[i]`. */
function sortDescending(
  e0: number,
  e1: number,
  e2: number,
  o0: Field,
  o1: Field,
  o2: Field,
  i: number,
) {
  let t: number;
  if (e0 < e1) {
    t = e0;
    e0 = e1;
    e1 = t;
  }
  if (e1 < e2) {
    t = e1;
    e1 = e2;
    e2 = t;
  }
  if (e0 < e1) {
    t = e0;
    e0 = e1;
    e1 = t;
  }
  o0[i] = e0;
  o1[i] = e1;
  o2[i] = e2;
}

/**
 * The one 3x3 eigenvalue loop (see {@link symmetricEigenvalues3x3} for the
 * method): elements 0..n-1 of the six component fields to the three
 * eigenvalue fields. Written as one loop with the polynomials inlined, so the
 * doubles never leave registers (a call per element would box them).
 */
function eigenvalues3(c: readonly Field[], o: readonly Field[], n: number): void {
  const [c00, c01, c02, c11, c12, c22] = c as [Field, Field, Field, Field, Field, Field];
  const [o0, o1, o2] = o as [Field, Field, Field];
  for (let i = 0; i < n; i++) {
    const a00 = c00[i]!;
    const a01 = c01[i]!;
    const a02 = c02[i]!;
    const a11 = c11[i]!;
    const a12 = c12[i]!;
    const a22 = c22[i]!;
    const off = a01 * a01 + a02 * a02 + a12 * a12;
    if (off === 0) {
      sortDescending(a00, a11, a22, o0, o1, o2, i);
      continue;
    }
    const q = (a00 + a11 + a22) / 3;
    const b00 = a00 - q;
    const b11 = a11 - q;
    const b22 = a22 - q;
    const p2 = (b00 * b00 + b11 * b11 + b22 * b22 + 2 * off) / 6;
    const p = Math.sqrt(p2);
    const det =
      b00 * (b11 * b22 - a12 * a12) - a01 * (a01 * b22 - a12 * a02) + a02 * (a01 * a12 - b11 * a02);
    let r = det / (2 * p2 * p);
    if (r > 1) r = 1;
    else if (r < -1) r = -1;
    // q + 2 p cos(phi + 2 pi k / 3) for r = cos(3 phi), largest first.
    const ar = r < 0 ? -r : r;
    const x = 2 * ar - 1;
    const c0 = cosThirdPoly(x);
    const s0 = sinThirdPoly(x) * Math.sqrt((1 - ar) * 0.5);
    const cs = r < 0 ? 0.5 * c0 + SQRT3_2 * s0 : c0;
    const sn = r < 0 ? SQRT3_2 * c0 - 0.5 * s0 : s0;
    o0[i] = q + 2 * p * cs;
    o1[i] = q + p * (SQRT3 * sn - cs);
    o2[i] = q - p * (SQRT3 * sn + cs);
  }
}

/** The one 2x2 eigenvalue loop: `(a00 + a11) / 2 +- hypot((a00 - a11) / 2, a01)`. */
function eigenvalues2(c: readonly Field[], o: readonly Field[], n: number): void {
  const [c00, c01, c11] = c as [Field, Field, Field];
  const [o0, o1] = o as [Field, Field];
  for (let i = 0; i < n; i++) {
    const a00 = c00[i]!;
    const a01 = c01[i]!;
    const a11 = c11[i]!;
    const m = 0.5 * (a00 + a11);
    const h = 0.5 * (a00 - a11);
    const d = Math.sqrt(h * h + a01 * a01);
    o0[i] = m + d;
    o1[i] = m - d;
  }
}

/** One matrix in double precision for the scalar functions: components in, eigenvalues out. */
const one = new Float64Array(9);
const oneIn = Array.from({ length: 6 }, (_, k) => one.subarray(k, k + 1));
const oneOut = Array.from({ length: 3 }, (_, k) => one.subarray(6 + k, 7 + k));

/** Run an eigenvalue loop on one matrix; its `count` eigenvalues go to `out` at `offset`. */
function solveOne(
  loop: typeof eigenvalues3,
  components: number[],
  count: number,
  out: { [i: number]: number },
  offset: number,
): void {
  one.set(components);
  loop(oneIn, oneOut, 1);
  for (let k = 0; k < count; k++) out[offset + k] = one[6 + k]!;
}

/**
 * Eigenvalues of the symmetric 3x3 matrix `[[a00, a01, a02], [a01, a11, a12],
 * [a02, a12, a22]]`, in closed form, sorted in descending order (vigra's
 * order): `out[offset] >= out[offset + 1] >= out[offset + 2]`.
 *
 * Trigonometric solution of the characteristic cubic on the shifted, scaled
 * matrix `B = (A - q I) / p` with `q = trace / 3` and `p` the RMS of B's
 * entries (O. K. Smith, Comm. ACM 4(4), 1961): with `r = det(B) / 2`, the
 * eigenvalues are `q + 2 p cos(phi + 2 pi k / 3)`, `phi = acos(r) / 3`.
 * Shifting first keeps the cubic well conditioned when the eigenvalues are
 * large compared to their spread, where the textbook coefficients (vigra's
 * `symmetric3x3Eigenvalues`) lose digits (vigra's result is off by up to
 * ~5e-3 of the range for the small eigenvalues of nearly rank-1 structure
 * tensors). cos/sin(acos(r) / 3) come from a polynomial fit accurate to
 * ~1.3e-15 instead of Math.acos/Math.cos. Degenerate
 * cases are exact: a multiple of the identity (including zero) gives three
 * equal eigenvalues, a diagonal matrix its sorted diagonal; rounding that
 * pushes r out of [-1, 1] is clamped. Double precision throughout.
 *
 * @param out - Receives the three eigenvalues at `offset`.
 * @see vigra `symmetric3x3Eigenvalues` (include/vigra/mathutil.hxx)
 */
export function symmetricEigenvalues3x3(
  a00: number,
  a01: number,
  a02: number,
  a11: number,
  a12: number,
  a22: number,
  out: { [i: number]: number },
  offset = 0,
): void {
  solveOne(eigenvalues3, [a00, a01, a02, a11, a12, a22], 3, out, offset);
}

/**
 * Eigenvalues of the symmetric 2x2 matrix `[[a00, a01], [a01, a11]]`, sorted
 * in descending order (vigra's order): `(a00 + a11) / 2 +- hypot((a00 - a11) / 2, a01)`.
 * @see vigra `symmetric2x2Eigenvalues` (include/vigra/mathutil.hxx)
 */
export function symmetricEigenvalues2x2(
  a00: number,
  a01: number,
  a11: number,
  out: { [i: number]: number },
  offset = 0,
): void {
  solveOne(eigenvalues2, [a00, a01, a11], 2, out, offset);
}

/**
 * Eigenvalues of a field of symmetric 3x3 (or 2x2) matrices stored as
 * component arrays, sorted descending per element.
 *
 * @param components - 3D: `[a00, a01, a02, a11, a12, a22]` (upper triangle,
 *   row by row); 2D: `[a00, a01, a11]`. Each holds `n` values.
 * @param out - 3 (or 2) arrays receiving the eigenvalues, largest first.
 * @param n - Number of elements.
 */
export function tensorEigenvalues(
  components: readonly Float32Array[],
  out: readonly Float32Array[],
  n: number,
): void {
  if (components.length === 6) eigenvalues3(components, out, n);
  else if (components.length === 3) eigenvalues2(components, out, n);
  else throw expectedError("components", "6 (3D) or 3 (2D) component arrays", components);
}

/** Eigenvalues (descending) and unit eigenvectors (columns, x y z order) of a symmetric 3x3 matrix, by cyclic Jacobi rotations (to convergence; slow, exact: for single matrices and as a reference for the closed forms above). */
export function jacobiEigen3(m: number[][]): { values: number[]; vectors: number[][] } {
  const a = m.map((r) => [...r]);
  const v = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[0]![1]! ** 2 + a[0]![2]! ** 2 + a[1]![2]! ** 2;
    if (off < 1e-30 * (1 + a[0]![0]! ** 2 + a[1]![1]! ** 2 + a[2]![2]! ** 2)) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      const apq = a[p]![q]!;
      if (apq === 0) continue;
      const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[k]![p]!;
        const akq = a[k]![q]!;
        a[k]![p] = c * akp - s * akq;
        a[k]![q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p]![k]!;
        const aqk = a[q]![k]!;
        a[p]![k] = c * apk - s * aqk;
        a[q]![k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k]![p]!;
        const vkq = v[k]![q]!;
        v[k]![p] = c * vkp - s * vkq;
        v[k]![q] = s * vkp + c * vkq;
      }
    }
  }
  const order = [0, 1, 2].sort((i, j) => a[j]![j]! - a[i]![i]!);
  return {
    values: order.map((i) => a[i]![i]!),
    vectors: order.map((i) => [v[0]![i]!, v[1]![i]!, v[2]![i]!]),
  };
}
