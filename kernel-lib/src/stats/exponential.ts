import type { Distribution, Params } from "./distribution.js";
import { checkParams, distributionOf, familyOf, NON_NEGATIVE, POSITIVE } from "./distribution.js";

const PARAMS = { rate: POSITIVE };

/** Exponential distribution with `rate` lambda, f(x) = lambda e^(-lambda x). scipy: `expon(scale=1/rate)`. */
export function exponential(params: { rate: number }): Distribution {
  checkParams("exponential", params, PARAMS);
  const { rate } = params;
  return distributionOf({
    family: "exponential",
    params: { rate },
    support: [0, Infinity],
    logpdf: (x) => (x < 0 ? -Infinity : Math.log(rate) - rate * x),
    cdf: (x) => (x <= 0 ? 0 : -Math.expm1(-rate * x)),
    quantile: (p) => (p >= 1 ? Infinity : -Math.log1p(-p) / rate),
    draw: (r) => r.exponential() / rate,
    mean: () => 1 / rate,
    variance: () => 1 / (rate * rate),
  });
}

function exponentialMle(data: Float64Array): Params {
  let m = 0;
  for (const x of data) m += x;
  return { rate: data.length / m };
}

/** The exponential family for fitting (closed-form MLE). */
export const exponentialFamily = familyOf({
  name: "exponential",
  label: "exponential",
  params: PARAMS,
  domain: NON_NEGATIVE,
  create: exponential,
  start: (data) => [exponentialMle(data)],
  mle: exponentialMle,
});
