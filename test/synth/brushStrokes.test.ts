import { describe, expect, it } from "vitest";
import { brushStrokeLabels } from "../../kernel-lib/src/synth/brushStrokes.js";
import { nmcPhantom } from "../../kernel-lib/src/synth/nmcPhantom.js";

describe("brushStrokeLabels", () => {
  const truth = nmcPhantom([60, 64, 64], { seed: 5 });
  const r = brushStrokeLabels(truth, {
    seed: 1,
    testSlice: 30,
    gap: 8,
    slices: 5,
    strokesPerClass: 2,
  });
  const plane = 64 * 64;

  it("paints only on the training slices, never within the gap around the test slice", () => {
    expect(r.excluded).toEqual([22, 38]);
    expect(r.trainSlices.length).toBe(5);
    for (const z of r.trainSlices) expect(z < 22 || z > 38).toBe(true);
    const painted = new Set<number>();
    for (let i = 0; i < r.labels.data.length; i++)
      if (r.labels.data[i]) painted.add(Math.floor(i / plane));
    for (const z of painted) expect(r.trainSlices).toContain(z);
  });

  it("labels agree with the truth and every class gets strokes", () => {
    const counts: Record<number, number> = { 1: 0, 2: 0, 3: 0 };
    for (let i = 0; i < r.labels.data.length; i++) {
      const c = r.labels.data[i];
      if (!c) continue;
      expect(c).toBe(truth.data[i]);
      counts[c]++;
    }
    expect(counts).toEqual(r.counts);
    for (const c of [1, 2, 3]) expect(counts[c]).toBeGreaterThan(20);
    // Sparse: a small fraction of the voxels (this volume is tiny; on fibsem-nmc it is ~0.1 %).
    expect((counts[1] + counts[2] + counts[3]) / r.labels.data.length).toBeLessThan(0.02);
    expect(r.strokes).toBeGreaterThan(20);
  });

  it("is deterministic and checks the protocol", () => {
    const again = brushStrokeLabels(truth, {
      seed: 1,
      testSlice: 30,
      gap: 8,
      slices: 5,
      strokesPerClass: 2,
    });
    expect(Buffer.from(again.labels.data).equals(Buffer.from(r.labels.data))).toBe(true);
    expect(() => brushStrokeLabels(truth, { testSlice: 30, gap: 40, slices: 5 })).toThrow(
      /only 0 slices lie outside the exclusion zone \[0, 59\]/,
    );
    expect(() => brushStrokeLabels(truth, { testSlice: 60 })).toThrow(
      /`testSlice` must be an integer in \[0, 59\], received 60/,
    );
    expect(() => brushStrokeLabels(truth, { classes: [1, 256] })).toThrow(
      "`classes` must be integer class ids in [1, 255], received [1,256]",
    );
  });
});
