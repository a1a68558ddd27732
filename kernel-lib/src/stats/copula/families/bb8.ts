import type { CopulaFamilyDef } from "../types.js";
import type { Generator } from "../archimedean.js";
import { archimedean, archimedeanTau } from "../archimedean.js";

function bb8Generator(th: number, de: number): Generator {
  const c = Math.log(th) + Math.log(de);
  const eta = -Math.expm1(th * Math.log1p(-de)); // 1 - (1 - delta)^theta
  const logA = (t: number): number => th * Math.log1p(-de * t); // log (1 - delta t)^theta
  const log1mA = (t: number): number => Math.log(-Math.expm1(logA(t)));
  const pow1mDe = Math.exp(th * Math.log1p(-de)); // (1 - delta)^theta
  const logPhiFrom = (t: number, logAt: number, oneMinusA: number): number => {
    const num =
      de < 1 ? pow1mDe * Math.expm1(th * Math.log1p((de * (1 - t)) / (1 - de))) : Math.exp(logAt);
    return Math.log(Math.log1p(num / oneMinusA));
  };
  return {
    pointLog(t, out) {
      const q = Math.log1p(-de * t);
      const logAt = th * q;
      const oneMinusA = -Math.expm1(logAt);
      out[0] = c + (th - 1) * q - Math.log(oneMinusA);
      return logPhiFrom(t, logAt, oneMinusA);
    },
    densityAtC(t) {
      const q = Math.log1p(-de * t);
      const logAt = th * q;
      const l1mA = Math.log(-Math.expm1(logAt));
      const d2 = c + Math.log(de) + (th - 2) * q + Math.log(th - 1 + Math.exp(logAt)) - 2 * l1mA;
      return d2 - 3 * (c + (th - 1) * q - l1mA);
    },
    logPhi(t) {
      // phi = log(eta / (1 - a)) = log1p((a - (1 - delta)^theta) / (1 - a)), written without cancellation near t = 1.
      const oneMinusA = -Math.expm1(logA(t));
      const num =
        de < 1
          ? Math.exp(th * Math.log1p(-de)) * Math.expm1(th * Math.log1p((de * (1 - t)) / (1 - de)))
          : Math.exp(logA(t));
      return Math.log(Math.log1p(num / oneMinusA));
    },
    phiInvLog(l) {
      // C = (1 - (1 - eta e^-s)^(1/theta)) / delta, with 1 - eta e^-s = (1 - delta)^theta + eta (1 - e^-s)
      // (no cancellation when delta -> 1 and s -> 0).
      const s = Math.exp(l);
      const inner = Math.log(pow1mDe + eta * -Math.expm1(-s));
      return -Math.expm1(inner / th) / de;
    },
    logNegDphi: (t) => c + (th - 1) * Math.log1p(-de * t) - log1mA(t),
    logD2phi: (t) =>
      c +
      Math.log(de) +
      (th - 2) * Math.log1p(-de * t) +
      Math.log(th - 1 + Math.exp(logA(t))) -
      2 * log1mA(t),
  };
}

/**
 * BB8 (Joe-Frank) copula, Joe (1997) family BB8; the paper's Eq. 22 with kappa = theta:
 * C(u, v) = (1/delta)(1 - [1 - (1/eta)(1 - (1 - delta u)^theta)(1 - (1 - delta v)^theta)]^(1/theta)),
 * eta = 1 - (1 - delta)^theta, theta in [1, 8], delta in (0, 1] (vinecopulib bb8.ipp bounds).
 * delta = 1 is the Joe copula; theta = 1 is independence.
 */
export const bb8Def: CopulaFamilyDef = {
  name: "bb8",
  label: "Joe-Frank (BB8)",
  paramNames: ["theta", "delta"],
  lower: [1, 1e-4],
  upper: [8, 1],
  make([theta, delta]) {
    if (theta === 1) return { cdf: (u, v) => u * v, logpdf: () => 0, hfunc1: (_u, v) => v };
    return archimedean(bb8Generator(theta!, delta!));
  },
  logLik([theta, delta], d) {
    // With A = (1 - delta u)^theta, B likewise, p = (1 - delta)^theta, eta = 1 - p and
    // w = (A (1 - B) + B - p) / eta (= 1 - (1 - A)(1 - B) / eta, without cancellation):
    // c = (delta / eta) ((1 - delta u)(1 - delta v))^(theta - 1) w^(1/theta - 2) (theta - 1 + w).
    const th = theta!;
    const de = delta!;
    if (th === 1) return 0;
    const l1d = Math.log1p(-de);
    const p = Math.exp(th * l1d);
    const eta = -Math.expm1(th * l1d);
    const logEta = Math.log(eta);
    const c0 = Math.log(de) - logEta;
    const k = 1 / th - 2;
    const r = de / (1 - de);
    const { u, v, n } = d;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const qa = Math.log1p(-de * u[i]!);
      const qb = Math.log1p(-de * v[i]!);
      const A = Math.exp(th * qa);
      const B = Math.exp(th * qb);
      // 1 - B and B - p directly where that loses at most a bit, else without cancellation.
      const oneMinusB = B < 0.5 ? 1 - B : -Math.expm1(th * qb);
      const bMinusP = B > 2 * p ? B - p : p * Math.expm1(th * Math.log1p(r * (1 - v[i]!)));
      const w = (A * oneMinusB + bMinusP) / eta;
      s += c0 + (th - 1) * (qa + qb) + k * Math.log(w) + Math.log(th - 1 + w);
    }
    return s;
  },
  tau: ([theta, delta]) => (theta === 1 ? 0 : archimedeanTau(bb8Generator(theta!, delta!))),
};
