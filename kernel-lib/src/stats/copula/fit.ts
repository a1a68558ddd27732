import type { Params } from "../distribution.js";
import { standardErrors } from "../fit.js";
import { minimizeBounded, nelderMead } from "../numeric.js";
import { boundTransform } from "../transform.js";
import { checkOneOf } from "../../util/checks.js";
import { checkCopulaParams, checkRotation, getDef, makeRotated, rotateData } from "./copula.js";
import { newtonPolish1, newtonPolish2 } from "./newtonPolish.js";
import { kendallTau } from "./tau.js";
import type { Copula, CopulaFamily, CopulaFamilyDef, PairData, Rotation } from "./types.js";

/** Result of a maximum likelihood copula fit. */
export interface CopulaFit {
  family: CopulaFamily;
  label: string;
  rotation: Rotation;
  params: number[];
  paramNames: readonly string[];
  /** Standard errors from the observed information (NaN at a bound or if not computed). */
  stdErrors: number[];
  logLik: number;
  /** 2k - 2 logLik. */
  aic: number;
  /** k log n - 2 logLik. */
  bic: number;
  n: number;
  /** Number of parameters. */
  k: number;
  /** Kendall's tau of the fitted copula (computed on first access). */
  readonly tau: number;
  copula: Copula;
}

/** Options of {@link fitCopula}. */
export interface FitCopulaOptions {
  /** Compute standard errors from the numerical Hessian. @default true */
  stdErrors?: boolean;
}

const TRIM = 1e-10;

/** @internal Validate paired pseudo-observations; returns trimmed copies. */
export function checkPseudoObs(
  u1: ArrayLike<number>,
  u2: ArrayLike<number>,
): [Float64Array, Float64Array] {
  if (u1 == null || u2 == null || typeof u1.length !== "number" || typeof u2.length !== "number") {
    throw new TypeError("`u1` and `u2` must be arrays of numbers in [0, 1]");
  }
  if (u1.length !== u2.length)
    throw new RangeError(
      `\`u1\` and \`u2\` must have the same length, received ${u1.length} and ${u2.length}`,
    );
  if (u1.length < 2)
    throw new RangeError(
      `need at least 2 pairs of pseudo-observations to fit a copula, received ${u1.length}`,
    );
  const a = new Float64Array(u1.length);
  const b = new Float64Array(u1.length);
  for (let i = 0; i < u1.length; i++) {
    const x = u1[i]!;
    const y = u2[i]!;
    if (!(x >= 0 && x <= 1))
      throw new RangeError(`pseudo-observations must be in [0, 1], received u1[${i}] = ${x}`);
    if (!(y >= 0 && y <= 1))
      throw new RangeError(`pseudo-observations must be in [0, 1], received u2[${i}] = ${y}`);
    a[i] = Math.min(Math.max(x, TRIM), 1 - TRIM);
    b[i] = Math.min(Math.max(y, TRIM), 1 - TRIM);
  }
  return [a, b];
}

/** @internal Per-point logarithms of (rotated) pseudo-observations in (0, 1). */
export function pairData(u: Float64Array, v: Float64Array): PairData {
  const n = u.length;
  const lu = new Float64Array(n);
  const lv = new Float64Array(n);
  const l1u = new Float64Array(n);
  const l1v = new Float64Array(n);
  const llu = new Float64Array(n);
  const llv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = u[i]!;
    const b = v[i]!;
    const la = Math.log(a);
    const lb = Math.log(b);
    lu[i] = la;
    lv[i] = lb;
    l1u[i] = Math.log1p(-a);
    l1v[i] = Math.log1p(-b);
    llu[i] = Math.log(-la);
    llv[i] = Math.log(-lb);
  }
  return { n, u, v, lu, lv, l1u, l1v, llu, llv };
}

/** Negative log-likelihood of a family on rotated data, and the fitting bounds. */
function likelihood(
  def: CopulaFamilyDef,
  a: Float64Array,
  b: Float64Array,
  rotation: Rotation,
): { negLL: (p: readonly number[]) => number; lo: number[]; hi: number[] } {
  const n = a.length;
  const r1 = new Float64Array(n);
  const r2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [x, y] = rotateData(a[i]!, b[i]!, rotation);
    r1[i] = x;
    r2[i] = y;
  }
  const fast = def.logLik;
  const d = fast ? pairData(r1, r2) : undefined;
  const negLL = (p: readonly number[]): number => {
    let s = 0;
    if (fast) s = fast(p, d!);
    else {
      const base = def.make(p);
      for (let i = 0; i < n; i++) s += base.logpdf(r1[i]!, r2[i]!);
    }
    return Number.isFinite(s) ? -s : Infinity;
  };
  const lo = def.lower.map((l, i) => (def.openLower?.[i] ? l + 1e-9 * (def.upper[i]! - l) : l));
  const hi = def.upper.map((h, i) => (def.openUpper?.[i] ? h - 1e-9 * (h - def.lower[i]!) : h));
  return { negLL, lo, hi };
}

