import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { kolmogorovSf, ksTwoSample } from "../../kernel-lib/src/metrics/index.js";

interface KsCase {
  name: string;
  a: number[];
  b: number[];
  statistic: number;
  pScipyAsymp: number;
  pKolmogorov: number;
}
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/pipeline-metrics/metrics.json", import.meta.url), "utf8"),
) as { ks: KsCase[]; kolmogorov: [number, number][] };

describe("two-sample Kolmogorov-Smirnov", () => {
  it("hand cases: disjoint samples, ties", () => {
    expect(ksTwoSample([1, 2, 3], [4, 5, 6]).statistic).toBe(1);
    // a = 1,2,3,4; b = 2,3: CDF differences 1/4, 0, 1/4, 0.
    expect(ksTwoSample([4, 3, 2, 1], [2, 3]).statistic).toBeCloseTo(0.25, 15);
    expect(ksTwoSample([1, 1, 2], [1, 1, 2]).statistic).toBe(0);
  });

  it("Kolmogorov's survival function matches scipy.stats.kstwobign.sf", () => {
    for (const [x, p] of fixture.kolmogorov) expect(kolmogorovSf(x), `x = ${x}`).toBeCloseTo(p, 12);
    expect(kolmogorovSf(0)).toBe(1);
  });

  for (const c of fixture.ks) {
    it(`matches scipy.stats.ks_2samp: ${c.name}`, () => {
      const r = ksTwoSample(c.a, c.b);
      expect(r.statistic).toBeCloseTo(c.statistic, 14);
      expect(r.pValue).toBeCloseTo(c.pKolmogorov, 12);
      // scipy's finite-n "asymp" p-value differs by the finite-sample correction only.
      expect(Math.abs(Math.log(r.pValue / c.pScipyAsymp))).toBeLessThan(0.8);
    });
  }

  it("refuses empty samples and NaN", () => {
    expect(() => ksTwoSample([], [1])).toThrow(/non-empty/);
    expect(() => ksTwoSample([1, NaN], [1])).toThrow(/a\[1\]/);
  });
});
