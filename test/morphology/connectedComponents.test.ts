import { describe, expect, it } from "vitest";
import { connectedComponents } from "../../kernel-lib/src/morphology/connectedComponents.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";
import { fixtures, readArray, readVolume } from "./fixtures.js";

describe("connectedComponents vs scipy.ndimage.label", () => {
  for (const c of fixtures.label) {
    it(`${c.name}: same labels, numbering, sizes and boxes`, async () => {
      const input = readVolume(fixtures.inputs[c.input]!, [2, 1, 0.5]);
      const got = await connectedComponents(input, { connectivity: c.connectivity });
      expect(got.count).toBe(c.count);
      expect(Array.from(got.labels.data)).toEqual(Array.from(readArray(c.expected)));
      expect(Array.from(got.table.voxels)).toEqual(c.voxels);
      expect(Array.from(got.table.volume)).toEqual(c.voxels.map((v) => v * 2 * 1 * 0.5));
      const t = got.table;
      const boxes = Array.from(t.label, (_, i) => [
        t.zMin[i],
        t.yMin[i],
        t.xMin[i],
        t.zMax[i],
        t.yMax[i],
        t.xMax[i],
      ]);
      expect(boxes).toEqual(c.boxes);
    });
  }
});

describe("connectedComponents by hand", () => {
  const vol = (data: number[], shape: [number, number, number]): Volume => ({
    data: Uint8Array.from(data),
    shape,
    spacing: [1, 1, 1],
  });

  it("diagonal voxels: joined by 18/26 (edge) and 26 only (corner)", async () => {
    // Two voxels sharing an edge (y, x diagonal in one plane).
    const edge = vol([1, 0, 0, 1], [1, 2, 2]);
    expect((await connectedComponents(edge, { connectivity: 6 })).count).toBe(2);
    expect((await connectedComponents(edge, { connectivity: 18 })).count).toBe(1);
    // Two voxels sharing a corner only.
    const corner = vol([1, 0, 0, 0, 0, 0, 0, 1], [2, 2, 2]);
    expect((await connectedComponents(corner, { connectivity: 18 })).count).toBe(2);
    expect((await connectedComponents(corner, { connectivity: 26 })).count).toBe(1);
  });

  it("a U shape met from two sides is one component numbered 1", async () => {
    const u = vol([1, 0, 1, 1, 0, 1, 1, 1, 1], [1, 3, 3]);
    const got = await connectedComponents(u, { connectivity: 6 });
    expect(got.count).toBe(1);
    expect(Array.from(got.labels.data)).toEqual([1, 0, 1, 1, 0, 1, 1, 1, 1]);
  });

  it("labels: true separates touching regions of different values", async () => {
    const got = await connectedComponents(vol([2, 2, 3, 3, 0, 2], [1, 1, 6]), { labels: true });
    expect(got.count).toBe(3);
    expect(Array.from(got.labels.data)).toEqual([1, 1, 2, 2, 0, 3]);
    const one = await connectedComponents(vol([2, 2, 3, 3, 0, 2], [1, 1, 6]));
    expect(Array.from(one.labels.data)).toEqual([1, 1, 1, 1, 0, 2]);
  });

  it("refuses an unknown connectivity", async () => {
    await expect(
      connectedComponents(vol([1], [1, 1, 1]), { connectivity: 8 as 6 }),
    ).rejects.toThrow(/`connectivity` must be 6, 18 or 26, received 8/);
  });
});
