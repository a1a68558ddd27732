import { describe, expect, it } from "vitest";
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
