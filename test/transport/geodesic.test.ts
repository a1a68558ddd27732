import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { geodesicDistance } from "../../kernel-lib/src/transport/geodesic.js";
import type { Shape3, Spacing3, Volume } from "../../kernel-lib/src/volume/types.js";

interface Case {
  name: string;
  shape: Shape3;
  spacing: Spacing3;
  connectivity: 6 | 26;
  mask: number[];
  sources: number[];
  distance: number[];
  unreachable: number;
  costs?: number[];
}
const fixture = JSON.parse(
  readFileSync(new URL("fixtures/geodesic.json", import.meta.url), "utf8"),
) as { cases: Case[] };

const vol = (
  data: Uint8Array | Float32Array,
  shape: Shape3,
  spacing: Spacing3 = [1, 1, 1],
): Volume => ({
  data,
  shape,
  spacing,
});

describe("geodesicDistance vs skimage.graph.MCP_Geometric", () => {
  for (const c of fixture.cases) {
    it(c.name, async () => {
      const mask = vol(Uint8Array.from(c.mask), c.shape, c.spacing);
      const costs = c.costs ? vol(Float32Array.from(c.costs), c.shape) : undefined;
      const got = await geodesicDistance(mask, c.sources, {
        connectivity: c.connectivity,
        ...(costs ? { costs } : {}),
      });
      let unreachable = 0;
      let worst = 0;
      for (let i = 0; i < c.distance.length; i++) {
        const want = c.distance[i]!;
        const d = got.distance.data[i]!;
        if (want < 0) {
          expect(d, `voxel ${i}`).toBe(Infinity);
          if (c.mask[i]) unreachable++;
        } else worst = Math.max(worst, Math.abs(d - want) / Math.max(1, want));
      }
      expect(worst).toBeLessThan(1e-7); // float32 rounding of the float64 sums
      expect(unreachable).toBe(c.unreachable);
      expect(got.reached).toBe(c.mask.reduce((a, b) => a + b, 0) - c.unreachable);
    });
  }
});

describe("geodesicDistance by hand", () => {
  it("a straight row: distance = steps x spacing along each axis, anisotropic", async () => {
    const spacing: Spacing3 = [3, 2, 0.5];
    for (let axis = 0; axis < 3; axis++) {
      const shape: Shape3 = [1, 1, 1];
      shape[axis] = 7;
      const mask = vol(new Uint8Array(7).fill(1), shape, spacing);
      const got = await geodesicDistance(mask, [0]);
      expect(Array.from(got.distance.data)).toEqual(
        [0, 1, 2, 3, 4, 5, 6].map((k) => k * spacing[axis]!),
      );
    }
  });

  it("diagonal steps have length sqrt(sum (d_i s_i)^2); 6-connectivity goes round", async () => {
    const mask = vol(new Uint8Array(8).fill(1), [2, 2, 2], [1, 2, 3]);
    const d26 = (await geodesicDistance(mask, [[0, 0, 0]])).distance.data;
    expect(d26[7]).toBeCloseTo(Math.sqrt(1 + 4 + 9), 6);
    expect(d26[3]).toBeCloseTo(Math.sqrt(4 + 9), 6); // (0,1,1)
    const d6 = (await geodesicDistance(mask, [[0, 0, 0]], { connectivity: 6 })).distance.data;
    expect(d6[7]).toBe(6);
  });

  it("a U-shaped channel: the path goes round the wall, predecessors trace it", async () => {
    // 5 x 5 in y, x; wall at x = 2 for y < 4: from (0,0) to (0,4) the path is 4 + 4 steps
    // down/up and across the bottom; with diagonals the corners are cut.
    const [ny, nx] = [5, 5];
    const m = new Uint8Array(ny * nx).fill(1);
    for (let y = 0; y < 4; y++) m[y * nx + 2] = 0;
    const mask = vol(m, [1, ny, nx]);
    const got = await geodesicDistance(mask, [[0, 0, 0]], { predecessors: true });
    // (0,0) -> (3,1) by 1 diagonal? Shortest: down x=0..1 to y=3, diagonal to (4,2), diagonal
    // to (3,3), up to (0,3), then diagonal is not needed: (0,4) is one more step from (1,3).
    // Length: (0,0)->(1,1) d, (1,1)->(3,1) 2, (3,1)->(4,2) d, (4,2)->(3,3) d, (3,3)->(1,3) 2, (1,3)->(0,4) d.
    const want = 4 + 4 * Math.SQRT2;
    expect(got.distance.data[4]).toBeCloseTo(want, 6);
    expect(got.distance.data[2]).toBe(Infinity); // wall voxel
    // Walk the predecessors back from (0,4): every step between 8-neighbours in the mask.
    let i = 4;
    let length = 0;
    while (got.predecessors![i]! >= 0) {
      const j = got.predecessors![i]!;
      expect(m[j]).toBe(1);
      const dy = Math.floor(i / nx) - Math.floor(j / nx);
      const dx = (i % nx) - (j % nx);
      expect(Math.max(Math.abs(dy), Math.abs(dx))).toBe(1);
      length += Math.hypot(dy, dx);
      i = j;
    }
    expect(i).toBe(0);
    expect(length).toBeCloseTo(want, 6);
  });

  it("sources as a mask volume, as indices and as [z, y, x] agree", async () => {
    const mask = vol(new Uint8Array(27).fill(1), [3, 3, 3]);
    const src = new Uint8Array(27);
    src[13] = 1;
    const a = (await geodesicDistance(mask, vol(src, [3, 3, 3]))).distance.data;
    const b = (await geodesicDistance(mask, [13])).distance.data;
    const c = (await geodesicDistance(mask, [[1, 1, 1]])).distance.data;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).toEqual(Array.from(c));
    expect(a[0]).toBeCloseTo(Math.sqrt(3), 6);
  });
});

