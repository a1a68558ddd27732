import { describe, expect, it } from "vitest";
import {
  PAPER2_CHARACTERISTICS,
  PAPER2_PAIRS,
  paper2FitMeasured,
  paper2Models,
  paper2Tables,
} from "../../kernel-lib/src/papers/index.js";
import { createRng } from "../../kernel-lib/src/stats/random.js";

/** A grain table drawn from the published bivariate (s, c) and the other marginals. */
function drawnTable(n: number, seed: number) {
  const m = paper2Models();
  const rng = createRng(seed);
  const sc = m.bivariate.s_c.sample(n, rng);
  return {
    d: m.marginals.d.sample(n, rng),
    s: sc.x,
    c: sc.y,
    e: m.marginals.e.sample(n, rng),
    phi: m.marginals.phi.sample(n, rng),
    theta: m.marginals.theta.sample(n, rng),
    voxels: Float64Array.from({ length: n }, () => 1000),
  };
}

describe("paper2FitMeasured", () => {
  it("fits every characteristic and pair and feeds Tables 1-4", () => {
    const t = drawnTable(400, 3);
    const r = paper2FitMeasured(t, { families: ["clayton", "gumbel", "frank"] });
    expect(r.n).toBe(400);
    expect(Object.keys(r.marginals).sort()).toEqual([...PAPER2_CHARACTERISTICS].sort());
    expect(Object.keys(r.copulaFits).sort()).toEqual([...PAPER2_PAIRS].sort());
    // empirical moments by hand
    const d = t.d;
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
    expect(r.empiricalMoments.d.mean).toBeCloseTo(mean, 9);
    expect(r.empiricalMoments.d.std).toBeCloseTo(sd, 9);
    // the fitted d marginal reproduces the sample's mean (MLE of the inverse Gaussian's mu is the mean)
    expect(Math.abs(r.marginals.d.mean() / mean - 1)).toBeLessThan(0.02);
    // (s, c) were drawn strongly dependent (published rho 0.92), (d, s) independent here
    expect(r.empiricalCorrelation.s_c).toBeGreaterThan(0.7);
    expect(Math.abs(r.empiricalCorrelation.d_s)).toBeLessThan(0.15);
    expect(r.copulaFits.s_c.empiricalTau).toBeGreaterThan(0.5);
    const tables = paper2Tables(r);
    expect(tables.table1.characteristic).toEqual([...PAPER2_CHARACTERISTICS]);
    expect(tables.numbers["model_mean.d"]).toBeCloseTo(r.marginals.d.mean(), 9);
  }, 60_000);

  it("leaves out small and non-finite rows and clamps s, c, e into (0, 1)", () => {
    const t = drawnTable(40, 5);
    t.voxels[0] = 5;
    t.e[1] = NaN;
    t.c[2] = 1; // a digitally convex grain
    t.s[3] = 1.004; // the surface estimator on a small grain
    const r = paper2FitMeasured(t, { families: ["frank"], rotations: [0] });
    expect(r.n).toBe(38);
    expect(r.excluded).toEqual({ small: 1, notFinite: 1 });
    expect(r.clamped.c).toBeGreaterThanOrEqual(1);
    expect(r.clamped.s).toBeGreaterThanOrEqual(1);
    expect(Math.max(...r.samples.s)).toBeLessThan(1);
    expect(Math.max(...r.samples.c)).toBeLessThan(1);
  }, 60_000);

  it("names what is missing", () => {
    const t = drawnTable(40, 6);
    expect(() => paper2FitMeasured({ ...t, theta: undefined })).toThrow(
      /column "theta" is missing/,
    );
    expect(() => paper2FitMeasured({ ...t, voxels: undefined })).toThrow(
      /column "voxels" is needed/,
    );
    expect(() => paper2FitMeasured({ ...t, d: t.d.subarray(0, 5) })).toThrow(
      /has 40 rows|has 5 rows/,
    );
    expect(() => paper2FitMeasured({ ...t, voxels: t.voxels.map(() => 1) })).toThrow(
      /at least 10 grains.*40 below 27 voxels/,
    );
    expect(() => paper2FitMeasured(t, { minVoxels: 0 })).toThrow(/minVoxels/);
    // a tessellation's truth: every cell digitally convex, c = 1 for all
    expect(() => paper2FitMeasured({ ...t, c: t.c.map(() => 1) })).toThrow(
      /characteristic "c" equals 1 for all 40 grains.*digitally convex/,
    );
  });
});
