import jstat from "jstat";
import type { Distribution, Params, UnivariateFamily } from "./distribution.js";
import { checkCount, checkParams } from "./distribution.js";
import { toRng } from "./random.js";
import { logBeta } from "./special.js";

/**
 * Beta distribution on [0, 1], f(x) = x^(a-1) (1-x)^(b-1) / B(a, b) (Furat et al., Eq. 18).
 * scipy: `beta(a, b)`. cdf and quantile from jstat.
 */
export function beta(params: { a: number; b: number }): Distribution {
  checkParams("beta", params, {
    a: { lower: 0, upper: Infinity, lowerOpen: true },
    b: { lower: 0, upper: Infinity, lowerOpen: true },
  });
  const { a, b } = params;
  const c = -logBeta(a, b);
  const logpdf = (x: number): number => {
    if (x < 0 || x > 1) return -Infinity;
    if (x === 0) return a === 1 ? c : a < 1 ? Infinity : -Infinity;
    if (x === 1) return b === 1 ? c : b < 1 ? Infinity : -Infinity;
    return (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) + c;
  };
  return {
    family: "beta",
    params: { a, b },
    support: [0, 1],
    logpdf,
    pdf: (x) => Math.exp(logpdf(x)),
    cdf: (x) => (x <= 0 ? 0 : x >= 1 ? 1 : jstat.ibeta(x, a, b)),
    quantile: (p) => (p <= 0 ? 0 : p >= 1 ? 1 : jstat.ibetainv(p, a, b)),
    sample(n, rng) {
      checkCount(n);
      const r = toRng(rng);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = r.beta(a, b);
      return out;
    },
    mean: () => a / (a + b),
    variance: () => (a * b) / ((a + b) ** 2 * (a + b + 1)),
  };
}

function betaStart(data: Float64Array): Params[] {
  let m = 0;
  for (const x of data) m += x;
  m /= data.length;
  let v = 0;
  for (const x of data) v += (x - m) ** 2;
  v /= data.length;
  const common = v > 0 ? (m * (1 - m)) / v - 1 : 1;
  const starts: Params[] = [{ a: 1, b: 1 }];
  if (common > 0) starts.unshift({ a: m * common, b: (1 - m) * common });
  return starts;
}

/** The beta family for fitting. */
export const betaFamily: UnivariateFamily = {
  name: "beta",
  label: "beta",
  paramNames: ["a", "b"],
  bounds: [
    [0, Infinity],
    [0, Infinity],
  ],
  domain: { lower: 0, upper: 1, lowerOpen: true, upperOpen: true },
  create: (p) => beta(p as { a: number; b: number }),
  start: betaStart,
};
