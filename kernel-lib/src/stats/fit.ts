import type { Distribution, Params, UnivariateFamily } from "./distribution.js";
import { hessian, invertMatrix, nelderMead } from "./numeric.js";
import { boundTransform } from "./transform.js";
import { checkPositiveInt, expectedError } from "../util/checks.js";

/** Result of a maximum likelihood fit of one univariate family. */
export interface FitResult {
  /** Family name, e.g. `"truncated(gev)"`. */
  family: string;
  /** Human-readable family name. */
  label: string;
  /** Estimated parameters. */
  params: Params;
  /** Standard errors from the observed information (NaN at a bound or when singular). */
  stdErrors: Params;
  /** The fitted distribution. */
  distribution: Distribution;
  /** Maximised log-likelihood. */
  logLik: number;
  /** Akaike information criterion, 2k - 2 logLik. */
  aic: number;
  /** Bayesian information criterion, k log n - 2 logLik. */
  bic: number;
  /** Number of observations. */
  n: number;
  /** Number of free parameters. */
  k: number;
}

/** Options of {@link fitDistribution}. */
export interface FitOptions {
  /** Extra starting points (merged with the family's own). */
  starts?: Params[];
  /** Maximum function evaluations per Nelder-Mead run. @default 3000 */
  maxEval?: number;
}

/**
 * Check a data vector: non-empty, finite, inside the family's support.
 * @returns The data as a Float64Array.
 */
export function checkData(data: ArrayLike<number>, family?: UnivariateFamily): Float64Array {
  if (data == null || typeof data.length !== "number")
    throw expectedError("data", "an array of numbers", data, TypeError);
  if (data.length === 0)
    throw new RangeError("`data` is empty: need at least one observation to fit a distribution");
  const x = Float64Array.from(data);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!))
      throw new RangeError(`\`data\` must be finite, received ${x[i]} at index ${i}`);
  }
  if (family) {
    const d = family.domain;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      const bad =
        (d.lowerOpen ? v <= d.lower : v < d.lower) || (d.upperOpen ? v >= d.upper : v > d.upper);
      if (bad) {
        const lo = d.lowerOpen ? "(" : "[";
        const hi = d.upperOpen ? ")" : "]";
        throw new RangeError(
          `\`data\` value ${v} at index ${i} is outside the support ${lo}${d.lower}, ${d.upper}${hi} of the ${family.label} family`,
        );
      }
    }
  }
  return x;
}

/** Sum of log densities; -Infinity if any point has zero density. */
export function logLikelihood(dist: Distribution, data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += dist.logpdf(data[i]!);
  return Number.isNaN(s) ? -Infinity : s;
}

/**
 * Maximum likelihood fit of a univariate family (like `scipy.stats.<dist>.fit`).
 * Closed-form estimates are used where they exist; otherwise Nelder-Mead on
 * transformed (unbounded) parameters from several starting points, restarted
 * from the best point until it stops improving.
 * @param data - Observations.
 * @param family - The family, e.g. `gevFamily` or `truncatedFamily(gevFamily, 0, 1)`.
 * @returns Parameters, log-likelihood, AIC, BIC and standard errors.
 * @throws RangeError for empty data, non-finite values, or data outside the family's support.
 */
