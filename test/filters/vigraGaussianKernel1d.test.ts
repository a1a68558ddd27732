import { describe, expect, it } from "vitest";
import { vigraGaussianKernel1d, vigraKernelRadius } from "../../kernel-lib/src/filters/index.js";
import { fixture, maxAbsDiff } from "../features/fixture.js";

describe("vigraGaussianKernel1d", () => {
  for (const k of fixture.kernels) {
    it(`matches vigra's kernel: sigma ${k.sigma}, order ${k.order}, window ${k.windowSize}`, () => {
      const mine = vigraGaussianKernel1d(k.sigma, k.order, k.windowSize);
      expect(mine.length).toBe(k.values.length);
      expect(-vigraKernelRadius(k.sigma, k.order, k.windowSize)).toBe(k.left);
      expect(maxAbsDiff(mine, k.values)).toBeLessThan(1e-12);
    });
  }

  it("has exact moments: sum 1 (order 0), derivative of x^n is 1 (order n), no DC (order > 0)", () => {
    for (const [sigma, order, window] of [
      [0.7, 1, 2],
      [0.7, 2, 2],
      [1.3, 2, 0],
      [0.3, 1, 2],
    ] as const) {
      const k = vigraGaussianKernel1d(sigma, order, window);
      const r = (k.length - 1) / 2;
      let dc = 0;
      let moment = 0;
      k.forEach((v, i) => {
        dc += v;
        moment += (v * (-(i - r)) ** order) / (order === 2 ? 2 : 1);
      });
      expect(Math.abs(dc)).toBeLessThan(1e-12);
      expect(moment).toBeCloseTo(1, 12);
    }
    const g = vigraGaussianKernel1d(2, 0);
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(g.length).toBe(2 * Math.trunc(3 * 2 + 0.5) + 1);
  });

  it("rejects bad arguments", () => {
    expect(() => vigraGaussianKernel1d(0, 0)).toThrow(RangeError);
    expect(() => vigraGaussianKernel1d(1, -1)).toThrow(/order/);
    expect(() => vigraGaussianKernel1d(1, 0, -2)).toThrow(/windowSize/);
  });
});
