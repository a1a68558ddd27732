import type { CopulaFamilyDef } from "../types.js";
import { archimedean, logExpm1, softplus } from "../archimedean.js";

/**
 * Clayton copula C(u, v) = (u^-theta + v^-theta - 1)^(-1/theta), theta in (0, 28]
 * (generator t^-theta - 1; vinecopulib clayton.ipp bounds). tau = theta / (theta + 2).
 */
export const claytonDef: CopulaFamilyDef = {
  name: "clayton",
  label: "Clayton",
  paramNames: ["theta"],
  lower: [1e-10],
  upper: [28],
  make([theta]) {
    const th = theta!;
    const lt = Math.log(th);
    const lt1 = Math.log1p(th);
    return archimedean({
      logPhi: (t) => logExpm1(-th * Math.log(t)),
      phiInvLog: (l) => Math.exp(-softplus(l) / th),
      logNegDphi: (t) => lt - (th + 1) * Math.log(t),
      logD2phi: (t) => lt + lt1 - (th + 2) * Math.log(t),
      pointLog(t, out) {
        const l = Math.log(t);
        out[0] = lt - (th + 1) * l;
        return logExpm1(-th * l);
      },
      densityAtC: (t) => lt1 - 2 * lt + (2 * th + 1) * Math.log(t),
    });
  },
  tau: ([theta]) => theta! / (theta! + 2),
};
