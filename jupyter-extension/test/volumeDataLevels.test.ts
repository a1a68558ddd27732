import { describe, expect, it } from "vitest";
import type { Shape } from "../src/planes.js";
import { VoxelArray, extractPlane, type RangeReader } from "../src/volumeData.js";

const FULL = "tomolab-cache/00000000000000000000.uint16.raw";
const L2 = "tomolab-cache/22222222222222222222.uint16.raw";
const L4 = "tomolab-cache/44444444444444444444.uint16.raw";

/** Block mean by f (edge blocks over the voxels present), rounded half up: an independent level. */
function blockMean(d: Uint16Array, [nz, ny, nx]: Shape, f: number): Uint16Array {
  const [oz, oy, ox] = [nz, ny, nx].map((n) => Math.ceil(n / f));
  const out = new Uint16Array(oz * oy * ox);
  for (let k = 0; k < oz; k++)
    for (let j = 0; j < oy; j++)
      for (let i = 0; i < ox; i++) {
        let s = 0;
        let n = 0;
        for (let z = k * f; z < Math.min(nz, k * f + f); z++)
          for (let y = j * f; y < Math.min(ny, j * f + f); y++)
            for (let x = i * f; x < Math.min(nx, i * f + f); x++) {
              s += d[(z * ny + y) * nx + x];
              n++;
            }
        out[(k * oy + j) * ox + i] = Math.floor(s / n + 0.5);
      }
  return out;
}

function setup(shape: Shape, fullLoadLimit: number, refineConcurrency?: number) {
  const [nz, ny, nx] = shape;
  const data = new Uint16Array(nz * ny * nx).map((_, i) => (i * 7919) % 65521);
  const l2 = blockMean(data, shape, 2);
  const l4 = blockMean(data, shape, 4);
  const files = new Map<string, Uint8Array>([
    [FULL, new Uint8Array(data.buffer)],
    [L2, new Uint8Array(l2.buffer)],
    [L4, new Uint8Array(l4.buffer)],
  ]);
  const requests: [string, number, number][] = [];
  const reader: RangeReader = async (p, start, end) => {
    requests.push([p, start, end]);
    return files.get(p)!.slice(start, end).buffer;
  };
  const s2 = shape.map((n) => Math.ceil(n / 2)) as Shape;
  const s4 = shape.map((n) => Math.ceil(n / 4)) as Shape;
  const a = new VoxelArray(
    shape,
    "uint16",
    {
      kind: "file",
      path: FULL,
      bytes: data.byteLength,
      levels: [
        { factor: 4, path: L4, bytes: l4.byteLength, shape: s4 },
        { factor: 2, path: L2, bytes: l2.byteLength, shape: s2 },
      ],
    },
    reader,
    { fullLoadLimit, refineConcurrency },
  );
  return { a, data, l2, l4, s2, s4, requests };
}

