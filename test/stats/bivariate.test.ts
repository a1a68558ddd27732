import { describe, expect, it } from "vitest";
import { beta } from "../../kernel-lib/src/stats/beta.js";
import {
  bivariateCorrelation,
  bivariateModel,
  densityGrid,
  modelMoments,
} from "../../kernel-lib/src/stats/bivariate.js";
import { createCopula } from "../../kernel-lib/src/stats/copula/copula.js";
import type { CopulaFamily } from "../../kernel-lib/src/stats/copula/types.js";
import { fitMarginals, fitPairCopulas } from "../../kernel-lib/src/stats/fitModels.js";
import { gammaFamily } from "../../kernel-lib/src/stats/gamma.js";
import { invgaussFamily } from "../../kernel-lib/src/stats/invgauss.js";
import { normal } from "../../kernel-lib/src/stats/normal.js";
import { integrate } from "../../kernel-lib/src/stats/numeric.js";
import {
  PAPER2_CHARACTERISTICS,
  PAPER2_PAIRS,
  paper2Models,
  paper2Refit,
} from "../../kernel-lib/src/papers/paper2/index.js";
import { reference } from "./reference.js";

const uniform = beta({ a: 1, b: 1 });

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe("correlation of a bivariate density (Eq. 24)", () => {
  for (const ref of reference.spearman) {
    it(`${ref.family}(${ref.params}) with uniform margins equals Spearman's rho (closed form, Nelsen 2006) to 1e-6`, () => {
      const m = bivariateModel(uniform, uniform, {
        family: ref.family as CopulaFamily,
        params: ref.params,
      });
      expect(Math.abs(bivariateCorrelation(m) - ref.rho)).toBeLessThan(1e-6);
    });
  }
  it("independence gives 0; normal margins with Frank follow the sign of the rotation", () => {
    const x = normal({ mu: 3, sigma: 2 });
    const y = normal({ mu: -1, sigma: 0.5 });
    expect(Math.abs(bivariateCorrelation(bivariateModel(x, y, { family: "indep" })))).toBeLessThan(
      1e-12,
    );
    const pos = bivariateCorrelation(bivariateModel(x, y, { family: "clayton", params: [2] }));
    const neg = bivariateCorrelation(
      bivariateModel(x, y, { family: "clayton", params: [2], rotation: 90 }),
    );
    expect(pos).toBeGreaterThan(0.5);
    expect(neg).toBeCloseTo(-pos, 10); // 90-degree rotation mirrors one margin; symmetric margins flip the sign
  });
  const models = paper2Models();
  for (const pair of PAPER2_PAIRS) {
    it(`paper model ${pair}: Hoeffding identity and Eq. 24 by nested quadrature agree to 1e-4; Monte Carlo agrees`, () => {
      const m = models.bivariate[pair];
      const rho = bivariateCorrelation(m);
      expect(Math.abs(rho - bivariateCorrelation(m, { method: "density" }))).toBeLessThan(1e-4);
      expect(Math.abs(rho - bivariateCorrelation(m, { panels: 48 }))).toBeLessThan(1e-6);
      const s = m.sample(4000, 17);
      // sd of the sample correlation ~ (1 - rho^2) / sqrt(n) < 0.016
      expect(Math.abs(pearson(s.x, s.y) - rho)).toBeLessThan(0.065);
    });
  }
});

describe("paper 2 models (Tables 1-4)", () => {
  const m = paper2Models();
  it("model moments: closed forms where they exist", () => {
    expect(modelMoments(m.marginals.d).mean).toBeCloseTo(513.8, 10);
    expect(modelMoments(m.marginals.d).std).toBeCloseTo(Math.sqrt(513.8 ** 3 / 4600), 8);
    expect(modelMoments(m.marginals.s).mean).toBeCloseTo(40.1 / 47.3, 12);
    expect(modelMoments(m.marginals.theta).mean).toBe(1);
    expect(modelMoments(m.marginals.theta).std).toBeCloseTo(Math.sqrt(Math.PI - 3), 14);
    // phi: truncation to [-pi, pi) moves the mixture mean 0.28 to 0.347
    expect(modelMoments(m.marginals.phi).mean).toBeGreaterThan(0.28);
  });
  it("model correlations are close to the paper's empirical ones (Table 3)", () => {
    for (const pair of PAPER2_PAIRS) {
      const rho = bivariateCorrelation(m.bivariate[pair]);
      expect(Math.abs(rho - m.empiricalCorrelation[pair]), pair).toBeLessThan(0.05);
    }
  });
  it("copula specs follow Table 4 (kappa is the first parameter)", () => {
    expect(m.copulas.d_s.spec).toEqual({ family: "bb8", params: [4.24, 0.6], rotation: 270 });
    expect(m.copulas.theta_phi.x).toBe("theta");
    expect(m.copulas.s_c.copula.tau()).toBeGreaterThan(0.7);
  });
});

