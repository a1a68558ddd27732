import type { Distribution, Params } from "./distribution.js";
import { checkParams, distributionOf, familyOf, POSITIVE, REAL } from "./distribution.js";
import { normCdf, normQuantile } from "./special.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const PARAMS = { mu: REAL, sigma: POSITIVE };

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
    logpdf: (x) => {
      const z = (x - mu) / sigma;
      return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma);
    },
    cdf: (x) => normCdf((x - mu) / sigma),
    quantile: (p) => mu + sigma * normQuantile(p),
    draw: (r) => mu + sigma * r.normal(),
    mean: () => mu,
    variance: () => sigma * sigma,
  });
}

function normalMle(data: Float64Array): Params {
  let m = 0;
  for (const x of data) m += x;
  m /= data.length;
  let v = 0;
  for (const x of data) v += (x - m) * (x - m);
  return { mu: m, sigma: Math.sqrt(v / data.length) };
}

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