describe("VoxelArray levels (arrays above the full-load limit)", () => {
  const shape: Shape = [20, 12, 10]; // 4800 bytes; level 2: 10x6x5 (600 bytes), level 4: 5x3x3 (90)

  it("draws xz / yz from the finest level that fits, upsampled by nearest neighbour", async () => {
    const { a, l2, s2, requests } = setup(shape, 1000);
    const [nz, ny, nx] = shape;
    expect(a.canLoadAll).toBe(false);
    expect(a.coarseFactor).toBe(2);
    await expect(a.loadAll()).rejects.toThrow(/4800 bytes is above 1000/);
    const xz = await a.plane("xz", 7);
    expect(a.lastPlaneLevel).toBe(2);
    expect(a.planeLevel("xz", 7)).toBe(2);
    expect(xz.length).toBe(nx * nz);
    for (let z = 0; z < nz; z++)
      for (let x = 0; x < nx; x++)
        expect(xz[z * nx + x]).toBe(
          l2[(Math.floor(z / 2) * s2[1] + Math.floor(7 / 2)) * s2[2] + Math.floor(x / 2)],
        );
    const yz = await a.plane("yz", 9);
    expect(yz.length).toBe(ny * nz);
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        expect(yz[z * ny + y]).toBe(
          l2[(Math.floor(z / 2) * s2[1] + Math.floor(y / 2)) * s2[2] + Math.floor(9 / 2)],
        );
    // only the level was read (whole, once), never the full-resolution file
    expect(requests.every(([p]) => p === L2)).toBe(true);
    expect(requests.map(([, s, e]) => e - s).reduce((x, y) => x + y, 0)).toBe(600);
    expect(a.isLoaded).toBe(false);
    // xy stays full resolution
    await a.plane("xy", 3);
    expect(a.lastPlaneLevel).toBe(1);
    expect(a.planeLevel("xy", 3)).toBe(1);
  });

  it("respects the full-load limit: coarser level, or an error when none fits", async () => {
    const small = setup(shape, 500);
    expect(small.a.coarseFactor).toBe(4);
    const xz = await small.a.plane("xz", 11);
    expect(small.a.lastPlaneLevel).toBe(4);
    expect(xz[19 * 10 + 9]).toBe(small.l4[(4 * 3 + 2) * 3 + 2]);
    const none = setup(shape, 50);
    expect(none.a.coarseFactor).toBeUndefined();
    await expect(none.a.plane("xz", 0)).rejects.toThrow(/above 50.*no downsampled level fits/);
    // below the limit: whole array, exact, levels unused
    const big = setup(shape, 4800);
    expect(big.a.canLoadAll).toBe(true);
    expect(Array.from(await big.a.plane("yz", 2))).toEqual(
      Array.from(extractPlane(big.data, shape, "yz", 2)),
    );
    expect(big.a.lastPlaneLevel).toBe(1);
    expect(big.requests.every(([p]) => p === FULL)).toBe(true);
  });

  it("refines xz planes to full resolution one row per z; yz stays coarse", async () => {
    const { a, data, requests } = setup(shape, 1000);
    const [nz, ny, nx] = shape;
    await a.plane("xz", 5);
    requests.length = 0;
    const progress: number[] = [];
    const exact = await a.refinePlane("xz", 5, (done) => progress.push(done));
    expect(Array.from(exact!)).toEqual(Array.from(extractPlane(data, shape, "xz", 5)));
    expect(requests.length).toBe(nz);
    expect([...requests].sort((u, v) => u[1] - v[1])).toEqual(
      Array.from({ length: nz }, (_, z) => [
        FULL,
        (z * ny + 5) * nx * 2,
        ((z * ny + 5) * nx + nx) * 2,
      ]),
    );
    expect(progress.length).toBe(nz);
    // the refined plane is kept: plane() returns it, exact
    expect(await a.plane("xz", 5)).toBe(exact);
    expect(a.lastPlaneLevel).toBe(1);
    expect(a.planeLevel("xz", 5)).toBe(1);
    expect(a.valueAt(13, 5, 4)).toBe(data[(13 * ny + 5) * nx + 4]);
    expect(await a.refinePlane("xz", 5)).toBe(exact); // no new reads
    expect(requests.length).toBe(nz);
    // another slice is coarse again until refined
    await a.plane("xz", 6);
    expect(a.lastPlaneLevel).toBe(2);
    expect(await a.refinePlane("yz", 3)).toBeUndefined();
    expect(requests.length).toBe(nz);
  });

  it("keeps at most refineConcurrency row reads in flight", async () => {
    const { a, data } = setup(shape, 1000, 3);
    let inFlight = 0;
    let most = 0;
    let count = 0;
    const files = new Uint8Array(data.buffer);
    const inner = (a as unknown as { reader: RangeReader }).reader;
    (a as unknown as { reader: RangeReader }).reader = async (p, s, e, signal) => {
      if (p !== FULL) return inner(p, s, e, signal);
      count++;
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return files.slice(s, e).buffer;
    };
    const exact = await a.refinePlane("xz", 2);
    expect(Array.from(exact!)).toEqual(Array.from(extractPlane(data, shape, "xz", 2)));
    expect(count).toBe(20);
    expect(most).toBe(3);
  });

  it("cancels a refinement when another slice is asked for", async () => {
    const { a, data } = setup(shape, 1000, 4);
    const files = new Uint8Array(data.buffer);
    const waiting: (() => void)[] = [];
    const signals: AbortSignal[] = [];
    let count = 0;
    const inner = (a as unknown as { reader: RangeReader }).reader;
    (a as unknown as { reader: RangeReader }).reader = (p, s, e, signal) => {
      if (p !== FULL) return inner(p, s, e, signal);
      count++;
      signals.push(signal!);
      return new Promise((resolve) => waiting.push(() => resolve(files.slice(s, e).buffer)));
    };
    await a.plane("xz", 4);
    const first = a.refinePlane("xz", 4);
    expect(a.refinePlane("xz", 4)).toBe(first); // same slice: same refinement
    await new Promise((r) => setTimeout(r, 0));
    expect(count).toBe(4);
    await a.plane("xz", 5); // the slice changed
    expect(signals.every((s) => s.aborted)).toBe(true);
    for (const w of waiting.splice(0)) w();
    expect(await first).toBeUndefined();
    expect(count).toBe(4); // no more rows of the old slice read
    expect(a.planeLevel("xz", 4)).toBe(2);
    // the new slice refines fully
    const second = a.refinePlane("xz", 5);
    while (count < 4 + 20 || waiting.length) {
      await new Promise((r) => setTimeout(r, 0));
      for (const w of waiting.splice(0)) w();
    }
    expect(Array.from((await second)!)).toEqual(Array.from(extractPlane(data, shape, "xz", 5)));
  });

  it("takes rows from xy slabs in memory and rejects failed reads", async () => {
    // 1 MiB slices: 2 per slab; array 6 MiB above a 4 MiB limit
    const s: Shape = [6, 1024, 1024];
    const n = 1024 * 1024;
    const data = new Uint8Array(6 * n).map((_, i) => (i * 13) % 251);
    const l2 = new Uint8Array(3 * 512 * 512);
    const P = "tomolab-cache/0123456789abcdef.uint8.raw";
    const Q = "tomolab-cache/fedcba9876543210.uint8.raw";
    let fail = false;
    const reads: [string, number, number][] = [];
    const a = new VoxelArray(
      s,
      "uint8",
      {
        kind: "file",
        path: P,
        bytes: 6 * n,
        levels: [{ factor: 2, path: Q, bytes: l2.length, shape: [3, 512, 512] }],
      },
      async (p, start, end) => {
        if (fail) throw new Error("network down");
        reads.push([p, start, end]);
        return (p === P ? data : l2).slice(start, end).buffer;
      },
      { fullLoadLimit: 4 * n },
    );
    await a.plane("xy", 2); // slab 1: z = 2, 3
    reads.length = 0;
    const exact = await a.refinePlane("xz", 1000);
    expect(Array.from(exact!)).toEqual(Array.from(extractPlane(data, s, "xz", 1000)));
    expect(reads.map(([, st]) => Math.floor(st / n)).sort()).toEqual([0, 1, 4, 5]);
    fail = true;
    await expect(a.refinePlane("xz", 7)).rejects.toThrow(/network down/);
  });

  it("keeps the whole file when the server ignores the range of a row read", async () => {
    const { a, data } = setup(shape, 1000, 2);
    let fullReads = 0;
    const inner = (a as unknown as { reader: RangeReader }).reader;
    (a as unknown as { reader: RangeReader }).reader = async (p, s, e, signal) => {
      if (p !== FULL) return inner(p, s, e, signal);
      fullReads++;
      return data.slice().buffer; // whole file
    };
    await a.plane("xz", 3);
    const exact = await a.refinePlane("xz", 3);
    expect(Array.from(exact!)).toEqual(Array.from(extractPlane(data, shape, "xz", 3)));
    expect(fullReads).toBe(2); // the two rows in flight, then no more reads
    expect(a.isLoaded).toBe(true);
    expect(a.planeLevel("yz", 1)).toBe(1);
  });

  it("checks levels: cache paths, shapes and sizes", () => {
    const reader: RangeReader = async () => new ArrayBuffer(0);
    const base = { kind: "file" as const, path: "tomolab-cache/abcdef12.uint8.raw", bytes: 64 };
    const make = (level: { factor: number; path: string; bytes: number; shape: Shape }) =>
      new VoxelArray([4, 4, 4], "uint8", { ...base, levels: [level] }, reader);
    expect(() =>
      make({ factor: 2, path: "../x/abcdef12.uint8.raw", bytes: 8, shape: [2, 2, 2] }),
    ).toThrow(/not a tomolab-cache file/);
    expect(() =>
      make({ factor: 2, path: "tomolab-cache/abcdef13.uint8.raw", bytes: 8, shape: [2, 2, 3] }),
    ).toThrow(/expected .*shape 2x2x2/);
    expect(() =>
      make({ factor: 2, path: "tomolab-cache/abcdef13.uint8.raw", bytes: 9, shape: [2, 2, 2] }),
    ).toThrow(/needs 8/);
    expect(
      make({ factor: 2, path: "tomolab-cache/abcdef13.uint8.raw", bytes: 8, shape: [2, 2, 2] })
        .canLoadAll,
    ).toBe(true);
  });
});
