import { describe, expect, it } from "vitest";
import type { UnivariateFamily } from "../../kernel-lib/src/stats/distribution.js";
import { beta, betaFamily } from "../../kernel-lib/src/stats/beta.js";
import { exponentialFamily } from "../../kernel-lib/src/stats/exponential.js";
import {
  fitDistribution,
  logLikelihood,
  standardErrorsAt,
} from "../../kernel-lib/src/stats/fit.js";
import { fitBest } from "../../kernel-lib/src/stats/fitBest.js";
import { gamma, gammaFamily } from "../../kernel-lib/src/stats/gamma.js";
import { gev, gevFamily } from "../../kernel-lib/src/stats/gev.js";
import { invgauss, invgaussFamily } from "../../kernel-lib/src/stats/invgauss.js";
import { lognormal, lognormalFamily } from "../../kernel-lib/src/stats/lognormal.js";
import { normal, normalFamily } from "../../kernel-lib/src/stats/normal.js";
import { sinFamily } from "../../kernel-lib/src/stats/sinDensity.js";
import {
  truncate,
  truncatedFamily,
  truncatedNormalMixture,
  truncatedNormalMixtureFamily,
} from "../../kernel-lib/src/stats/truncate.js";
import { weibull, weibullFamily } from "../../kernel-lib/src/stats/weibull.js";
import type { Distribution } from "../../kernel-lib/src/stats/distribution.js";
import { reference } from "./reference.js";

const FAMILIES: Record<string, UnivariateFamily> = {
  invgauss: invgaussFamily,
  gamma: gammaFamily,
  weibull: weibullFamily,
  lognormal: lognormalFamily,
  beta: betaFamily,
  gev: gevFamily,
  exponential: exponentialFamily,
};

describe("maximum likelihood vs scipy.stats fit", () => {
  for (const ref of reference.scipyFits) {
    it(`${ref.name}: same estimate and log-likelihood as scipy on the same 300 values`, () => {
      const fit = fitDistribution(ref.data, FAMILIES[ref.name]!);
      // Our optimum must be at least as high as scipy's, and the same point.
      expect(fit.logLik).toBeGreaterThan(ref.logLik - 1e-6);
      expect(fit.logLik - ref.logLik).toBeLessThan(1e-4);
      for (const [k, v] of Object.entries(ref.params)) {
        expect(Math.abs(fit.params[k]! - v), `${k}: ${fit.params[k]} vs ${v}`).toBeLessThan(
          2e-3 * Math.abs(v) + 1e-4,
        );
      }
      expect(fit.aic).toBeCloseTo(2 * fit.k - 2 * fit.logLik, 10);
      expect(fit.bic).toBeCloseTo(fit.k * Math.log(300) - 2 * fit.logLik, 10);
    });
  }
});

// Recovery of known parameters, n = 2000: every estimate within 3 standard errors
// of the truth. The standard error is the estimator's, sqrt(diag(I^-1)) from the
// observed information of the sample at the true parameters (the Wald SE at the
// estimate is itself noisy: for the mixture, sigma1 = 0.839 has SE 0.046 at the
// estimate but 0.072 at the truth, and 30 replicate fits have sd 0.062).
describe("MLE recovers known parameters (n = 2000, within 3 standard errors)", () => {
  const cases: [string, Distribution, UnivariateFamily][] = [
    ["normal", normal({ mu: 1, sigma: 2 }), normalFamily],
    ["lognormal", lognormal({ mu: 0.3, sigma: 0.6 }), lognormalFamily],
    ["gamma", gamma({ shape: 2.7, scale: 1.3 }), gammaFamily],
    ["weibull", weibull({ shape: 1.7, scale: 2.5 }), weibullFamily],
    ["invgauss (Table 1, d)", invgauss({ mu: 513.8, lambda: 4600 }), invgaussFamily],
    ["beta (Table 1, s)", beta({ a: 40.1, b: 7.2 }), betaFamily],
    ["gev (Table 1, e, untruncated)", gev({ k: -0.42, mu: 0.72, sigma: 0.086 }), gevFamily],
    [
      "gev truncated to [0, 1] (Table 1, c)",
      truncate(gev({ k: 0, mu: 0.82, sigma: 0.048 }), 0, 1),
      truncatedFamily(gevFamily, 0, 1),
    ],
    [
      "normal mixture truncated to [-pi, pi) (Table 1, phi)",
      truncatedNormalMixture({ mu1: -1.7, mu2: 1.6, sigma1: 1, sigma2: 0.8, lambda: 0.4 }),
      truncatedNormalMixtureFamily,
    ],
  ];
  for (const [name, dist, family] of cases) {
    it(name, () => {
      const x = dist.sample(2000, 2024);
      const fit = fitDistribution(x, family);
      const seTruth = standardErrorsAt(x, family, dist.params);
      for (const [k, truth] of Object.entries(dist.params)) {
        expect(
          Number.isFinite(fit.stdErrors[k]!) && fit.stdErrors[k]! > 0,
          `standard error of ${k} at the estimate`,
        ).toBe(true);
        const se = seTruth[k]!;
        expect(Number.isFinite(se) && se > 0, `standard error of ${k}: ${se}`).toBe(true);
        expect(
          Math.abs(fit.params[k]! - truth) / se,
          `${k}: ${fit.params[k]} +- ${se} vs ${truth}`,
        ).toBeLessThan(3);
      }
      // The fitted log-likelihood is at least that of the truth.
      expect(fit.logLik).toBeGreaterThanOrEqual(logLikelihood(dist, x) - 1e-6);
    });
  }
  it("standard errors of the normal match the closed form sigma / sqrt(n), sigma / sqrt(2n)", () => {
    const x = normal({ mu: 0, sigma: 1.5 }).sample(2000, 5);
    const fit = fitDistribution(x, normalFamily);
    expect(fit.stdErrors.mu! / (fit.params.sigma! / Math.sqrt(2000))).toBeCloseTo(1, 3);
    expect(fit.stdErrors.sigma! / (fit.params.sigma! / Math.sqrt(4000))).toBeCloseTo(1, 3);
  });
});

