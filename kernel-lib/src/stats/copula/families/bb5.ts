import type { BaseCopula, CopulaFamilyDef } from "../types.js";
import { logAddExp } from "../archimedean.js";
import { numericTau } from "../tau.js";

/**
 * BB5 extreme-value copula (Joe 1997, family BB5; CopulaModel bb5), with x = -log u, y = -log v:
 * C(u, v) = exp(-[x^theta + y^theta - (x^(-theta delta) + y^(-theta delta))^(-1/delta)]^(1/theta)),
 * theta >= 1, delta > 0 (Gumbel for delta -> 0, Galambos for theta = 1).
 * Fitting bounds theta in [1, 8], delta in [1e-4, 20].
 * With l(x, y) = S^(1/theta): h1 = C l_x / u and c = C / (u v) (l_x l_y - l_xy).
 */
function bb5(th: number, de: number): BaseCopula {
  const parts = (u: number, v: number) => {
    const x = -Math.log(u);
    const y = -Math.log(v);
    const lx = Math.log(x);
    const ly = Math.log(y);
    const a = -th * de * lx;
    const b = -th * de * ly;
    const logT = logAddExp(a, b);
    const xt = Math.pow(x, th);
    const yt = Math.pow(y, th);
    const S = xt + yt - Math.exp(-logT / de);
    const e = 1 + 1 / de;
    // S_x = theta x^(theta-1) (1 - w^(1 + 1/delta)), w = x^(-theta delta) / T in (0, 1).
    const Sx = (th * xt * -Math.expm1(e * (a - logT))) / x;
    const Sy = (th * yt * -Math.expm1(e * (b - logT))) / y;
    const ell = Math.pow(S, 1 / th);
    return { x, y, lx, ly, a, b, logT, S, Sx, Sy, ell };
  };
  return {
    cdf(u, v) {
      return Math.exp(-parts(u, v).ell);
    },
    hfunc1(u, v) {
      const p = parts(u, v);
      const lxD = (p.ell / (th * p.S)) * p.Sx; // l_x = (1/theta) S^(1/theta - 1) S_x
      return Math.min(1, Math.max(0, Math.exp(-p.ell + p.x) * lxD));
    },
    logpdf(u, v) {
      const p = parts(u, v);
      const Sxy = -th * th * (1 + de) * Math.exp(p.a - p.lx + p.b - p.ly - (1 / de + 2) * p.logT);
      const k = p.ell / (th * p.S); // (1/theta) S^(1/theta - 1)
      const lx = k * p.Sx;
      const ly = k * p.Sy;
      const lxy = (1 / th - 1) * (k / p.S) * p.Sx * p.Sy + k * Sxy;
      return -p.ell + p.x + p.y + Math.log(lx * ly - lxy);
    },
  };
}

export const bb5Def: CopulaFamilyDef = {
  name: "bb5",
  label: "BB5",
  paramNames: ["theta", "delta"],
  lower: [1, 1e-4],
  upper: [8, 20],
  make: ([theta, delta]) => bb5(theta!, delta!),
  tau: ([theta, delta]) => numericTau(bb5(theta!, delta!)),
};