describe("density grid and pair sampling", () => {
  it("z[j][i] = f(x[i], y[j]) and the grid density integrates to about 1", () => {
    const m = bivariateModel(normal({ mu: 0, sigma: 1 }), normal({ mu: 5, sigma: 2 }), {
      family: "gumbel",
      params: [1.7],
      rotation: 90,
    });
    const g = densityGrid(m, { xRange: [-6, 6], yRange: [-7, 17], nx: 121, ny: 161 });
    expect(g.z).toHaveLength(161);
    expect(g.z[0]).toHaveLength(121);
    expect(g.z[40]![30]).toBeCloseTo(m.pdf(g.x[30]!, g.y[40]!), 12);
    let s = 0;
    for (const row of g.z) for (const v of row) s += v;
    expect(s * (12 / 120) * (24 / 160)).toBeCloseTo(1, 2);
    // and f integrates to 1 (adaptive quadrature)
    const total = integrate(
      (a) => integrate((b) => m.pdf(a, b), -12, 22, { relTol: 1e-8 }),
      -7,
      7,
      { relTol: 1e-7 },
    );
    expect(total).toBeCloseTo(1, 5);
    expect(() => densityGrid(m, { nx: 1 })).toThrow(/integers >= 2/);
    expect(() => bivariateCorrelation(m, { panels: 0 })).toThrow(
      "`panels` must be a positive integer, received 0",
    );
    expect(() => bivariateCorrelation(m, { method: "mc" as unknown as "density" })).toThrow(
      '`method` must be "hoeffding" or "density", received "mc"',
    );
  });
  it("sampled pairs have the marginals' distributions (KS) and the copula's tau", () => {
    const m = paper2Models().bivariate.s_c;
    const s = m.sample(3000, 5);
    for (const [v, d] of [
      [s.x, m.x],
      [s.y, m.y],
    ] as const) {
      const sorted = Float64Array.from(v).sort();
      let ks = 0;
      for (let i = 0; i < sorted.length; i++)
        ks = Math.max(ks, Math.abs(d.cdf(sorted[i]!) - (i + 0.5) / sorted.length));
      expect(ks).toBeLessThan(1.95 / Math.sqrt(sorted.length));
    }
  });
});

describe("fitting a table (marginals, then pair copulas)", () => {
  it("fitMarginals and fitPairCopulas recover a known model", () => {
    const model = bivariateModel(
      paper2Models().marginals.d,
      paper2Models().marginals.s,
      createCopula({ family: "bb8", params: [4.24, 0.6], rotation: 270 }),
    );
    const s = model.sample(600, 8);
    const table = { d: s.x, s: s.y };
    const marg = fitMarginals(table, { d: [invgaussFamily, gammaFamily] });
    expect(marg.d!.fits).toHaveLength(2);
    const pairs = fitPairCopulas(table, [["d", "s"]], {
      families: ["bb8", "bb1", "frank", "clayton"],
      rotations: "tauSign",
      marginals: { d: marg.d!.best.distribution, s: model.y },
    });
    const fit = pairs.d_s!;
    expect(fit.x).toBe("d");
    expect(fit.empiricalTau).toBeLessThan(-0.2);
    expect([90, 270, 0]).toContain(fit.best.rotation);
    expect(fit.model).toBeDefined();
    // rank-based pseudo-observations when no marginals are given
    const byRanks = fitPairCopulas(table, [["d", "s"]], {
      families: ["bb8"],
      rotations: [270],
    }).d_s!;
    expect(byRanks.best.family).toBe("bb8");
    expect(byRanks.model).toBeUndefined();
    expect(() => fitPairCopulas(table, [["d", "x"]])).toThrow(/column "x" is not in the table/);
  });
  it("paper2Refit runs the whole simulation study", () => {
    const r = paper2Refit({
      n: 150,
      seed: 3,
      families: ["indep", "frank", "bb1", "bb8"],
      rotations: "tauSign",
    });
    for (const k of PAPER2_CHARACTERISTICS) expect(r.samples[k]).toHaveLength(150);
    expect(r.marginalFits.theta.fits.length).toBeGreaterThan(1);
    for (const p of PAPER2_PAIRS) expect(r.copulaFits[p].fits.length).toBeGreaterThan(1);
    expect(Math.sign(bivariateCorrelation(r.bivariate.s_c))).toBe(1);
  });
});
