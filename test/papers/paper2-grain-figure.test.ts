import { describe, expect, it } from "vitest";
import { paper2GrainFigure } from "../../kernel-lib/src/papers/paper2/grainFigure.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

/** A digitised ellipsoid with semi-axes (a, b, c) voxels along (x, y, z), centred, label 3. */
function ellipsoid(
  a: number,
  b: number,
  c: number,
  spacing: [number, number, number],
): Volume<Int32Array> {
  const n = 2 * Math.ceil(Math.max(a, b, c)) + 5;
  const data = new Int32Array(n * n * n);
  const m = (n - 1) / 2;
  for (let z = 0, i = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++, i++)
        if (((x - m) / a) ** 2 + ((y - m) / b) ** 2 + ((z - m) / c) ** 2 <= 1) data[i] = 3;
  return { data, shape: [n, n, n], spacing };
}

describe("paper2GrainFigure", () => {
  it("draws surface, hull, the moment ellipsoid and the major axis of a digitised ellipsoid", () => {
    const v = ellipsoid(12, 7, 5, [20, 20, 20]);
    const fig = paper2GrainFigure(v, 3, { descriptors: { d: 512.3, s: 0.91 } });
    const names = fig.data.map((t) => (t as { name: string }).name);
    expect(names).toEqual(["grain 3", "convex hull", "PCA ellipsoid", "major axis v3"]);
    const axis = fig.data[3] as { x: number[]; y: number[]; z: number[] };
    const len = Math.hypot(
      axis.x[1]! - axis.x[0]!,
      axis.y[1]! - axis.y[0]!,
      axis.z[1]! - axis.z[0]!,
    );
    // 2.5 semi-axes of the moment ellipsoid: sqrt(5 lambda) is the semi-axis of a solid ellipsoid
    expect(len / (2.5 * 12 * 20)).toBeGreaterThan(0.97);
    expect(len / (2.5 * 12 * 20)).toBeLessThan(1.03);
    // along x
    expect(Math.abs(axis.x[1]! - axis.x[0]!) / len).toBeGreaterThan(0.999);
    expect((fig.layout as { title: { text: string } }).title.text).toContain("d = 512 nm");
  });

  it("names a missing or tiny grain", () => {
    const v = ellipsoid(3, 3, 3, [1, 1, 1]);
    expect(() => paper2GrainFigure(v, 7)).toThrow(/grain 7.*at least 4 voxels.*0 voxels/);
    expect(() => paper2GrainFigure(v, 0)).toThrow(/label/);
  });
});
