import { afterAll, describe, expect, it } from "vitest";
import { closePool } from "../../kernel-lib/src/parallel/index.js";
import { differenceOfGaussians, gaussian } from "../../kernel-lib/src/filters/index.js";
import { filterCase, maxAbsDiff, random } from "../features/fixture.js";

afterAll(() => closePool());

describe("differenceOfGaussians", () => {
  for (const name of ["dog_vol", "dog_img"]) {
    it(`matches skimage.filters.difference_of_gaussians (${name}), within 1e-5`, async () => {
      const { c, volume, expected } = filterCase(name);
      const out = await differenceOfGaussians(volume, c["low"] as number, {
        highSigma: c["high"] as number,
      });
      expect(maxAbsDiff(out.data, expected[0]!)).toBeLessThan(1e-5);
    });
  }

  it("equals gaussian(low) - gaussian(1.6 low) by default", async () => {
    const v = random([9, 12, 14], 3);
    const dog = await differenceOfGaussians(v, 1.1);
    const a = await gaussian(v, 1.1);
    const b = await gaussian(v, 1.76);
    const diff = a.data.map((x, i) => x - b.data[i]!);
    expect(maxAbsDiff(dog.data, diff)).toBeLessThan(1e-6);
  });

  it("rejects a bad highSigma", async () => {
    await expect(differenceOfGaussians(random([3, 4, 5], 1), 1, { highSigma: -1 })).rejects.toThrow(
      /highSigma/,
    );
  });
});
