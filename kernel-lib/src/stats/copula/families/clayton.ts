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
  logLik([theta], d) {
    // log c = log(1 + theta) - (1 + theta)(log u + log v) - (2 + 1/theta) log(u^-theta + v^-theta - 1)
    const th = theta!;
    const c0 = Math.log1p(th);
    const e = 2 + 1 / th;
    const { lu, lv, n } = d;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const a = lu[i]!;
      const b = lv[i]!;
      s += c0 - (th + 1) * (a + b) - e * Math.log1p(Math.expm1(-th * a) + Math.expm1(-th * b));
    }
    return s;
  },
  tau: ([theta]) => theta! / (theta! + 2),
};
