import { afterAll, describe, expect, it } from "vitest";
import { closePool } from "../../kernel-lib/src/parallel/index.js";
import { gaussianGradientMagnitude } from "../../kernel-lib/src/filters/index.js";
import { filterCase, interiorMaxDev, maxAbsDiff, quadratic } from "../features/fixture.js";

afterAll(() => closePool());

describe("gaussianGradientMagnitude", () => {
  for (const name of ["gradmag_vol", "gradmag_img"]) {
    it(`matches scipy.ndimage.gaussian_gradient_magnitude, mode mirror (${name}), within 1e-5`, async () => {
      const { c, volume, expected } = filterCase(name);
      const out = await gaussianGradientMagnitude(volume, c["sigma"] as number, { mode: "mirror" });
      expect(maxAbsDiff(out.data, expected[0]!)).toBeLessThan(1e-5);
    });
  }

  it("matches vigra.filters.gaussianGradientMagnitude (default window, mirror), within 1e-5", async () => {
    const { c, volume, expected } = filterCase("vigra_gradmag_vol");
    const out = await gaussianGradientMagnitude(volume, c["sigma"] as number, {
      style: "vigra",
      mode: "mirror",
    });
    expect(maxAbsDiff(out.data, expected[0]!)).toBeLessThan(1e-5);
  });

  it("hand case: a linear ramp has gradient magnitude |a|; a constant has 0", async () => {
    const ramp = quadratic([12, 13, 14], { zz: 0, yy: 0, xx: 0, zy: 0, zx: 0, yx: 0 }); // 0.3 z - 0.2 x + 5
    const out = await gaussianGradientMagnitude(ramp, 1.2, { style: "vigra" });
    expect(interiorMaxDev(out, Math.hypot(0.3, 0.2), 4)).toBeLessThan(1e-5);
    const flat = { ...ramp, data: new Float32Array(ramp.data.length).fill(7) };
    expect(interiorMaxDev(await gaussianGradientMagnitude(flat, 2), 0, 0)).toBeLessThan(1e-6);
  });
});
