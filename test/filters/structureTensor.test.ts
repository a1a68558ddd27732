import { afterAll, describe, expect, it } from "vitest";
import { closePool } from "../../kernel-lib/src/parallel/index.js";
import { structureTensor, structureTensorEigenvalues } from "../../kernel-lib/src/filters/index.js";
import { filterCase, interiorMaxDev, maxAbsDiff, quadratic, random } from "../features/fixture.js";

afterAll(() => closePool());

describe("structureTensor", () => {
  for (const d of ["vol", "img"]) {
    it(`matches scipy gradient products smoothed with gaussian_filter, mode nearest, border included (${d})`, async () => {
      const { c, volume, expected } = filterCase(`tensor_${d}`);
      const out = await structureTensor(volume, c["inner"] as number, c["outer"] as number, {
        mode: "nearest",
      });
      out.forEach((o, k) => expect(maxAbsDiff(o.data, expected[k]!)).toBeLessThan(1e-5));
    });
    it(`eigenvalues match numpy eigvalsh, descending (${d})`, async () => {
      const { c, volume, expected } = filterCase(`tensor_eig_${d}`);
      const out = await structureTensorEigenvalues(
        volume,
        c["inner"] as number,
        c["outer"] as number,
        { mode: "nearest" },
      );
      out.forEach((o, k) => expect(maxAbsDiff(o.data, expected[k]!)).toBeLessThan(1e-5));
    });
  }

  it("does not depend on the block layout (the second stage sees the border like a whole-volume filter)", async () => {
    const v = random([13, 17, 19], 11);
    const ref = await structureTensor(v, 1, 2, {
      inline: true,
      blockShape: [13, 17, 19],
      mode: "wrap",
    });
    const blocks = await structureTensor(v, 1, 2, {
      inline: true,
      blockShape: [3, 5, 7],
      mode: "wrap",
    });
    blocks.forEach((b, k) => expect(b.data).toEqual(ref[k]!.data));
  });

  it("hand case: a linear ramp gives the rank-1 tensor g g^T (eigenvalues |g|^2, 0, 0)", async () => {
    const ramp = quadratic([12, 13, 14], { zz: 0, yy: 0, xx: 0, zy: 0, zx: 0, yx: 0 }); // gradient (0.3, 0, -0.2)
    const eig = await structureTensorEigenvalues(ramp, 1, 1, { style: "vigra" });
    expect(interiorMaxDev(eig[0]!, 0.13, 5)).toBeLessThan(1e-4); // float32 gradients of values ~5
    expect(interiorMaxDev(eig[1]!, 0, 5)).toBeLessThan(1e-6);
    expect(interiorMaxDev(eig[2]!, 0, 5)).toBeLessThan(1e-6);
  });
});
