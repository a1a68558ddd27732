import { describe, expect, it } from "vitest";
import { createRng } from "../../kernel-lib/src/stats/random.js";
import { stratifiedSample } from "../../kernel-lib/src/stats/stratifiedSample.js";

// 0 (unlabelled) x 5, class 1 x 10, class 2 x 4, class 3 x 30
const labels = Uint8Array.from([
  ...Array<number>(5).fill(0),
  ...Array<number>(10).fill(1),
  ...Array<number>(4).fill(2),
  ...Array<number>(30).fill(3),
]).map((_, i, a) => a[(i * 17) % a.length]!); // interleave the classes (17 is coprime to 49)

describe("stratifiedSample", () => {
  it("takes n / classes distinct indices of each class (all of a smaller class), ascending", () => {
    const rows = stratifiedSample(labels, 18, { classes: [1, 2, 3], seed: 3 });
    const count = (c: number): number => [...rows].filter((i) => labels[i] === c).length;
    expect([count(1), count(2), count(3)]).toEqual([6, 4, 6]);
    expect(new Set(rows).size).toBe(rows.length);
    expect([...rows]).toEqual([...rows].sort((a, b) => a - b));
    // default classes: the non-zero values present
    const d = stratifiedSample(labels, 3, { seed: 3 });
    expect(d.length).toBe(3);
    expect([...d].map((i) => labels[i]).sort()).toEqual([1, 2, 3]);
  });

  it("is reproducible per seed and takes a generator as well as a seed", () => {
    const a = stratifiedSample(labels, 9, { classes: [1, 3], seed: 11 });
    expect([...stratifiedSample(labels, 9, { classes: [1, 3], seed: 11 })]).toEqual([...a]);
    expect([...stratifiedSample(labels, 9, { classes: [1, 3], seed: createRng(11) })]).toEqual([
      ...a,
    ]);
  });

  it("draws uniformly within a class (each of 30 indices chosen with probability 6/30)", () => {
    // Over 3000 draws of 6 from class 3's 30 indices, each index is expected 600 times
    // (binomial sd ~ 21.9): a chi-square over the 30 counts has 29 degrees of freedom.
    const hits = new Map<number, number>();
    const rng = createRng(5);
    for (let r = 0; r < 3000; r++)
      for (const i of stratifiedSample(labels, 6, { classes: [3], seed: rng }))
        hits.set(i, (hits.get(i) ?? 0) + 1);
    expect(hits.size).toBe(30);
    const expected = 600;
    let chi2 = 0;
    for (const h of hits.values()) chi2 += (h - expected) ** 2 / expected;
    // 29 d.o.f.: the 0.999 quantile is 58.3 (and sampling without replacement only lowers chi2)
    expect(chi2).toBeLessThan(58.3);
    expect([...hits.keys()].every((i) => labels[i] === 3)).toBe(true);
  });

  it("rejects bad input with what it received", () => {
    expect(() => stratifiedSample(labels, 0)).toThrow(/`n` must be an integer >= 1, received 0/);
    expect(() => stratifiedSample(labels, 5, { classes: [] })).toThrow(/non-empty list/);
    expect(() => stratifiedSample(null as never, 5)).toThrow(/`labels` must be an array/);
  });
});
