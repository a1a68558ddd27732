import { describe, expect, it } from "vitest";
import { fromArray, fromFunction } from "../../kernel-lib/src/volume/index.js";
import {
  applyThresholds,
  doubleThreshold,
  tripleThreshold,
} from "../../kernel-lib/src/classify/threshold.js";
import { histogramValleys } from "../../kernel-lib/src/classify/thresholdValleys.js";
import { fitThresholds } from "../../kernel-lib/src/classify/thresholdFit.js";
import { weightedError } from "../../kernel-lib/src/metrics/index.js";
import { createRng } from "../../kernel-lib/src/stats/random.js";

describe("global thresholds", () => {
  it("assign classes by half-open intervals, for uint8 and float images", () => {
    const g = fromArray(Uint8Array.from([0, 27, 28, 48, 49, 76, 77, 255]), [1, 1, 8]);
    // Paper 1 method 3.2: 0-27 void, 28-48 CBD, 49-76 NMC, >76 void.
    expect(Array.from(tripleThreshold(g, [28, 49, 77]).data)).toEqual([1, 1, 2, 2, 3, 3, 1, 1]);
    // Paper 1 method 3.1: <34 void, 34-55 CBD, >55 NMC.
    expect(Array.from(doubleThreshold(g, [34, 56]).data)).toEqual([1, 1, 1, 2, 2, 3, 3, 3]);
    const f = fromArray(Float32Array.from([-1, 0.5, 0.49, 2]), [1, 2, 2]);
    expect(Array.from(applyThresholds(f, [0.5], { classes: [7, 9] }).data)).toEqual([7, 9, 7, 9]);
  });

  it("reject unordered thresholds and a wrong number of classes", () => {
    const g = fromArray(new Uint8Array(4), [1, 2, 2]);
    expect(() => applyThresholds(g, [5, 3])).toThrow(/ascending, received \[5,3\]/);
    expect(() => applyThresholds(g, [5], { classes: [1, 2, 3] })).toThrow(
      /must hold 2 integer class ids/,
    );
    expect(() => tripleThreshold(g, [1, 2] as never)).toThrow(/\[t1, t2, t3\]/);
    expect(() => doubleThreshold(g, [1, Number.NaN])).toThrow(
      "`thresholds` must be [low, high], received [1,NaN]",
    );
    expect(() => fitThresholds(g, g, { classes: [1, 2, 3, 1, 2] })).toThrow(
      "`classes` must be 2 to 4 positive integer class ids (1 to 3 thresholds), received [1,2,3,1,2]",
    );
  });
});

describe("histogramValleys", () => {
  it("finds the minima between the three modes of a trimodal mixture", () => {
    // Mixture of three Gaussians (means 40, 110, 190, sd 12); the density's minima
    // between neighbouring modes are computed independently on a fine grid.
    const rng = createRng(1);
    const means = [40, 110, 190];
    const weights = [0.3, 0.2, 0.5];
    const n = 200_000;
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      const m = u < weights[0] ? means[0] : u < weights[0] + weights[1] ? means[1] : means[2];
      data[i] = Math.max(0, Math.min(255, Math.round(m + 12 * rng.normal())));
    }
    const density = (x: number) =>
      means.reduce((s, m, k) => s + (weights[k] * Math.exp(-0.5 * ((x - m) / 12) ** 2)) / 12, 0);
    const argmin = (a: number, b: number) => {
      let best = a;
      for (let x = a; x <= b; x += 0.01) if (density(x) < density(best)) best = x;
      return best;
    };
    const expected = [argmin(40, 110), argmin(110, 190)];
    const v = histogramValleys(fromArray(data, [1, 1, n]), 2, { smooth: 3 });
    expect(v.peaks.length).toBe(3);
    expect(Math.abs(v.thresholds[0] - expected[0])).toBeLessThan(4);
    expect(Math.abs(v.thresholds[1] - expected[1])).toBeLessThan(4);
  });

  it("says how many peaks it found when there are too few", () => {
    const flat = fromFunction([1, 1, 256], (_z, _y, x) => x, "uint8");
    expect(() => histogramValleys(flat, 2)).toThrow(/needs 3 peaks for 2 valleys/);
    expect(() => histogramValleys(flat, 0)).toThrow(
      "`count` must be a positive integer, received 0",
    );
    expect(() => histogramValleys(flat, 1, { smooth: -1 })).toThrow(
      "`smooth` must be a finite number >= 0, received -1",
    );
    expect(() => histogramValleys(flat, 1, { ignoreEnds: "no" as never })).toThrow(
      '`ignoreEnds` must be a boolean, received "no"',
    );
  });
});

describe("fitThresholds (exhaustive best global thresholds)", () => {
  it("matches a brute-force search through applyThresholds + weightedError", () => {
    // 8 grey levels, classes correlated with grey value but overlapping.
    const rng = createRng(7);
    const n = 3000;
    const grey = new Uint8Array(n);
    const truth = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = 1 + rng.int(3);
      truth[i] = c;
      const centre = c === 1 ? (rng.next() < 0.6 ? 1 : 6) : c === 2 ? 3 : 5;
      grey[i] = Math.max(0, Math.min(7, Math.round(centre + 1.2 * rng.normal())));
    }
    const g = fromArray(grey, [1, 1, n]);
    const t = fromArray(truth, [1, 1, n]);
    const fit = fitThresholds(g, t);
    let brute = Infinity;
    for (let a = 0; a <= 8; a++)
      for (let b = a; b <= 8; b++)
        for (let c = b; c <= 8; c++)
          brute = Math.min(brute, weightedError(t, tripleThreshold(g, [a, b, c])));
    expect(fit.awe).toBeCloseTo(brute, 10);
    expect(
      weightedError(t, tripleThreshold(g, fit.thresholds as [number, number, number])),
    ).toBeCloseTo(fit.awe, 10);
    expect(fit.evaluated).toBe((257 * 258 * 259) / 6);
    // Double threshold: fewer degrees of freedom, never better.
    const fit2 = fitThresholds(g, t, { classes: [1, 2, 3] });
    expect(fit2.awe).toBeGreaterThanOrEqual(fit.awe - 1e-9);
  });

  it("is perfect on separable data and checks its inputs", () => {
    const g = fromArray(Uint8Array.from([10, 20, 30, 200]), [1, 2, 2]);
    const t = fromArray(Uint8Array.from([1, 2, 3, 1]), [1, 2, 2]);
    expect(fitThresholds(g, t).awe).toBeCloseTo(0, 12);
    expect(() => fitThresholds(fromArray(new Float32Array(4), [1, 2, 2]), t)).toThrow(
      /dtype uint8/,
    );
    expect(() => fitThresholds(g, fromArray(new Uint8Array(2), [1, 1, 2]))).toThrow(
      /must have the shape/,
    );
  });
});
