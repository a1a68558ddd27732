import { describe, expect, it } from "vitest";
import { createRng, rngFromState, toRng } from "../../kernel-lib/src/stats/random.js";

describe("seeded random numbers", () => {
  it("xoshiro128** matches the reference implementation (state 1, 2, 3, 4)", () => {
    // Blackman & Vigna's xoshiro128starstar.c from s = {1, 2, 3, 4}; the first three by hand:
    // rotl(2 * 5, 7) * 9 = 11520; then s1 = 0 -> 0; then s1 = 1029 -> rotl(5145, 7) * 9 = 5927040.
    const r = rngFromState([1, 2, 3, 4]);
    expect([r.uint32(), r.uint32(), r.uint32()]).toEqual([11520, 0, 5927040]);
  });
  it("equal seeds give equal streams, different seeds differ; split streams differ", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xa);
    const s = createRng(42).split();
    expect(Array.from({ length: 5 }, () => s.next())).not.toEqual(xa);
    expect(toRng(7).next()).toBe(createRng(7).next());
  });
  it("uniform, normal, exponential, gamma and beta variates have the right moments", () => {
    const r = createRng(1);
    const n = 200000;
    const moments = (f: () => number): [number, number] => {
      let m = 0;
      let m2 = 0;
      for (let i = 0; i < n; i++) {
        const x = f();
        m += x;
        m2 += x * x;
      }
      m /= n;
      return [m, m2 / n - m * m];
    };
    const check = (f: () => number, mean: number, variance: number): void => {
      const [m, v] = moments(f);
      expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
      expect(Math.abs(v - variance) / variance).toBeLessThan(0.02);
    };
    check(() => r.next(), 0.5, 1 / 12);
    check(() => r.normal(), 0, 1);
    check(() => r.exponential(), 1, 1);
    check(() => r.gamma(0.4), 0.4, 0.4);
    check(() => r.gamma(3.5), 3.5, 3.5);
    check(() => r.beta(2, 5), 2 / 7, (2 * 5) / (49 * 8));
    for (let i = 0; i < 1000; i++) {
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
      const u = r.nextOpen();
      expect(u > 0 && u < 1).toBe(true);
    }
  });
  it("rejects bad seeds and arguments", () => {
    expect(() => createRng(Number.NaN)).toThrow("`seed` must be a finite number, received NaN");
    expect(() => createRng(1).gamma(0)).toThrow(/shape` must be > 0/);
    expect(() => createRng(1).int(0)).toThrow(/positive integer/);
  });
});
