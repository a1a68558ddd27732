import type { Distribution, DistributionParts, Params } from "./distribution.js";
import { checkParams, distributionOf, familyOf, POSITIVE, REAL } from "./distribution.js";
import { sampleMoments } from "./moments.js";
import { normCdf, normQuantile } from "./special.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const PARAMS = { mu: REAL, sigma: POSITIVE };

/** The closed forms of N(mu, sigma^2), also those of log X for the log-normal. Internal. */
export function gaussianParts(
  mu: number,
  sigma: number,
): Omit<DistributionParts, "family" | "params" | "support"> {
  return {
    logpdf: (x) => {
      const z = (x - mu) / sigma;
      return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma);
    },
    cdf: (x) => normCdf((x - mu) / sigma),
    quantile: (p) => mu + sigma * normQuantile(p),
    draw: (r) => mu + sigma * r.normal(),
    mean: () => mu,
    variance: () => sigma * sigma,
  };
}

/** Closed-form MLE of a normal fitted to the data, or to `f` of each value (the log-normal's log X). Internal. */
export function gaussianMle(data: Float64Array, f?: (x: number) => number): Params {
  const { mean, variance } = sampleMoments(data, f);
  return { mu: mean, sigma: Math.sqrt(variance) };
}

/**
 * Normal distribution N(mu, sigma^2).
 * @param params - `mu` (mean), `sigma` (> 0, standard deviation).
 */
export function normal(params: { mu: number; sigma: number }): Distribution {
  checkParams("normal", params, PARAMS);
  const { mu, sigma } = params;
  return distributionOf({
    family: "normal",
    params: { mu, sigma },
    support: [-Infinity, Infinity],
    ...gaussianParts(mu, sigma),
  });
}

const normalMle = (data: Float64Array): Params => gaussianMle(data);

/** The normal family for fitting (closed-form MLE). */
export const normalFamily = familyOf({
  name: "normal",
  label: "normal",
  params: PARAMS,
  domain: REAL,
  create: normal,
  start: (data) => [normalMle(data)],
  mle: normalMle,
});
