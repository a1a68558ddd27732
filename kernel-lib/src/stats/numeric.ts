/**
 * Numerical building blocks: adaptive Gauss-Kronrod integration, Brent's
 * root finder, Brent's bounded minimiser, Nelder-Mead, numerical Hessian.
 * Internal module.
 */

// Gauss-Kronrod 7-15 nodes (QUADPACK qk15).
const XGK = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945,
  0.5860872354676911, 0.4058451513773972, 0.20778495500789848, 0,
];
const WGK = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592,
  0.1690047266392679, 0.19035057806478542, 0.20443294007529889, 0.20948214108472782,
];
const WG = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];

function gk15(f: (x: number) => number, a: number, b: number): [number, number] {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  const fc = f(c);
  let resK = fc * WGK[7]!;
  let resG = fc * WG[3]!;
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j]!;
    const f1 = f(c - dx);
    const f2 = f(c + dx);
    resK += WGK[j]! * (f1 + f2);
    if (j % 2 === 1) resG += WG[(j - 1) / 2]! * (f1 + f2);
  }
  return [resK * h, Math.abs((resK - resG) * h)];
}

/** Options of {@link integrate}. */
export interface IntegrateOptions {
  /** Absolute tolerance. @default 1e-10 */
  absTol?: number;
  /** Relative tolerance. @default 1e-10 */
  relTol?: number;
  /** Maximum number of interval subdivisions. @default 200 */
  maxIntervals?: number;
}

/**
 * Adaptive Gauss-Kronrod (7-15) integral of f over [a, b]; infinite limits
 * are mapped to finite ones (x = t / (1 - t^2) or x = a + t / (1 - t)).
 */
export function integrate(
  f: (x: number) => number,
  a: number,
  b: number,
  options: IntegrateOptions = {},
): number {
  if (a === b) return 0;
  if (a > b) return -integrate(f, b, a, options);
  if (!Number.isFinite(a) && !Number.isFinite(b)) {
    return integrate(
      (t) => {
        const d = 1 - t * t;
        const x = t / d;
        return f(x) * ((1 + t * t) / (d * d));
      },
      -1,
      1,
      options,
    );
  }
  if (!Number.isFinite(b)) {
    return integrate(
      (t) => {
        const d = 1 - t;
        return f(a + t / d) / (d * d);
      },
      0,
      1,
      options,
    );
  }
  if (!Number.isFinite(a)) {
    return integrate(
      (t) => {
        const d = 1 - t;
        return f(b - t / d) / (d * d);
      },
      0,
      1,
      options,
    );
  }
  const absTol = options.absTol ?? 1e-10;
  const relTol = options.relTol ?? 1e-10;
  const maxIntervals = options.maxIntervals ?? 200;
  const safe = (x: number): number => {
    const y = f(x);
    return Number.isFinite(y) ? y : 0;
  };
  type Seg = { a: number; b: number; v: number; e: number };
  const [v0, e0] = gk15(safe, a, b);
  const segs: Seg[] = [{ a, b, v: v0, e: e0 }];
  let total = v0;
  let err = e0;
  while (err > Math.max(absTol, relTol * Math.abs(total)) && segs.length < maxIntervals) {
    // Split the segment with the largest error.
    let k = 0;
    for (let i = 1; i < segs.length; i++) if (segs[i]!.e > segs[k]!.e) k = i;
    const s = segs[k]!;
    const m = 0.5 * (s.a + s.b);
    if (m <= s.a || m >= s.b) break;
    const [v1, e1] = gk15(safe, s.a, m);
    const [v2, e2] = gk15(safe, m, s.b);
    total += v1 + v2 - s.v;
    err += e1 + e2 - s.e;
    segs[k] = { a: s.a, b: m, v: v1, e: e1 };
    segs.push({ a: m, b: s.b, v: v2, e: e2 });
  }
  return total;
}

