import type { CopulaFamilyDef } from "../types.js";

/**
 * Ali-Mikhail-Haq copula C(u, v) = u v / (1 - theta (1 - u)(1 - v)), theta in [-1, 1)
 * (Joe 2014, section 4.8; Nelsen 2006, Eq. 4.2.3). Kendall's tau in [-0.18, 1/3).
 */
export const amhDef: CopulaFamilyDef = {
  name: "amh",
  label: "Ali-Mikhail-Haq",
  paramNames: ["theta"],
  lower: [-1],
  upper: [1],
  openUpper: [true],
  make([theta]) {
    const t = theta!;
    return {
      cdf: (u, v) => (u * v) / (1 - t * (1 - u) * (1 - v)),
      hfunc1(u, v) {
        const d = 1 - t * (1 - u) * (1 - v);
        return Math.min(1, Math.max(0, (v * (1 - t * (1 - v))) / (d * d)));
      },
      logpdf(u, v) {
        const d = 1 - t * (1 - u) * (1 - v);
        const num = 1 + t * ((1 + u) * (1 + v) - 3) + t * t * (1 - u) * (1 - v);
        return Math.log(num) - 3 * Math.log(d);
      },
    };
  },
  tau([theta]) {
    const t = theta!;
    if (Math.abs(t) < 1e-4) return (2 * t) / 9 + (t * t) / 18;
    return 1 - (2 * (t + (1 - t) * (1 - t) * Math.log1p(-t))) / (3 * t * t);
  },
};
