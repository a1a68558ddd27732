import type { Distribution, Params } from "./distribution.js";
import { checkParams, distributionOf, familyOf, POSITIVE, REAL } from "./distribution.js";
import { gammaFn } from "./special.js";

const EULER = 0.5772156649015329;
const PARAMS = { k: REAL, mu: REAL, sigma: POSITIVE };

/**
 * Generalised extreme value distribution in the paper's k convention
 * (Furat et al., Eq. 19): with z = (x - mu) / sigma and 1 + k z > 0,
 * F(x) = exp(-(1 + k z)^(-1/k)), and F(x) = exp(-exp(-z)) for k = 0.
 * k > 0 has a lower bound, k < 0 an upper bound mu - sigma / k.
 * scipy: `genextreme(c=-k, loc=mu, scale=sigma)`.
 */
export function gev(params: { k: number; mu: number; sigma: number }): Distribution {
  checkParams("gev", params, PARAMS);
  const { k, mu, sigma } = params;
  const gumbel = Math.abs(k) < 1e-12;
  const logSigma = Math.log(sigma);
  // y(x) = log(1 + k z) / k -> z as k -> 0; NaN outside the support.
  const y = (x: number): number => {
    const z = (x - mu) / sigma;
    if (gumbel) return z;
    const t = k * z;
    if (!(t > -1)) return NaN;
    return Math.log1p(t) / k;
  };
  const lower = k > 0 && !gumbel ? mu - sigma / k : -Infinity;
  const upper = k < 0 && !gumbel ? mu - sigma / k : Infinity;
  const logpdf = (x: number): number => {
    const v = y(x);
    if (Number.isNaN(v)) {
      // At the endpoint the density is 0 or infinite (k < -1).
      return x === upper && k < -1 ? Infinity : -Infinity;
    }
    return -logSigma - Math.exp(-v) - (1 + k) * v;
  };
  const cdf = (x: number): number => {
    if (x <= lower) return 0;
    if (x >= upper) return 1;
    return Math.exp(-Math.exp(-y(x)));
  };
  const quantile = (p: number): number => {
    if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
    if (p === 0) return lower;
    if (p === 1) return upper;
    const l = -Math.log(-Math.log(p)); // Gumbel reduced variate
    if (gumbel) return mu + sigma * l;
    return mu + (sigma * Math.expm1(k * l)) / k;
  };
  const g1 = (): number => gammaFn(1 - k);
  return distributionOf({
    family: "gev",
    params: { k, mu, sigma },
    support: [lower, upper],
    logpdf,
    cdf,
    quantile,
    draw: (r) => quantile(r.nextOpen()),
    mean() {
      if (Math.abs(k) < 1e-8)
        return mu + sigma * (EULER + (k * (EULER * EULER + (Math.PI * Math.PI) / 6)) / 2);
      if (k >= 1) return Infinity;
      return mu + (sigma * (g1() - 1)) / k;
    },
    variance() {
      if (Math.abs(k) < 1e-8) return (sigma * sigma * Math.PI * Math.PI) / 6;
      if (k >= 0.5) return Infinity;
      const a = g1();
      return (sigma * sigma * (gammaFn(1 - 2 * k) - a * a)) / (k * k);
    },
  });
}

/**
 * Starting points: probability-weighted moments (Hosking, Wallis & Wood
 * 1985), the Gumbel moment fit, and shifted shapes; each widened so that
 * every data point lies inside the support.
 */
function gevStart(data: Float64Array): Params[] {
  const x = Float64Array.from(data).sort();
  const n = x.length;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < n; i++) {
    b0 += x[i]!;
    if (n > 1) b1 += (i / (n - 1)) * x[i]!;
    if (n > 2) b2 += ((i * (i - 1)) / ((n - 1) * (n - 2))) * x[i]!;
  }
  b0 /= n;
  b1 /= n;
  b2 /= n;
  const l1 = b0;
  const l2 = 2 * b1 - b0;
  const l3 = 6 * b2 - 6 * b1 + b0;
  const starts: Params[] = [];
  let v = 0;
  for (const xi of x) v += (xi - b0) ** 2;
  v /= n;
  const sG = Math.sqrt(6 * v) / Math.PI || 1;
  starts.push({ k: 0, mu: b0 - EULER * sG, sigma: sG });
  if (l2 > 0) {
    const t3 = l3 / l2;
    const c = 2 / (3 + t3) - Math.LN2 / Math.log(3);
    const kh = 7.859 * c + 2.9554 * c * c; // Hosking's shape = -k
    if (Math.abs(kh) > 1e-6 && kh > -0.99) {
      const s = (l2 * kh) / ((1 - Math.pow(2, -kh)) * gammaFn(1 + kh));
      starts.unshift({ k: -kh, mu: l1 - (s * (1 - gammaFn(1 + kh))) / kh, sigma: s });
    }
  }
  for (const k of [-0.3, 0.2]) starts.push({ k, mu: b0 - EULER * sG, sigma: sG });
  const lo = x[0]!;
  const hi = x[n - 1]!;
  return starts.map((p) => {
    const { k, mu } = p;
    let sigma = p.sigma!;
    // Support needs 1 + k (x - mu) / sigma > 0 for all data (with margin).
    if (k! < 0) sigma = Math.max(sigma, -k! * (hi - mu!) * 1.05);
    if (k! > 0) sigma = Math.max(sigma, k! * (mu! - lo) * 1.05);
    return { k: k!, mu: mu!, sigma };
  });
}

/** The generalised extreme value family for fitting (paper's k convention). */
export const gevFamily = familyOf({
  name: "gev",
  label: "generalised extreme value",
  params: PARAMS,
  // The fit searches the shape k in [-5, 5] only.
  fitBounds: [
    [-5, 5],
    [-Infinity, Infinity],
    [0, Infinity],
  ],
  domain: REAL,
  create: gev,
  start: gevStart,
});