/**
 * Brent's root finder on a bracket [a, b] with f(a), f(b) of opposite sign
 * (or zero). Returns the root to within `tol` (absolute, in x).
 */
export function findRoot(
  f: (x: number) => number,
  a: number,
  b: number,
  tol = 1e-12,
  maxIter = 200,
): number {
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (!(fa * fb < 0)) {
    throw new RangeError(
      `findRoot: f(a) and f(b) must have opposite signs, received f(${a}) = ${fa}, f(${b}) = ${fb}`,
    );
  }
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let i = 0; i < maxIter; i++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = Math.abs(p);
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
  }
  return b;
}

/**
 * Brent's minimiser of a univariate function on [a, b] (golden section with
 * parabolic steps). Returns the argmin and the minimum.
 */
export function minimizeBounded(
  f: (x: number) => number,
  a: number,
  b: number,
  tol = 1e-8,
  maxIter = 200,
): { x: number; fx: number } {
  const golden = 0.381966011250105;
  let x = a + golden * (b - a);
  let w = x;
  let v = x;
  let fx = f(x);
  let fw = fx;
  let fv = fx;
  let d = 0;
  let e = 0;
  for (let i = 0; i < maxIter; i++) {
    const xm = 0.5 * (a + b);
    const tol1 = tol * Math.abs(x) + 1e-12;
    const tol2 = 2 * tol1;
    if (Math.abs(x - xm) <= tol2 - 0.5 * (b - a)) break;
    let useGolden = true;
    if (Math.abs(e) > tol1) {
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      const etemp = e;
      e = d;
      if (!(Math.abs(p) >= Math.abs(0.5 * q * etemp) || p <= q * (a - x) || p >= q * (b - x))) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = xm - x >= 0 ? tol1 : -tol1;
        useGolden = false;
      }
    }
    if (useGolden) {
      e = x >= xm ? a - x : b - x;
      d = golden * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d >= 0 ? tol1 : -tol1);
    const fu = f(u);
    if (fu <= fx) {
      if (u >= x) a = x;
      else b = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return { x, fx };
}

/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Initial simplex step per coordinate. @default 0.5 */
  step?: number | number[];
  /** Stop when the simplex function values differ by less than this. @default 1e-9 */
  fTol?: number;
  /** Stop when the simplex is smaller than this in every coordinate. @default 1e-8 */
  xTol?: number;
  /** Also stop when the simplex function values differ by less than this (absolute). @default 0 */
  fAbsTol?: number;
  /** Maximum function evaluations. @default 2000 */
  maxEval?: number;
}

/**
 * Nelder-Mead simplex minimisation (adaptive coefficients of Gao & Han 2012).
 * Non-finite function values are treated as +Infinity.
 */
