import type { Distribution, Params } from "./distribution.js";
import { checkParams, distributionOf, familyOf, POSITIVE, REAL } from "./distribution.js";
import { gaussianMle, gaussianParts } from "./normal.js";

const PARAMS = { mu: REAL, sigma: POSITIVE };

/**
 * Log-normal distribution: log X ~ N(mu, sigma^2). scipy: `lognorm(s=sigma, scale=exp(mu))`.
 * Density, cdf, quantile and draws are the normal's of log X.
 * @param params - `mu`, `sigma` (> 0) of log X.
 */
export function lognormal(params: { mu: number; sigma: number }): Distribution {
  checkParams("lognormal", params, PARAMS);
  const { mu, sigma } = params;
  const logX = gaussianParts(mu, sigma);
  return distributionOf({
    family: "lognormal",
    params: { mu, sigma },
    support: [0, Infinity],
    logpdf: (x) => {
      if (!(x > 0)) return -Infinity;
      const lx = Math.log(x);
      return logX.logpdf(lx) - lx;
    },
    cdf: (x) => (x <= 0 ? 0 : logX.cdf(Math.log(x))),
    quantile: (p) => Math.exp(logX.quantile(p)),
    draw: (r) => Math.exp(logX.draw(r)),
    mean: () => Math.exp(mu + 0.5 * sigma * sigma),
    variance: () => Math.expm1(sigma * sigma) * Math.exp(2 * mu + sigma * sigma),
  });
}

const lognormalMle = (data: Float64Array): Params => gaussianMle(data, Math.log);

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
