import { integrate } from "../numeric.js";
import type { BaseCopula } from "./types.js";

/**
 * An Archimedean generator phi (decreasing, phi(1) = 0), C(u, v) =
 * phi^-1(phi(u) + phi(v)), given in log form so that tails do not overflow.
 * Internal.
 */
export interface Generator {
  /** log phi(t). */
  logPhi(t: number): number;
  /** phi^-1(exp(l)). */
  phiInvLog(l: number): number;
  /** log(-phi'(t)). */
  logNegDphi(t: number): number;
  /** log phi''(t). */
  logD2phi(t: number): number;
  /** Optional fused form for speed: returns logPhi(t) and writes logNegDphi(t) to out[0]. */
  pointLog?(t: number, out: Float64Array): number;
  /** Optional fused form for speed: logD2phi(t) - 3 logNegDphi(t). */
  densityAtC?(t: number): number;
}

/** log(exp(a) + exp(b)). */
export function logAddExp(a: number, b: number): number {
  const m = Math.max(a, b);
  if (m === -Infinity) return -Infinity;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** log(1 + exp(x)). */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** log(exp(x) - 1) for x > 0. */
export function logExpm1(x: number): number {
  return x > 30 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
}

/**
 * Copula from a generator: h1 = phi'(u) / phi'(C) and
 * c = -phi''(C) phi'(u) phi'(v) / phi'(C)^3 (e.g. vinecopulib archimedean.ipp).
 */
export function archimedean(g: Generator): BaseCopula {
  const cdf = (u: number, v: number): number => g.phiInvLog(logAddExp(g.logPhi(u), g.logPhi(v)));
  const pointLog = g.pointLog;
  const densityAtC = g.densityAtC;
  if (pointLog && densityAtC) {
    const out = new Float64Array(1);
    return {
      cdf,
      hfunc1(u, v) {
        const lu = pointLog(u, out);
        const ndu = out[0]!;
        const c = g.phiInvLog(logAddExp(lu, g.logPhi(v)));
        const h = Math.exp(ndu - g.logNegDphi(c));
        return Number.isNaN(h) ? 0 : Math.min(1, Math.max(0, h));
      },
      logpdf(u, v) {
        const lu = pointLog(u, out);
        const ndu = out[0]!;
        const lv = pointLog(v, out);
        const ndv = out[0]!;
        return densityAtC(g.phiInvLog(logAddExp(lu, lv))) + ndu + ndv;
      },
    };
  }
  return {
    cdf,
    hfunc1(u, v) {
      const c = cdf(u, v);
      const h = Math.exp(g.logNegDphi(u) - g.logNegDphi(c));
      return Number.isNaN(h) ? 0 : Math.min(1, Math.max(0, h));
    },
    logpdf(u, v) {
      const c = cdf(u, v);
      return g.logD2phi(c) - 3 * g.logNegDphi(c) + g.logNegDphi(u) + g.logNegDphi(v);
    },
  };
}

/** Kendall's tau of an Archimedean copula, 1 + 4 int_0^1 phi(t) / phi'(t) dt (Genest & MacKay 1986). */
export function archimedeanTau(g: Generator): number {
  const f = (t: number): number => -Math.exp(g.logPhi(t) - g.logNegDphi(t));
  return 1 + 4 * integrate(f, 0, 1, { absTol: 1e-12, relTol: 1e-10 });
}
