import { describe, expect, it } from "vitest";
import { createCopula } from "../../kernel-lib/src/stats/copula/copula.js";
import {
  copulaStandardErrors,
  fitCopula,
  fitCopulas,
  pseudoObservations,
} from "../../kernel-lib/src/stats/copula/fit.js";
import type { CopulaFamily, Rotation } from "../../kernel-lib/src/stats/copula/types.js";
import { reference } from "./reference.js";

const PV_SET: CopulaFamily[] = ["indep", "clayton", "gumbel", "frank", "joe", "bb1", "bb8"];

describe("copula MLE vs pyvinecopulib on the same 400 pseudo-observations", () => {
  for (const ref of reference.copulaFits) {
    const g = ref.generator;
    it(`data from ${g.family}(${g.params.join(", ")}) rot ${g.rotation}: every family and rotation, and the AIC choice`, () => {
      for (const f of ref.fits) {
        const fit = fitCopula(ref.u1, ref.u2, f.family as CopulaFamily, f.rotation, {
          stdErrors: false,
        });
        const c = createCopula({
          family: f.family as CopulaFamily,
          params: f.params,
          rotation: f.rotation,
        });
        let atTheirs = 0;
        for (let i = 0; i < ref.u1.length; i++) atTheirs += c.logpdf(ref.u1[i]!, ref.u2[i]!);
        // Our log-likelihood at pyvinecopulib's estimate equals theirs, except for BB8 with
        // delta < 1e-3 (next to independence), where vinecopulib loses precision: e.g. at
        // (1.0001, 0.0002) rot 90 on the bb1 sample it reports 0.0098, while 50-digit mpmath on
        // the symbolic density of the paper's Eq. 22 gives -1.32888681e-6, as we do.
        if (!(f.family === "bb8" && f.params[1]! < 1e-3)) {
          expect(
            Math.abs(atTheirs - f.logLik),
            `${f.family} ${f.rotation}: ${atTheirs} vs ${f.logLik}`,
          ).toBeLessThan(1e-6 * Math.abs(f.logLik) + 1e-5);
        }
        // Our optimum is never worse than theirs (pyvinecopulib narrows its search interval
        // around the tau inversion, so it can stop short on poorly fitting rotations).
        expect(
          fit.logLik,
          `${f.family} ${f.rotation}: ${fit.logLik} vs ${atTheirs}`,
        ).toBeGreaterThan(atTheirs - 1e-5);
      }
      const sel = fitCopulas(ref.u1, ref.u2, { families: PV_SET, rotations: "tauSign" });
      expect(sel.best.family).toBe(ref.selected.family);
      expect(sel.best.rotation).toBe(ref.selected.rotation);
      sel.best.params.forEach((p, i) =>
        expect(Math.abs(p - ref.selected.params[i]!)).toBeLessThan(
          1e-3 * Math.abs(ref.selected.params[i]!) + 1e-4,
        ),
      );
      const pvBest = ref.fits.find(
        (f) => f.family === ref.selected.family && f.rotation === ref.selected.rotation,
      )!;
      expect(Math.abs(sel.best.logLik - pvBest.logLik)).toBeLessThan(1e-4);
    });
  }
});

// n = 2000 draws; each estimate within 3 standard errors of the truth (Wald standard errors
// from the observed information at the estimate). The observed information at the truth is
// checked to be positive definite where the likelihood has no ridge; for BB5, whose (theta,
// delta) trade off along a ridge, it is not at the truth (only at the maximum).
describe("copula MLE recovers known parameters (n = 2000, within 3 standard errors)", () => {
  const cases: [CopulaFamily, number[], Rotation][] = [
    ["clayton", [2.5], 180],
    ["gumbel", [2.2], 90],
    ["frank", [-4], 0],
    ["joe", [3], 0],
    ["amh", [0.7], 270],
    ["bb1", [0.47, 1.47], 0],
    ["bb1", [0.36, 3.13], 180],
    ["bb3", [1.5, 0.8], 0],
    ["bb5", [2, 0.4], 0],
    ["bb8", [4.24, 0.6], 270],
  ];
  for (const [family, params, rotation] of cases) {
    it(`${family}(${params.join(", ")}) rot ${rotation}`, () => {
      const { u1, u2 } = createCopula({ family, params, rotation }).sample(2000, 31);
      const fit = fitCopula(u1, u2, family, rotation);
      const se = fit.stdErrors;
      if (family !== "bb5")
        expect(copulaStandardErrors(u1, u2, family, rotation, params).every((v) => v > 0)).toBe(
          true,
        );
      params.forEach((truth, i) => {
        expect(Number.isFinite(se[i]!) && se[i]! > 0).toBe(true);
        expect(
          Math.abs(fit.params[i]! - truth) / se[i]!,
          `${fit.paramNames[i]}: ${fit.params[i]} vs ${truth} (se ${se[i]})`,
        ).toBeLessThan(3);
      });
      expect(fit.aic).toBeCloseTo(2 * params.length - 2 * fit.logLik, 10);
    });
  }
});

