import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePool } from "../../kernel-lib/src/parallel/pool.js";
import { alignStack, phaseCorrelate } from "../../kernel-lib/src/segmentation/index.js";
import { loadSample } from "../../kernel-lib/src/synth/samples.js";
import { simulateEbsd } from "../../kernel-lib/src/synth/ebsd.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";
import { blobStack, image2d, randomBlobs, renderBlobs } from "./alignImages.js";

afterAll(() => closePool());

const maxShiftError = (
  transforms: { dy: number; dx: number }[],
  truth: readonly (readonly [number, number])[],
) => Math.max(...transforms.map((t, z) => Math.max(Math.abs(t.dy - truth[z][0]), Math.abs(t.dx - truth[z][1]))));

describe("phaseCorrelate", () => {
  const n = 96;
  // Blobs on a flat background, away from the borders: the content stays inside the frame.
  const blobs = randomBlobs(n, n, 80, 3, 16);
  const ref = image2d(renderBlobs(blobs, n, n, { dy: 0, dx: 0 }), n, n);

  it.each([
    [3, -7],
    [-12, 5],
    [0, 0],
  ])("recovers the whole-pixel shift (%i, %i) exactly", (dy, dx) => {
    const moving = image2d(renderBlobs(blobs, n, n, { dy, dx }), n, n);
    const r = phaseCorrelate(ref, moving, { subpixel: false });
    expect([r.dy, r.dx]).toEqual([dy, dx]);
    const fine = phaseCorrelate(ref, moving);
    expect(Math.abs(fine.dy - dy)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(fine.dx - dx)).toBeLessThanOrEqual(0.05);
  });

  it.each([
    [1.3, -2.7],
    [-0.45, 0.8],
    [4.15, 6.6],
  ])("recovers the sub-pixel shift (%f, %f) within 0.1 px", (dy, dx) => {
    const moving = image2d(renderBlobs(blobs, n, n, { dy, dx }), n, n);
    for (const window of ["tukey", "hann"] as const) {
      const r = phaseCorrelate(ref, moving, { window });
      expect(Math.abs(r.dy - dy)).toBeLessThan(0.1);
      expect(Math.abs(r.dx - dx)).toBeLessThan(0.1);
      expect(r.peak).toBeGreaterThan(0.2);
    }
  });

  it("finds a low peak for unrelated images and honours maxShift", () => {
    const other = image2d(renderBlobs(randomBlobs(n, n, 80, 9, 16), n, n, { dy: 0, dx: 0 }), n, n);
    const moving = image2d(renderBlobs(blobs, n, n, { dy: 10, dx: 0 }), n, n);
    const related = phaseCorrelate(ref, moving);
    expect(related.dy).toBeCloseTo(10, 1);
    expect(phaseCorrelate(ref, other).peak).toBeLessThan(related.peak / 3);
    const limited = phaseCorrelate(ref, moving, { maxShift: 5 });
    expect(Math.abs(limited.dy)).toBeLessThanOrEqual(5.75);
  });
});