/** Standard errors of a fit's parameters from the observed information. */
function fitStdErrors(
  def: CopulaFamilyDef,
  negLL: (p: readonly number[]) => number,
  best: readonly number[],
  lo: readonly number[],
  hi: readonly number[],
): number[] {
  const names = def.paramNames;
  const se = standardErrors(
    (p: Params) => negLL(names.map((nm) => p[nm]!)),
    Object.fromEntries(names.map((nm, i) => [nm, best[i]!])),
    names,
    lo.map((l, i) => [l, hi[i]!] as const),
  );
  return names.map((nm) => se[nm]!);
}

function fitWithDef(
  def: CopulaFamilyDef,
  a: Float64Array,
  b: Float64Array,
  rotation: Rotation,
  opts: FitCopulaOptions,
): CopulaFit {
  const n = a.length;
  const { negLL, lo, hi } = likelihood(def, a, b, rotation);
  const k = def.paramNames.length;
  let best: number[] = [];
  if (k === 1) {
    const r = minimizeBounded((t) => negLL([t]), lo[0]!, hi[0]!, 1e-7);
    best = [r.x];
  } else if (k === 2) {
    const tr = lo.map((l, i) => boundTransform(l, hi[i]!));
    const toP = (z: number[]): number[] => z.map((zi, i) => tr[i]!.fromFree(zi));
    const obj = (z: number[]): number => negLL(toP(z));
    const grid = [-2.5, -0.8, 0.8, 2.5];
    const cand: { z: number[]; f: number }[] = [];
    for (const z0 of grid) for (const z1 of grid) cand.push({ z: [z0, z1], f: obj([z0, z1]) });
    cand.sort((x, y) => x.f - y.f);
    let bestZ = cand[0]!.z;
    let bestF = cand[0]!.f;
    // Coarse searches from the two best grid points (the likelihood of BB3 / BB5 / BB8
    // can have two modes along a ridge), then a fine polish of the better one.
    for (const c of cand.slice(0, 2)) {
      const r = nelderMead(obj, c.z, {
        step: 0.6,
        maxEval: 200,
        fTol: 0,
        fAbsTol: 5e-2,
        xTol: 1e-3,
      });
      if (r.fx < bestF) {
        bestF = r.fx;
        bestZ = r.x;
      }
    }
    // Polish by Newton's method on finite differences: quadratic convergence from the
    // coarse optimum, a few dozen evaluations instead of hundreds of simplex steps.
    const pol = newtonPolish2(obj, bestZ, bestF);
    bestZ = pol.z;
    bestF = pol.f;
    const nearBound = bestZ.map((z, i) => Math.abs(z) > 5 || pol.bound[i]!);
    if (nearBound[0] || nearBound[1]) {
      // Near a bound the logistic scale flattens the surface.
      const p = toP(bestZ);
      const at = (i: number, v: number): number[] => (i === 0 ? [v, p[1]!] : [p[0]!, v]);
      const polish = (i: number): void => {
        const m = minimizeBounded((v) => negLL(at(i, v)), lo[i]!, hi[i]!, 1e-7);
        if (m.fx < bestF) {
          bestF = m.fx;
          p[i] = m.x;
        }
      };
      let done = false;
      if (nearBound[0] !== nearBound[1]) {
        // One parameter heads for a bound: optimise the other with this one at the bound
        // (Newton in free coordinates) and keep that face optimum when it is at least as
        // good and f grows inwards from the bound (a constrained optimum).
        const i = nearBound[0] ? 0 : 1;
        const j = 1 - i;
        const edge = bestZ[i]! > 0 ? hi[i]! : lo[i]!;
        const q = p.slice();
        q[i] = edge;
        const onFace = (z: number): number => {
          q[j] = tr[j]!.fromFree(z);
          return negLL(q);
        };
        const z0 = tr[j]!.toFree(p[j]!);
        const r = newtonPolish1(onFace, z0, onFace(z0));
        if (r.f <= bestF && Math.abs(r.z) <= 4) {
          q[j] = tr[j]!.fromFree(r.z);
          const qi = q.slice();
          qi[i] = edge + (bestZ[i]! > 0 ? -1e-4 : 1e-4) * (hi[i]! - lo[i]!);
          if (negLL(qi) >= r.f) {
            // Brent along the bounded parameter guards against a better interior mode
            // along a ridge (BB5, BB3): then finish there in both coordinates.
            const m = minimizeBounded(
              (v) => negLL(i === 0 ? [v, q[1]!] : [q[0]!, v]),
              lo[i]!,
              hi[i]!,
              1e-4,
            );
            if (m.fx < r.f - 1e-9) {
              const zm = [0, 0];
              zm[i] = tr[i]!.toFree(m.x);
              zm[j] = r.z;
              const rr = newtonPolish2(obj, zm, m.fx, 12, false);
              bestF = rr.f;
              p[0] = tr[0]!.fromFree(rr.z[0]!);
              p[1] = tr[1]!.fromFree(rr.z[1]!);
            } else {
              bestF = r.f;
              p[i] = edge;
              p[j] = q[j]!;
            }
            done = true;
          }
        }
      }
      if (!done) {
        // Brent in natural coordinates on the parameters near a bound, then the other one.
        for (let i = 0; i < 2; i++) if (nearBound[i]) polish(i);
        if (nearBound[0] !== nearBound[1]) polish(nearBound[0] ? 1 : 0);
      }
      bestZ = p.map((v, i) => tr[i]!.toFree(v));
      best = p.map((v, i) => Math.min(hi[i]!, Math.max(lo[i]!, v)));
    } else {
      best = toP(bestZ).map((v, i) => Math.min(hi[i]!, Math.max(lo[i]!, v)));
    }
  }
  checkCopulaParams(def, best);
  const logLik = k === 0 ? 0 : -negLL(best);
  const stdErrors =
    k > 0 && opts.stdErrors !== false
      ? fitStdErrors(def, negLL, best, lo, hi)
      : best.map(() => NaN);
  const copula = makeRotated(def, def.make(best), Object.freeze([...best]), rotation);
  const fit = {
    family: def.name,
    label: def.label,
    rotation,
    params: best,
    paramNames: def.paramNames,
    stdErrors,
    logLik,
    aic: 2 * k - 2 * logLik,
    bic: k * Math.log(n) - 2 * logLik,
    n,
    k,
    copula,
  } as Omit<CopulaFit, "tau">;
  // Kendall's tau may need numerical integration: computed on first access.
  Object.defineProperty(fit, "tau", { get: () => copula.tau(), enumerable: true });
  return fit as CopulaFit;
}

