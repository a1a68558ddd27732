import { debye } from "../../special.js";
import type { BaseCopula, CopulaFamilyDef } from "../types.js";

/** Frank copula for theta > 0; negative theta by C_theta(u, v) = u - C_-theta(u, 1 - v). */
function frankPositive(th: number): BaseCopula {
  const em = Math.expm1(-th); // e^-theta - 1 < 0
  const logNegEm = Math.log(-em);
  // D = em + (e^-x - 1)(e^-y - 1), x = theta u, y = theta v; D < 0.
  const denom = (u: number, v: number): number => {
    if (th < 1) return em + Math.expm1(-th * u) * Math.expm1(-th * v);
    const eu = Math.exp(-th * u);
    const ev = Math.exp(-th * v);
    return Math.exp(-th) - eu - ev + eu * ev;
  };
  return {
    cdf(u, v) {
      const d = denom(u, v);
      return Math.min(u, v, Math.max(0, -(Math.log(-d) - logNegEm) / th));
    },
    hfunc1(u, v) {
      const h = (Math.exp(-th * u) * Math.expm1(-th * v)) / denom(u, v);
      return Math.min(1, Math.max(0, h));
    },
    logpdf(u, v) {
      const d = denom(u, v);
      return Math.log(th) + logNegEm - th * (u + v) - 2 * Math.log(-d);
    },
  };
}

/**
 * Frank copula C(u, v) = -1/theta log(1 + (e^-theta u - 1)(e^-theta v - 1) / (e^-theta - 1)),
 * theta in [-35, 35] (vinecopulib frank.ipp), theta = 0 is independence.
 * Radially symmetric: only rotation 0 is used in selection (negative theta covers negative dependence).
 */
export const frankDef: CopulaFamilyDef = {
  name: "frank",
  label: "Frank",
  paramNames: ["theta"],
  lower: [-35],
  upper: [35],
  rotationless: true,
  make([theta]) {
    const th = theta!;
    if (Math.abs(th) < 1e-10)
      return { cdf: (u, v) => u * v, logpdf: () => 0, hfunc1: (_u, v) => v };
    if (th > 0) return frankPositive(th);
    const p = frankPositive(-th);
    return {
      cdf: (u, v) => Math.max(0, u - p.cdf(u, 1 - v)),
      hfunc1: (u, v) => Math.min(1, Math.max(0, 1 - p.hfunc1(u, 1 - v))),
      logpdf: (u, v) => p.logpdf(u, 1 - v),
    };
  },
  tau([theta]) {
    const th = theta!;
    if (Math.abs(th) < 1e-4) return th / 9;
    return 1 - 4 / th + (4 * debye(1, th)) / th;
  },
};
