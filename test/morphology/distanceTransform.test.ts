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

/** Independent reference: the nearest zero voxel by exhaustive search (squared, physical units). */
function bruteSquared(v: Volume, spacing: [number, number, number]): Float64Array {
  const [nz, ny, nx] = v.shape;
  const zeros: [number, number, number][] = [];
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) if (v.data[i] === 0) zeros.push([z, y, x]);
  const out = new Float64Array(v.data.length);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        if (v.data[i] === 0) continue;
        let best = Infinity;
        for (const [a, b, c] of zeros) {
          const d =
            ((z - a) * spacing[0]) ** 2 + ((y - b) * spacing[1]) ** 2 + ((x - c) * spacing[2]) ** 2;
          if (d < best) best = d;
        }
        out[i] = best;
      }
  return out;
}

describe("distanceTransform mask mode vs exhaustive search", () => {
  let s = 12345;
  const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  // Volumes with whole background and whole foreground lines along every axis.
  function volume(shape: [number, number, number], p: number): Volume {
    const [nz, ny, nx] = shape;
    const data = new Uint8Array(nz * ny * nx);
    for (let i = 0; i < data.length; i++) data[i] = rand() < p ? 1 + Math.floor(rand() * 200) : 0;
    const line = (z: number, y: number, x: number, axis: number, value: number) => {
      for (let k = 0; k < shape[axis]!; k++) {
        const at = [z, y, x];
        at[axis] = k;
        data[(at[0]! * ny + at[1]!) * nx + at[2]!] = value;
      }
    };
    line(0, 0, 0, 2, 0);
    line(nz - 1, ny - 1, 0, 2, 7);
    line(0, 0, nx - 1, 1, 0);
    line(nz - 1, 0, 0, 1, 3);
    line(0, ny - 1, 0, 0, 0);
    line(0, 0, nx >> 1, 0, 9);
    return { data, shape, spacing: [1, 1, 1] };
  }
  const cases: [[number, number, number], [number, number, number]][] = [
    [
      [1, 1, 9],
      [1, 1, 0.5],
    ],
    [
      [1, 7, 6],
      [1, 2, 1],
    ],
    [
      [5, 4, 11],
      [1.5, 1, 0.75],
    ],
    [
      [9, 8, 7],
      [1, 1, 1],
    ],
    [
      [2, 13, 3],
      [3, 1, 2],
    ],
    // Lines long enough for runs both sides of the short-run walk's limit (16).
    [
      [3, 41, 37],
      [1.2, 0.8, 1],
    ],
    [
      [45, 2, 6],
      [0.9, 1, 1.3],
    ],
  ];
  for (const [shape, spacing] of cases) {
    it(`${shape.join("x")} spacing ${spacing.join(", ")}: inline and pooled`, async () => {
      for (const p of [0.6, 0.9, 0.97]) {
        const v = volume(shape, p);
        const want = bruteSquared(v, spacing);
        for (const inline of [true, false]) {
          const sq = await distanceTransform(v, { spacing, squared: true, inline, threads: 2 });
          expect(maxRelError(sq.data, want)).toBeLessThan(1e-6);
          const d = await distanceTransform(v, { spacing, inline, threads: 2 });
          expect(maxRelError(d.data, Float64Array.from(want, Math.sqrt))).toBeLessThan(1e-6);
        }
      }
    });
  }
});