export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  options: NelderMeadOptions = {},
): { x: number[]; fx: number; evaluations: number } {
  const n = x0.length;
  const fTol = options.fTol ?? 1e-9;
  const xTol = options.xTol ?? 1e-8;
  const maxEval = options.maxEval ?? 2000;
  const fAbsTol = options.fAbsTol ?? 0;
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;
  let evals = 0;
  const fs = (x: number[]): number => {
    evals++;
    const y = f(x);
    return Number.isFinite(y) ? y : Infinity;
  };
  const pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    const st = Array.isArray(options.step) ? options.step[i]! : (options.step ?? 0.5);
    p[i] = p[i]! + st;
    pts.push(p);
  }
  let vals = pts.map(fs);
  while (evals < maxEval) {
    const order = vals.map((_, i) => i).sort((i, j) => vals[i]! - vals[j]!);
    const sp = order.map((i) => pts[i]!);
    const sv = order.map((i) => vals[i]!);
    pts.splice(0, pts.length, ...sp);
    vals = sv;
    const best = vals[0]!;
    const worst = vals[n]!;
    let size = 0;
    for (let i = 1; i <= n; i++)
      for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(pts[i]![j]! - pts[0]![j]!));
    if (
      (Number.isFinite(worst) &&
        Math.abs(worst - best) <= Math.max(fAbsTol, fTol * (Math.abs(best) + 1e-12) + 1e-14)) ||
      size < xTol
    )
      break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += pts[i]![j]! / n;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (pts[n]![j]! - c));
    const xr = along(-alpha);
    const fr = fs(xr);
    if (fr < vals[0]!) {
      const xe = along(-alpha * beta);
      const fe = fs(xe);
      if (fe < fr) {
        pts[n] = xe;
        vals[n] = fe;
      } else {
        pts[n] = xr;
        vals[n] = fr;
      }
    } else if (fr < vals[n - 1]!) {
      pts[n] = xr;
      vals[n] = fr;
    } else {
      const outside = fr < vals[n]!;
      const xc = along(outside ? -alpha * gamma : gamma);
      const fc = fs(xc);
      if (fc <= (outside ? fr : vals[n]!)) {
        pts[n] = xc;
        vals[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          pts[i] = pts[0]!.map((b, j) => b + delta * (pts[i]![j]! - b));
          vals[i] = fs(pts[i]!);
        }
      }
    }
  }
  let k = 0;
  for (let i = 1; i <= n; i++) if (vals[i]! < vals[k]!) k = i;
  return { x: pts[k]!, fx: vals[k]!, evaluations: evals };
}

/**
 * Central-difference Hessian of f at x, used for the observed information of
 * maximum likelihood fits. Each coordinate's step is tuned so that f changes
 * by about `targetChange` (h near 0.1 standard errors for a log-likelihood),
 * which balances truncation and rounding error whatever the parameter's scale.
 */
export function hessian(f: (x: number[]) => number, x: number[], targetChange = 0.005): number[][] {
  const n = x.length;
  const f0 = f(x);
  const at = (d: number[]): number => f(x.map((xi, i) => xi + d[i]!));
  const h = x.map((xi, i) => {
    let step = 1e-4 * Math.max(Math.abs(xi), 1e-3);
    for (let it = 0; it < 60; it++) {
      const e = new Array<number>(n).fill(0);
      e[i] = step;
      const up = at(e);
      e[i] = -step;
      const dn = at(e);
      const change = Math.max(Math.abs(up - f0), Math.abs(dn - f0));
      if (!Number.isFinite(change) || change > 10 * targetChange) step /= 3;
      else if (change < targetChange / 10) step *= 3;
      else break;
    }
    return step;
  });
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const e = new Array<number>(n).fill(0);
    e[i] = h[i]!;
    const fp = at(e);
    e[i] = -h[i]!;
    const fm = at(e);
    H[i]![i] = (fp - 2 * f0 + fm) / (h[i]! * h[i]!);
    for (let j = 0; j < i; j++) {
      const d = new Array<number>(n).fill(0);
      d[i] = h[i]!;
      d[j] = h[j]!;
      const fpp = at(d);
      d[j] = -h[j]!;
      const fpm = at(d);
      d[i] = -h[i]!;
      const fmm = at(d);
      d[j] = h[j]!;
      const fmp = at(d);
      H[i]![j] = H[j]![i] = (fpp - fpm - fmp + fmm) / (4 * h[i]! * h[j]!);
    }
  }
  return H;
}

/** Inverse of a small symmetric positive-definite matrix (Gauss-Jordan); null if singular. */
export function invertMatrix(m: number[][]): number[][] | null {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (!(Math.abs(a[p]![c]!) > 1e-300)) return null;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const piv = a[c]![c]!;
    for (let j = 0; j < 2 * n; j++) a[c]![j]! /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const fct = a[r]![c]!;
      if (fct === 0) continue;
      for (let j = 0; j < 2 * n; j++) a[r]![j]! -= fct * a[c]![j]!;
    }
  }
  return a.map((row) => row.slice(n));
}