/**
 * Maximum likelihood fit of one copula family and rotation to
 * pseudo-observations (like pyvinecopulib `Bicop.fit` with a single family).
 * One-parameter families: Brent's method over the whole parameter range;
 * two-parameter families: a 4 x 4 grid on logistic-transformed parameters, a
 * coarse Nelder-Mead from the two best grid points, then Newton's method on
 * finite differences; a parameter that heads for a bound is fixed there when that
 * is a constrained optimum (else Brent in natural coordinates). Log-likelihoods
 * are closed forms summed in one loop over precomputed logarithms of the data.
 * @param u1 - First pseudo-observations in [0, 1] (trimmed to [1e-10, 1 - 1e-10]).
 * @param u2 - Second pseudo-observations.
 */
export function fitCopula(
  u1: ArrayLike<number>,
  u2: ArrayLike<number>,
  family: CopulaFamily,
  rotation: Rotation = 0,
  options: FitCopulaOptions = {},
): CopulaFit {
  const def = getDef(family);
  checkRotation(rotation);
  const [a, b] = checkPseudoObs(u1, u2);
  return fitWithDef(def, a, b, rotation, options);
}

/**
 * Standard errors of a copula's parameters at given values, from the observed
 * information of the pseudo-observations (numerical Hessian of the negative
 * log-likelihood); at the truth this is the estimator's standard error in a simulation.
 */