describe("alignStack on exact synthetic shifts", () => {
  const ny = 80;
  const nx = 96;
  const blobs = randomBlobs(ny, nx, 70, 5, 14);
  const truth: [number, number][] = [
    [0, 0],
    [1.3, -2.2],
    [-0.7, 3.4],
    [2, 1],
    [-3.6, 0.45],
    [5, -4],
  ];
  const stack = blobStack(blobs, ny, nx, truth.map(([dy, dx]) => ({ dy, dx })));

  it.each(["previous", "first", "mean"] as const)("reference %s recovers the shifts within 0.1 px", async (reference) => {
    const r = await alignStack(stack, { reference, threads: 1 });
    expect(maxShiftError(r.transforms, truth)).toBeLessThan(0.1);
    expect(r.transforms.every((t) => t.angle === 0)).toBe(true);
  });

  it("brings every slice back onto slice 0 (sub-pixel resampling)", async () => {
    const r = await alignStack(stack, { reference: "first", fill: -1, threads: 1 });
    const plane = ny * nx;
    for (let z = 1; z < truth.length; z++) {
      let diff = 0;
      let count = 0;
      // Away from the borders, where every source pixel lies inside the slice.
      for (let y = 8; y < ny - 8; y++)
        for (let x = 8; x < nx - 8; x++) {
          diff += Math.abs(r.aligned.data[z * plane + y * nx + x] - stack.data[y * nx + x]);
          count++;
        }
      // Blob amplitudes are 40-200: a wrong direction or size of the shift gives tens.
      expect(diff / count).toBeLessThan(1.5);
      // Rows whose source lies wholly outside the slice (beyond the bilinear neighbours) take `fill`.
      const dy = r.transforms[z].dy;
      for (let y = 0; y < ny; y++)
        if (y + dy < -1 || y + dy > ny) expect(r.aligned.data[z * plane + y * nx + nx / 2]).toBe(-1);
    }
  });

  it("a slice index as reference gives shifts relative to that slice", async () => {
    const r = await alignStack(stack, { reference: 3, threads: 1 });
    const rel = truth.map(([dy, dx]) => [dy - truth[3][0], dx - truth[3][1]] as [number, number]);
    expect(maxShiftError(r.transforms, rel)).toBeLessThan(0.1);
    expect(r.transforms[3]).toEqual({ dy: 0, dx: 0, angle: 0 });
  });

  it("resamples onto slice 0 with the fill value outside and keeps dtype and shape", async () => {
    // Whole-pixel shifts, uint8: aligned slices equal slice 0 where their source lies inside.
    const whole: [number, number][] = [
      [0, 0],
      [2, -3],
      [-4, 1],
    ];
    const f = blobStack(blobs, ny, nx, whole.map(([dy, dx]) => ({ dy, dx })));
    const u8 = { ...f, data: Uint8Array.from(f.data, (v) => Math.min(255, Math.round(v))) };
    const r = await alignStack(u8, { reference: "first", subpixel: false, fill: 7, threads: 1 });
    expect(r.aligned.data).toBeInstanceOf(Uint8Array);
    expect(r.aligned.shape).toEqual(u8.shape);
    const plane = ny * nx;
    for (const z of [1, 2]) {
      const [dy, dx] = whole[z];
      expect([r.transforms[z].dy, r.transforms[z].dx]).toEqual([dy, dx]);
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          const inside = y + dy >= 0 && y + dy < ny && x + dx >= 0 && x + dx < nx;
          const got = r.aligned.data[z * plane + y * nx + x];
          // Inside: the slice's own pixel at (y + dy, x + dx), which is slice 0's (y, x) content.
          if (inside) expect(got).toBe(u8.data[z * plane + (y + dy) * nx + x + dx]);
          else expect(got).toBe(7);
        }
    }
  });

  it("workers give the inline result and report progress", async () => {
    const calls: [number, number][] = [];
    const pooled = await alignStack(stack, {
      threads: 2,
      inline: false,
      onProgress: (d, t) => calls.push([d, t]),
    });
    const inline = await alignStack(stack, { threads: 1 });
    expect(pooled.transforms).toEqual(inline.transforms);
    expect(Array.from(pooled.aligned.data)).toEqual(Array.from(inline.aligned.data));
    expect(calls[0]).toEqual([0, 12]);
    expect(calls.at(-1)).toEqual([12, 12]);
  });
});

describe("alignStack, rigid", () => {
  it.each(["first", "previous", "mean"] as const)("reference %s recovers known rotations within 0.2 degrees", async (reference) => {
    const n = 128;
    const blobs = randomBlobs(n, n, 210, 3);
    const truth = [
      { dy: 0, dx: 0, angle: 0 },
      { dy: 1.3, dx: -2.2, angle: 1.5 },
      { dy: -0.7, dx: 3.4, angle: -2.3 },
      { dy: 2, dx: 1, angle: 0.4 },
    ];
    const r = await alignStack(blobStack(blobs, n, n, truth), { mode: "rigid", reference });
    const angleError = Math.max(...r.transforms.map((t, z) => Math.abs(t.angle - truth[z].angle)));
    expect(angleError).toBeLessThan(0.2);
    expect(maxShiftError(r.transforms, truth.map((t) => [t.dy, t.dx]))).toBeLessThan(0.25);
  });
});

