import { afterAll, describe, expect, it } from "vitest";
import { closePool } from "../../kernel-lib/src/parallel/pool.js";
import { localThickness } from "../../kernel-lib/src/morphology/localThickness.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";
import { fixtures, maxRelError, readArray, readVolume } from "./fixtures.js";

describe("localThickness vs PoreSpy's algorithm (dt mode, restated with scipy)", () => {
  for (const c of fixtures.localThickness) {
    it(c.name, async () => {
      const got = await localThickness(readVolume(fixtures.inputs[c.input]!), { sizes: c.sizes });
      expect(maxRelError(got.data, readArray(c.expected))).toBeLessThan(1e-5);
    });
  }
});

describe("localThickness by hand", () => {
  it("a slab of width 2w + 1 has thickness w + 1 (the inscribed ball's radius) everywhere", async () => {
    const [nz, ny, nx] = [9, 12, 12];
    const data = new Uint8Array(nz * ny * nx);
    for (let z = 2; z < 7; z++) data.fill(1, z * ny * nx, (z + 1) * ny * nx); // z 2..6: 5 thick
    const vol: Volume = { data, shape: [nz, ny, nx], spacing: [1, 1, 1] };
    const got = await localThickness(vol, { sizes: [1, 2, 3, 4] });
    // The mid-plane has distance 3 to the background: balls of radius 3 cover the whole slab.
    for (let i = 0; i < data.length; i++) expect(got.data[i]).toBe(data[i] ? 3 : 0);
  });

  it("a thick slab with many large centres (the distance-transform path) is covered by its one size", async () => {
    const [nz, ny, nx] = [19, 40, 40];
    const data = new Uint8Array(nz * ny * nx);
    data.fill(1, ny * nx, 18 * ny * nx); // z 1..17
    const got = await localThickness(
      { data, shape: [nz, ny, nx], spacing: [1, 1, 1] },
      { sizes: [8] },
    );
    for (let i = 0; i < data.length; i++) expect(got.data[i]).toBe(data[i] ? 8 : 0);
  });
});

describe("localThickness on the worker pool", () => {
  afterAll(() => closePool());

  it("paints plane blocks exactly as one thread does (balls crossing block faces)", async () => {
    const [nz, ny, nx] = [23, 20, 21];
    const data = new Uint8Array(nz * ny * nx);
    // Overlapping balls of several radii plus a few random pores.
    const balls = [
      [11, 10, 10, 7.5],
      [5, 6, 14, 4.2],
      [17, 13, 6, 5.1],
      [3, 15, 4, 2.3],
    ];
    let s = 99;
    const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let z = 0, i = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++, i++) {
          const inBall = balls.some(
            ([a, b, c, r]) => (z - a!) ** 2 + (y - b!) ** 2 + (x - c!) ** 2 < r! ** 2,
          );
          data[i] = inBall || rand() < 0.1 ? 1 : 0;
        }
    for (const spacing of [
      [1, 1, 1],
      [2, 1, 1.5],
    ] as [number, number, number][]) {
      const vol: Volume = { data, shape: [nz, ny, nx], spacing };
      const one = await localThickness(vol, { inline: true });
      expect(one.data.some((d) => d > 4)).toBe(true);
      for (const threads of [2, 3]) {
        const pooled = await localThickness(vol, { inline: false, threads });
        expect(Array.from(pooled.data)).toEqual(Array.from(one.data));
      }
    }
  });
});
