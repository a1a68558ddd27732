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
      // Blockwise on the pool (slabs labelled in workers, joined at their boundaries): the same.
      const pool = await connectedComponents(input, {
        connectivity: c.connectivity,
        inline: false,
      });
      expect(pool.count).toBe(c.count);
      expect(Array.from(pool.labels.data)).toEqual(Array.from(got.labels.data));
      expect(pool.table).toEqual(got.table);
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

  it("refuses bad threads and inline options", async () => {
    await expect(connectedComponents(vol([1], [1, 1, 1]), { threads: 0 })).rejects.toThrow(
      /threads/,
    );
    await expect(
      connectedComponents(vol([1], [1, 1, 1]), { inline: "yes" as "auto" }),
    ).rejects.toThrow(/inline/);
  });
});

/**
 * Independent reference: flood fill (breadth first) from each unlabelled
 * foreground voxel in raster order, so labels come out in scipy's numbering.
 */
function floodLabels(v: Volume, connectivity: 6 | 18 | 26, multi: boolean): Int32Array {
  const [nz, ny, nx] = v.shape;
  const out = new Int32Array(v.data.length);
  const steps: number[][] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const order = Math.abs(dz) + Math.abs(dy) + Math.abs(dx);
        if (
          order === 0 ||
          (order === 2 && connectivity === 6) ||
          (order === 3 && connectivity < 26)
        )
          continue;
        steps.push([dz, dy, dx]);
      }
  let count = 0;
  const queue: number[] = [];
  for (let i = 0; i < out.length; i++) {
    if (v.data[i] === 0 || out[i] !== 0) continue;
    out[i] = ++count;
    queue.length = 0;
    queue.push(i);
    for (let h = 0; h < queue.length; h++) {
      const j = queue[h]!;
      const z = Math.floor(j / (ny * nx));
      const y = Math.floor(j / nx) % ny;
      const x = j % nx;
      for (const [dz, dy, dx] of steps) {
        const zz = z + dz!;
        const yy = y + dy!;
        const xx = x + dx!;
        if (zz < 0 || zz >= nz || yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
        const k = (zz * ny + yy) * nx + xx;
        if (v.data[k] === 0 || out[k] !== 0) continue;
        if (multi && v.data[k] !== v.data[i]) continue;
        out[k] = count;
        queue.push(k);
      }
    }
  }
  return out;
}

function randomVolume(shape: [number, number, number], p: number, values: number, seed: number) {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const data = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < data.length; i++) data[i] = rand() < p ? 1 + Math.floor(rand() * values) : 0;
  return { data, shape, spacing: [1, 1, 1] } as Volume;
}

describe("connectedComponents (runs) vs a flood fill on random volumes", () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [1, 9, 13],
    [3, 1, 17],
    [7, 11, 5],
    [16, 16, 16],
    [9, 23, 31],
    // Row lengths a multiple of 4 (bytes read as 32-bit words): whole and partial 32-voxel chunks.
    [5, 7, 36],
    [3, 4, 64],
  ];
  for (const connectivity of [6, 18, 26] as const) {
    for (const multi of [false, true]) {
      it(`connectivity ${connectivity}${multi ? ", labels" : ""}: same labels and counts`, async () => {
        let seed = connectivity * 7 + (multi ? 1 : 0);
        for (const shape of shapes) {
          for (const p of [0.2, 0.5, 0.8]) {
            const v = randomVolume(shape, p, multi ? 3 : 1, seed++);
            const want = floodLabels(v, connectivity, multi);
            const got = await connectedComponents(v, { connectivity, labels: multi });
            expect(Array.from(got.labels.data)).toEqual(Array.from(want));
            expect(got.count).toBe(want.reduce((m, x) => Math.max(m, x), 0));
            const voxels = new Array<number>(got.count).fill(0);
            for (const l of want) if (l > 0) voxels[l - 1]!++;
            expect(Array.from(got.table.voxels)).toEqual(voxels);
            if (shape[0] >= 2) {
              const pool = await connectedComponents(v, {
                connectivity,
                labels: multi,
                inline: false,
              });
              expect(Array.from(pool.labels.data)).toEqual(Array.from(want));
              expect(pool.count).toBe(got.count);
              expect(pool.table).toEqual(got.table);
            }
          }
        }
      });
    }
  }

  it("mask mode: every non-zero byte value is foreground (word-wise row reading)", async () => {
    const v = randomVolume([4, 6, 40], 0.5, 255, 99);
    const f32 = { ...v, data: Float32Array.from(v.data) } as Volume;
    for (const connectivity of [6, 26] as const) {
      const want = floodLabels(f32, connectivity, false);
      const got = await connectedComponents(v, { connectivity });
      expect(Array.from(got.labels.data)).toEqual(Array.from(want));
    }
    // A subarray view that does not start on a 4-byte boundary takes the byte-wise path.
    const buf = new Uint8Array(v.data.length + 1);
    buf.set(v.data, 1);
    const view = { ...v, data: buf.subarray(1) } as Volume;
    const got = await connectedComponents(view, { connectivity: 26 });
    expect(Array.from(got.labels.data)).toEqual(Array.from(floodLabels(f32, 26, false)));
  });

  it("all background and all foreground volumes", async () => {
    const zero = { data: new Uint8Array(60), shape: [3, 4, 5], spacing: [1, 1, 1] } as Volume;
    expect((await connectedComponents(zero)).count).toBe(0);
    const one = { ...zero, data: new Uint8Array(60).fill(5) };
    const got = await connectedComponents(one, { connectivity: 6 });
    expect(got.count).toBe(1);
    expect(Array.from(got.table.voxels)).toEqual([60]);
    expect([got.table.zMax[0], got.table.yMax[0], got.table.xMax[0]]).toEqual([2, 3, 4]);
  });
});
