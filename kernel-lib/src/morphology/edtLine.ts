/**
 * One-dimensional passes of the separable exact Euclidean distance transform
 * (Felzenszwalb & Huttenlocher, "Distance transforms of sampled functions",
 * Theory of Computing 8, 2012), extended to label runs as in seung-lab's
 * `edt`: along a line, each run of equal labels is transformed on its own,
 * with the voxels just outside the run (which hold another label) as sites of
 * value 0. A voxel's squared distance is then the squared distance to the
 * nearest voxel of another label; background runs (label 0) are 0.
 *
 * Why runs are enough: for a voxel of label `l`, a site beyond the run's
 * neighbours is farther than the neighbour itself, which is a site of value 0,
 * so it can never win.
 */

/**
 * Scratch arrays of one line pass, grown to the longest line seen. The left
 * bound of each site's interval is kept as a fraction `zn / zd` (`zd > 0`), so
 * building and reading the envelope needs no division: with integer
 * positions and values (unit spacing) every comparison is exact.
 */
export interface LineScratch {
  /** Site positions (physical). */
  v: Float64Array;
  /** Site values (squared distance carried from the previous pass). */
  fv: Float64Array;
  /** Numerators of the left ends of each site's interval in the lower envelope. */
  zn: Float64Array;
  /** Their (positive) denominators. */
  zd: Float64Array;
  /**
   * A short run and its two neighbours for {@link nearestSites}, from index
   * `n + 2` on; Infinity everywhere else (restored after each run).
   */
  near: Float64Array;
}

/** Scratch for lines up to `n` voxels (n + 2 sites: the run plus its two neighbours). */
export function lineScratch(n: number): LineScratch {
  return {
    v: new Float64Array(n + 2),
    fv: new Float64Array(n + 2),
    zn: new Float64Array(n + 3),
    zd: new Float64Array(n + 3),
    near: new Float64Array(3 * n + 6).fill(Infinity),
  };
}

/**
 * Last index of the run of equal labels starting at `a`; for a background
 * run (label 0), its voxels are set to 0 in `out` and the index is returned
 * as `-(last + 1)`.
 */
function runEnd(
  lab: ArrayLike<number>,
  a: number,
  n: number,
  out: Float32Array | Float64Array,
): number {
  const l = lab[a]!;
  let b = a;
  while (b + 1 < n && lab[b + 1] === l) b++;
  if (l !== 0) return b;
  for (let k = a; k <= b; k++) out[k] = 0;
  return -(b + 1);
}

/**
 * First pass: squared distance along the line from each voxel to the nearest
 * voxel of another label (Infinity when the whole line is one non-zero label;
 * 0 on label 0).
 * @param lab - Labels of the line (0 = background).
 * @param n - Line length.
 * @param s - Spacing along the line.
 * @param out - Receives `n` squared distances.
 */
export function firstPass(
  lab: ArrayLike<number>,
  n: number,
  s: number,
  out: Float32Array | Float64Array,
): void {
  for (let a = 0, b = 0; a < n; a = b + 1) {
    b = runEnd(lab, a, n, out);
    if (b < 0) {
      b = -b - 1;
      continue;
    }
    const hasLeft = a > 0;
    const hasRight = b < n - 1;
    for (let k = a; k <= b; k++) {
      const dl = hasLeft ? k - a + 1 : Infinity;
      const dr = hasRight ? b + 1 - k : Infinity;
      const d = (dl < dr ? dl : dr) * s;
      out[k] = d * d;
    }
  }
}

/**
 * Add the parabola of the site at position `q` with value `val` to a lower envelope of
 * `k + 1` parabolas (scratch `v`, `fv`, `zn / zd`), dropping those it hides;
 * returns the index of the new last parabola. Sites come in increasing
 * position, so the crossing `(h - h_k) / (2 (q - v_k))` with the last one has a
 * positive denominator and is compared cross-multiplied.
 */
function addSite(k: number, q: number, val: number, sc: LineScratch): number {
  const { v, fv, zn, zd } = sc;
  const h = val + q * q;
  let num = 0;
  let den = 1;
  while (k >= 0) {
    const vk = v[k]!;
    num = h - (fv[k]! + vk * vk);
    den = 2 * (q - vk);
    if (num * zd[k]! <= zn[k]! * den) k--;
    else break;
  }
  k++;
  v[k] = q;
  fv[k] = val;
  if (k === 0) {
    zn[0] = -Infinity;
    zd[0] = 1;
  } else {
    zn[k] = num;
    zd[k] = den;
  }
  return k;
}

/**
 * Write the lower envelope of parabolas `0..k` at voxels `a..b` (spacing `s`)
 * to `out[off + p]`, or its square root when `root`.
 */
function evaluate(
  k: number,
  a: number,
  b: number,
  s: number,
  { v, fv, zn, zd }: LineScratch,
  out: Float32Array | Float64Array,
  off: number,
  root: boolean,
): void {
  zn[k + 1] = Infinity;
  zd[k + 1] = 1;
  let j = 0;
  for (let p = a; p <= b; p++) {
    const x = p * s;
    while (zn[j + 1]! < x * zd[j + 1]!) j++;
    const d = x - v[j]!;
    const e = d * d + fv[j]!;
    out[off + p] = root ? Math.sqrt(e) : e;
  }
}

/**
 * Later passes: the lower envelope of parabolas `(x - q)^2 + f(q)` over the
 * sites of each label run (its voxels with finite `f` and, as sites of value
 * 0, the voxels just outside it), evaluated at every voxel of the run.
 * `f` and `out` may be the same array.
 * @param f - Squared distances from the previous pass.
 * @param lab - Labels of the line (0 = background).
 * @param n - Line length.
 * @param s - Spacing along the line.
 * @param out - Receives `n` squared distances (Infinity where a run has no site).
 */
