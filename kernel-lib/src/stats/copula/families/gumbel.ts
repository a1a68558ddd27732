import type { CopulaFamilyDef } from "../types.js";
import { archimedean } from "../archimedean.js";

/**
 * Gumbel copula C(u, v) = exp(-[(-log u)^theta + (-log v)^theta]^(1/theta)), theta in [1, 50]
 * (vinecopulib gumbel.ipp bounds). tau = 1 - 1/theta.
 */
export const gumbelDef: CopulaFamilyDef = {
  name: "gumbel",
  label: "Gumbel",
  paramNames: ["theta"],
  lower: [1],
  upper: [50],
  make([theta]) {
    const th = theta!;
    const lt = Math.log(th);
    return archimedean({
      logPhi: (t) => th * Math.log(-Math.log(t)),
      phiInvLog: (l) => Math.exp(-Math.exp(l / th)),
      logNegDphi: (t) => lt + (th - 1) * Math.log(-Math.log(t)) - Math.log(t),
      pointLog(t, out) {
        const lx = Math.log(t);
        const llx = Math.log(-lx);
        out[0] = lt + (th - 1) * llx - lx;
        return th * llx;
      },
      densityAtC(t) {
        const lx = Math.log(t);
        const llx = Math.log(-lx);
        return (
          lt + (th - 2) * llx + Math.log(th - 1 - lx) - 2 * lx - 3 * (lt + (th - 1) * llx - lx)
        );
      },
      logD2phi: (t) => {
        const lx = Math.log(t);
        return lt + (th - 2) * Math.log(-lx) + Math.log(th - 1 - lx) - 2 * lx;
      },
    });
  },
  logLik([theta], d) {
    // With x = -log u, A = x^theta + y^theta, l = A^(1/theta):
    // log c = -l - log u - log v + (theta - 1) log(x y) + (2/theta - 2) log A + log(1 + (theta - 1) / l)
    const th = theta!;
    const tm1 = th - 1;
    const k = 2 / th - 2;
    const { lu, lv, llu, llv, n } = d;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const lx = llu[i]!;
      const ly = llv[i]!;
      const a = th * lx;
      const b = th * ly;
      const logA = (a > b ? a : b) + Math.log1p(Math.exp(-Math.abs(a - b)));
      const ell = Math.exp(logA / th);
      s += -ell - lu[i]! - lv[i]! + tm1 * (lx + ly) + k * logA + Math.log1p(tm1 / ell);
    }
    return s;
  },
  tau: ([theta]) => 1 - 1 / theta!,
};
