import type { CopulaFamilyDef } from "../types.js";
import { archimedean, logExpm1, softplus } from "../archimedean.js";

/**
 * BB1 (Clayton-Gumbel) copula, Joe (1997) family BB1; the paper's Eq. 23 with
 * kappa = theta: C(u, v) = (1 + [(u^-theta - 1)^delta + (v^-theta - 1)^delta]^(1/delta))^(-1/theta),
 * theta in (0, 7], delta in [1, 7] (vinecopulib bb1.ipp bounds).
 * Generator (t^-theta - 1)^delta; tau = 1 - 2 / (delta (theta + 2)).
 */
export const bb1Def: CopulaFamilyDef = {
  name: "bb1",
  label: "Clayton-Gumbel (BB1)",
  paramNames: ["theta", "delta"],
  lower: [1e-10, 1],
  upper: [7, 7],
  make([theta, delta]) {
    const th = theta!;
    const de = delta!;
    const c = Math.log(th) + Math.log(de);
    const lg = (t: number): number => logExpm1(-th * Math.log(t)); // log(t^-theta - 1)
    return archimedean({
      logPhi: (t) => de * lg(t),
      phiInvLog: (l) => Math.exp(-softplus(l / de) / th),
      logNegDphi: (t) => c + (de - 1) * lg(t) - (th + 1) * Math.log(t),
      logD2phi(t) {
        const l = lg(t);
        // log((delta - 1) theta t^-theta + (theta + 1) g) with t^-theta = 1 + g, g = e^l
        const inner = l + Math.log((de - 1) * th * (1 + Math.exp(-l)) + th + 1);
        return c - (th + 2) * Math.log(t) + (de - 2) * l + inner;
      },
      pointLog(t, out) {
        const lt = Math.log(t);
        const l = logExpm1(-th * lt);
        out[0] = c + (de - 1) * l - (th + 1) * lt;
        return de * l;
      },
      densityAtC(t) {
        const lt = Math.log(t);
        const l = logExpm1(-th * lt);
        const inner = l + Math.log((de - 1) * th * (1 + Math.exp(-l)) + th + 1);
        const d2 = c - (th + 2) * lt + (de - 2) * l + inner;
        return d2 - 3 * (c + (de - 1) * l - (th + 1) * lt);
      },
    });
  },
  logLik([theta, delta], d) {
    // With x = u^-theta - 1, s = x^delta + y^delta, w = s^(1/delta):
    // c = (1 + w)^(-1/theta - 2) s^(1/delta - 2) (x y)^(delta - 1) (u v)^(-theta - 1) (w (1 + theta delta) + theta (delta - 1))
    // (c = psi''(s) phi'(u) phi'(v) with psi(s) = (1 + s^(1/delta))^(-1/theta)).
    const th = theta!;
    const de = delta!;
    const e1 = 1 / th + 2;
    const e2 = 1 / de - 2;
    const k1 = 1 + th * de;
    const k0 = th * (de - 1);
    const { lu, lv, n } = d;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const a = lu[i]!;
      const b = lv[i]!;
      const lx = logExpm1(-th * a);
      const ly = logExpm1(-th * b);
      const p = de * lx;
      const q = de * ly;
      const logS = (p > q ? p : q) + Math.log1p(Math.exp(-Math.abs(p - q)));
      const w = Math.exp(logS / de);
      s +=
        -e1 * Math.log1p(w) +
        e2 * logS +
        (de - 1) * (lx + ly) -
        (th + 1) * (a + b) +
        Math.log(w * k1 + k0);
    }
    return s;
  },
  tau: ([theta, delta]) => 1 - 2 / (delta! * (theta! + 2)),
};
