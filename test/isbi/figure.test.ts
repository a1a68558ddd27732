import { describe, expect, it } from "vitest";
import { isbiSliceFigure } from "../../kernel-lib/src/isbi/figure.js";
import type { Isbi2012 } from "../../kernel-lib/src/isbi/data.js";
import type { IsbiResult } from "../../kernel-lib/src/isbi/pipeline.js";

const sp: [number, number, number] = [50, 4, 4];
/** Three 2 x 3 slices; the runs scored slices 1 and 2. */
const data: Isbi2012 = {
  image: { data: Uint8Array.from({ length: 18 }, (_, i) => i), shape: [3, 2, 3], spacing: sp },
  labels: { data: new Uint8Array(18).fill(255), shape: [3, 2, 3], spacing: sp },
  slices: [0, 1, 2],
  dir: "none",
};
const run = (v: number): IsbiResult =>
  ({
    method: "forest",
    train: [0],
    test: [1, 2],
    boundary: { data: new Float32Array(12).fill(v), shape: [2, 2, 3], spacing: sp },
    segments: {
      data: Int32Array.from({ length: 12 }, (_, i) => 1 + (i % 2)),
      shape: [2, 2, 3],
      spacing: sp,
    },
  }) as unknown as IsbiResult;

describe("isbiSliceFigure", () => {
  it("shows the image and labels of the k-th scored slice, then each run's map and segments", () => {
    const f = isbiSliceFigure(
      data,
      [
        { name: "forest", result: run(0.25) },
        { name: "U-Net", result: run(0.75) },
      ],
      1,
    );
    expect(JSON.stringify(f.layout)).toContain("TEM, z = 2");
    expect(JSON.stringify(f.layout)).toContain("U-Net: segments");
    // six panels: image, labels, two per run; two of them carry a label overlay
    expect(f.data.filter((t) => t.name === "labels")).toHaveLength(2);
    expect(() => isbiSliceFigure(data, [], 0)).toThrow(/at least one/);
    expect(() => isbiSliceFigure(data, [{ name: "a", result: run(0) }], 2)).toThrow(/k/);
  });
});