describe("geodesicDistance errors", () => {
  const mask = vol(new Uint8Array([1, 1, 0, 1]), [1, 2, 2]);
  it("refuses an empty source set", async () => {
    await expect(geodesicDistance(mask, [])).rejects.toThrow(
      /`sources` must hold at least one voxel/,
    );
    await expect(geodesicDistance(mask, vol(new Uint8Array(4), [1, 2, 2]))).rejects.toThrow(
      /at least one voxel/,
    );
  });
  it("refuses an empty mask", async () => {
    await expect(geodesicDistance(vol(new Uint8Array(4), [1, 2, 2]), [0])).rejects.toThrow(
      /`mask` must have at least one non-zero voxel/,
    );
  });
  it("refuses sources of another shape, outside the grid or outside the mask", async () => {
    await expect(geodesicDistance(mask, vol(new Uint8Array(6).fill(1), [1, 2, 3]))).rejects.toThrow(
      /`sources` \(shape 1x2x3\) must have the shape of `mask` \(shape 1x2x2\)/,
    );
    await expect(geodesicDistance(mask, [4])).rejects.toThrow(
      /`sources\[0\]` must be a voxel index in \[0, 3\], received 4/,
    );
    await expect(geodesicDistance(mask, [[0, 2, 0]])).rejects.toThrow(/inside shape 1x2x2/);
    await expect(geodesicDistance(mask, [0, 2])).rejects.toThrow(
      /1 of 2 source voxels are outside/,
    );
  });
  it("refuses costs of another shape, negative costs and unknown options", async () => {
    await expect(
      geodesicDistance(mask, [0], { costs: vol(new Float32Array(3), [1, 1, 3]) }),
    ).rejects.toThrow(/`options.costs` \(shape 1x1x3\) must have the shape of `mask`/);
    await expect(
      geodesicDistance(mask, [0], { costs: vol(Float32Array.from([1, -1, 1, 1]), [1, 2, 2]) }),
    ).rejects.toThrow(/`options.costs` must be finite and >= 0 in the mask, received -1/);
    await expect(geodesicDistance(mask, [0], { connectivity: 8 as 6 })).rejects.toThrow(
      /`options.connectivity` must be 6, 18 or 26, received 8/,
    );
    await expect(geodesicDistance(mask, [0], { step: 1 } as object)).rejects.toThrow(
      /`options.step` is not an option/,
    );
  });
});
