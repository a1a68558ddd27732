import type { CopulaFamilyDef } from "../types.js";
import type { Generator } from "../archimedean.js";
import { archimedean, archimedeanTau, logExpm1, softplus } from "../archimedean.js";

function bb3Generator(th: number, de: number): Generator {
  const c = Math.log(th) + Math.log(de);
  return {
    pointLog(t, out) {
      const x = -Math.log(t);
      const lx = Math.log(x);
      const w = de * Math.exp(th * lx);
      out[0] = c + (th - 1) * lx + w + x;
      return logExpm1(w);
    },
    densityAtC(t) {
      const x = -Math.log(t);
      const lx = Math.log(x);
      const xt = Math.exp(th * lx);
      const d2 = c + de * xt + 2 * x + (th - 2) * lx + Math.log(th - 1 + de * th * xt + x);
      return d2 - 3 * (c + (th - 1) * lx + de * xt + x);
    },
    logPhi: (t) => logExpm1(de * Math.pow(-Math.log(t), th)),
    phiInvLog: (l) => Math.exp(-Math.pow(softplus(l) / de, 1 / th)),
    logNegDphi(t) {
      const x = -Math.log(t);
      return c + (th - 1) * Math.log(x) + de * Math.pow(x, th) + x;
    },
    logD2phi(t) {
      const x = -Math.log(t);
      const xt = Math.pow(x, th);
      return c + de * xt + 2 * x + (th - 2) * Math.log(x) + Math.log(th - 1 + de * th * xt + x);
    },
  };
}

/**
 * BB3 copula (Joe 1997, family BB3; CopulaModel bb3): generator
 * exp(delta (-log t)^theta) - 1, C(u, v) = exp(-[delta^-1 log(e^(delta ut^theta) + e^(delta vt^theta) - 1)]^(1/theta)),
 * ut = -log u, theta >= 1, delta > 0. Fitting bounds theta in [1, 8], delta in [1e-4, 20].
 */
export const bb3Def: CopulaFamilyDef = {
  name: "bb3",
  label: "BB3",
  paramNames: ["theta", "delta"],
  lower: [1, 1e-4],
  upper: [8, 20],
  make: ([theta, delta]) => archimedean(bb3Generator(theta!, delta!)),
  tau: ([theta, delta]) => archimedeanTau(bb3Generator(theta!, delta!)),
};
