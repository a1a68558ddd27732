import { afterAll, describe, expect, it } from "vitest";
import { distanceTransform } from "../../kernel-lib/src/morphology/distanceTransform.js";
import { closePool } from "../../kernel-lib/src/parallel/pool.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";
import { fixtures, maxRelError, readArray, readVolume } from "./fixtures.js";

afterAll(() => closePool());

describe("distanceTransform vs scipy.ndimage.distance_transform_edt", () => {
  for (const c of fixtures.edt) {
    it(`${c.name} (spacing ${c.spacing.join(", ")}${c.labels ? ", multi-label" : ""})`, async () => {
      const input = readVolume(fixtures.inputs[c.input]!, c.spacing);
      const expected = readArray(c.expected);
      const got = await distanceTransform(input, { labels: c.labels, inline: true });
      expect(got.shape).toEqual(input.shape);
      expect(got.spacing).toEqual(c.spacing);
      expect(maxRelError(got.data, expected)).toBeLessThan(1e-6);
      const sq = await distanceTransform(input, { labels: c.labels, squared: true, inline: true });
      const sqExpected = Float64Array.from(expected, (d) => d * d);
      expect(maxRelError(sq.data, sqExpected)).toBeLessThan(1e-6);
    });
  }

  it("gives the same result on the worker pool, any thread count", async () => {
    for (const c of fixtures.edt.filter((e) =>
      ["aniso3d", "labels3d_aniso", "aniso2d"].includes(e.name),
    )) {
      const input = readVolume(fixtures.inputs[c.input]!, c.spacing);
      const one = await distanceTransform(input, { labels: c.labels, inline: true });
      for (const threads of [2, 3]) {
        const pooled = await distanceTransform(input, { labels: c.labels, threads, inline: false });
        expect(Array.from(pooled.data)).toEqual(Array.from(one.data));
      }
    }
  });
});

describe("distanceTransform by hand", () => {
  const vol = (
    data: number[],
    shape: [number, number, number],
    spacing: [number, number, number] = [1, 1, 1],
  ): Volume => ({
    data: Uint8Array.from(data),
    shape,
    spacing,
  });

  it("a row: distances to the nearest zero, in spacing units", async () => {
    const got = await distanceTransform(vol([0, 1, 1, 1, 1, 0, 1, 1], [1, 1, 8], [1, 1, 2]));
    expect(Array.from(got.data)).toEqual([0, 2, 4, 4, 2, 0, 2, 4]);
  });

  it("a full volume (no zero voxel) is Infinity everywhere; an empty one is 0", async () => {
    const full = await distanceTransform(vol(new Array(24).fill(3), [2, 3, 4]));
    expect(Array.from(full.data).every((d) => d === Infinity)).toBe(true);
    const empty = await distanceTransform(vol(new Array(24).fill(0), [2, 3, 4]));
    expect(Array.from(empty.data).every((d) => d === 0)).toBe(true);
  });

  it("multi-label: touching labels are one voxel apart, label 0 is 0, one label alone is Infinity", async () => {
    const got = await distanceTransform(vol([1, 1, 1, 2, 2, 0, 5], [1, 1, 7]), { labels: true });
    expect(Array.from(got.data)).toEqual([3, 2, 1, 1, 1, 0, 1]);
    const binary = await distanceTransform(vol([1, 1, 1, 2, 2, 0, 5], [1, 1, 7]));
    expect(Array.from(binary.data)).toEqual([5, 4, 3, 2, 1, 0, 1]);
    const alone = await distanceTransform(vol([4, 4, 4], [1, 1, 3]), { labels: true });
    expect(Array.from(alone.data)).toEqual([Infinity, Infinity, Infinity]);
  });

  it("a single zero voxel in 3D gives the anisotropic Euclidean norm", async () => {
    const data = new Array(27).fill(1);
    data[13] = 0;
    const got = await distanceTransform(vol(data, [3, 3, 3], [2, 3, 5]));
    for (let z = 0; z < 3; z++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 3; x++)
          expect(got.data[(z * 3 + y) * 3 + x]).toBeCloseTo(
            Math.hypot(2 * (z - 1), 3 * (y - 1), 5 * (x - 1)),
            5,
          );
  });

  it("refuses bad input naming what it received", async () => {
    await expect(
      distanceTransform({ data: new Uint8Array(3), shape: [1, 1, 4], spacing: [1, 1, 1] }),
    ).rejects.toThrow(/has 3 elements but shape/);
    await expect(
      distanceTransform(vol([1], [1, 1, 1]), { squared: 1 as unknown as boolean }),
    ).rejects.toThrow(/`squared` must be a boolean, received 1/);
    await expect(distanceTransform(vol([1], [1, 1, 1]), { spacing: [1, 0, 1] })).rejects.toThrow(
      /spacing/,
    );
  });
});