describe("alignStack on the ebsd-particle-small sample", () => {
  let sample: Awaited<ReturnType<typeof loadSample>> & { kind: "ebsd" };
  beforeAll(async () => {
    sample = (await loadSample("ebsd-particle-small")) as typeof sample;
  });

  it("recovers the whole-pixel shifts within 0.5 px on every slice (default options)", async () => {
    const r = await alignStack(sample.iq);
    const err = maxShiftError(r.transforms, sample.shifts);
    // Measured 0.25 px (the cumulated slice-to-slice drift of the changing 3D structure).
    expect(err).toBeLessThan(0.5);
    // With whole-pixel estimates the shifts are exact.
    const whole = await alignStack(sample.iq, { subpixel: false });
    expect(maxShiftError(whole.transforms, sample.shifts)).toBe(0);
  });

  it("recovers sub-pixel shifts within 0.5 px on every slice", async () => {
    const sim = simulateEbsd(sample.grains, { seed: 2, subpixel: true });
    const r = await alignStack(sim.iq);
    // Measured 0.37 px.
    expect(maxShiftError(r.transforms, sim.shifts)).toBeLessThan(0.5);
  });
});

describe("alignStack input errors", () => {
  const good: Volume<Float32Array> = {
    data: new Float32Array(2 * 8 * 8),
    shape: [2, 8, 8],
    spacing: [1, 1, 1],
  };
  it.each([
    ["a 2D image", { ...good, data: new Float32Array(64), shape: [1, 8, 8] }, {}, /at least 2 slices.*1x8x8/],
    ["tiny slices", { ...good, data: new Float32Array(2 * 3 * 8), shape: [2, 3, 8] }, {}, /at least 4 x 4/],
    ["not a volume", [1, 2, 3], {}, /`stack\.shape` must be/],
    ["empty data", { ...good, data: new Float32Array(0) }, {}, /has 0 elements but shape 2x8x8 needs 128/],
    ["NaN", { ...good, data: Float32Array.from({ length: 128 }, (_, i) => (i === 70 ? NaN : 1)) }, {}, /finite values, received NaN at slice 1/],
    ["a bad mode", good, { mode: "affine" }, /`mode` must be "translation" or "rigid", received "affine"/],
    ["a bad reference", good, { reference: 2 }, /`reference` must be an integer in \[0, 1\], received 2/],
    ["a bad reference name", good, { reference: "last" }, /`reference` must be "previous", "first" or "mean", received "last"/],
    ["upsample 1", good, { upsample: 1 }, /`upsample` must be an integer in \[2, 1000\], received 1/],
    ["whiten 2", good, { whiten: 2 }, /`whiten` must be a number in \[0, 1\], received 2/],
    ["a bad window", good, { window: true }, /`window` must be "tukey", "hann" or "none", received true/],
    ["a bad inline", good, { inline: "yes" }, /`inline` must be true, false or "auto", received "yes"/],
    ["an unknown option", good, { referenc: "first" }, /`options.referenc` is not an option/],
  ])("refuses %s", async (_, stack, options, message) => {
    await expect(alignStack(stack as Volume, options as object)).rejects.toThrow(message);
  });

  it("phaseCorrelate refuses stacks and mismatched shapes", () => {
    const a = image2d(new Float32Array(64), 8, 8);
    expect(() => phaseCorrelate(good, a)).toThrow(/`reference` must have nz = 1/);
    expect(() => phaseCorrelate(a, image2d(new Float32Array(72), 8, 9))).toThrow(/`moving` \(shape 1x8x9\) must have the shape/);
  });
});