export function copulaStandardErrors(
  u1: ArrayLike<number>,
  u2: ArrayLike<number>,
  family: CopulaFamily,
  rotation: Rotation,
  params: readonly number[],
): number[] {
  const def = getDef(family);
  checkCopulaParams(def, params);
  const [a, b] = checkPseudoObs(u1, u2);
  const names = def.paramNames;
  const negLL = (p: Params): number => {
    const v = names.map((nm) => p[nm]!);
    try {
      checkCopulaParams(def, v);
    } catch {
      return Infinity;
    }
    const base = def.make(v);
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const [x, y] = rotateData(a[i]!, b[i]!, rotation);
      s += base.logpdf(x, y);
    }
    return Number.isFinite(s) ? -s : Infinity;
  };
  const se = standardErrors(
    negLL,
    Object.fromEntries(names.map((nm, i) => [nm, params[i]!])),
    names,
    def.lower.map((l, i) => [l, def.upper[i]!] as const),
  );
  return names.map((nm) => se[nm]!);
}

/** A ranked table of copula fits. */
export interface CopulaFitTable {
  best: CopulaFit;
  /** All fitted candidates, best first. */
  fits: CopulaFit[];
  criterion: "aic" | "bic";
  /** Empirical Kendall's tau of the data. */
  empiricalTau: number;
}

/** Options of {@link fitCopulas}. */
export interface FitCopulasOptions {
  /** Candidate families. @default all ten families */
  families?: readonly CopulaFamily[];
  /**
   * Rotations to try for families that have them: `"all"` (0, 90, 180, 270, as Furat et al.),
   * `"tauSign"` (0 and 180 for positive empirical tau, 90 and 270 for negative, like
   * vinecopulib's candidate set), or an explicit list. Frank and independence use rotation 0 only.
   * @default "all"
   */
  rotations?: "all" | "tauSign" | readonly Rotation[];
  /** Ranking criterion. @default "aic" */
  criterion?: "aic" | "bic";
  /** Standard errors for every candidate (false: only for the best). @default false */
  stdErrorsForAll?: boolean;
}

/**
 * Fit every candidate family and rotation by maximum likelihood and rank
 * them by AIC (Furat et al., section 2.6; vinecopulib `Bicop::select`).
 * @param u1 - First pseudo-observations, e.g. `fittedMarginal.cdf(x)` or {@link pseudoObservations}.
 * @param u2 - Second pseudo-observations.
 */
export function fitCopulas(
  u1: ArrayLike<number>,
  u2: ArrayLike<number>,
  options: FitCopulasOptions = {},
): CopulaFitTable {
  const [a, b] = checkPseudoObs(u1, u2);
  const families =
    options.families ??
    ([
      "indep",
      "amh",
      "clayton",
      "frank",
      "gumbel",
      "joe",
      "bb1",
      "bb3",
      "bb5",
      "bb8",
    ] as CopulaFamily[]);
  if (families.length === 0)
    throw new RangeError("`families` is empty: give at least one copula family");
  const criterion = checkOneOf(options.criterion ?? "aic", "criterion", ["aic", "bic"]);
  const empiricalTau = kendallTau(a, b);
  const rot = options.rotations ?? "all";
  if (Array.isArray(rot)) rot.forEach(checkRotation);
  else checkOneOf(rot, "rotations", ["all", "tauSign"]);
  const rotations: readonly Rotation[] =
    rot === "all"
      ? [0, 90, 180, 270]
      : rot === "tauSign"
        ? empiricalTau > 0
          ? [0, 180]
          : [90, 270]
        : (rot as readonly Rotation[]);
  const fits: CopulaFit[] = [];
  for (const fam of families) {
    const def = getDef(fam);
    const rs = def.rotationless ? [0 as Rotation] : rotations;
    for (const r of rs)
      fits.push(fitWithDef(def, a, b, r, { stdErrors: options.stdErrorsForAll ?? false }));
  }
  fits.sort((x, y) => x[criterion] - y[criterion]);
  const best = fits[0]!;
  if (!options.stdErrorsForAll && best.k > 0) {
    // Standard errors at the estimate already found (no second fit).
    const def = getDef(best.family);
    const { negLL, lo, hi } = likelihood(def, a, b, best.rotation);
    best.stdErrors = fitStdErrors(def, negLL, best.params, lo, hi);
  }
  return { best, fits, criterion, empiricalTau };
}

/**
 * Pseudo-observations from ranks, rank / (n + 1) with average ranks for ties
 * (as pyvinecopulib `to_pseudo_obs`).
 */
export function pseudoObservations(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => x[i]! - x[j]!);
  const out = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]!] === x[idx[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[idx[k]!] = r / (n + 1);
    i = j + 1;
  }
  return out;
}
