import { checkNonNegativeInt } from "../util/checks.js";
import type { Rng } from "./random.js";
import { toRng } from "./random.js";
import { findRoot, integrate } from "./numeric.js";

/** A univariate probability distribution with fixed parameters. */
export interface Distribution {
  /** Family name, e.g. `"invgauss"`, or `"truncated(gev)"`. */
  readonly family: string;
  /** Parameters by name (the paper's names where it has them). */
  readonly params: Readonly<Record<string, number>>;
  /** Closed support [lower, upper] (may be infinite). */
  readonly support: readonly [number, number];
  pdf(x: number): number;
  logpdf(x: number): number;
  cdf(x: number): number;
  /** Inverse cdf, p in [0, 1]. */
  quantile(p: number): number;
  /** n independent draws. */
  sample(n: number, rng: Rng | number): Float64Array;
  mean(): number;
  variance(): number;
}

/** Parameter record of a family, by name. */
export type Params = Record<string, number>;

/** A parametric family: what fitting needs to know about it. */
export interface UnivariateFamily {
  /** Short name, e.g. `"gamma"`. */
  readonly name: string;
  /** Human-readable name, e.g. `"inverse Gaussian"`. */
  readonly label: string;
  /** Parameter names in order. */
  readonly paramNames: readonly string[];
  /** Closed bounds of each parameter, in the order of `paramNames` (open ends are treated as closed with a tiny margin). */
  readonly bounds: readonly (readonly [number, number])[];
  /**
   * Interval that holds the support for every parameter value: data outside
   * it cannot come from the family. `open` marks ends the data may not touch.
   */
  readonly domain: { lower: number; upper: number; lowerOpen: boolean; upperOpen: boolean };
  /** Make the distribution with these parameters (validated). */
  create(params: Params): Distribution;
  /** Starting points for maximum likelihood (moment or closed-form estimates). */
  start(data: Float64Array): Params[];
  /** Closed-form maximum likelihood estimate when there is one. */
  mle?(data: Float64Array): Params;
}

/** Bounds of a parameter, or of the data a family can produce: closed unless `lowerOpen` / `upperOpen`. */
export interface ParamBound {
  lower: number;
  upper: number;
  /** Exclude `lower` itself. @default false */
  lowerOpen?: boolean;
  /** Exclude `upper` itself. @default false */
  upperOpen?: boolean;
}

/** Any real number. */
export const REAL: Readonly<ParamBound> = { lower: -Infinity, upper: Infinity };
/** A number > 0. */
export const POSITIVE: Readonly<ParamBound> = { lower: 0, upper: Infinity, lowerOpen: true };
/** A number >= 0. */
export const NON_NEGATIVE: Readonly<ParamBound> = { lower: 0, upper: Infinity };

/** Check that parameters are numbers (not NaN) inside their bounds. */
export function checkParams(
  family: string,
  params: Params,
  spec: Readonly<Record<string, Readonly<ParamBound>>>,
): void {
  for (const [name, b] of Object.entries(spec)) {
    const v = params[name];
    if (typeof v !== "number" || Number.isNaN(v)) {
      throw new TypeError(
        `${family}: parameter \`${name}\` must be a number, received ${String(v)}`,
      );
    }
    const okLo = b.lowerOpen ? v > b.lower : v >= b.lower;
    const okHi = b.upperOpen ? v < b.upper : v <= b.upper;
    if (!okLo || !okHi) {
      const lo = b.lowerOpen ? "(" : "[";
      const hi = b.upperOpen ? ")" : "]";
      throw new RangeError(
        `${family}: parameter \`${name}\` must be in ${lo}${b.lower}, ${b.upper}${hi}, received ${v}`,
      );
    }
  }
}

/** Check a sample size. */
export function checkCount(n: number): void {
  checkNonNegativeInt(n, "n");
}

/** n independent draws, each `draw(r)` from one generator made of `rng`. */
export function drawSample(n: number, rng: Rng | number, draw: (r: Rng) => number): Float64Array {
  checkCount(n);
  const r = toRng(rng);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = draw(r);
  return out;
}

/** What a distribution's closed forms give; {@link distributionOf} adds the density and the sampler. */
export interface DistributionParts extends Omit<Distribution, "pdf" | "sample"> {
  /** One draw from the generator `r` (the sampler calls it n times in order). */
  draw(r: Rng): number;
}

