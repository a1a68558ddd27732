import jstat from "jstat";
import type { Distribution, Params } from "./distribution.js";
import { checkParams, distributionOf, familyOf, POSITIVE } from "./distribution.js";
import { sampleMoments } from "./moments.js";
import { logBeta } from "./special.js";

const PARAMS = { a: POSITIVE, b: POSITIVE };

/**
 * Beta distribution on [0, 1], f(x) = x^(a-1) (1-x)^(b-1) / B(a, b) (Furat et al., Eq. 18).
 * scipy: `beta(a, b)`. cdf and quantile from jstat.
 */
export function beta(params: { a: number; b: number }): Distribution {
  checkParams("beta", params, PARAMS);
  const { a, b } = params;
  const c = -logBeta(a, b);
  return distributionOf({
    family: "beta",
    params: { a, b },
    support: [0, 1],
    logpdf: (x) => {
      if (x < 0 || x > 1) return -Infinity;
      if (x === 0) return a === 1 ? c : a < 1 ? Infinity : -Infinity;
      if (x === 1) return b === 1 ? c : b < 1 ? Infinity : -Infinity;
      return (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) + c;
    },
    cdf: (x) => (x <= 0 ? 0 : x >= 1 ? 1 : jstat.ibeta(x, a, b)),
    quantile: (p) => (p <= 0 ? 0 : p >= 1 ? 1 : jstat.ibetainv(p, a, b)),
    draw: (r) => r.beta(a, b),
    mean: () => a / (a + b),
    variance: () => (a * b) / ((a + b) ** 2 * (a + b + 1)),
  });
}

function betaStart(data: Float64Array): Params[] {
  const { mean: m, variance: v } = sampleMoments(data);
  const common = v > 0 ? (m * (1 - m)) / v - 1 : 1;
  const starts: Params[] = [{ a: 1, b: 1 }];
  if (common > 0) starts.unshift({ a: m * common, b: (1 - m) * common });
  return starts;
}

/** The beta family for fitting. */
export const betaFamily = familyOf({
  name: "beta",
  label: "beta",
  params: PARAMS,
  domain: { lower: 0, upper: 1, lowerOpen: true, upperOpen: true },
  create: beta,
  start: betaStart,
});
