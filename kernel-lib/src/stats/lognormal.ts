import type { Distribution, Params } from "./distribution.js";
import { checkParams, distributionOf, familyOf, POSITIVE, REAL } from "./distribution.js";
import { normCdf, normQuantile } from "./special.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const PARAMS = { mu: REAL, sigma: POSITIVE };

/**
 * Log-normal distribution: log X ~ N(mu, sigma^2). scipy: `lognorm(s=sigma, scale=exp(mu))`.
 * @param params - `mu`, `sigma` (> 0) of log X.
 */
export function lognormal(params: { mu: number; sigma: number }): Distribution {
  checkParams("lognormal", params, PARAMS);
  const { mu, sigma } = params;
  return distributionOf({
    family: "lognormal",
    params: { mu, sigma },
    support: [0, Infinity],
    logpdf: (x) => {
      if (!(x > 0)) return -Infinity;
      const lx = Math.log(x);
      const z = (lx - mu) / sigma;
      return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - lx;
    },
    cdf: (x) => (x <= 0 ? 0 : normCdf((Math.log(x) - mu) / sigma)),
    quantile: (p) => Math.exp(mu + sigma * normQuantile(p)),
    draw: (r) => Math.exp(mu + sigma * r.normal()),
    mean: () => Math.exp(mu + 0.5 * sigma * sigma),
    variance: () => Math.expm1(sigma * sigma) * Math.exp(2 * mu + sigma * sigma),
  });
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
export const lognormalFamily = familyOf({
  name: "lognormal",
  label: "log-normal",
  params: PARAMS,
  domain: POSITIVE,
  create: lognormal,
  start: (data) => [lognormalMle(data)],
  mle: lognormalMle,
});
