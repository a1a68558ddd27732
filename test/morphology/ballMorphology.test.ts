import { describe, expect, it } from "vitest";
import {
  closeBall,
  dilateBall,
  erodeBall,
  openBall,
} from "../../kernel-lib/src/morphology/ballMorphology.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";
import { fixtures, readArray, readVolume } from "./fixtures.js";

const OPS = { dilate: dilateBall, erode: erodeBall, open: openBall, close: closeBall };

describe("ball morphology vs scipy binary_dilation / binary_erosion with a ball", () => {
  for (const c of fixtures.ball) {
    for (const op of ["dilate", "erode", "open", "close"] as const) {
      it(`${op} ${c.name} (spacing ${c.spacing.join(", ")})`, async () => {
        const input = readVolume(fixtures.inputs[c.input]!, c.spacing);
        const got = await OPS[op](input, c.radius);
        expect(Array.from(got.data)).toEqual(Array.from(readArray(c[op])));
      });
    }
  }
});

describe("ball morphology by hand", () => {
  it("opening removes a thin bridge between two cubes and keeps the cubes", async () => {
    const [nz, ny, nx] = [9, 9, 25];
    const data = new Uint8Array(nz * ny * nx);
    const at = (z: number, y: number, x: number) => (z * ny + y) * nx + x;
    for (let z = 1; z < 8; z++)
      for (let y = 1; y < 8; y++)
        for (let x = 1; x < 8; x++) data[at(z, y, x)] = data[at(z, y, x + 16)] = 1;
    for (let x = 8; x < 17; x++) data[at(4, 4, x)] = 1;
    const vol: Volume = { data, shape: [nz, ny, nx], spacing: [1, 1, 1] };
    const opened = await openBall(vol, 1.5);
    // The bridge is gone, the cube centres and faces' centres stay.
    for (let x = 9; x < 16; x++) expect(opened.data[at(4, 4, x)]).toBe(0);
    expect(opened.data[at(4, 4, 4)]).toBe(1);
    expect(opened.data[at(4, 4, 1)]).toBe(1);
    // A 7^3 cube opened by a ball of radius 1.5 keeps its 3x3 face centres, loses its corners.
    expect(opened.data[at(1, 1, 1)]).toBe(0);
    let count = 0;
    for (let i = 0; i < data.length; i++) count += opened.data[i]!;
    expect(count).toBeGreaterThan(2 * 5 ** 3);
  });

  it("dilating one voxel by radius r gives the voxels of the anisotropic ball", async () => {
    const data = new Uint8Array(7 * 9 * 11);
    data[(3 * 9 + 4) * 11 + 5] = 1;
    const spacing: [number, number, number] = [2, 1.5, 1];
    const got = await dilateBall({ data, shape: [7, 9, 11], spacing }, 3);
    for (let z = 0; z < 7; z++)
      for (let y = 0; y < 9; y++)
        for (let x = 0; x < 11; x++) {
          const d = Math.hypot(2 * (z - 3), 1.5 * (y - 4), x - 5);
          expect(got.data[(z * 9 + y) * 11 + x]).toBe(d <= 3 ? 1 : 0);
        }
  });

  it("refuses a radius <= 0", async () => {
    const vol: Volume = { data: new Uint8Array(1), shape: [1, 1, 1], spacing: [1, 1, 1] };
    await expect(erodeBall(vol, 0)).rejects.toThrow(
      /`radius` must be a finite number > 0, received 0/,
    );
  });
});
