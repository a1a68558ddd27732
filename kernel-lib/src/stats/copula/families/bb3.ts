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
  logLik([theta, delta], d) {
    // c = psi''(s) phi'(u) phi'(v), phi(t) = exp(delta x^theta) - 1 (x = -log t),
    // psi(s) = exp(-L^(1/theta)), L = log(1 + s) / delta:
    // log c = -L^(1/theta) - 2 log(1 + s) - log(theta delta) + (1/theta - 2) log L
    //   + log(L^(1/theta) / (theta delta) + L + (theta - 1) / (theta delta))
    //   + sum over u, v of [delta x^theta + log(delta theta) + (theta - 1) log x - log u].
    const th = theta!;
    const de = delta!;
    const ltd = Math.log(th * de);
    const itd = 1 / (th * de);
    const k0 = (th - 1) * itd;
    const k = 1 / th - 2;
    const { lu, lv, llu, llv, n } = d;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const lx = llu[i]!;
      const ly = llv[i]!;
      const a = de * Math.exp(th * lx);
      const b = de * Math.exp(th * ly);
      const m = a > b ? a : b;
      // log(1 + s) = log(e^a + e^b - 1), in log space when e^a would overflow.
      const l1s =
        m < 700
          ? Math.log1p(Math.expm1(a) + Math.expm1(b))
          : m + Math.log1p(Math.exp((a > b ? b : a) - m) - Math.exp(-m));
      const L = l1s / de;
      const lL = Math.log(L);
      const w = Math.exp(lL / th);
      sum +=
        -w -
        2 * l1s +
        ltd +
        k * lL +
        Math.log(w * itd + L + k0) +
        a +
        b +
        (th - 1) * (lx + ly) -
        lu[i]! -
        lv[i]!;
    }
    return sum;
  },
  tau: ([theta, delta]) => archimedeanTau(bb3Generator(theta!, delta!)),
};
