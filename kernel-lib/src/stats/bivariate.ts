import { createCopula } from "./copula/copula.js";
import type { Copula, CopulaSpec } from "./copula/types.js";
import type { Distribution } from "./distribution.js";
import { gaussLegendre } from "./special.js";
import { integrate } from "./numeric.js";
import type { Rng } from "./random.js";
import { toRng } from "./random.js";
import { checkOneOf, checkPositiveInt, expectedError } from "../util/checks.js";

/** A bivariate density built from two marginals and a copula (Furat et al., Eq. 16). */
export interface BivariateModel {
  readonly x: Distribution;
  readonly y: Distribution;
  readonly copula: Copula;
  /** f(x, y) = f1(x) f2(y) c(F1(x), F2(y)). */
  pdf(x: number, y: number): number;
  logpdf(x: number, y: number): number;
  /** F(x, y) = C(F1(x), F2(y)). */
  cdf(x: number, y: number): number;
  /** n pairs: (U1, U2) from the copula, then x = F1^-1(U1), y = F2^-1(U2). */
  sample(n: number, rng: Rng | number): { x: Float64Array; y: Float64Array };
}

/**
 * Combine marginals and a copula into a bivariate density,
 * f(x, y) = f1(x) f2(y) c(F1(x), F2(y)) (Furat et al., Eq. 16; Sklar's theorem).
 * @param x - Marginal of the first variable (the copula's u1).
 * @param y - Marginal of the second variable (u2).
 * @param copula - A copula or a spec for {@link createCopula}.
 */
export function bivariateModel(
  x: Distribution,
  y: Distribution,
  copula: Copula | CopulaSpec,
): BivariateModel {
  const c: Copula = "logpdf" in copula ? copula : createCopula(copula);
  const logpdf = (a: number, b: number): number => {
    const lx = x.logpdf(a);
    const ly = y.logpdf(b);
    if (lx === -Infinity || ly === -Infinity) return -Infinity;
    return lx + ly + c.logpdf(x.cdf(a), y.cdf(b));
  };
  return {
    x,
    y,
    copula: c,
    logpdf,
    pdf: (a, b) => Math.exp(logpdf(a, b)),
    cdf: (a, b) => c.cdf(x.cdf(a), y.cdf(b)),
    sample(n, rng) {
      const r = toRng(rng);
      const { u1, u2 } = c.sample(n, r);
      const xs = new Float64Array(n);
      const ys = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        xs[i] = x.quantile(u1[i]!);
        ys[i] = y.quantile(u2[i]!);
      }
      return { x: xs, y: ys };
    },
  };
}

/** A density evaluated on a regular grid: `z[j][i] = f(x[i], y[j])` (plotly's contour layout). */
export interface DensityGrid {
  x: number[];
  y: number[];
  z: number[][];
}

/** Options of {@link densityGrid}. */
export interface DensityGridOptions {
  /** x range. @default the 0.5% and 99.5% quantiles of the x marginal */
  xRange?: [number, number];
  /** y range. @default the 0.5% and 99.5% quantiles of the y marginal */
  yRange?: [number, number];
  /** Grid points along x. @default 120 */
  nx?: number;
  /** Grid points along y. @default 120 */
  ny?: number;
}

/**
 * Evaluate a bivariate density on a regular grid (for Fig. 8-style density maps).
 */
export function densityGrid(model: BivariateModel, options: DensityGridOptions = {}): DensityGrid {
  const nx = options.nx ?? 120;
  const ny = options.ny ?? 120;
  if (!(Number.isInteger(nx) && nx >= 2 && Number.isInteger(ny) && ny >= 2)) {
    throw new RangeError(`\`nx\` and \`ny\` must be integers >= 2, received ${nx} and ${ny}`);
  }
  const [x0, x1] = options.xRange ?? [model.x.quantile(0.005), model.x.quantile(0.995)];
  const [y0, y1] = options.yRange ?? [model.y.quantile(0.005), model.y.quantile(0.995)];
  // Given or, when omitted, the marginal's 0.5 % and 99.5 % quantiles.
  if (!(x1 > x0)) throw expectedError("xRange", "an increasing range [min, max]", [x0, x1]);
  if (!(y1 > y0)) throw expectedError("yRange", "an increasing range [min, max]", [y0, y1]);
  const x = Array.from({ length: nx }, (_, i) => x0 + ((x1 - x0) * i) / (nx - 1));
  const y = Array.from({ length: ny }, (_, j) => y0 + ((y1 - y0) * j) / (ny - 1));
  const fx = x.map((v) => model.x.logpdf(v));
  const Fx = x.map((v) => model.x.cdf(v));
  const z = y.map((yv) => {
    const fy = model.y.logpdf(yv);
    const Fy = model.y.cdf(yv);
    return x.map((_, i) =>
      fx[i] === -Infinity || fy === -Infinity
        ? 0
        : Math.exp(fx[i]! + fy + model.copula.logpdf(Fx[i]!, Fy)),
    );
  });
  return { x, y, z };
}

