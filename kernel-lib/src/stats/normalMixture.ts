import type { Distribution, Params } from "./distribution.js";
import {
  checkParams,
  distributionOf,
  familyOf,
  numericQuantile,
  POSITIVE,
  REAL,
} from "./distribution.js";
import { normCdf } from "./special.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const PARAMS = {
  mu1: REAL,
  mu2: REAL,
  sigma1: POSITIVE,
  sigma2: POSITIVE,
  lambda: { lower: 0, upper: 1 },
};

/** Parameters of a two-component normal mixture. */
export interface NormalMixtureParams {
  mu1: number;
  mu2: number;
  sigma1: number;
  sigma2: number;
  /** Weight of the first component, in [0, 1]. */
  lambda: number;
}

/**
 * Two-component normal mixture f(x) = lambda N(x; mu1, sigma1^2) + (1 - lambda) N(x; mu2, sigma2^2)
 * (Furat et al., Eq. 20, before truncation to [-pi, pi); see {@link truncatedNormalMixture}).
 */
export function normalMixture(params: NormalMixtureParams): Distribution {
  checkParams("normalMixture", params as unknown as Params, PARAMS);
  const { mu1, mu2, sigma1, sigma2, lambda } = params;
  const la = Math.log(lambda);
  const lb = Math.log1p(-lambda);
  const c1 = la - LOG_SQRT_2PI - Math.log(sigma1);
  const c2 = lb - LOG_SQRT_2PI - Math.log(sigma2);
  const logpdf = (x: number): number => {
    const z1 = (x - mu1) / sigma1;
    const z2 = (x - mu2) / sigma2;
    const a = c1 - 0.5 * z1 * z1;
    const b = c2 - 0.5 * z2 * z2;
    const m = Math.max(a, b);
    if (m === -Infinity) return -Infinity;
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  };
  const cdf = (x: number): number =>
    lambda * normCdf((x - mu1) / sigma1) + (1 - lambda) * normCdf((x - mu2) / sigma2);
  const mean = lambda * mu1 + (1 - lambda) * mu2;
  const second =
    lambda * (sigma1 * sigma1 + mu1 * mu1) + (1 - lambda) * (sigma2 * sigma2 + mu2 * mu2);
  const sd = Math.sqrt(second - mean * mean);
  return distributionOf({
    family: "normalMixture",
    params: { mu1, mu2, sigma1, sigma2, lambda },
    support: [-Infinity, Infinity],
    logpdf,
    cdf,
    quantile: (p) => numericQuantile(cdf, p, [-Infinity, Infinity], mean, sd),
    draw: (r) => (r.next() < lambda ? mu1 + sigma1 * r.normal() : mu2 + sigma2 * r.normal()),
    mean: () => mean,
    variance: () => second - mean * mean,
  });
}

/** Starting points: split the sorted data at several quantiles and take each part's moments. */
function mixtureStart(data: Float64Array): Params[] {
  const x = Float64Array.from(data).sort();
  const n = x.length;
  const starts: Params[] = [];
  const moments = (a: number, b: number): [number, number] => {
    let m = 0;
    for (let i = a; i < b; i++) m += x[i]!;
    m /= b - a;
    let v = 0;
    for (let i = a; i < b; i++) v += (x[i]! - m) ** 2;
    v /= Math.max(1, b - a - 1);
    return [m, Math.sqrt(v) || 1e-3 * (Math.abs(m) + 1)];
  };
  for (const f of [0.5, 0.3, 0.7]) {
    const s = Math.min(n - 2, Math.max(2, Math.round(f * n)));
    if (s < 2 || n - s < 2) continue;
    const [m1, s1] = moments(0, s);
    const [m2, s2] = moments(s, n);
    starts.push({ mu1: m1, mu2: m2, sigma1: s1, sigma2: s2, lambda: s / n });
  }
  if (starts.length === 0) {
    const [m, s] = moments(0, n);
    starts.push({ mu1: m - s / 2, mu2: m + s / 2, sigma1: s, sigma2: s, lambda: 0.5 });
  }
  return starts;
}

/** The two-component normal mixture family for fitting. */
export const normalMixtureFamily = familyOf({
  name: "normalMixture",
  label: "mixture of two normals",
  params: PARAMS,
  domain: REAL,
  create: normalMixture,
  start: mixtureStart,
});
