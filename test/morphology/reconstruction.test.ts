import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hMaxima, hMinima } from "../../kernel-lib/src/morphology/extrema.js";
import { fillHoles } from "../../kernel-lib/src/morphology/fillHoles.js";
import { reconstruction } from "../../kernel-lib/src/morphology/reconstruction.js";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";
import { fixtures, maxRelError, readArray, readVolume } from "./fixtures.js";

const row = (values: number[]): Volume => ({
  data: Float32Array.from(values),
  shape: [1, 1, values.length],
  spacing: [1, 1, 1],
});

describe("reconstruction by dilation", () => {
  for (const c of fixtures.reconstruction) {
    it(`vs skimage.morphology.reconstruction: ${c.name}`, () => {
      const seed = readVolume(c.seed);
      const mask = readVolume(fixtures.inputs[c.mask]!);
      const got = reconstruction(seed, mask, { connectivity: c.connectivity });
      expect(maxRelError(got.data, readArray(c.expected))).toBeLessThan(1e-7);
    });
  }

  it("by hand: a seed fills its own hump of the mask up to the mask, not the next one", () => {
    const mask = row([1, 5, 3, 6, 2, 0, 4, 4]);
    const seed = row([0, 0, 3, 0, 0, 0, 0, 0]);
    expect(Array.from(reconstruction(seed, mask).data)).toEqual([1, 3, 3, 3, 2, 0, 0, 0]);
  });

  it("refuses a seed above the mask", () => {
    expect(() => reconstruction(row([2]), row([1]))).toThrow(/`seed` must be <= `mask` everywhere/);
  });
});

describe("fillHoles", () => {
  for (const c of fixtures.fillHoles) {
    it(`vs scipy.ndimage.binary_fill_holes: ${c.name}`, () => {
      const got = fillHoles(readVolume(fixtures.inputs[c.input]!), {
        connectivity: c.connectivity,
      });
      expect(Array.from(got.data)).toEqual(Array.from(readArray(c.expected)));
    });
  }

  it("by hand: a hollow cube is filled; a cube open to the border is not", () => {
    const n = 5;
    const data = new Uint8Array(n * n * n).fill(1);
    data[62] = 0; // centre
    const cube: Volume = { data, shape: [n, n, n], spacing: [1, 1, 1] };
    expect(Array.from(fillHoles(cube).data).every((v) => v === 1)).toBe(true);
    const open = Uint8Array.from(data);
    open[2 * 25 + 2 * 5 + 3] = 0;
    open[2 * 25 + 2 * 5 + 4] = 0; // tunnel from the centre to the x border
    const filled = fillHoles({ ...cube, data: open });
    expect(filled.data[62]).toBe(0);
  });
});

describe("h-maxima / h-minima vs skimage", () => {
  for (const c of fixtures.hExtrema) {
    it(`${c.name}`, () => {
      const image = readVolume(fixtures.inputs[c.input]!);
      expect(Array.from(hMaxima(image, c.h).data)).toEqual(Array.from(readArray(c.maxima)));
      expect(Array.from(hMinima(image, c.h).data)).toEqual(Array.from(readArray(c.minima)));
    });
  }

  it("by hand: only the peak at least h above its saddle survives", () => {
    const image = row([0, 5, 3, 4, 0, 9, 0]);
    expect(Array.from(hMaxima(image, 2).data)).toEqual([0, 1, 0, 0, 0, 1, 0]);
    expect(Array.from(hMaxima(image, 6).data)).toEqual([0, 0, 0, 0, 0, 1, 0]);
    expect(Array.from(hMaxima(image, 10).data)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(hMinima(image, 3).data)).toEqual([1, 0, 0, 0, 1, 0, 1]);
  });
});

describe("h-minima vs skimage.morphology.h_minima (test/fixtures/generate_watershed.py)", () => {
  const { hminima } = JSON.parse(
    readFileSync(new URL("../fixtures/watershed/watershed.json", import.meta.url), "utf8"),
  ) as {
    hminima: {
      name: string;
      shape: Shape3;
      image: number[];
      imageType: string;
      h: number;
      expected: number[];
    }[];
  };
  for (const c of hminima) {
    it(`${c.name}, h = ${c.h}`, () => {
      const data = c.imageType === "uint8" ? Uint8Array.from(c.image) : Float32Array.from(c.image);
      const got = hMinima({ data, shape: c.shape, spacing: [1, 1, 1] }, c.h);
      expect(got.data.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(Array.from(got.data)).toEqual(c.expected);
    });
  }

  it("by hand: a pit deeper than h survives, a shallower one only for a smaller h", () => {
    // 3 x 3 x 7 at level 5, a pit of depth 3 at (1, 1, 1) and one of depth 1 at (1, 1, 5)
    const data = new Float32Array(63).fill(5);
    const deep = (1 * 3 + 1) * 7 + 1;
    const shallow = (1 * 3 + 1) * 7 + 5;
    data[deep] = 2;
    data[shallow] = 4;
    const v: Volume = { data, shape: [3, 3, 7], spacing: [1, 1, 1] };
    const expected = new Array<number>(63).fill(0);
    expected[deep] = 1;
    expect(Array.from(hMinima(v, 2).data)).toEqual(expected);
    expect(Array.from(hMinima(v, 3).data)).toEqual(expected);
    expected[shallow] = 1;
    expect(Array.from(hMinima(v, 0.5).data)).toEqual(expected);
    expect(Array.from(hMinima(v, 3.5).data)).toEqual(new Array<number>(63).fill(0));
  });
});
