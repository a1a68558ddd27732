import type { Distribution, Params } from "./distribution.js";
import {
  checkParams,
  distributionOf,
  familyOf,
  numericQuantile,
  POSITIVE,
} from "./distribution.js";
import { sampleMean } from "./moments.js";
import { normCdf, normLogCdf, normQuantile } from "./special.js";

const PARAMS = { mu: POSITIVE, lambda: POSITIVE };

/**
 * Inverse Gaussian distribution (Furat et al., Eq. 17):
 * f(x) = sqrt(lambda / (2 pi x^3)) exp(-lambda (x - mu)^2 / (2 mu^2 x)), x > 0.
 * scipy: `invgauss(mu / lambda, scale=lambda)`.
 * @param params - `mu` (> 0, mean), `lambda` (> 0, shape).
 */
export function invgauss(params: { mu: number; lambda: number }): Distribution {
  checkParams("invgauss", params, PARAMS);
  const { mu, lambda } = params;
  const c = 0.5 * Math.log(lambda / (2 * Math.PI));
  const cdf = (x: number): number => {
    if (!(x > 0)) return 0;
    if (x === Infinity) return 1;
    const r = Math.sqrt(lambda / x);
    const a = r * (x / mu - 1);
    const b = -r * (x / mu + 1);
    const v = normCdf(a) + Math.exp((2 * lambda) / mu + normLogCdf(b));
    return Math.min(1, v);
  };
  const variance = (mu * mu * mu) / lambda;
  const sd = Math.sqrt(variance);
  const quantile = (p: number): number => {
    // Start from the log-normal with the same mean and variance.
    const s2 = Math.log1p(variance / (mu * mu));
    const guess = Math.exp(
      Math.log(mu) -
        0.5 * s2 +
        Math.sqrt(s2) * normQuantile(Math.min(Math.max(p, 1e-300), 1 - 1e-16)),
    );
    return numericQuantile(cdf, p, [0, Infinity], guess, Math.min(sd, guess / 2));
  };
  return distributionOf({
    family: "invgauss",
    params: { mu, lambda },
    support: [0, Infinity],
    logpdf: (x) =>
      x > 0 ? c - 1.5 * Math.log(x) - (lambda * (x - mu) ** 2) / (2 * mu * mu * x) : -Infinity,
    cdf,
    quantile,
    draw: (r) => {
      // Michael, Schucany & Haas (1976).
      const nu = r.normal();
      const y = nu * nu;
      const x =
        mu +
        (mu * mu * y) / (2 * lambda) -
        (mu / (2 * lambda)) * Math.sqrt(4 * mu * lambda * y + mu * mu * y * y);
      return r.next() <= mu / (mu + x) ? x : (mu * mu) / x;
    },
    mean: () => mu,
    variance: () => variance,
  });
}

function invgaussMle(data: Float64Array): Params {
  const m = sampleMean(data);
  let s = 0;
  for (const x of data) s += 1 / x - 1 / m;
  return { mu: m, lambda: data.length / s };
}

/** The inverse Gaussian family for fitting (closed-form MLE). */
export const invgaussFamily = familyOf({
  name: "invgauss",
  label: "inverse Gaussian",
  params: PARAMS,
  domain: POSITIVE,
  create: invgauss,
  start: (data) => [invgaussMle(data)],
  mle: invgaussMle,
});
