import type { BaseCopula, CopulaFamilyDef } from "../types.js";
import { logAddExp } from "../archimedean.js";
import { integrate } from "../../numeric.js";

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

/**
 * Kendall's tau of BB5 from its Pickands dependence function A(t) = l(1 - t, t):
 * tau = int_0^1 t (1 - t) A''(t) / A(t) dt (Joe 2014, section 8.4), with A'
 * analytic and A'' by central differences of A'.
 */
function bb5Tau(th: number, de: number): number {
  const S = (x: number, y: number): number =>
    Math.pow(x, th) +
    Math.pow(y, th) -
    Math.pow(Math.pow(x, -th * de) + Math.pow(y, -th * de), -1 / de);
  const A = (t: number): number => Math.pow(S(1 - t, t), 1 / th);
  const dA = (t: number): number => {
    const x = 1 - t;
    const y = t;
    const a = -th * de * Math.log(x);
    const b = -th * de * Math.log(y);
    const logT = logAddExp(a, b);
    const e = 1 + 1 / de;
    const Sx = th * Math.pow(x, th - 1) * -Math.expm1(e * (a - logT));
    const Sy = th * Math.pow(y, th - 1) * -Math.expm1(e * (b - logT));
    const s = S(x, y);
    return (Math.pow(s, 1 / th - 1) / th) * (Sy - Sx);
  };
  const f = (t: number): number => {
    const h = 1e-5 * Math.min(t, 1 - t);
    return (t * (1 - t) * (dA(t + h) - dA(t - h))) / (2 * h * A(t));
  };
  return integrate(f, 0, 1, { absTol: 1e-12, relTol: 1e-10 });
}

export const bb5Def: CopulaFamilyDef = {
  name: "bb5",
  label: "BB5",
  paramNames: ["theta", "delta"],
  lower: [1, 1e-4],
  upper: [8, 20],
  make: ([theta, delta]) => bb5(theta!, delta!),
  logLik([theta, delta], d) {
    // The density of bb5() in one loop over the precomputed log u and log(-log u).
    const th = theta!;
    const de = delta!;
    const td = th * de;
    const e = 1 + 1 / de;
    const g = 1 / de + 2;
    const cxy = -th * th * (1 + de);
    const { lu, lv, llu, llv, n } = d;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = -lu[i]!;
      const y = -lv[i]!;
      const lx = llu[i]!;
      const ly = llv[i]!;
      const a = -td * lx;
      const b = -td * ly;
      const logT = (a > b ? a : b) + Math.log1p(Math.exp(-Math.abs(a - b)));
      const xt = Math.exp(th * lx);
      const yt = Math.exp(th * ly);
      const S = xt + yt - Math.exp(-logT / de);
      const Sx = (th * xt * -Math.expm1(e * (a - logT))) / x;
      const Sy = (th * yt * -Math.expm1(e * (b - logT))) / y;
      const logS = Math.log(S);
      const ell = Math.exp(logS / th);
      const Sxy = cxy * Math.exp(a - lx + b - ly - g * logT);
      const k = ell / (th * S);
      const lxy = (1 / th - 1) * (k / S) * Sx * Sy + k * Sxy;
      sum += -ell + x + y + Math.log(k * Sx * k * Sy - lxy);
    }
    return sum;
  },
  tau: ([theta, delta]) => bb5Tau(theta!, delta!),
};