export function fitDistribution(
  data: ArrayLike<number>,
  family: UnivariateFamily,
  options: FitOptions = {},
): FitResult {
  const x = checkData(data, family);
  const maxEval = checkPositiveInt(options.maxEval ?? 3000, "maxEval");
  const n = x.length;
  const names = family.paramNames;
  const k = names.length;
  const tr = family.bounds.map(([lo, hi]) => boundTransform(lo, hi));
  const toParams = (z: number[]): Params =>
    Object.fromEntries(names.map((nm, i) => [nm, tr[i]!.fromFree(z[i]!)]));
  const negLL = (p: Params): number => {
    let d: Distribution;
    try {
      d = family.create(p);
    } catch {
      return Infinity;
    }
    const ll = logLikelihood(d, x);
    return Number.isFinite(ll) ? -ll : Infinity;
  };

  let best: Params;
  if (k === 0) {
    best = {};
  } else if (family.mle) {
    best = family.mle(x);
  } else {
    let m = 0;
    for (const v of x) m += v;
    m /= n;
    let sd = 0;
    for (const v of x) sd += (v - m) ** 2;
    sd = Math.sqrt(sd / n) || 1;
    const steps = tr.map((t) => (t.identity ? 0.3 * sd : 0.4));
    const obj = (z: number[]): number => negLL(toParams(z)) / n;
    const starts = [...(options.starts ?? []), ...family.start(x)];
    let bestZ: number[] | null = null;
    let bestF = Infinity;
    for (const s of starts) {
      const z0 = names.map((nm, i) => tr[i]!.toFree(s[nm]!));
      if (z0.some((v) => !Number.isFinite(v))) continue;
      const r = nelderMead(obj, z0, {
        step: steps,
        maxEval,
        fTol: 1e-12,
        xTol: 1e-10,
      });
      if (r.fx < bestF) {
        bestF = r.fx;
        bestZ = r.x;
      }
    }
    if (bestZ === null)
      throw new RangeError(
        `could not fit the ${family.label} family: no starting point has a finite likelihood`,
      );
    // Restart from the optimum until no further improvement (Nelder-Mead can stall).
    for (let it = 0; it < 5; it++) {
      const r = nelderMead(obj, bestZ, {
        step: steps.map((s) => s / 4),
        maxEval,
        fTol: 1e-13,
        xTol: 1e-11,
      });
      const improved = bestF - r.fx;
      if (r.fx < bestF) {
        bestF = r.fx;
        bestZ = r.x;
      }
      if (!(improved > 1e-12)) break;
    }
    best = toParams(bestZ);
  }
  const distribution = family.create(best);
  const logLik = logLikelihood(distribution, x);
  const stdErrors = standardErrors(negLL, best, names, family.bounds);
  return {
    family: family.name,
    label: family.label,
    params: best,
    stdErrors,
    distribution,
    logLik,
    aic: 2 * k - 2 * logLik,
    bic: k * Math.log(n) - 2 * logLik,
    n,
    k,
  };
}

/**
 * Standard errors of a family's parameters at given parameter values, from
 * the observed information of `data` (the numerical Hessian of the negative
 * log-likelihood). At the MLE this is what {@link fitDistribution} reports;
 * at the true parameters it is the estimator's standard error in a simulation.
 */
export function standardErrorsAt(
  data: ArrayLike<number>,
  family: UnivariateFamily,
  params: Params,
): Params {
  const x = checkData(data, family);
  const negLL = (p: Params): number => {
    try {
      const ll = logLikelihood(family.create(p), x);
      return Number.isFinite(ll) ? -ll : Infinity;
    } catch {
      return Infinity;
    }
  };
  return standardErrors(negLL, params, family.paramNames, family.bounds);
}

/**
 * Standard errors sqrt(diag(H^-1)) from the numerical Hessian H of the
 * negative log-likelihood at the estimate; NaN when a parameter sits on a
 * bound or H is not positive definite.
 */
export function standardErrors(
  negLL: (p: Params) => number,
  est: Params,
  names: readonly string[],
  bounds: readonly (readonly [number, number])[],
): Params {
  const out: Params = Object.fromEntries(names.map((nm) => [nm, NaN]));
  if (names.length === 0) return out;
  const v0 = names.map((nm) => est[nm]!);
  const onBound = v0.some((v, i) => {
    const [lo, hi] = bounds[i]!;
    const tol = 1e-6 * Math.max(1, Math.abs(v));
    return Math.abs(v - lo) < tol || Math.abs(hi - v) < tol;
  });
  if (onBound) return out;
  const f = (v: number[]): number => negLL(Object.fromEntries(names.map((nm, i) => [nm, v[i]!])));
  const H = hessian(f, v0);
  const inv = invertMatrix(H);
  if (!inv) return out;
  names.forEach((nm, i) => {
    const d = inv[i]![i]!;
    out[nm] = d > 0 && Number.isFinite(d) ? Math.sqrt(d) : NaN;
  });
  return out;
}
