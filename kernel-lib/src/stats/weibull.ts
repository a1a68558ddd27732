import type { Distribution, Params } from "./distribution.js";
import { checkParams, distributionOf, familyOf, POSITIVE } from "./distribution.js";
import { sampleMoments } from "./moments.js";
import { gammaFn } from "./special.js";

const PARAMS = { shape: POSITIVE, scale: POSITIVE };

/**
 * Weibull distribution, F(x) = 1 - exp(-(x/scale)^shape), x >= 0.
 * scipy: `weibull_min(c=shape, scale=scale)`.
 */
export function weibull(params: { shape: number; scale: number }): Distribution {
  checkParams("weibull", params, PARAMS);
  const { shape, scale } = params;
  return distributionOf({
    family: "weibull",
    params: { shape, scale },
    support: [0, Infinity],
    logpdf: (x) => {
      if (x < 0) return -Infinity;
      const z = x / scale;
      if (z === 0) return shape === 1 ? -Math.log(scale) : shape < 1 ? Infinity : -Infinity;
      return Math.log(shape / scale) + (shape - 1) * Math.log(z) - Math.pow(z, shape);
    },
    cdf: (x) => (x <= 0 ? 0 : -Math.expm1(-Math.pow(x / scale, shape))),
    quantile: (p) =>
      p <= 0 ? 0 : p >= 1 ? Infinity : scale * Math.pow(-Math.log1p(-p), 1 / shape),
    draw: (r) => scale * Math.pow(r.exponential(), 1 / shape),
    mean: () => scale * gammaFn(1 + 1 / shape),
    variance: () => scale * scale * (gammaFn(1 + 2 / shape) - gammaFn(1 + 1 / shape) ** 2),
  });
}

function weibullStart(data: Float64Array): Params[] {
  // Moments of log X: Var(log X) = pi^2 / (6 k^2), E log X = log(scale) - gamma_E / k.
  const { mean: m, variance: v } = sampleMoments(data, Math.log);
  const k = v > 0 ? Math.PI / Math.sqrt(6 * v) : 1;
  return [
    { shape: k, scale: Math.exp(m + 0.5772156649015329 / k) },
    { shape: 1, scale: Math.exp(m + 0.5772156649015329) },
  ];
}

/** The Weibull family for fitting. */
export const weibullFamily = familyOf({
  name: "weibull",
  label: "Weibull",
  params: PARAMS,
  domain: POSITIVE,
  create: weibull,
  start: weibullStart,
});
