import type { Distribution, Params, UnivariateFamily } from "./distribution.js";
import { checkCount, checkParams } from "./distribution.js";
import { toRng } from "./random.js";

/** Exponential distribution with `rate` lambda, f(x) = lambda e^(-lambda x). scipy: `expon(scale=1/rate)`. */
export function exponential(params: { rate: number }): Distribution {
  checkParams("exponential", params, { rate: { lower: 0, upper: Infinity, lowerOpen: true } });
  const { rate } = params;
  const logpdf = (x: number): number => (x < 0 ? -Infinity : Math.log(rate) - rate * x);
  return {
    family: "exponential",
    params: { rate },
    support: [0, Infinity],
    logpdf,
    pdf: (x) => Math.exp(logpdf(x)),
    cdf: (x) => (x <= 0 ? 0 : -Math.expm1(-rate * x)),
    quantile: (p) => (p >= 1 ? Infinity : -Math.log1p(-p) / rate),
    sample(n, rng) {
      checkCount(n);
      const r = toRng(rng);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = r.exponential() / rate;
      return out;
    },
    mean: () => 1 / rate,
    variance: () => 1 / (rate * rate),
  };
}

function exponentialMle(data: Float64Array): Params {
  let m = 0;
  for (const x of data) m += x;
  return { rate: data.length / m };
}

/** The exponential family for fitting (closed-form MLE). */
export const exponentialFamily: UnivariateFamily = {
  name: "exponential",
  label: "exponential",
  paramNames: ["rate"],
  bounds: [[0, Infinity]],
  domain: { lower: 0, upper: Infinity, lowerOpen: false, upperOpen: false },
  create: (p) => exponential(p as { rate: number }),
  start: (data) => [exponentialMle(data)],
  mle: exponentialMle,
};
