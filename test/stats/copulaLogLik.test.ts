import { describe, expect, it } from "vitest";
import { getDef, rotateData } from "../../kernel-lib/src/stats/copula/copula.js";
import { pairData } from "../../kernel-lib/src/stats/copula/fit.js";
import type { CopulaFamily, Rotation } from "../../kernel-lib/src/stats/copula/types.js";
import { close, reference } from "./reference.js";

const trim = (x: number): number => Math.min(Math.max(x, 1e-10), 1 - 1e-10);

// The closed-form log-likelihoods used by fitting, point by point, against the densities of
// pyvinecopulib and of symbolic derivatives of the CDF formulas (fixture generate_stats.py).
describe("closed-form copula log-likelihoods vs reference densities", () => {
  for (const ref of [...reference.copulas, ...reference.copulasExtreme]) {
    const def = getDef(ref.family as CopulaFamily);
    if (!def.logLik) continue;
    it(`${ref.family}(${ref.params.join(", ")}) rotation ${ref.rotation} [${ref.source}]`, () => {
      ref.u1.forEach((a, i) => {
        const [x, y] = rotateData(trim(a), trim(ref.u2[i]!), ref.rotation as Rotation);
        const ll = def.logLik!(ref.params, pairData(Float64Array.of(x), Float64Array.of(y)));
        // Same criterion as the pointwise density test (copula.test.ts).
        expect(
          close(Math.exp(ll), ref.pdf[i]!, 1e-7, 1e-12),
          `pdf at (${a}, ${ref.u2[i]}): ${Math.exp(ll)} vs ${ref.pdf[i]}`,
        ).toBe(true);
      });
    });
  }
});

// High-precision values (mpmath, 60 digits, mixed derivative of the BB8 CDF) at points where
// the generator form loses precision: next to independence and in the corners.
describe("BB8 log density near independence and in the corners (mpmath)", () => {
  const cases: [number, number, number, number, number][] = [
    [1e-10, 1 - 1e-10, 8, 1e-4, -0.000350043753652],
    [0.5, 1e-10, 8, 1e-4, -1.75017500096e-8],
    [1e-10, 1 - 1e-10, 1.0001, 1e-4, -5.0003333605e-9],
    [0.3, 0.7, 4.24, 0.6, -0.27858389018],
  ];
  for (const [u, v, th, de, want] of cases) {
    it(`(${u}, ${v}) theta ${th} delta ${de}`, () => {
      const ll = getDef("bb8").logLik!([th, de], pairData(Float64Array.of(u), Float64Array.of(v)));
      expect(Math.abs(ll - want)).toBeLessThan(1e-9 * (1 + Math.abs(want)) + 1e-11);
    });
  }
});
