import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gaussianKernel1d } from "../../kernel-lib/src/filters/index.js";

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/filters/filters.json", import.meta.url), "utf8"),
) as {
  kernel1d: { sigma: number; order: number; radius: number; weights: number[] }[];
};

describe("gaussianKernel1d", () => {
  it("matches scipy.ndimage._gaussian_kernel1d for orders 0..2 (fixture, 1e-12)", () => {
    for (const k of fixture.kernel1d) {
      const w = gaussianKernel1d(k.sigma, k.order, k.radius);
      expect(w.length).toBe(2 * k.radius + 1);
      for (let i = 0; i < w.length; i++)
        expect(Math.abs(w[i]! - k.weights[i]!)).toBeLessThan(1e-12);
    }
  });

  it("sums to 1 (order 0), is antisymmetric with zero sum (order 1), symmetric (order 2)", () => {
    const g = gaussianKernel1d(1.7, 0, 7);
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    const d1 = gaussianKernel1d(1.7, 1, 7);
    const d2 = gaussianKernel1d(1.7, 2, 7);
    for (let i = 0; i < 15; i++) {
      expect(d1[i]).toBeCloseTo(-d1[14 - i]!, 15);
      expect(d2[i]).toBeCloseTo(d2[14 - i]!, 15);
    }
    expect(d1.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 15);
    // hand values: order 1 at x = -1 is +1/sigma^2 * phi(-1); order 2 at 0 is -1/sigma^2 * phi(0)
    expect(d1[6]).toBeCloseTo(g[6]! / 1.7 ** 2, 15);
    expect(d2[7]).toBeCloseTo(-g[7]! / 1.7 ** 2, 15);
    expect(Array.from(gaussianKernel1d(2, 0, 0))).toEqual([1]);
  });

  it("checks its arguments", () => {
    expect(() => gaussianKernel1d(0, 0, 3)).toThrow(
      "`sigma` must be a finite number > 0, received 0",
    );
    expect(() => gaussianKernel1d(1, -1, 3)).toThrow(
      "`order` must be an integer >= 0, received -1",
    );
    expect(() => gaussianKernel1d(1, 0, 2.5)).toThrow(
      "`radius` must be an integer >= 0, received 2.5",
    );
  });
});
