import type { Distribution, Params, UnivariateFamily } from "./distribution.js";
import { checkCount, checkParams } from "./distribution.js";
import { toRng } from "./random.js";
import { normCdf, normQuantile } from "./special.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Normal distribution N(mu, sigma^2).
 * @param params - `mu` (mean), `sigma` (> 0, standard deviation).
 */
export function normal(params: { mu: number; sigma: number }): Distribution {
  checkParams("normal", params, {
    mu: { lower: -Infinity, upper: Infinity },
    sigma: { lower: 0, upper: Infinity, lowerOpen: true },
  });
  const { mu, sigma } = params;
  const logpdf = (x: number): number => {
    const z = (x - mu) / sigma;
    return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma);
  };
  return {
    family: "normal",
    params: { mu, sigma },
    support: [-Infinity, Infinity],
    logpdf,
    pdf: (x) => Math.exp(logpdf(x)),
    cdf: (x) => normCdf((x - mu) / sigma),
    quantile: (p) => mu + sigma * normQuantile(p),
    sample(n, rng) {
      checkCount(n);
      const r = toRng(rng);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = mu + sigma * r.normal();
      return out;
    },
    mean: () => mu,
    variance: () => sigma * sigma,
  };
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
export const normalFamily: UnivariateFamily = {
  name: "normal",
  label: "normal",
  paramNames: ["mu", "sigma"],
  bounds: [
    [-Infinity, Infinity],
    [0, Infinity],
  ],
  domain: { lower: -Infinity, upper: Infinity, lowerOpen: false, upperOpen: false },
  create: (p) => normal(p as { mu: number; sigma: number }),
  start: (data) => [normalMle(data)],
  mle: normalMle,
};
