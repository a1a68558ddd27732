import { describe, expect, it } from "vitest";
import { VoxelArray, extractPlane } from "../src/volumeData.js";

function volume(nz: number, ny: number, nx: number): Uint16Array {
  const d = new Uint16Array(nz * ny * nx);
  for (let i = 0; i < d.length; i++) d[i] = i;
  return d;
}

describe("VoxelArray", () => {
  it("decodes inline arrays and extracts planes", async () => {
    const d = volume(3, 4, 5);
    const a = new VoxelArray([3, 4, 5], "uint16", {
      kind: "inline",
      base64: Buffer.from(d.buffer).toString("base64"),
    });
    expect(Array.from(await a.plane("xy", 2))).toEqual(Array.from(d.subarray(40, 60)));
    // xz at y = 1: rows z, columns x -> (z*4+1)*5 + x
    expect(Array.from(await a.plane("xz", 1))).toEqual(
      [0, 1, 2].flatMap((z) => [0, 1, 2, 3, 4].map((x) => (z * 4 + 1) * 5 + x)),
    );
    // yz at x = 3: rows z, columns y
    expect(Array.from(extractPlane(d, [3, 4, 5], "yz", 3))).toEqual(
      [0, 1, 2].flatMap((z) => [0, 1, 2, 3].map((y) => (z * 4 + y) * 5 + 3)),
    );
    expect(a.valueAt(2, 3, 4)).toBe(59);
  });

  it("reads file-backed arrays in z slabs with byte ranges", async () => {
    const [nz, ny, nx] = [40, 300, 300]; // 180 000 bytes per slice -> 11 slices per 2 MiB slab
    const d = volume(nz, ny, nx);
    const bytes = new Uint8Array(d.buffer);
    const requests: [number, number][] = [];
    const reader = async (p: string, start: number, end: number) => {
      expect(p).toBe("tomolab-cache/0123456789abcdef.uint16.raw");
      requests.push([start, end]);
      return bytes.slice(start, end).buffer;
    };
    const a = new VoxelArray(
      [nz, ny, nx],
      "uint16",
      { kind: "file", path: "tomolab-cache/0123456789abcdef.uint16.raw", bytes: bytes.length },
      reader,
    );
    expect(a.peekPlane("xy", 12)).toBeUndefined();
    const p12 = await a.plane("xy", 12);
    expect(p12[0]).toBe((12 * ny * nx) & 0xffff);
    const slice = ny * nx * 2;
    expect(requests).toEqual([[11 * slice, 22 * slice]]);
    await a.plane("xy", 20); // same slab: no new request
    expect(requests.length).toBe(1);
    const xz = await a.plane("xz", 7); // needs everything
    expect(xz[39 * nx + 5]).toBe(((39 * ny + 7) * nx + 5) & 0xffff);
    expect(requests.length).toBe(4);
    expect(a.isLoaded).toBe(true);
  });

  it("only reads tomolab-cache files and checks sizes", () => {
    const reader = async () => new ArrayBuffer(0);
    expect(
      () =>
        new VoxelArray(
          [1, 1, 8],
          "uint8",
          { kind: "file", path: "../secret.uint8.raw", bytes: 8 },
          reader,
        ),
    ).toThrow(/not a tomolab-cache file/);
    expect(
      () =>
        new VoxelArray(
          [1, 1, 8],
          "uint8",
          { kind: "file", path: "tomolab-cache/abcdef12.uint8.raw", bytes: 9 },
          reader,
        ),
    ).toThrow(/needs 8/);
    expect(() => new VoxelArray([1, 1, 8], "uint8", { kind: "inline", base64: "AAAA" })).toThrow(
      /3 bytes/,
    );
  });

  it("keeps the whole file when the server ignores the range", async () => {
    // 1 MiB slices: 2 per slab, so the first read asks for a range, and gets the whole file
    const n = 1024 * 1024;
    const d = new Uint8Array(3 * n).map((_, i) => i % 251);
    const a = new VoxelArray(
      [3, 1024, 1024],
      "uint8",
      { kind: "file", path: "tomolab-cache/abcdef12.uint8.raw", bytes: 3 * n },
      async () => d.slice().buffer,
    );
    expect(Array.from((await a.plane("xy", 1)).subarray(0, 5))).toEqual(
      Array.from(d.subarray(n, n + 5)),
    );
    expect(a.valueAt(2, 1023, 1023)).toBe(d[3 * n - 1]);
    expect(a.isLoaded).toBe(true);
  });
});

describe("VoxelArray slab cache", () => {
  it("drops the least recently used xy slabs beyond its byte budget", async () => {
    // 1 MiB slices -> 2 slices per slab (2 MiB); budget 6 MiB -> 3 slabs kept
    const reads: number[] = [];
    const reader = async (_: string, start: number, end: number) => {
      reads.push(start / (2 * 1024 * 1024));
      return new ArrayBuffer(end - start);
    };
    const a = new VoxelArray(
      [20, 1024, 1024],
      "uint8",
      { kind: "file", path: "tomolab-cache/abcdef12.uint8.raw", bytes: 20 * 1024 * 1024 },
      reader,
      { cacheBytes: 6 * 1024 * 1024 },
    );
    for (const z of [0, 2, 4]) await a.plane("xy", z); // slabs 0, 1, 2
    await a.plane("xy", 0); // touch slab 0
    await a.plane("xy", 6); // slab 3: drops slab 1 (least recently used)
    expect(a.peekPlane("xy", 0)).toBeDefined();
    expect(a.peekPlane("xy", 2)).toBeUndefined();
    expect(a.peekPlane("xy", 4)).toBeDefined();
    await a.plane("xy", 3); // slab 1 again: read again
    expect(reads).toEqual([0, 1, 2, 3, 1]);
    // the whole volume for xz ignores the budget
    await a.plane("xz", 0);
    expect(a.isLoaded).toBe(true);
  });
});
