import { describe, expect, it } from "vitest";
import type { Distribution } from "../../kernel-lib/src/stats/distribution.js";
import { beta } from "../../kernel-lib/src/stats/beta.js";
import { exponential } from "../../kernel-lib/src/stats/exponential.js";
import { gamma } from "../../kernel-lib/src/stats/gamma.js";
import { gev } from "../../kernel-lib/src/stats/gev.js";
import { invgauss } from "../../kernel-lib/src/stats/invgauss.js";
import { lognormal } from "../../kernel-lib/src/stats/lognormal.js";
import { normal } from "../../kernel-lib/src/stats/normal.js";
import { normalMixture } from "../../kernel-lib/src/stats/normalMixture.js";
import { sinDensity } from "../../kernel-lib/src/stats/sinDensity.js";
import { truncate, truncatedNormalMixture } from "../../kernel-lib/src/stats/truncate.js";
import { weibull } from "../../kernel-lib/src/stats/weibull.js";
import { weibullFamily } from "../../kernel-lib/src/stats/weibull.js";
import { close, reference } from "./reference.js";

function make(
  name: string,
  params: Record<string, number>,
  truncation?: [number, number],
): Distribution {
  const p = params as never;
  switch (name) {
    case "normal":
      return normal(p);
    case "lognormal":
      return lognormal(p);
    case "gamma":
      return gamma(p);
    case "weibull":
      return weibull(p);
    case "exponential":
      return exponential(p);
    case "invgauss":
      return invgauss(p);
    case "beta":
      return beta(p);
    case "gev":
      return gev(p);
    case "truncated(gev)":
      return truncate(gev(p), truncation![0], truncation![1]);
    case "truncated(normalMixture)":
      return truncatedNormalMixture(p);
    case "sin":
      return sinDensity();
  }
  throw new Error(name);
}

// jstat's incomplete gamma / beta (gamma, beta cdf and quantile) carry ~1e-10 relative error.
const RTOL: Record<string, number> = { gamma: 1e-8, beta: 1e-8 };

describe("univariate distributions vs scipy.stats", () => {
  for (const ref of reference.univariate) {
    const label = `${ref.name} ${JSON.stringify(ref.params)}`;
    it(`${label}: pdf, logpdf, cdf, quantile, mean, variance`, () => {
      const d = make(ref.name, ref.params, ref.truncation);
      const rtol = RTOL[ref.name] ?? 1e-9;
      ref.x.forEach((x, i) => {
        expect(
          close(d.pdf(x), ref.pdf[i]!, rtol, 1e-300),
          `pdf(${x}) = ${d.pdf(x)} vs ${ref.pdf[i]}`,
        ).toBe(true);
        expect(close(d.logpdf(x), ref.logpdf[i]!, rtol, 1e-12), `logpdf(${x})`).toBe(true);
        expect(
          close(d.cdf(x), ref.cdf[i]!, rtol, 1e-15),
          `cdf(${x}) = ${d.cdf(x)} vs ${ref.cdf[i]}`,
        ).toBe(true);
      });
      ref.p.forEach((p, i) => {
        const q = d.quantile(p);
        expect(
          close(q, ref.quantile[i]!, Math.max(rtol, 1e-9), 1e-12),
          `quantile(${p}) = ${q} vs ${ref.quantile[i]}`,
        ).toBe(true);
      });
      expect(close(d.mean(), ref.mean, 1e-9, 1e-12), `mean ${d.mean()} vs ${ref.mean}`).toBe(true);
      expect(
        close(d.variance(), ref.variance, 1e-8, 1e-14),
        `variance ${d.variance()} vs ${ref.variance}`,
      ).toBe(true);
    });
  }
});

