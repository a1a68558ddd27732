// Reflections: the distribution of -X, the GEV for minima, and what reflecting one
// margin does to a copula's rotation.
import type { Distribution } from "./distribution.js";
import { checkCount } from "./distribution.js";
import { gev } from "./gev.js";
import type { Rotation } from "./copula/types.js";
import { checkRotation } from "./copula/copula.js";
import { checkOneOf } from "../util/checks.js";

/**
 * The distribution of -X for X ~ `dist`: f(x) = f_X(-x), F(x) = 1 - F_X(-x),
 * mean -E[X], same variance. Family `neg(<family>)`, same parameter record.
 * @param dist - The distribution of X.
 */
export function negate(dist: Distribution): Distribution {
  const [lo, hi] = dist.support;
  return {
    family: `neg(${dist.family})`,
    params: dist.params,
    support: [-hi, -lo],
    logpdf: (x) => dist.logpdf(-x),
    pdf: (x) => dist.pdf(-x),
    cdf: (x) => 1 - dist.cdf(-x),
    quantile: (p) => (Number.isNaN(p) || p < 0 || p > 1 ? NaN : -dist.quantile(1 - p)),
    sample(n, rng) {
      checkCount(n);
      const out = dist.sample(n, rng);
      for (let i = 0; i < n; i++) out[i] = -out[i]!;
      return out;
    },
    mean: () => -dist.mean(),
    variance: () => dist.variance(),
  };
}

/**
 * Generalised extreme value distribution for minima: X = -Y with
 * Y ~ GEV(k, -mu, sigma) in the paper's k convention ({@link gev}), i.e.
 * F(x) = 1 - exp(-(1 - k z)^(-1/k)), z = (x - mu) / sigma, and for k = 0
 * F(x) = 1 - exp(-exp(z)) with mean mu - gamma sigma (gamma = Euler's constant)
 * and std pi sigma / sqrt(6). For k = 0 this is MATLAB's type I extreme value
 * distribution (`evpdf` / `evcdf`, `fitdist(x, 'ExtremeValue')`); scipy:
 * `gumbel_l(loc=mu, scale=sigma)`, in general `-genextreme(c=-k, loc=-mu, scale=sigma)`.
 * Family `neg(gev)`; `params` are those of Y.
 */
export function gevMinima(params: { k: number; mu: number; sigma: number }): Distribution {
  return negate(gev({ k: params.k, mu: -params.mu, sigma: params.sigma }));
}

/**
 * The rotation of an exchangeable copula (BB1, BB8, Clayton, Gumbel, ...) after
 * one margin is reflected (u -> 1 - u). With the VineCopula / vinecopulib
 * rotations, c_0 = c(u, v), c_90 = c(1 - u, v), c_180 = c(1 - u, 1 - v) and
 * c_270 = c(u, 1 - v) for the base density c, so reflecting u1 maps
 * 0 <-> 90, 180 <-> 270 and reflecting u2 maps 0 <-> 270, 90 <-> 180.
 * @param rotation - Rotation of the copula of (X1, X2).
 * @param margin - Which margin is reflected: 1 or 2.
 * @returns The rotation of the copula of (-X1, X2) (margin 1) or (X1, -X2) (margin 2).
 */
export function reflectRotation(rotation: Rotation, margin: 1 | 2): Rotation {
  const r = checkRotation(rotation);
  const m = checkOneOf(margin, "margin", [1, 2] as const);
  const map: Record<Rotation, Rotation> =
    m === 1 ? { 0: 90, 90: 0, 180: 270, 270: 180 } : { 0: 270, 270: 0, 90: 180, 180: 90 };
  return map[r];
}
