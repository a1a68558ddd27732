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
  tau: ([theta]) => 1 - 1 / theta!,
};