/** A distribution from its log density, cdf, quantile, one draw and moments: pdf = exp(logpdf). */
export function distributionOf(parts: DistributionParts): Distribution {
  const { logpdf, draw } = parts;
  return {
    family: parts.family,
    params: parts.params,
    support: parts.support,
    logpdf,
    pdf: (x) => Math.exp(logpdf(x)),
    cdf: parts.cdf,
    quantile: parts.quantile,
    sample: (n, rng) => drawSample(n, rng, draw),
    mean: parts.mean,
    variance: parts.variance,
  };
}

/** What {@link familyOf} makes a fitting family from. */
export interface FamilyParts<P> {
  /** Short name, e.g. `"gamma"`. */
  name: string;
  /** Human-readable name, e.g. `"inverse Gaussian"`. */
  label: string;
  /** Each parameter's allowed range, in parameter order (also the family function's check). */
  params: Readonly<Record<string, Readonly<ParamBound>>>;
  /** Search bounds of the fit, in parameter order. @default each parameter's [lower, upper] */
  fitBounds?: readonly (readonly [number, number])[];
  /** The interval that holds the support for every parameter value. */
  domain: Readonly<ParamBound>;
  /** The family function, e.g. {@link gamma}. */
  create(params: P): Distribution;
  /** Starting points for maximum likelihood. */
  start(data: Float64Array): Params[];
  /** Closed-form maximum likelihood estimate when there is one. */
  mle?(data: Float64Array): Params;
}

/** A fitting family from its family function and its parameters' ranges. */
export function familyOf<P>(parts: FamilyParts<P>): UnivariateFamily {
  const d = parts.domain;
  const ranges = Object.values(parts.params);
  return {
    name: parts.name,
    label: parts.label,
    paramNames: Object.keys(parts.params),
    bounds: parts.fitBounds ?? ranges.map((b) => [b.lower, b.upper] as const),
    domain: {
      lower: d.lower,
      upper: d.upper,
      lowerOpen: d.lowerOpen ?? false,
      upperOpen: d.upperOpen ?? false,
    },
    create: (p) => parts.create(p as P),
    start: parts.start,
    ...(parts.mle ? { mle: parts.mle } : {}),
  };
}

/**
 * Numerical quantile: root of cdf(x) = p on a bracket grown from `guess`
 * inside `support`.
 */
export function numericQuantile(
  cdf: (x: number) => number,
  p: number,
  support: readonly [number, number],
  guess: number,
  scale: number,
): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return support[0];
  if (p === 1) return support[1];
  let lo = guess - scale;
  let hi = guess + scale;
  let step = scale;
  if (Number.isFinite(support[0])) lo = Math.max(lo, support[0]);
  if (Number.isFinite(support[1])) hi = Math.min(hi, support[1]);
  for (let i = 0; i < 200 && cdf(lo) > p; i++) {
    step *= 2;
    lo = Number.isFinite(support[0]) ? support[0] + (lo - support[0]) / 4 : lo - step;
  }
  for (let i = 0; i < 200 && cdf(hi) < p; i++) {
    step *= 2;
    hi = Number.isFinite(support[1]) ? support[1] - (support[1] - hi) / 4 : hi + step;
  }
  const f = (x: number): number => cdf(x) - p;
  const fl = f(lo);
  const fh = f(hi);
  if (fl >= 0) return lo;
  if (fh <= 0) return hi;
  return findRoot(f, lo, hi, 1e-14 * Math.max(1, Math.abs(guess)));
}

/** Mean and variance by integrating x f(x) and x^2 f(x) over [a, b]. */
export function numericMoments(
  pdf: (x: number) => number,
  a: number,
  b: number,
): { mean: number; variance: number } {
  const m0 = integrate(pdf, a, b, { absTol: 1e-13, relTol: 1e-12, maxIntervals: 400 });
  const m1 =
    integrate((x) => x * pdf(x), a, b, { absTol: 1e-13, relTol: 1e-12, maxIntervals: 400 }) / m0;
  const v =
    integrate((x) => (x - m1) * (x - m1) * pdf(x), a, b, {
      absTol: 1e-14,
      relTol: 1e-12,
      maxIntervals: 400,
    }) / m0;
  return { mean: m1, variance: v };
}
