import jstat from "jstat";
import type { Distribution, Params } from "./distribution.js";
import { checkParams, distributionOf, familyOf, POSITIVE } from "./distribution.js";
import { sampleMean, sampleMoments } from "./moments.js";
import { logGamma } from "./special.js";

const PARAMS = { shape: POSITIVE, scale: POSITIVE };

/**
 * Gamma distribution with `shape` k and `scale` theta: f(x) = x^(k-1) e^(-x/theta) / (Gamma(k) theta^k).
 * scipy: `gamma(a=shape, scale=scale)`. cdf and quantile from jstat.
 */
export function gamma(params: { shape: number; scale: number }): Distribution {
  checkParams("gamma", params, PARAMS);
  const { shape, scale } = params;
  const c = -logGamma(shape) - shape * Math.log(scale);
  return distributionOf({
    family: "gamma",
    params: { shape, scale },
    support: [0, Infinity],
    logpdf: (x) => {
      if (x < 0) return -Infinity;
      if (x === 0) return shape === 1 ? -Math.log(scale) : shape < 1 ? Infinity : -Infinity;
      return (shape - 1) * Math.log(x) - x / scale + c;
    },
    cdf: (x) => (x <= 0 ? 0 : x === Infinity ? 1 : jstat.lowRegGamma(shape, x / scale)),
    quantile: (p) => (p <= 0 ? 0 : p >= 1 ? Infinity : scale * jstat.gammapinv(p, shape)),
    draw: (r) => scale * r.gamma(shape),
    mean: () => shape * scale,
    variance: () => shape * scale * scale,
  });
}

function gammaStart(data: Float64Array): Params[] {
  const { mean: m, variance: v } = sampleMoments(data);
  const ml = sampleMean(data, Math.log);
  // Minka's closed-form approximation of the shape MLE, and moments.
  const s = Math.log(m) - ml;
  const k = s > 0 ? (3 - s + Math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s) : (m * m) / v;
  const starts: Params[] = [{ shape: k, scale: m / k }];
  if (v > 0) starts.push({ shape: (m * m) / v, scale: v / m });
  return starts;
}

/** The gamma family for fitting. */
export const gammaFamily = familyOf({
  name: "gamma",
  label: "gamma",
  params: PARAMS,
  domain: POSITIVE,
  create: gamma,
  start: gammaStart,
});
