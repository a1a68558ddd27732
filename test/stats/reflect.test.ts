import { describe, expect, it } from "vitest";
import { createCopula } from "../../kernel-lib/src/stats/copula/copula.js";
import type { Rotation } from "../../kernel-lib/src/stats/copula/types.js";
import { gev } from "../../kernel-lib/src/stats/gev.js";
import { normal } from "../../kernel-lib/src/stats/normal.js";
import { gevMinima, negate, reflectRotation } from "../../kernel-lib/src/stats/reflect.js";
import { gammaFn } from "../../kernel-lib/src/stats/special.js";

const EULER = 0.5772156649015329;

describe("negate", () => {
  it("is the law of -X: pdf, cdf, quantile, support, moments, samples", () => {
    const x = normal({ mu: 1.5, sigma: 2 });
    const n = negate(x);
    expect(n.family).toBe("neg(normal)");
    for (const t of [-4, -1.5, 0, 2.2]) {
      expect(n.pdf(t)).toBeCloseTo(x.pdf(-t), 14);
      expect(n.cdf(t)).toBeCloseTo(1 - x.cdf(-t), 14);
    }
    for (const p of [0.01, 0.3, 0.5, 0.9]) expect(n.cdf(n.quantile(p))).toBeCloseTo(p, 12);
    expect(n.mean()).toBe(-1.5);
    expect(n.variance()).toBe(4);
    expect(n.quantile(-0.1)).toBeNaN();
    const g = negate(gev({ k: -0.5, mu: 0, sigma: 1 })); // upper bound 2 -> lower bound -2
    expect(g.support).toEqual([-2, Infinity]);
    expect([...negate(x).sample(3, 7)]).toEqual([...x.sample(3, 7)].map((v) => -v));
  });
});

describe("gevMinima", () => {
  it("k = 0: the Gumbel for minima, F = 1 - exp(-exp(z)), mean mu - gamma sigma, std pi sigma / sqrt 6", () => {
    const d = gevMinima({ k: 0, mu: 0.82, sigma: 0.048 });
    expect(d.mean()).toBeCloseTo(0.82 - EULER * 0.048, 12);
    expect(Math.sqrt(d.variance())).toBeCloseTo((Math.PI * 0.048) / Math.sqrt(6), 12);
    for (const x of [0.6, 0.8, 0.9]) {
      const z = (x - 0.82) / 0.048;
      expect(d.cdf(x)).toBeCloseTo(1 - Math.exp(-Math.exp(z)), 12);
      expect(d.pdf(x)).toBeCloseTo(Math.exp(z - Math.exp(z)) / 0.048, 10);
    }
  });

  it("k != 0: mean mu - sigma (Gamma(1 - k) - 1) / k, upper bound mu + sigma / k for k > 0", () => {
    const [k, mu, sigma] = [-0.42, 0.72, 0.086];
    const d = gevMinima({ k, mu, sigma });
    const g1 = gammaFn(1 - k);
    const g2 = gammaFn(1 - 2 * k);
    expect(d.mean()).toBeCloseTo(mu - (sigma * (g1 - 1)) / k, 12);
    expect(d.variance()).toBeCloseTo((sigma * sigma * (g2 - g1 * g1)) / (k * k), 12);
    expect(d.support[0]).toBeCloseTo(mu + sigma / k, 12);
    expect(gevMinima({ k: 0.3, mu: 1, sigma: 2 }).support[1]).toBeCloseTo(1 + 2 / 0.3, 12);
  });
});

describe("reflectRotation", () => {
  it("reflecting a margin of a rotated copula is the copula with the mapped rotation", () => {
    const points = [
      [0.2, 0.7],
      [0.55, 0.1],
      [0.9, 0.85],
    ] as const;
    for (const spec of [
      { family: "bb1" as const, params: [0.36, 3.13] },
      { family: "bb8" as const, params: [4.24, 0.6] },
    ]) {
      for (const rotation of [0, 90, 180, 270] as Rotation[]) {
        const c = createCopula({ ...spec, rotation });
        const r1 = createCopula({ ...spec, rotation: reflectRotation(rotation, 1) });
        const r2 = createCopula({ ...spec, rotation: reflectRotation(rotation, 2) });
        for (const [u, v] of points) {
          expect(r1.pdf(u, v)).toBeCloseTo(c.pdf(1 - u, v), 9);
          expect(r2.pdf(u, v)).toBeCloseTo(c.pdf(u, 1 - v), 9);
        }
        expect(reflectRotation(reflectRotation(rotation, 2), 2)).toBe(rotation);
      }
    }
  });

  it("names what it expected", () => {
    expect(() => reflectRotation(45 as Rotation, 1)).toThrow(/rotation must be 0, 90, 180 or 270/);
    expect(() => reflectRotation(0, 3 as 1)).toThrow(/margin/);
  });
});
