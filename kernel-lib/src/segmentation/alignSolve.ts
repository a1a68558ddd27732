/**
 * Slice positions from pairwise shift measurements: weighted least squares over
 * pairs (a, b) that each measure p_b - p_a, with p_0 = 0. Pairs span at most K
 * slices, so the normal matrix is banded (half-bandwidth K) and is solved exactly
 * by a banded Cholesky factorisation; optional rounds of Huber reweighting
 * down-weight pairs whose residual is large against the median residual.
 * @internal
 */

/** One measurement: content of slice `b` moved by (dy, dx) relative to slice `a` (a < b). @internal */
export interface PairShift {
  a: number;
  b: number;
  dy: number;
  dx: number;
  weight: number;
}

/** Huber threshold, in robust standard deviations (1.4826 x median |residual|). */
const HUBER = 2;

/**
 * Positions [dy, dx] of nz slices (slice 0 at 0) fitting `pairs` in the weighted
 * least-squares sense; `robust` rounds of reweighting follow the first solve.
 * Every slice must be linked to slice 0 through pairs of positive weight.
 * @internal
 */
export function solvePositions(nz: number, pairs: PairShift[], robust = 0): [number, number][] {
  let span = 1;
  for (const p of pairs) {
    if (!(p.a < p.b && p.a >= 0 && p.b < nz))
      throw new RangeError(`pair slices must satisfy 0 <= a < b < ${nz}, received a = ${p.a}, b = ${p.b}`);
    span = Math.max(span, p.b - p.a);
  }
  let weights = pairs.map((p) => p.weight);
  let ys = solveAxis(nz, span, pairs, weights, (p) => p.dy);
  let xs = solveAxis(nz, span, pairs, weights, (p) => p.dx);
  for (let round = 0; round < robust; round++) {
    const res = pairs.map((p) => Math.hypot(ys[p.b] - ys[p.a] - p.dy, xs[p.b] - xs[p.a] - p.dx));
    const sorted = [...res].sort((u, v) => u - v);
    const scale = 1.4826 * sorted[Math.floor(sorted.length / 2)];
    if (!(scale > 1e-12)) break;
    weights = pairs.map((p, i) => p.weight * Math.min(1, (HUBER * scale) / Math.max(res[i], 1e-300)));
    ys = solveAxis(nz, span, pairs, weights, (p) => p.dy);
    xs = solveAxis(nz, span, pairs, weights, (p) => p.dx);
  }
  return Array.from(ys, (y, z): [number, number] => [y, xs[z]]);
}

/** One axis: unknowns p_1 .. p_{nz-1}, normal matrix in band storage band[i][j] = A[i][i - j]. */
function solveAxis(
  nz: number,
  span: number,
  pairs: PairShift[],
  weights: number[],
  value: (p: PairShift) => number,
): Float64Array {
  const n = nz - 1;
  const w = span + 1;
  const band = new Float64Array(n * w);
  const rhs = new Float64Array(n);
  pairs.forEach((p, k) => {
    const wt = weights[k];
    if (!(wt > 0)) return;
    const m = value(p);
    const i = p.b - 1;
    const j = p.a - 1;
    band[i * w] += wt;
    rhs[i] += wt * m;
    if (j >= 0) {
      band[j * w] += wt;
      rhs[j] -= wt * m;
      band[i * w + (i - j)] -= wt;
    }
  });
  // Banded Cholesky, A = L L^T, L stored over A's band.
  for (let i = 0; i < n; i++) {
    for (let d = Math.min(i, span); d >= 0; d--) {
      const j = i - d;
      let s = band[i * w + d];
      for (let k = Math.max(0, i - span); k < j; k++) s -= band[i * w + (i - k)] * band[j * w + (j - k)];
      if (d === 0) {
        if (!(s > 1e-12))
          throw new RangeError(`slice ${i + 1} is not linked to slice 0 by any pair of positive weight`);
        band[i * w] = Math.sqrt(s);
      } else band[i * w + d] = s / band[j * w];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = rhs[i];
    for (let k = Math.max(0, i - span); k < i; k++) s -= band[i * w + (i - k)] * y[k];
    y[i] = s / band[i * w];
  }
  const out = new Float64Array(nz);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k <= Math.min(n - 1, i + span); k++) s -= band[k * w + (k - i)] * out[k + 1];
    out[i + 1] = s / band[i * w];
  }
  return out;
}