describe("AIC selection over all families and rotations", () => {
  // Generating models with distinct shapes, n = 500, all 10 families, rotations by the sign
  // of tau. A larger study (bench: node test/bench/copulas.bench.mjs --selection-rate; 13
  // models x 5 samples of 500) picked the generating family in 46 of 65 trials (71%);
  // misses are near-equivalent families (Clayton vs survival Joe, BB5 vs Gumbel, weak BB8 vs AMH/Frank).
  // Here 6 of these 8 pick the generating family (asserted >= 5 of 8: "most").
  const models: [CopulaFamily, number[], Rotation][] = [
    ["gumbel", [2], 90],
    ["frank", [-5], 0],
    ["joe", [2.5], 180],
    ["clayton", [3], 0],
    ["amh", [0.9], 0],
    ["bb1", [0.5, 2], 0],
    ["bb3", [1.5, 0.8], 0],
    ["bb8", [4.24, 0.6], 270],
  ];
  it("picks the generating family in most trials (n = 500)", () => {
    const picks = models.map(([family, params, rotation], i) => {
      const { u1, u2 } = createCopula({ family, params, rotation }).sample(500, 1000 + i);
      const t = fitCopulas(u1, u2, { rotations: "tauSign" });
      expect(t.fits.map((f) => f.aic)).toEqual([...t.fits.map((f) => f.aic)].sort((a, b) => a - b));
      return t.best.family === family;
    });
    const rate = picks.filter(Boolean).length;
    expect(
      rate,
      `generating family picked in ${rate} of ${models.length}: ${picks}`,
    ).toBeGreaterThanOrEqual(5);
  });
  it("rotations 'all' fits 4 rotations per rotatable family and 1 for frank and indep", () => {
    const { u1, u2 } = createCopula({ family: "clayton", params: [1] }).sample(200, 3);
    const t = fitCopulas(u1, u2, { families: ["indep", "frank", "clayton", "bb8"] });
    expect(t.fits).toHaveLength(1 + 1 + 4 + 4);
    expect(t.best.stdErrors.every((s) => Number.isFinite(s))).toBe(true);
    expect(t.empiricalTau).toBeGreaterThan(0.2);
  });
});

describe("two-parameter fits with several modes along the likelihood ridge", () => {
  // BB8's (theta, delta) trade off along a ridge; on this sample the likelihood has a second,
  // lower mode near (7.4, 0.36). A brute-force grid (theta step 0.05, delta step 0.01, around
  // the better mode) is the reference: the fit must reach at least its best value.
  it("BB8 270, n = 500: the fit reaches the better mode", () => {
    const spec = { family: "bb8", params: [4.24, 0.6], rotation: 270 } as const;
    const { u1, u2 } = createCopula(spec).sample(500, 1007);
    let gridBest = -Infinity;
    for (let th = 4; th <= 6; th += 0.05)
      for (let de = 0.4; de <= 0.6; de += 0.01) {
        const c = createCopula({ family: "bb8", params: [th, de], rotation: 270 });
        let s = 0;
        for (let i = 0; i < u1.length; i++) s += c.logpdf(u1[i]!, u2[i]!);
        gridBest = Math.max(gridBest, s);
      }
    const fit = fitCopula(u1, u2, "bb8", 270, { stdErrors: false });
    expect(fit.logLik, `fit ${fit.params} ${fit.logLik} vs grid ${gridBest}`).toBeGreaterThan(
      gridBest - 1e-6,
    );
  });
});

describe("pseudo-observations and input errors", () => {
  it("ranks / (n + 1) with average ranks for ties", () => {
    expect(Array.from(pseudoObservations([3, 1, 2, 2]))).toEqual([4 / 5, 1 / 5, 2.5 / 5, 2.5 / 5]);
  });
  it("rejects bad pseudo-observations with a clear message", () => {
    expect(() => fitCopula([0.1, 0.2], [0.3], "clayton")).toThrow(
      "`u1` and `u2` must have the same length, received 2 and 1",
    );
    expect(() => fitCopula([0.1, 1.2], [0.3, 0.4], "clayton")).toThrow(
      "pseudo-observations must be in [0, 1], received u1[1] = 1.2",
    );
    expect(() => fitCopula([0.1, Number.NaN], [0.3, 0.4], "clayton")).toThrow(
      /received u1\[1\] = NaN/,
    );
    expect(() => fitCopula([0.1], [0.3], "clayton")).toThrow(/at least 2 pairs/);
    expect(() => fitCopulas([0.1, 0.2], [0.3, 0.4], { families: [] })).toThrow(
      "`families` is empty",
    );
    const pairs = [
      [0.1, 0.2, 0.7],
      [0.3, 0.4, 0.9],
    ] as const;
    expect(() =>
      fitCopulas(...pairs, { criterion: "BIC" as unknown as "bic", families: ["frank"] }),
    ).toThrow('`criterion` must be "aic" or "bic", received "BIC"');
    expect(() =>
      fitCopulas(...pairs, { rotations: "some" as unknown as "all", families: ["clayton"] }),
    ).toThrow('`rotations` must be "all" or "tauSign", received "some"');
    expect(() =>
      fitCopulas(...pairs, { rotations: [0, 45 as Rotation], families: ["clayton"] }),
    ).toThrow("copula rotation must be 0, 90, 180 or 270, received 45");
    expect(() => fitCopula(...pairs, "clayton", 45 as Rotation)).toThrow(
      "copula rotation must be 0, 90, 180 or 270, received 45",
    );
  });
});
