import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { grainTable } from "../../kernel-lib/src/grains/index.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

// Made by test/fixtures/generate_grains.py (skimage.measure.regionprops_table).
const fx = JSON.parse(
  readFileSync(new URL("../fixtures/grains/regionprops.json", import.meta.url), "utf8"),
) as {
  shape: [number, number, number];
  labels: number[];
  regions: {
    label: number;
    area: number;
    centroid: number[];
    inertia_tensor_eigvals: number[];
    bbox: number[];
    convex_voxels_centres: number;
  }[];
};
const labels: Volume = { data: Int32Array.from(fx.labels), shape: fx.shape, spacing: [1, 1, 1] };

describe("grainTable vs skimage regionprops_table", () => {
  const t = grainTable(labels, { excludeBorder: false });
  it("the same labels in the same order", () => {
    expect(Array.from(t.label)).toEqual(fx.regions.map((r) => r.label));
  });
  fx.regions.forEach((r, i) => {
    it(`label ${r.label}: area, centroid, inertia eigenvalues, bbox, discrete convex hull`, () => {
      expect(t.voxels![i]).toBe(r.area);
      expect(t.centroidZ![i]).toBeCloseTo(r.centroid[0]!, 10);
      expect(t.centroidY![i]).toBeCloseTo(r.centroid[1]!, 10);
      expect(t.centroidX![i]).toBeCloseTo(r.centroid[2]!, 10);
      // skimage's inertia tensor is trace(C) I - C: eigenvalues tr - lambda_k, descending.
      const l = [t.lambda1![i]!, t.lambda2![i]!, t.lambda3![i]!];
      const tr = l[0]! + l[1]! + l[2]!;
      const inertia = [tr - l[0]!, tr - l[1]!, tr - l[2]!];
      inertia.forEach((v, k) => expect(v).toBeCloseTo(r.inertia_tensor_eigvals[k]!, 9));
      expect([
        t.bboxZ0![i],
        t.bboxY0![i],
        t.bboxX0![i],
        t.bboxZ1![i],
        t.bboxY1![i],
        t.bboxX1![i],
      ]).toEqual(r.bbox);
      expect(t.convexVoxels![i]).toBe(r.convex_voxels_centres);
      expect(t.c![i]).toBeCloseTo(r.area / r.convex_voxels_centres, 12);
    });
  });
  it("border grains are the ones whose bbox reaches the volume's faces", () => {
    const inner = grainTable(labels);
    const want = fx.regions
      .filter(
        (r) =>
          r.bbox.slice(0, 3).every((b) => b > 0) &&
          r.bbox.slice(3).every((b, k) => b < fx.shape[k]!),
      )
      .map((r) => r.label);
    expect(Array.from(inner.label)).toEqual(want);
    expect(want.length).toBeLessThan(fx.regions.length);
  });
});
