import { describe, expect, it } from "vitest";
import { tracePaths } from "../../kernel-lib/src/transport/paths.js";
import type { Shape3, Spacing3, Volume } from "../../kernel-lib/src/volume/types.js";

const vol = (data: Uint8Array, shape: Shape3, spacing: Spacing3): Volume => ({
  data,
  shape,
  spacing,
});

describe("tracePaths", () => {
  it("an L-shaped corridor: the path runs from the start to the source, length = distance", async () => {
    // 2D 6 x 7: corridor along y = 0 (x = 0..6), then down x = 6 (y = 0..5).
    const [ny, nx] = [6, 7];
    const m = new Uint8Array(ny * nx);
    for (let x = 0; x < nx; x++) m[x] = 1;
    for (let y = 0; y < ny; y++) m[y * nx + 6] = 1;
    m[5 * nx + 0] = 1; // an isolated voxel
    const spacing: Spacing3 = [1, 2, 3];
    const mask = vol(m, [1, ny, nx], spacing);
    const { paths } = await tracePaths(
      mask,
      [[0, 5, 6]],
      [
        [0, 0, 0],
        [0, 5, 0],
        [0, 5, 6],
      ],
    );
    const [p, lost, here] = [paths[0]!, paths[1]!, paths[2]!];
    expect(p.reached).toBe(true);
    expect(p.voxels[0]).toBe(0);
    expect(p.voxels[p.voxels.length - 1]).toBe(5 * nx + 6);
    // 5 steps along x, one diagonal round the corner, 4 steps along y.
    const want = 5 * 3 + Math.hypot(2, 3) + 4 * 2;
    expect(p.length).toBeCloseTo(want, 9);
    expect(p.distance).toBeCloseTo(want, 5);
    expect(Array.from(p.points.slice(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(p.points.slice(-3))).toEqual([0, 5 * 2, 6 * 3]);
    // Every vertex in the mask, consecutive vertices 8-neighbours.
    for (let k = 1; k < p.voxels.length; k++) {
      const [a, b] = [p.voxels[k - 1]!, p.voxels[k]!];
      expect(m[b]).toBe(1);
      expect(Math.abs((a % nx) - (b % nx))).toBeLessThanOrEqual(1);
      expect(Math.abs(Math.floor(a / nx) - Math.floor(b / nx))).toBeLessThanOrEqual(1);
    }
    expect(lost.reached).toBe(false);
    expect(lost.length).toBe(Infinity);
    expect(lost.points.length).toBe(3);
    expect(here.length).toBe(0);
    expect(Array.from(here.voxels)).toEqual([5 * nx + 6]);
  });

  it("the path ends on the nearest of several sources", async () => {
    const mask = vol(new Uint8Array(10).fill(1), [1, 1, 10], [1, 1, 1]);
    const { paths } = await tracePaths(mask, [0, 9], [3, 7]);
    expect(paths.map((p) => p.voxels[p.voxels.length - 1])).toEqual([0, 9]);
    expect(paths.map((p) => p.length)).toEqual([3, 2]);
  });

  it("refuses bad starts and options", async () => {
    const mask = vol(new Uint8Array(4).fill(1), [1, 2, 2], [1, 1, 1]);
    await expect(tracePaths(mask, [0], [7])).rejects.toThrow(
      /`starts\[0\]` must be a voxel index in \[0, 3\]/,
    );
    await expect(tracePaths(mask, [0], [1], { predecessors: true } as object)).rejects.toThrow(
      /`options.predecessors` is not an option/,
    );
    await expect(tracePaths(mask, [], [1])).rejects.toThrow(
      /`sources` must hold at least one voxel/,
    );
  });
});
