import jstat from "jstat";
import type { Distribution, Params, UnivariateFamily } from "./distribution.js";
import { checkCount, checkParams } from "./distribution.js";
import { toRng } from "./random.js";
import { logGamma } from "./special.js";

/**
 * Gamma distribution with `shape` k and `scale` theta: f(x) = x^(k-1) e^(-x/theta) / (Gamma(k) theta^k).
 * scipy: `gamma(a=shape, scale=scale)`. cdf and quantile from jstat.
 */
export function gamma(params: { shape: number; scale: number }): Distribution {
  checkParams("gamma", params, {
    shape: { lower: 0, upper: Infinity, lowerOpen: true },
    scale: { lower: 0, upper: Infinity, lowerOpen: true },
  });
  const { shape, scale } = params;
  const c = -logGamma(shape) - shape * Math.log(scale);
  const logpdf = (x: number): number => {
    if (x < 0) return -Infinity;
    if (x === 0) return shape === 1 ? -Math.log(scale) : shape < 1 ? Infinity : -Infinity;
    return (shape - 1) * Math.log(x) - x / scale + c;
  };
  return {
    family: "gamma",
    params: { shape, scale },
    support: [0, Infinity],
    logpdf,
    pdf: (x) => Math.exp(logpdf(x)),
    cdf: (x) => (x <= 0 ? 0 : x === Infinity ? 1 : jstat.lowRegGamma(shape, x / scale)),
    quantile: (p) => (p <= 0 ? 0 : p >= 1 ? Infinity : scale * jstat.gammapinv(p, shape)),
    sample(n, rng) {
      checkCount(n);
      const r = toRng(rng);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = scale * r.gamma(shape);
      return out;
    },
    mean: () => shape * scale,
    variance: () => shape * scale * scale,
  };
}

function gammaStart(data: Float64Array): Params[] {
  let m = 0;
  let ml = 0;
  for (const x of data) {
    m += x;
    ml += Math.log(x);
  }
  m /= data.length;
  ml /= data.length;
  let v = 0;
  for (const x of data) v += (x - m) ** 2;
  v /= data.length;
  // Minka's closed-form approximation of the shape MLE, and moments.
  const s = Math.log(m) - ml;
  const k = s > 0 ? (3 - s + Math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s) : (m * m) / v;
  const starts: Params[] = [{ shape: k, scale: m / k }];
  if (v > 0) starts.push({ shape: (m * m) / v, scale: v / m });
  return starts;
}

/** The gamma family for fitting. */
export const gammaFamily: UnivariateFamily = {
  name: "gamma",
  label: "gamma",
  paramNames: ["shape", "scale"],
  bounds: [
    [0, Infinity],
    [0, Infinity],
  ],
  domain: { lower: 0, upper: Infinity, lowerOpen: true, upperOpen: false },
  create: (p) => gamma(p as { shape: number; scale: number }),
  start: gammaStart,
};
