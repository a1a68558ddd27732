/** Two-sample Kolmogorov-Smirnov distance and its asymptotic p-value. */
import { expectedError } from "../util/checks.js";

/** Result of {@link ksTwoSample}. */
export interface KsTwoSample {
  /** D = sup_x |F_a(x) - F_b(x)| of the two empirical CDFs. */
  statistic: number;
  /** Asymptotic p-value Q_KS(sqrt(m n / (m + n)) D) (Kolmogorov's limiting distribution). */
  pValue: number;
  /** Sample sizes. */
  m: number;
  n: number;
}

function finiteSorted(values: ArrayLike<number>, name: string): Float64Array {
  if (values === null || typeof values !== "object" || typeof values.length !== "number")
    throw expectedError(name, "an array of numbers", values, TypeError);
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || Number.isNaN(v))
      throw expectedError(`${name}[${i}]`, "a number (not NaN)", v);
    out.push(v);
  }
  if (out.length === 0) throw expectedError(name, "a non-empty sample", values);
  return Float64Array.from(out).sort();
}

/**
 * Kolmogorov's survival function Q(x) = P(K > x) = 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 x^2)
 * (for small x from the theta-function form 1 - sqrt(2 pi)/x sum exp(-(2k-1)^2 pi^2 / (8 x^2))),
 * as scipy.stats.kstwobign.sf.
 */
export function kolmogorovSf(x: number): number {
  if (!(x > 0)) return 1;
  if (x < 1.18) {
    let s = 0;
    const c = (Math.PI * Math.PI) / (8 * x * x);
    for (let k = 1; k <= 20; k++) {
      const t = Math.exp(-(2 * k - 1) * (2 * k - 1) * c);
      s += t;
      if (t < 1e-300) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / x) * s;
  }
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const t = Math.exp(-2 * k * k * x * x);
    s += k % 2 === 1 ? t : -t;
    if (t < 1e-300) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

/**
 * Two-sample Kolmogorov-Smirnov test: the statistic D (as
 * `scipy.stats.ks_2samp(a, b).statistic`, ties handled by stepping both
 * empirical CDFs past each distinct value) and the asymptotic two-sided
 * p-value `kstwobign.sf(sqrt(m n / (m + n)) D)`. (scipy >= 1.5's
 * `method="asymp"` uses the finite-n distribution kstwo with n = round(mn/(m+n))
 * instead, which differs from this by a few percent for small samples.)
 * @param a - First sample (infinite values allowed, NaN refused).
 * @param b - Second sample.
 * @see Smirnov (1948); scipy.stats.ks_2samp, kstwobign
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsTwoSample {
  const x = finiteSorted(a, "a");
  const y = finiteSorted(b, "b");
  const m = x.length;
  const n = y.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < m && j < n) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < m && x[i] === v) i++;
    while (j < n && y[j] === v) j++;
    const diff = Math.abs(i / m - j / n);
    if (diff > d) d = diff;
  }
  const en = (m * n) / (m + n);
  return { statistic: d, pValue: kolmogorovSf(Math.sqrt(en) * d), m, n };
}