/** Options of {@link bivariateCorrelation}. */
export interface CorrelationOptions {
  /**
   * `"hoeffding"`: Cov = int int [C(F1(x), F2(y)) - F1(x) F2(y)] dx dy (Hoeffding's
   * identity; bounded integrand, Gauss-Legendre panels); `"density"`: Eq. 24 literally,
   * int int (x y - mu1 mu2) f(x, y) dx dy by nested adaptive quadrature (slower).
   * @default "hoeffding"
   */
  method?: "hoeffding" | "density";
  /** Gauss-Legendre panels per axis for "hoeffding". @default 24 */
  panels?: number;
}

function effectiveRange(d: Distribution): [number, number] {
  const lo = Number.isFinite(d.support[0]) ? d.support[0] : d.quantile(1e-12);
  const hi = Number.isFinite(d.support[1]) ? d.support[1] : d.quantile(1 - 1e-12);
  return [lo, hi];
}

/**
 * Pearson correlation coefficient of a bivariate model (Furat et al., Eq. 24):
 * rho = (1 / (sigma1 sigma2)) int int (x y - mu1 mu2) f(x, y) dx dy,
 * computed by default through Hoeffding's covariance identity, which has a
 * bounded integrand even for copulas whose density is unbounded at the corners.
 * Accurate to better than 1e-4 for the paper's models.
 */
export function bivariateCorrelation(
  model: BivariateModel,
  options: CorrelationOptions = {},
): number {
  const sx = Math.sqrt(model.x.variance());
  const sy = Math.sqrt(model.y.variance());
  const [ax, bx] = effectiveRange(model.x);
  const [ay, by] = effectiveRange(model.y);
  const method = checkOneOf(options.method ?? "hoeffding", "method", ["hoeffding", "density"]);
  if (method === "density") {
    const mx = model.x.mean();
    const my = model.y.mean();
    const inner = (a: number): number =>
      integrate((b) => (a - mx) * (b - my) * model.pdf(a, b), ay, by, {
        absTol: 1e-10 * sx * sy,
        relTol: 1e-7,
        maxIntervals: 200,
      });
    return (
      integrate(inner, ax, bx, { absTol: 1e-9 * sx * sy, relTol: 1e-7, maxIntervals: 200 }) /
      (sx * sy)
    );
  }
  const panels = checkPositiveInt(options.panels ?? 24, "panels");
  const [gx, gw] = gaussLegendre(16);
  const nodes = (a: number, b: number): { t: Float64Array; w: Float64Array } => {
    const t = new Float64Array(panels * gx.length);
    const w = new Float64Array(panels * gx.length);
    const h = (b - a) / panels;
    for (let p = 0; p < panels; p++) {
      for (let k = 0; k < gx.length; k++) {
        t[p * gx.length + k] = a + h * (p + 0.5 * (gx[k]! + 1));
        w[p * gx.length + k] = 0.5 * h * gw[k]!;
      }
    }
    return { t, w };
  };
  const X = nodes(ax, bx);
  const Y = nodes(ay, by);
  const Fx = X.t.map((v) => model.x.cdf(v));
  const Fy = Y.t.map((v) => model.y.cdf(v));
  let cov = 0;
  for (let i = 0; i < Fx.length; i++) {
    let row = 0;
    for (let j = 0; j < Fy.length; j++)
      row += Y.w[j]! * (model.copula.cdf(Fx[i]!, Fy[j]!) - Fx[i]! * Fy[j]!);
    cov += X.w[i]! * row;
  }
  return cov / (sx * sy);
}

/** Mean and standard deviation of a distribution (Table 2's model columns). */
export function modelMoments(dist: Distribution): { mean: number; std: number } {
  return { mean: dist.mean(), std: Math.sqrt(dist.variance()) };
}
