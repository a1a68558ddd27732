import type { Distribution, Params, UnivariateFamily } from "./distribution.js";
import { checkCount, checkParams } from "./distribution.js";
import { toRng } from "./random.js";
import { normCdf, normQuantile } from "./special.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Log-normal distribution: log X ~ N(mu, sigma^2). scipy: `lognorm(s=sigma, scale=exp(mu))`.
 * @param params - `mu`, `sigma` (> 0) of log X.
 */
export function lognormal(params: { mu: number; sigma: number }): Distribution {
  checkParams("lognormal", params, {
    mu: { lower: -Infinity, upper: Infinity },
    sigma: { lower: 0, upper: Infinity, lowerOpen: true },
  });
  const { mu, sigma } = params;
  const logpdf = (x: number): number => {
    if (!(x > 0)) return -Infinity;
    const lx = Math.log(x);
    const z = (lx - mu) / sigma;
    return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - lx;
  };
  return {
    family: "lognormal",
    params: { mu, sigma },
    support: [0, Infinity],
    logpdf,
    pdf: (x) => Math.exp(logpdf(x)),
    cdf: (x) => (x <= 0 ? 0 : normCdf((Math.log(x) - mu) / sigma)),
    quantile: (p) => Math.exp(mu + sigma * normQuantile(p)),
    sample(n, rng) {
      checkCount(n);
      const r = toRng(rng);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.exp(mu + sigma * r.normal());
      return out;
    },
    mean: () => Math.exp(mu + 0.5 * sigma * sigma),
    variance: () => Math.expm1(sigma * sigma) * Math.exp(2 * mu + sigma * sigma),
  };
}

function lognormalMle(data: Float64Array): Params {
  let m = 0;
  for (const x of data) m += Math.log(x);
  m /= data.length;
  let v = 0;
  for (const x of data) v += (Math.log(x) - m) ** 2;
  return { mu: m, sigma: Math.sqrt(v / data.length) };
}

/** The log-normal family for fitting (closed-form MLE). */
export const lognormalFamily: UnivariateFamily = {
  name: "lognormal",
  label: "log-normal",
  paramNames: ["mu", "sigma"],
  bounds: [
    [-Infinity, Infinity],
    [0, Infinity],
  ],
  domain: { lower: 0, upper: Infinity, lowerOpen: true, upperOpen: false },
  create: (p) => lognormal(p as { mu: number; sigma: number }),
  start: (data) => [lognormalMle(data)],
  mle: lognormalMle,
};