describe("fitBest ranks families by AIC", () => {
  it("picks the generating family of a clear-cut sample and lists the rest", () => {
    const x = invgauss({ mu: 513.8, lambda: 4600 }).sample(400, 9);
    const table = fitBest(x, [
      normalFamily,
      invgaussFamily,
      gammaFamily,
      lognormalFamily,
      weibullFamily,
      betaFamily,
    ]);
    expect(table.fits.map((f) => f.aic)).toEqual(
      [...table.fits.map((f) => f.aic)].sort((a, b) => a - b),
    );
    expect(["invgauss", "lognormal", "gamma"]).toContain(table.best.family);
    expect(table.fits[0]!.aic).toBeLessThan(table.fits.find((f) => f.family === "normal")!.aic);
    // beta cannot hold values > 1: skipped with the reason
    expect(table.skipped).toHaveLength(1);
    expect(table.skipped[0]!.family).toBe("beta");
    expect(table.skipped[0]!.reason).toMatch(/outside the support \(0, 1\) of the beta family/);
  });
  it("ranks by BIC on request", () => {
    const x = weibull({ shape: 0.9, scale: 1 }).sample(300, 3);
    const t = fitBest(x, [weibullFamily, exponentialFamily], { criterion: "bic" });
    expect(t.criterion).toBe("bic");
    expect(t.fits[0]!.bic).toBeLessThanOrEqual(t.fits[1]!.bic);
  });
  it("sin density (no parameters) has k = 0 and AIC = -2 logLik", () => {
    const t = fitBest([0.2, 0.8, 1.1, 1.4], [sinFamily]);
    expect(t.best.k).toBe(0);
    expect(t.best.aic).toBeCloseTo(
      -2 * [0.2, 0.8, 1.1, 1.4].reduce((s, v) => s + Math.log(Math.sin(v)), 0),
      12,
    );
  });
});

describe("fitting errors", () => {
  it("empty data", () => {
    expect(() => fitDistribution([], gammaFamily)).toThrow("`data` is empty");
    expect(() => fitBest([], [gammaFamily])).toThrow("`data` is empty");
  });
  it("NaN and infinite values", () => {
    expect(() => fitDistribution([1, Number.NaN, 2], gammaFamily)).toThrow(
      "`data` must be finite, received NaN at index 1",
    );
    expect(() => fitBest([1, Infinity], [gammaFamily])).toThrow(/received Infinity at index 1/);
  });
  it("data outside the family's support", () => {
    expect(() => fitDistribution([0.5, 1.2], betaFamily)).toThrow(
      "`data` value 1.2 at index 1 is outside the support (0, 1) of the beta family",
    );
    expect(() => fitDistribution([-1, 2], gammaFamily)).toThrow(
      /value -1 at index 0 is outside the support \(0, Infinity\]/,
    );
    expect(() => fitBest([-1, 2], [gammaFamily, lognormalFamily])).toThrow(
      /no family could be fitted/,
    );
  });
  it("constant data (no spread: e.g. c = 1 for every convex grain)", () => {
    expect(() => fitBest([0.999999, 0.999999, 0.999999], [gammaFamily, betaFamily])).toThrow(
      "`data`: all 3 values equal 0.999999; a constant has no spread to fit a distribution to",
    );
  });
  it("no families", () => {
    expect(() => fitBest([1, 2], [])).toThrow("`families` is empty");
  });
  it("bad options: criterion, maxEval", () => {
    expect(() => fitBest([1, 2], [gammaFamily], { criterion: "aicc" as unknown as "aic" })).toThrow(
      '`criterion` must be "aic" or "bic", received "aicc"',
    );
    expect(() => fitDistribution([1, 2, 3], lognormalFamily, { maxEval: 0 })).toThrow(
      "`maxEval` must be a positive integer, received 0",
    );
  });
});
