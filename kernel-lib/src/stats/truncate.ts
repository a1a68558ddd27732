import type { Distribution, UnivariateFamily } from "./distribution.js";
import { checkCount, numericMoments } from "./distribution.js";
import { normalMixture, normalMixtureFamily } from "./normalMixture.js";
import { toRng } from "./random.js";

/** A distribution truncated to an interval, with its untruncated base. */
export interface TruncatedDistribution extends Distribution {
  readonly base: Distribution;
}

/**
 * Truncate a distribution to [lower, upper]: f_T(x) = f(x) / (F(upper) - F(lower)).
 * Moments are computed by adaptive quadrature.
 * @param dist - The untruncated distribution.
 * @param lower - Lower end (may be -Infinity).
 * @param upper - Upper end (may be Infinity).
 */
export function truncate(dist: Distribution, lower: number, upper: number): TruncatedDistribution {
  if (Number.isNaN(lower) || Number.isNaN(upper) || !(lower < upper)) {
    throw new RangeError(`truncate: need lower < upper, received [${lower}, ${upper}]`);
  }
  const a = Math.max(lower, dist.support[0]);
  const b = Math.min(upper, dist.support[1]);
  const fa = a === -Infinity ? 0 : dist.cdf(a);
  const fb = b === Infinity ? 1 : dist.cdf(b);
  const mass = fb - fa;
  if (!(a < b) || !(mass > 0)) {
    throw new RangeError(
      `truncate: ${dist.family} has no probability mass in [${lower}, ${upper}]`,
    );
  }
  const logMass = Math.log(mass);
  const logpdf = (x: number): number => (x < a || x > b ? -Infinity : dist.logpdf(x) - logMass);
  const pdf = (x: number): number => Math.exp(logpdf(x));
  const quantile = (p: number): number => {
    if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
    if (p === 0) return a;
    if (p === 1) return b;
    return Math.min(b, Math.max(a, dist.quantile(fa + p * mass)));
  };
  let moments: { mean: number; variance: number } | undefined;
  const getMoments = (): { mean: number; variance: number } =>
    (moments ??= numericMoments(pdf, a, b));
  return {
    family: `truncated(${dist.family})`,
    params: dist.params,
    support: [a, b],
    base: dist,
    logpdf,
    pdf,
    cdf: (x) => (x <= a ? 0 : x >= b ? 1 : Math.min(1, Math.max(0, (dist.cdf(x) - fa) / mass))),
    quantile,
    sample(n, rng) {
      checkCount(n);
      const r = toRng(rng);
      const out = new Float64Array(n);
      if (mass > 0.3) {
        // Rejection from the base sampler, in batches.
        let filled = 0;
        while (filled < n) {
          const batch = dist.sample(Math.ceil(((n - filled) / mass) * 1.1) + 8, r);
          for (let i = 0; i < batch.length && filled < n; i++) {
            const x = batch[i]!;
            if (x >= a && x <= b) out[filled++] = x;
          }
        }
      } else {
        for (let i = 0; i < n; i++) out[i] = quantile(r.nextOpen());
      }
      return out;
    },
    mean: () => getMoments().mean,
    variance: () => getMoments().variance,
  };
}

/**
 * A family truncated to a fixed interval, e.g. the GEV truncated to [0, 1]
 * of Furat et al., Table 1. The likelihood is that of the truncated density.
 */
export function truncatedFamily(
  family: UnivariateFamily,
  lower: number,
  upper: number,
): UnivariateFamily {
  const d = family.domain;
  const lo = Math.max(lower, d.lower);
  const hi = Math.min(upper, d.upper);
  return {
    name: `truncated(${family.name})`,
    label: `${family.label} truncated to [${fmt(lower)}, ${fmt(upper)}]`,
    paramNames: family.paramNames,
    bounds: family.bounds,
    domain: {
      lower: lo,
      upper: hi,
      lowerOpen: lo === d.lower ? d.lowerOpen : false,
      upperOpen: hi === d.upper ? d.upperOpen : false,
    },
    create: (p) => truncate(family.create(p), lower, upper),
    start: (data) => family.start(data),
  };
}

function fmt(x: number): string {
  if (Math.abs(x - Math.PI) < 1e-12) return "pi";
  if (Math.abs(x + Math.PI) < 1e-12) return "-pi";
  return String(x);
}

/**
 * The two-normal mixture truncated to [-pi, pi) (Furat et al., Eq. 20), the
 * paper's model of the azimuth phi.
 */
export function truncatedNormalMixture(params: {
  mu1: number;
  mu2: number;
  sigma1: number;
  sigma2: number;
  lambda: number;
}): TruncatedDistribution {
  return truncate(normalMixture(params), -Math.PI, Math.PI);
}

/** The mixture-of-two-normals family truncated to [-pi, pi) for fitting. */
export const truncatedNormalMixtureFamily: UnivariateFamily = truncatedFamily(
  normalMixtureFamily,
  -Math.PI,
  Math.PI,
);
