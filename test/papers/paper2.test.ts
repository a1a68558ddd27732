import { describe, expect, it } from "vitest";
import {
  PAPER2_CHARACTERISTICS,
  PAPER2_PAIRS,
  PAPER2_TABLE1,
  PAPER2_TABLE2_EMPIRICAL,
  PAPER2_TABLE3_EMPIRICAL,
  PAPER2_TABLE4,
  paper2Models,
  paper2Table1,
  paper2Table2,
  paper2Table3,
  paper2Table4,
  paper2Tables,
} from "../../kernel-lib/src/papers/index.js";

const models = paper2Models();
const tables = paper2Tables(models);

describe("paper2 published models", () => {
  it("are built from the published tables, as new objects on every call", () => {
    const m = paper2Models();
    for (const k of PAPER2_CHARACTERISTICS) {
      expect(m.table1[k]).toEqual(PAPER2_TABLE1[k]);
      expect(m.empiricalMoments[k]).toEqual(PAPER2_TABLE2_EMPIRICAL[k]);
    }
    for (const p of PAPER2_PAIRS) {
      expect(m.copulas[p].spec).toEqual(PAPER2_TABLE4[p]);
      expect(m.copulas[p].copula.params).toEqual(PAPER2_TABLE4[p].params);
      expect(m.empiricalCorrelation[p]).toBe(PAPER2_TABLE3_EMPIRICAL[p]);
    }
    m.table1.d.params.mu = 1;
    m.empiricalMoments.d.mean = 1;
    expect(paper2Models().table1.d.params.mu).toBe(513.8);
    expect(PAPER2_TABLE2_EMPIRICAL.d.mean).toBe(513.81);
  });

  it("have the closed-form moments of Table 1's families (hand-computed)", () => {
    const n = tables.numbers;
    // inverse Gaussian: mean mu, variance mu^3 / lambda
    expect(n["model_mean.d"]).toBeCloseTo(513.8, 9);
    expect(n["model_std.d"]).toBeCloseTo(Math.sqrt(513.8 ** 3 / 4600), 9);
    // beta(a, b): mean a / (a + b)
    expect(n["model_mean.s"]).toBeCloseTo(40.1 / 47.3, 12);
    // sin density on [0, pi/2]: mean [sin t - t cos t] = 1, E[t^2] = pi - 2
    expect(n["model_mean.theta"]).toBeCloseTo(1, 9);
    expect(n["model_std.theta"]).toBeCloseTo(Math.sqrt(Math.PI - 2 - 1), 9);
  });
});

describe("paper2 tables", () => {
  it("one function per table gives paper2Tables' columns", () => {
    const m = models;
    const all = tables;
    expect(paper2Table1(m)).toEqual(all.table1);
    expect(paper2Table2(m, all.numbers)).toEqual(all.table2);
    expect(paper2Table3(m, all.numbers)).toEqual(all.table3);
    expect(paper2Table4(m)).toEqual(all.table4);
    // without precomputed numbers each table computes them (paper2Numbers)
    expect(paper2Table2(m)).toEqual(all.table2);
    expect(all.table2["empirical std"]).toEqual(
      PAPER2_CHARACTERISTICS.map((k) => PAPER2_TABLE2_EMPIRICAL[k].std),
    );
    expect(all.table3.pair![0]).toBe("(d, s)");
    expect(all.table3["model correlation"]![2]).toBe(
      Number(all.numbers["model.s_c"]!.toPrecision(4)),
    );
    expect(all.table4.rotation).toEqual(PAPER2_PAIRS.map((p) => PAPER2_TABLE4[p].rotation));
    expect(all.table1.parameters![0]).toBe("mu = 513.8, lambda = 4600");
  });
});
