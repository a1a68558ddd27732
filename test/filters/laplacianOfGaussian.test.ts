import { afterAll, describe, expect, it } from "vitest";
import type { Shape3 } from "../../kernel-lib/src/volume/types.js";
import { closePool } from "../../kernel-lib/src/parallel/index.js";
import { laplacianOfGaussian } from "../../kernel-lib/src/filters/index.js";
import { filterCase, interiorMaxDev, maxAbsDiff, quadratic } from "../features/fixture.js";

afterAll(() => closePool());

describe("laplacianOfGaussian", () => {
  for (const name of ["laplace_vol", "laplace_img"]) {
    it(`matches scipy.ndimage.gaussian_laplace (${name}), within 1e-5`, async () => {
      const { c, volume, expected } = filterCase(name);
      const out = await laplacianOfGaussian(volume, c["sigma"] as Shape3);
      expect(maxAbsDiff(out.data, expected[0]!)).toBeLessThan(1e-5);
    });
  }

  it("hand case: the vigra-style LoG of a quadratic is its trace of the Hessian, in the interior", async () => {
    const q = quadratic([14, 15, 16], { zz: 0.4, yy: -0.1, xx: 0.25, zy: 0.1, zx: -0.2, yx: 0.05 });
    const out = await laplacianOfGaussian(q, 1, { style: "vigra", windowSize: 2 });
    expect(interiorMaxDev(out, 0.4 - 0.1 + 0.25, 2)).toBeLessThan(1e-4);
    // 2D: yy + xx only
    const img = quadratic([1, 15, 16], { zz: 0, yy: 0.3, xx: 0.1, zy: 0, zx: 0, yx: 0.2 });
    const out2 = await laplacianOfGaussian(img, 0.8, { style: "vigra", windowSize: 3 });
    expect(interiorMaxDev(out2, 0.4, 3)).toBeLessThan(1e-4);
  });
});
