import type { CopulaFamilyDef } from "../types.js";
import type { Generator } from "../archimedean.js";
import { archimedean, archimedeanTau } from "../archimedean.js";

function joeGenerator(th: number): Generator {
  const lt = Math.log(th);
  const log1mA = (t: number): number => Math.log(-Math.expm1(th * Math.log1p(-t))); // log(1 - (1-t)^theta)
  return {
    pointLog(t, out) {
      const q = Math.log1p(-t);
      const a = Math.exp(th * q);
      out[0] = lt + (th - 1) * q - Math.log(-Math.expm1(th * q));
      return Math.log(-Math.log1p(-a));
    },
    densityAtC(t) {
      const q = Math.log1p(-t);
      const l1mA = Math.log(-Math.expm1(th * q));
      return (
        lt +
        (th - 2) * q +
        Math.log(th - 1 + Math.exp(th * q)) -
        2 * l1mA -
        3 * (lt + (th - 1) * q - l1mA)
      );
    },
    logPhi: (t) => Math.log(-Math.log1p(-Math.exp(th * Math.log1p(-t)))),
    phiInvLog(l) {
      const s = Math.exp(l);
      const L = s > 0.7 ? Math.log1p(-Math.exp(-s)) : Math.log(-Math.expm1(-s)); // log(1 - e^-s)
      return -Math.expm1(L / th);
    },
    logNegDphi: (t) => lt + (th - 1) * Math.log1p(-t) - log1mA(t),
    logD2phi: (t) =>
      lt +
      (th - 2) * Math.log1p(-t) +
      Math.log(th - 1 + Math.exp(th * Math.log1p(-t))) -
      2 * log1mA(t),
  };
}

/**
 * Joe copula C(u, v) = 1 - (ubar^theta + vbar^theta - ubar^theta vbar^theta)^(1/theta),
 * ubar = 1 - u, theta in [1, 30] (generator -log(1 - (1 - t)^theta); vinecopulib joe.ipp bounds).
 */
export const joeDef: CopulaFamilyDef = {
  name: "joe",
  label: "Joe",
  paramNames: ["theta"],
  lower: [1],
  upper: [30],
  make: ([theta]) => archimedean(joeGenerator(theta!)),
  logLik([theta], d) {
    // With A = (1-u)^theta, B = (1-v)^theta, S = A + B - A B:
    // log c = (1/theta - 2) log S + (theta - 1) log((1-u)(1-v)) + log(theta - 1 + S)
    const th = theta!;
    const k = 1 / th - 2;
    const { l1u, l1v, n } = d;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const qa = l1u[i]!;
      const qb = l1v[i]!;
      const A = Math.exp(th * qa);
      const B = Math.exp(th * qb);
      const S = A + B * (1 - A);
      s += k * Math.log(S) + (th - 1) * (qa + qb) + Math.log(th - 1 + S);
    }
    return s;
  },
  tau: ([theta]) => (theta === 1 ? 0 : archimedeanTau(joeGenerator(theta!))),
};