export function envelopePass(
  f: ArrayLike<number>,
  lab: ArrayLike<number>,
  n: number,
  s: number,
  out: Float32Array | Float64Array,
  scratch: LineScratch,
): void {
  for (let a = 0, b = 0; a < n; a = b + 1) {
    b = runEnd(lab, a, n, out);
    if (b < 0) {
      b = -b - 1;
      continue;
    }
    // Build the envelope: sites in increasing position.
    let k = -1;
    const lo = a > 0 ? a - 1 : a;
    const hi = b < n - 1 ? b + 1 : b;
    for (let p = lo; p <= hi; p++) {
      const val = p < a || p > b ? 0 : f[p]!;
      if (val === Infinity) continue;
      k = addSite(k, p * s, val, scratch);
    }
    if (k < 0) {
      for (let p = a; p <= b; p++) out[p] = Infinity;
      continue;
    }
    evaluate(k, a, b, s, scratch, out, 0, false);
  }
}

/**
 * {@link firstPass} of a mask row read straight from the volume: voxels of
 * `src[start..start + n)` that are 0 are background, all others foreground.
 * Writes the squared distances to `out[start..start + n)`.
 */
export function firstPassMask(
  src: ArrayLike<number>,
  start: number,
  n: number,
  s: number,
  out: Float32Array,
): void {
  // Forward: steps to the last zero on the left (Infinity before the first).
  let last = -Infinity;
  for (let k = 0; k < n; k++) {
    if (src[start + k] === 0) {
      last = k;
      out[start + k] = 0;
    } else out[start + k] = k - last;
  }
  // Backward: the nearer of the two, scaled and squared.
  let next = Infinity;
  for (let k = n - 1; k >= 0; k--) {
    const i = start + k;
    if (src[i] === 0) {
      next = k;
      continue;
    }
    const dl = out[i]!;
    const dr = next - k;
    const d = (dl < dr ? dl : dr) * s;
    out[i] = d * d;
  }
}

/**
 * {@link envelopePass} of a mask line held in place in `t[off..off + n)`:
 * in mask mode a voxel is background exactly when its squared distance is 0
 * (every foreground voxel is at least one voxel from the background), so the
 * runs are read from the values themselves and no labels are needed. Runs
 * of up to {@link SHORT_RUN} voxels go to {@link nearestSites}, longer ones
 * build the envelope. With `root`, square roots are written (last pass).
 */
export function envelopeMask(
  t: Float32Array,
  off: number,
  n: number,
  s: number,
  scratch: LineScratch,
  root: boolean,
): void {
  for (let a = 0; a < n; a++) {
    if (t[off + a] === 0) continue;
    let b = a;
    while (b + 1 < n && t[off + b + 1] !== 0) b++;
    if (b - a < SHORT_RUN && (a > 0 || b < n - 1)) {
      nearestSites(t, off, a, b, n, s, scratch.near, root);
      a = b;
      continue;
    }
    let k = -1;
    const lo = a > 0 ? a - 1 : a;
    const hi = b < n - 1 ? b + 1 : b;
    for (let p = lo; p <= hi; p++) {
      const val = p < a || p > b ? 0 : t[off + p]!;
      if (val === Infinity) continue;
      k = addSite(k, p * s, val, scratch);
    }
    if (k >= 0) evaluate(k, a, b, s, scratch, t, off, root);
    a = b;
  }
}

/**
 * Runs up to this many voxels long take {@link nearestSites}: its work per
 * voxel is bounded by the distance to the run's ends, and it has none of the
 * envelope's bookkeeping.
 */
const SHORT_RUN = 16;

/**
 * The minimum over sites `q` of `(x_p - x_q)^2 + f(q)` for each voxel `p` of
 * the mask run `t[off + a..off + b]` (at least one of its ends inside the
 * line), found by walking out from `p` on both sides at once until the squared
 * steps alone are no smaller than the best value so far (no site farther out
 * can then win). The run is copied into `g` from index `n + 2` on, with the
 * voxels just outside it as sites of value 0 where they lie inside the line
 * and Infinity everywhere else, so the walk needs no bounds tests: it ends
 * within `b - a + 2` steps, at the latest just past a site of value 0. Exact:
 * the sums of the envelope, minimised directly (the step is `r * s` where the
 * envelope takes `p * s - q * s`: the same number at unit spacing, within an
 * ulp otherwise). Square roots are taken as the values are written when `root`.
 */
function nearestSites(
  t: Float32Array,
  off: number,
  a: number,
  b: number,
  n: number,
  s: number,
  g: Float64Array,
  root: boolean,
): void {
  const len = b - a + 1;
  const base = n + 2;
  for (let i = 0; i < len; i++) g[base + i] = t[off + a + i]!;
  g[base - 1] = a > 0 ? 0 : Infinity;
  g[base + len] = b < n - 1 ? 0 : Infinity;
  for (let i = 0; i < len; i++) {
    const c = base + i;
    let best = g[c]!;
    for (let r = 1; ; r++) {
      const d = r * s;
      const dd = d * d;
      if (dd >= best) break;
      const l = g[c - r]!;
      const rr = g[c + r]!;
      const m = (l < rr ? l : rr) + dd;
      if (m < best) best = m;
    }
    t[off + a + i] = root ? Math.sqrt(best) : best;
  }
  for (let i = -1; i <= len; i++) g[base + i] = Infinity;
}
