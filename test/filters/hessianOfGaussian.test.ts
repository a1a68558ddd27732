import { afterAll, describe, expect, it } from "vitest";
import { closePool } from "../../kernel-lib/src/parallel/index.js";
import {
  hessianOfGaussian,
  hessianOfGaussianEigenvalues,
} from "../../kernel-lib/src/filters/index.js";
import { filterCase, interiorMaxDev, maxAbsDiff, quadratic } from "../features/fixture.js";

afterAll(() => closePool());

describe("hessianOfGaussian", () => {
  for (const d of ["vol", "img"]) {
    it(`components match scipy gaussian_filter second derivatives (${d}), within 1e-5`, async () => {
      const { c, volume, expected } = filterCase(`hessian_${d}`);
      const out = await hessianOfGaussian(volume, c["sigma"] as number);
      expect(out.length).toBe(d === "vol" ? 6 : 3);
      out.forEach((o, k) => expect(maxAbsDiff(o.data, expected[k]!)).toBeLessThan(1e-5));
    });
    it(`eigenvalues match numpy eigvalsh of the scipy Hessian, descending (${d}), within 1e-5`, async () => {
      const { c, volume, expected } = filterCase(`hessian_eig_${d}`);
      const out = await hessianOfGaussianEigenvalues(volume, c["sigma"] as number);
      expect(out.length).toBe(d === "vol" ? 3 : 2);
      out.forEach((o, k) => expect(maxAbsDiff(o.data, expected[k]!)).toBeLessThan(1e-5));
    });
  }

  it("hand case: the vigra-style Hessian of a quadratic is its constant matrix (interior)", async () => {
    const h = { zz: 0.4, yy: -0.1, xx: 0.25, zy: 0.1, zx: -0.2, yx: 0.05 };
    const q = quadratic([14, 15, 16], h);
    const comps = await hessianOfGaussian(q, 1, { style: "vigra", windowSize: 2 });
    [h.zz, h.zy, h.zx, h.yy, h.yx, h.xx].forEach((want, k) =>
      expect(interiorMaxDev(comps[k]!, want, 2)).toBeLessThan(1e-4),
    );
    // eigenvalues of [[0.4, 0.1, -0.2], [0.1, -0.1, 0.05], [-0.2, 0.05, 0.25]] (numpy eigvalsh): 0.543246, 0.148912, -0.142158
    const eig = await hessianOfGaussianEigenvalues(q, 1, { style: "vigra", windowSize: 2 });
    [0.54324607, 0.148912, -0.14215808].forEach((want, k) =>
      expect(interiorMaxDev(eig[k]!, want, 2)).toBeLessThan(2e-4),
    );
  });
});
