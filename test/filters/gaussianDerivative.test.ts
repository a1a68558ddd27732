import { afterAll, describe, expect, it } from "vitest";
import type { Shape3 } from "../../kernel-lib/src/volume/types.js";
import { closePool } from "../../kernel-lib/src/parallel/index.js";
import { gaussianDerivative, gaussianGradient } from "../../kernel-lib/src/filters/index.js";
import { filterCase, interiorMaxDev, maxAbsDiff, quadratic, random } from "../features/fixture.js";

afterAll(() => closePool());

describe("gaussianDerivative", () => {
  it("matches scipy.ndimage.gaussian_filter(order=[0, 1, 2]) on an anisotropic sigma (3D), within 1e-5", async () => {
    const { c, volume, expected } = filterCase("derivative_vol");
    const out = await gaussianDerivative(volume, c["sigma"] as Shape3, c["order"] as Shape3);
    expect(maxAbsDiff(out.data, expected[0]!)).toBeLessThan(1e-5);
  });

  it("matches scipy on a 2D image (order [0, 2, 1])", async () => {
    const { c, volume, expected } = filterCase("derivative_img");
    const out = await gaussianDerivative(volume, c["sigma"] as Shape3, c["order"] as Shape3);
    expect(maxAbsDiff(out.data, expected[0]!)).toBeLessThan(1e-5);
  });

  it("matches vigra.filters.gaussianDerivative with style vigra, window 2, mirror border", async () => {
    const { c, volume, expected } = filterCase("vigra_derivative_vol");
    const out = await gaussianDerivative(volume, c["sigma"] as number, c["order"] as Shape3, {
      style: "vigra",
      windowSize: 2,
      mode: "mirror",
    });
    expect(maxAbsDiff(out.data, expected[0]!)).toBeLessThan(1e-5);
  });

  it("gives the same result for any block layout and on worker threads", async () => {
    const v = random([21, 19, 23], 7);
    const ref = await gaussianDerivative(v, [1.5, 0.9, 1.2], [1, 0, 1], {
      inline: true,
      blockShape: [21, 19, 23],
    });
    const blocks = await gaussianDerivative(v, [1.5, 0.9, 1.2], [1, 0, 1], {
      inline: true,
      blockShape: [4, 7, 9],
    });
    const workers = await gaussianDerivative(v, [1.5, 0.9, 1.2], [1, 0, 1], {
      inline: false,
      threads: 2,
      blockShape: [5, 19, 23],
    });
    expect(blocks.data).toEqual(ref.data);
    expect(workers.data).toEqual(ref.data);
  });

  it("hand case: the vigra-style gradient of a quadratic is exact in the interior", async () => {
    const q = quadratic([16, 17, 18], { zz: 0.2, yy: -0.1, xx: 0.05, zy: 0.03, zx: 0, yx: 0 });
    const [gz, gy, gx] = await gaussianGradient(q, 1, { style: "vigra", windowSize: 3 });
    // d/dz at the centre plane... check d/dx = 0.05 x - 0.2 at x = 0 plane through an interior point.
    const [, ny, nx] = q.shape;
    const at = (v: { data: Float32Array }, z: number, y: number, x: number) =>
      v.data[(z * ny + y) * nx + x]!;
    expect(at(gx!, 8, 8, 9)).toBeCloseTo(0.05 * 0 - 0.2, 4);
    expect(at(gx!, 8, 8, 12)).toBeCloseTo(0.05 * 3 - 0.2, 4);
    expect(at(gy!, 8, 11, 9)).toBeCloseTo(-0.1 * (11 - 8.5) + 0.03 * (8 - 8), 4);
    expect(at(gz!, 10, 8, 9)).toBeCloseTo(0.2 * (10 - 8) + 0.03 * (8 - 8.5) + 0.3, 4);
  });

  it("hand case: a constant volume has zero derivatives (any mode but constant)", async () => {
    const v = {
      data: new Float32Array(9 * 10 * 11).fill(3),
      shape: [9, 10, 11] as Shape3,
      spacing: [1, 1, 1] as Shape3,
    };
    const d = await gaussianDerivative(v, 1.3, [1, 1, 0], { mode: "nearest" });
    expect(interiorMaxDev(d, 0, 0)).toBeLessThan(1e-6);
    const g = await gaussianGradient(v, 2);
    for (const c of g) expect(interiorMaxDev(c, 0, 0)).toBeLessThan(1e-6);
  });

  it("rejects a derivative along z of a 2D image, or along an unfiltered axis", async () => {
    const img = random([1, 8, 8], 1);
    await expect(gaussianDerivative(img, 1, [1, 0, 0])).rejects.toThrow(/2D/);
    await expect(gaussianDerivative(random([4, 8, 8], 1), [0, 1, 1], [1, 0, 0])).rejects.toThrow(
      /sigma > 0/,
    );
    await expect(gaussianDerivative(img, 1, [0, 1] as unknown as Shape3)).rejects.toThrow(/order/);
  });
});