describe("sampling matches the distribution", () => {
  const cases: [string, Distribution][] = [
    ["normal", normal({ mu: 1, sigma: 2 })],
    ["lognormal", lognormal({ mu: 0.3, sigma: 0.6 })],
    ["gamma 0.6", gamma({ shape: 0.6, scale: 2 })],
    ["gamma 2.7", gamma({ shape: 2.7, scale: 1.3 })],
    ["weibull", weibull({ shape: 1.7, scale: 2.5 })],
    ["exponential", exponential({ rate: 0.8 })],
    ["invgauss (paper d)", invgauss({ mu: 513.8, lambda: 4600 })],
    ["beta (paper s)", beta({ a: 40.1, b: 7.2 })],
    ["gev k=-0.42", gev({ k: -0.42, mu: 0.72, sigma: 0.086 })],
    ["gev truncated", truncate(gev({ k: 0, mu: 0.82, sigma: 0.048 }), 0, 1)],
    [
      "mixture truncated (paper phi)",
      truncatedNormalMixture({ mu1: -1.7, mu2: 1.6, sigma1: 1, sigma2: 0.8, lambda: 0.4 }),
    ],
    ["sin", sinDensity()],
  ];
  for (const [name, d] of cases) {
    it(`${name}: Kolmogorov-Smirnov distance and moments of 20000 draws`, () => {
      const n = 20000;
      const x = d.sample(n, 123).sort();
      let ks = 0;
      for (let i = 0; i < n; i++) {
        const f = d.cdf(x[i]!);
        ks = Math.max(ks, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
      }
      // 99.9% KS critical value 1.95 / sqrt(n)
      expect(ks).toBeLessThan(1.95 / Math.sqrt(n));
      let m = 0;
      for (const v of x) m += v;
      m /= n;
      expect(Math.abs(m - d.mean())).toBeLessThan(5 * Math.sqrt(d.variance() / n));
    });
  }
  it("is reproducible for equal seeds", () => {
    const d = gamma({ shape: 2, scale: 1 });
    expect(Array.from(d.sample(5, 7))).toEqual(Array.from(d.sample(5, 7)));
    expect(Array.from(d.sample(5, 7))).not.toEqual(Array.from(d.sample(5, 8)));
  });
});

describe("normal mixture and truncation", () => {
  it("mixture moments equal the weighted component moments (hand-computed)", () => {
    const d = normalMixture({ mu1: -1.7, mu2: 1.6, sigma1: 1, sigma2: 0.8, lambda: 0.4 });
    expect(d.mean()).toBeCloseTo(0.4 * -1.7 + 0.6 * 1.6, 14);
    const second = 0.4 * (1 + 1.7 ** 2) + 0.6 * (0.64 + 1.6 ** 2);
    expect(d.variance()).toBeCloseTo(second - (0.4 * -1.7 + 0.6 * 1.6) ** 2, 12);
  });
  it("truncation renormalises: density integrates to 1 and cdf reaches 1 at the upper end", () => {
    const d = truncate(normal({ mu: 0, sigma: 1 }), -1, 2);
    const mass = 0.8185946141203637; // Phi(2) - Phi(-1)
    expect(d.pdf(0)).toBeCloseTo(0.3989422804014327 / mass, 14);
    expect(d.cdf(2)).toBe(1);
    expect(d.cdf(-1)).toBe(0);
    expect(d.pdf(2.5)).toBe(0);
    expect(d.quantile(d.cdf(0.7))).toBeCloseTo(0.7, 12);
    expect(d.support).toEqual([-1, 2]);
  });
  it("rejects an interval without probability mass and bad intervals", () => {
    expect(() => truncate(beta({ a: 2, b: 2 }), 2, 3)).toThrow(/no probability mass/);
    expect(() => truncate(normal({ mu: 0, sigma: 1 }), 1, 1)).toThrow(/lower < upper/);
  });
});

describe("parameter validation", () => {
  it("says which parameter is wrong and what was received", () => {
    expect(() => normal({ mu: 0, sigma: -1 })).toThrow(
      "normal: parameter `sigma` must be in (0, Infinity], received -1",
    );
    expect(() => beta({ a: Number.NaN, b: 1 })).toThrow(/`a` must be a number, received NaN/);
    expect(() => invgauss({ mu: 1 } as never)).toThrow(/`lambda` must be a number/);
    expect(() => normalMixture({ mu1: 0, mu2: 1, sigma1: 1, sigma2: 1, lambda: 1.5 })).toThrow(
      /`lambda` must be in \[0, 1\]/,
    );
    expect(() => gamma({ shape: 1, scale: 1 }).sample(-1, 1)).toThrow(/non-negative integer/);
  });
  it("GEV support follows the sign of k (paper convention: k < 0 has an upper bound)", () => {
    const d = gev({ k: -0.42, mu: 0.72, sigma: 0.086 });
    expect(d.support[1]).toBeCloseTo(0.72 + 0.086 / 0.42, 14);
    expect(d.pdf(d.support[1] + 0.01)).toBe(0);
    expect(d.cdf(d.support[1] + 0.01)).toBe(1);
    expect(gev({ k: 0.3, mu: 1, sigma: 2 }).support[0]).toBeCloseTo(1 - 2 / 0.3, 14);
  });
  it("families expose their parameter names and bounds", () => {
    expect(weibullFamily.paramNames).toEqual(["shape", "scale"]);
  });
});
