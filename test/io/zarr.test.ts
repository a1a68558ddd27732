import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  createZarr,
  openZarr,
  readTiff,
  readZarr,
  toZarr,
  writeTiff,
  writeZarr,
} from "../../kernel-lib/src/io/index.js";
import type { DType, Shape3, Volume } from "../../kernel-lib/src/volume/types.js";
import { allocate } from "../../kernel-lib/src/volume/dtype.js";
import * as zarrita from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "..", "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tomolab-zarr-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A volume whose voxel values are a known formula of (z, y, x), different per dtype. */
function pattern(dtype: DType, shape: Shape3): Volume {
  const [nz, ny, nx] = shape;
  const data = allocate(dtype, nz * ny * nx);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const i = (z * ny + y) * nx + x;
        data[i] =
          dtype === "uint8" ? (z * 7 + y * 3 + x) % 256
          : dtype === "uint16" ? (z * 1000 + y * 31 + x) % 65536
          : dtype === "float32" ? z - 0.25 * y + x / 8
          : dtype === "int32" ? (z - 5) * 100000 + y * 100 + x
          : 3_000_000_000 + i;
      }
  return { data, shape, spacing: [500, 250, 125], unit: "nm" };
}

function crop(v: Volume, b: { z0: number; y0: number; x0: number; z1: number; y1: number; x1: number }): number[] {
  const out: number[] = [];
  const [, ny, nx] = v.shape;
  for (let z = b.z0; z < b.z1; z++)
    for (let y = b.y0; y < b.y1; y++)
      for (let x = b.x0; x < b.x1; x++) out.push(v.data[(z * ny + y) * nx + x]);
  return out;
}

describe("OME-Zarr round trip", () => {
  for (const dtype of ["uint8", "uint16", "float32", "int32", "uint32"] as DType[]) {
    for (const compressor of ["zstd", "blosc", "none"] as const) {
      it(`${dtype} ${compressor}: shape not a multiple of the chunks, regions across chunk boundaries`, async () => {
        const v = pattern(dtype, [11, 13, 9]);
        const p = path.join(tmp, `rt-${dtype}-${compressor}.zarr`);
        await writeZarr(v, p, { chunks: [4, 5, 4], compressor });
        const back = await readZarr(p);
        expect(back.shape).toEqual(v.shape);
        expect(back.data.constructor).toBe(v.data.constructor);
        expect(Array.from(back.data)).toEqual(Array.from(v.data));
        expect(back.spacing).toEqual([500, 250, 125]);
        expect(back.unit).toBe("nm");
        const z = await openZarr(p);
        const box = { z0: 3, y0: 4, x0: 2, z1: 10, y1: 12, x1: 9 };
        const r = await z.readRegion(box);
        expect(r.shape).toEqual([7, 8, 7]);
        expect(Array.from(r.data)).toEqual(crop(v, box));
      });
    }
  }

  it("writeRegion of unaligned boxes merges into existing chunks; unwritten voxels read 0", async () => {
    const p = path.join(tmp, "regions.zarr");
    const z = await createZarr(p, { shape: [10, 10, 10], chunks: [4, 4, 4], dtype: "uint16" });
    const a = pattern("uint16", [3, 5, 6]);
    await z.writeRegion([1, 2, 3], a);
    const b = pattern("uint8", [2, 2, 2]);
    const b16 = { ...b, data: Uint16Array.from(b.data, (x) => x + 9000) };
    await z.writeRegion({ z0: 2, y0: 3, x0: 4, z1: 4, y1: 5, x1: 6 }, b16);
    const all = await readZarr(p);
    for (let zz = 0; zz < 10; zz++)
      for (let y = 0; y < 10; y++)
        for (let x = 0; x < 10; x++) {
          let want = 0;
          if (zz >= 1 && zz < 4 && y >= 2 && y < 7 && x >= 3 && x < 9) want = a.data[((zz - 1) * 5 + y - 2) * 6 + x - 3];
          if (zz >= 2 && zz < 4 && y >= 3 && y < 5 && x >= 4 && x < 6) want = b16.data[((zz - 2) * 2 + y - 3) * 2 + x - 4];
          expect(all.data[(zz * 10 + y) * 10 + x]).toBe(want);
        }
  });

  it("multiscales metadata: NGFF 0.4 axes, units, scales, and 2x mean / nearest levels", async () => {
    const v = pattern("uint8", [6, 5, 4]);
    const p = path.join(tmp, "ms.zarr");
    await writeZarr(v, p, { levels: 3, chunks: [2, 2, 2] });
    const attrs = JSON.parse(fs.readFileSync(path.join(p, ".zattrs"), "utf8"));
    const ms = attrs.multiscales[0];
    expect(ms.version).toBe("0.4");
    expect(ms.axes).toEqual(["z", "y", "x"].map((name) => ({ name, type: "space", unit: "nanometer" })));
    expect(ms.datasets.map((d: { coordinateTransformations: { scale: number[] }[] }) => d.coordinateTransformations[0].scale)).toEqual([
      [500, 250, 125],
      [1000, 500, 250],
      [2000, 1000, 500],
    ]);
    const zarray = JSON.parse(fs.readFileSync(path.join(p, "1", ".zarray"), "utf8"));
    expect(zarray.shape).toEqual([3, 3, 2]);
    const l1 = await readZarr(p, { level: 1 });
    expect(l1.spacing).toEqual([1000, 500, 250]);
    // Hand-computed: level-1 voxel (2,2,1) averages the existing voxels z 4..5, y 4 (edge), x 2..3.
    const vals = [v.data[(4 * 5 + 4) * 4 + 2], v.data[(4 * 5 + 4) * 4 + 3], v.data[(5 * 5 + 4) * 4 + 2], v.data[(5 * 5 + 4) * 4 + 3]];
    expect(l1.data[(2 * 3 + 2) * 2 + 1]).toBe(Math.round(vals.reduce((s, x) => s + x, 0) / 4));
    const lab = path.join(tmp, "labels.zarr");
    const labels = pattern("int32", [6, 5, 4]);
    await writeZarr(labels, lab, { levels: 2, method: "nearest" });
    const n1 = await readZarr(lab, { level: 1 });
    expect(n1.data[(1 * 3 + 2) * 2 + 1]).toBe(labels.data[(2 * 5 + 4) * 4 + 2]);
  });

  it("toZarr streams a multi-page TIFF (written by writeTiff) into a store equal to readTiff", async () => {
    const v = pattern("uint16", [9, 7, 6]);
    const tif = path.join(tmp, "stack.tif");
    await writeTiff(tif, v, { unit: "um" });
    const p = path.join(tmp, "fromtiff.zarr");
    const progress: number[] = [];
    await toZarr(tif, p, { chunks: [4, 4, 4], levels: 2, onProgress: (d) => progress.push(d) });
    expect(progress).toEqual([4, 8, 9]);
    const want = await readTiff(tif);
    const got = await readZarr(p);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
    expect(got.shape).toEqual(want.shape);
    for (let i = 0; i < 3; i++) expect(got.spacing[i]).toBeCloseTo(want.spacing[i], 6);
  });

  it("a leftover temporary chunk file (crash mid-write) does not corrupt reads; rewrites are idempotent", async () => {
    const v = pattern("float32", [4, 4, 4]);
    const p = path.join(tmp, "crash.zarr");
    const z = await writeZarr(v, p, { chunks: [2, 2, 2] });
    const chunkDir = path.join(p, "0", "1", "0");
    fs.writeFileSync(path.join(chunkDir, ".1.tmp-999-deadbeef"), Buffer.from("partial garbage"));
    expect(Array.from((await readZarr(p)).data)).toEqual(Array.from(v.data));
    await z.writeRegion([0, 0, 0], v);
    await z.writeRegion([0, 0, 0], v);
    expect(Array.from((await readZarr(p)).data)).toEqual(Array.from(v.data));
    const left = fs.readdirSync(chunkDir).filter((f) => f.includes(".tmp-") && !f.includes("999"));
    expect(left).toEqual([]);
  });

  it("errors: existing store, malformed metadata, bad box, dtype mismatch", async () => {
    const v = pattern("uint8", [2, 3, 4]);
    const p = path.join(tmp, "err.zarr");
    await writeZarr(v, p);
    await expect(writeZarr(v, p)).rejects.toThrow(/err\.zarr: already exists; pass overwrite: true/);
    await writeZarr(v, p, { overwrite: true });
    const z = await openZarr(p);
    await expect(z.readRegion({ z0: 0, y0: 0, x0: 0, z1: 3, y1: 1, x1: 1 })).rejects.toThrow(/box .* inside shape \[2, 3, 4\]/);
    await expect(z.writeRegion([0, 0, 0], pattern("uint16", [1, 1, 1]))).rejects.toThrow(/dtype uint16 differs from the store's uint8/);
    const bad = path.join(tmp, "bad.zarr");
    fs.cpSync(p, bad, { recursive: true });
    fs.writeFileSync(path.join(bad, ".zattrs"), JSON.stringify({ multiscales: [{ axes: ["c", "y", "x"], datasets: [] }] }));
    await expect(openZarr(bad)).rejects.toThrow(/bad\.zarr[/\\]\.zattrs: field multiscales\[0\]\.axes: expected last axes z, y, x/);
    fs.writeFileSync(path.join(bad, ".zattrs"), "{not json");
    await expect(openZarr(bad)).rejects.toThrow(/\.zattrs: not valid JSON/);
    await expect(openZarr(path.join(tmp, "nothing.zarr"))).rejects.toThrow(/nothing\.zarr: no \.zattrs or zarr\.json/);
  });

  it("errors in .zarray name the field; a damaged chunk names the store and the region", async () => {
    const p = path.join(tmp, "meta.zarr");
    await writeZarr(pattern("uint8", [2, 3, 4]), p, { chunks: [1, 2, 2] });
    const meta = path.join(p, "0", ".zarray");
    const good = JSON.parse(fs.readFileSync(meta, "utf8"));
    const withField = async (field: string, value: unknown, message: RegExp) => {
      fs.writeFileSync(meta, JSON.stringify({ ...good, [field]: value }));
      await expect(readZarr(p)).rejects.toThrow(message);
    };
    // Fortran order would silently transpose the voxels
    await withField("order", "F", /\.zarray: field order: tomolab reads C \(row-major\) order, received "F"/);
    await withField("zarr_format", 3, /field zarr_format: expected 2/);
    await withField("compressor", { id: "lzma" }, /field compressor: tomolab reads zstd, blosc or null/);
    await withField("fill_value", "x", /field fill_value: expected an integer in 0\.\.255 \(uint8\) or null, received "x"/);
    await withField("shape", [2, 1e12, 4], /region of 8000000000000 voxels is more than one array can hold/);
    fs.writeFileSync(meta, JSON.stringify(good));
    fs.writeFileSync(path.join(p, "0", "0", "0", "0"), "garbage");
    await expect(readZarr(p)).rejects.toThrow(/meta\.zarr[/\\]0[/\\]0[/\\]0[/\\]0: chunk: frame at byte 0 truncated \(field chunks \[1, 2, 2\] of uint8/);
  });
});

/** A store written by writeZarr, its files edited by `edit(path)`. */
async function store(name: string, v: Volume, options: Parameters<typeof writeZarr>[2], edit?: (p: string) => void): Promise<string> {
  const p = path.join(tmp, name);
  await writeZarr(v, p, { overwrite: true, ...options });
  edit?.(p);
  return p;
}
const readJsonFile = (f: string) => JSON.parse(fs.readFileSync(f, "utf8"));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits of arbitrary metadata documents
const editJson = (f: string, change: (j: any) => void) => {
  const j = readJsonFile(f);
  change(j);
  fs.writeFileSync(f, JSON.stringify(j));
};

/** A zstd frame without a content size: `n` RLE blocks of 128 KiB - 1 bytes (8 KB decode to 262 MB). */
function zstdBomb(n: number): Uint8Array {
  const out = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x50];
  for (let i = 0; i < n; i++) {
    const h = ((128 * 1024 - 1) << 3) | (1 << 1) | (i === n - 1 ? 1 : 0);
    out.push(h & 255, (h >> 8) & 255, (h >> 16) & 255, 5);
  }
  return Uint8Array.from(out);
}

// Bugs found by the fuzz suite (test/fuzz/zarrTarget.mjs); each was a silent wrong result,
// a hang-in-waiting or an error that named neither the file nor the field.
describe("OME-Zarr reader: damaged stores (found by fuzzing)", () => {
  it("a chunk of the wrong size is an error naming the chunk file (was read as garbage or zeros)", async () => {
    const raw = await store("fz-none.zarr", pattern("uint16", [2, 3, 4]), { chunks: [1, 3, 4], compressor: "none" }, (p) =>
      fs.writeFileSync(path.join(p, "0", "1", "0", "0"), fs.readFileSync(path.join(p, "0", "1", "0", "0")).subarray(0, 13)),
    );
    await expect(readZarr(raw)).rejects.toThrow(/fz-none\.zarr[/\\]0[/\\]1[/\\]0[/\\]0: chunk of 13 bytes, expected 24 \(field chunks \[1, 3, 4\] of uint16/);
    // .zarray saying uint16 where the chunks hold uint8: compressed chunks decode to half the size
    const z = await store("fz-dtype.zarr", pattern("uint8", [2, 3, 4]), { chunks: [2, 3, 4] }, (p) =>
      editJson(path.join(p, "0", ".zarray"), (j) => (j.dtype = "<u2")),
    );
    await expect(readZarr(z)).rejects.toThrow(/0[/\\]0[/\\]0[/\\]0: chunk: zstd frame\(s\) declare 24 decoded bytes, expected 48 \(field chunks \[2, 3, 4\] of uint16/);
    const b = await store("fz-blosc-chunks.zarr", pattern("uint8", [2, 3, 4]), { chunks: [2, 3, 4], compressor: "blosc" }, (p) =>
      editJson(path.join(p, "0", ".zarray"), (j) => (j.chunks = [2, 3, 2])),
    );
    await expect(readZarr(b)).rejects.toThrow(/chunk: blosc header declares 24 decoded bytes, expected 12/);
  });

  it("zstd: a frame without its decoded size (a decompression bomb) and one declaring 1 TiB are refused before decoding", async () => {
    const p = await store("fz-bomb.zarr", pattern("uint8", [2, 3, 4]), { chunks: [2, 3, 4] });
    const chunk = path.join(p, "0", "0", "0", "0");
    fs.writeFileSync(chunk, zstdBomb(2000));
    const t0 = performance.now();
    await expect(readZarr(p)).rejects.toThrow(/0[/\\]0[/\\]0[/\\]0: chunk: zstd frame at byte 0 does not declare its decoded size/);
    expect(performance.now() - t0).toBeLessThan(2000); // refused, not decoded (262 MB)
    const huge = [0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 0x43, 0x1f, 0, 9];
    fs.writeFileSync(chunk, Uint8Array.from(huge));
    await expect(readZarr(p)).rejects.toThrow(/chunk: zstd frame\(s\) declare 1099511627776 decoded bytes or more, expected 24/);
    // two frames, each declaring the chunk's size: twice the bytes
    const one = await store("fz-two.zarr", pattern("uint8", [2, 3, 4]), { chunks: [2, 3, 4] });
    const good = fs.readFileSync(path.join(one, "0", "0", "0", "0"));
    fs.writeFileSync(path.join(one, "0", "0", "0", "0"), Buffer.concat([good, good]));
    await expect(readZarr(one)).rejects.toThrow(/zstd frame\(s\) declare 48 decoded bytes or more, expected 24/);
  });

  it("blosc: damaged frames are errors naming the field (numcodecs' wasm decoder returned whatever its heap held)", async () => {
    // smooth uint16 voxels: chunks of 4 x 8 x 8 compress (a tiny chunk is stored "memcpyed")
    const v = pattern("uint16", [4, 8, 8]);
    const p = await store("fz-blosc.zarr", v, { chunks: [4, 8, 8], compressor: "blosc" });
    const chunk = path.join(p, "0", "0", "0", "0");
    const good = fs.readFileSync(chunk);
    expect(good[2] & 0x02).toBe(0); // compressed, not memcpyed
    expect(good.length).toBeLessThan(512);
    const withU32 = async (at: number, value: number, message: RegExp) => {
      const b = Buffer.from(good);
      b.writeUInt32LE(value >>> 0, at);
      fs.writeFileSync(chunk, b);
      await expect(readZarr(p)).rejects.toThrow(message);
    };
    const field = "\\(field chunks \\[4, 8, 8\\] of uint16 in .*fz-blosc\\.zarr[/\\\\]0[/\\\\]\\.zarray\\)";
    await withU32(8, 0xffffffff, new RegExp(`fz-blosc\\.zarr[/\\\\]0[/\\\\]0[/\\\\]0[/\\\\]0: chunk: blosc header block size 4294967295, expected 1\\.\\.512 ${field}`));
    await withU32(12, 0x38000001, /chunk: blosc header declares 939524097 compressed bytes, the file has \d+/);
    await withU32(4, 0x7fffffff, /chunk: blosc header declares 2147483647 decoded bytes, expected 512/);
    await withU32(16, 3, /chunk: blosc block 0 starts at byte 3, outside 20\.\./);
    const start = good.readInt32LE(16);
    await withU32(start, 1e6, /chunk: blosc block 0 stream 0: compressed size 1000000 outside 1\.\./);
    // the block's zstd data damaged (its magic number): an error, not heap bytes
    await withU32(start + 4, 0x12345678, /chunk: blosc block 0 stream 0 \(zstd\): no zstd frame at byte 0 \(magic 0x12345678\)/);
    fs.writeFileSync(chunk, good.subarray(0, 12));
    await expect(readZarr(p)).rejects.toThrow(/chunk: 12 bytes is shorter than a blosc header/);
    fs.writeFileSync(chunk, good);
    expect(Array.from((await readZarr(p)).data)).toEqual(Array.from(v.data));
  });

  it("every level's .zarray is checked: another dtype, bad chunks; levelShape is the level's stored shape", async () => {
    const v = pattern("uint16", [4, 3, 5]);
    const p = await store("fz-levels.zarr", v, { chunks: [2, 3, 2], levels: 2 });
    const l1 = path.join(p, "1", ".zarray");
    const good = fs.readFileSync(l1, "utf8");
    editJson(l1, (j) => (j.dtype = "<f4"));
    await expect(openZarr(p)).rejects.toThrow(/fz-levels\.zarr[/\\]1[/\\]\.zarray: field dtype: level 1 is float32, level 0 uint16/);
    editJson(l1, (j) => ((j.dtype = "<u2"), (j.chunks = [1, 2, 2, 2])));
    await expect(openZarr(p)).rejects.toThrow(/1[/\\]\.zarray: field chunks must be 3 positive integers/);
    // A level stored smaller than 2x reduction (e.g. floor instead of ceil): read as stored
    fs.writeFileSync(l1, good);
    const full = await readZarr(p, { level: 1 });
    editJson(l1, (j) => (j.shape = [2, 1, 2]));
    const z = await openZarr(p);
    expect(z.levelShape(1)).toEqual([2, 1, 2]);
    const small = await readZarr(p, { level: 1 });
    expect(small.shape).toEqual([2, 1, 2]);
    expect(Array.from(small.data)).toEqual(crop(full, { z0: 0, y0: 0, x0: 0, z1: 2, y1: 1, x1: 2 }));
    fs.rmSync(l1);
    await expect(openZarr(p)).rejects.toThrow(/1[/\\]\.zarray: missing: field multiscales\[0\]\.datasets\[1\]\.path "1" .* names no array/);
  });

  it(".zarray fields zarrita would have taken silently: filters, dimension_separator, fill_value outside the dtype, compressor options", async () => {
    const p = await store("fz-fields.zarr", pattern("uint8", [2, 3, 4]), { chunks: [1, 2, 2], compressor: "blosc" });
    const meta = path.join(p, "0", ".zarray");
    const good = readJsonFile(meta);
    const withField = async (field: string, value: unknown, message: RegExp) => {
      fs.writeFileSync(meta, JSON.stringify({ ...good, [field]: value }));
      await expect(readZarr(p)).rejects.toThrow(message);
    };
    await withField("filters", [{ id: "fixedscaleoffset", scale: 2, offset: 1 }], /field filters: tomolab reads stores without filters \(null\)/);
    await withField("filters", {}, /field filters: tomolab reads stores without filters/);
    await withField("dimension_separator", "_", /field dimension_separator: expected "\/" or "\." \(absent: "\."\), received "_"/);
    await withField("dimension_separator", ".", /field dimension_separator: chunks are stored as z\/y\/x folders, but the field says "z\.y\.x" files: every chunk would read as fill_value/);
    await withField("fill_value", -1, /field fill_value: expected an integer in 0\.\.255 \(uint8\) or null, received -1/);
    await withField("fill_value", "NaN", /field fill_value: expected an integer/);
    await withField("dtype", "|u2", /field dtype: tomolab reads \|u1, <u1, <u2, <i4, <u4, <f4, received "\|u2"/);
    await withField("dtype", -1, /field dtype: .* received -1/);
    await withField("compressor", { id: "blosc", cname: "zstd", clevel: 99, shuffle: 1, blocksize: 0 }, /\.zarray: field compressor: .* is not a valid blosc configuration \(Invalid compression level/);
    await withField("compressor", { id: "zstd", level: "x" }, /field compressor: .* is not a valid zstd configuration/);
    fs.writeFileSync(meta, "[1, 2]");
    await expect(readZarr(p)).rejects.toThrow(/\.zarray: expected a JSON object, received \[1,2\]/);
  });

  it("fill_value is what missing chunks (and unwritten parts of new chunks) read as; dimension_separator '.' is written and read", async () => {
    const p = path.join(tmp, "fz-fill.zarr");
    await createZarr(p, { shape: [2, 3, 4], chunks: [1, 2, 2], dtype: "uint16", compressor: "none", overwrite: true });
    editJson(path.join(p, "0", ".zarray"), (j) => ((j.fill_value = 7), (j.dimension_separator = ".")));
    const z = await openZarr(p);
    await z.writeRegion([0, 0, 0], { data: Uint16Array.from([100, 101, 102]), shape: [1, 1, 3], spacing: [1, 1, 1] });
    expect(fs.existsSync(path.join(p, "0", "0.0.1"))).toBe(true);
    expect(fs.existsSync(path.join(p, "0", "0"))).toBe(false);
    const all = await readZarr(p);
    const want = Array.from({ length: 24 }, (_, i) => (i < 3 ? 100 + i : 7));
    expect(Array.from(all.data)).toEqual(want);
  });

  it("spacing: each axis in its own unit; mixed length / no unit, non-finite scale and paths outside the store are errors", async () => {
    const p = await store("fz-units.zarr", pattern("uint8", [2, 3, 4]), {}, (q) =>
      editJson(path.join(q, ".zattrs"), (j) => (j.multiscales[0].axes[0].unit = "micrometer")),
    );
    // z in micrometres (scale 500 -> 500000 nm), y and x in nanometres (was: all axes in x's unit)
    expect((await readZarr(p)).spacing).toEqual([500_000, 250, 125]);
    const attrs = path.join(p, ".zattrs");
    const good = fs.readFileSync(attrs, "utf8");
    editJson(attrs, (j) => delete j.multiscales[0].axes[2].unit);
    await expect(openZarr(p)).rejects.toThrow(/\.zattrs: field multiscales\[0\]\.axes: units must all be lengths, all the same or all absent, received "micrometer", "nanometer", none/);
    fs.writeFileSync(attrs, good.replace("500", "1e999"));
    await expect(openZarr(p)).rejects.toThrow(/field multiscales\[0\]\.datasets\[0\]\.coordinateTransformations scale: expected 3 positive finite numbers, received \[null,/);
    for (const bad of ["../0", "/0", "0/", ""]) {
      fs.writeFileSync(attrs, good.replace(/"path":\s*"0"/, `"path": ${JSON.stringify(bad)}`));
      await expect(openZarr(p)).rejects.toThrow(/field multiscales\[0\]\.datasets\[0\]\.path: expected a folder inside the store/);
    }
    fs.writeFileSync(attrs, good.replace(/"path":\s*"0"/, '"path": "nope"'));
    await expect(openZarr(p)).rejects.toThrow(/nope[/\\]\.zarray: missing: field multiscales\[0\]\.datasets\[0\]\.path "nope"/);
    fs.writeFileSync(attrs, JSON.stringify({ multiscales: [{ axes: [null, "y", "x"], datasets: [null] }] }));
    await expect(openZarr(p)).rejects.toThrow(/field multiscales\[0\]\.axes: expected last axes z, y, x, received , y, x/);
  });

  it("Zarr v3 (written by zarrita): read through the same checks; a truncated chunk was read as zeros", async () => {
    const p = path.join(tmp, "fz-v3.zarr");
    fs.rmSync(p, { recursive: true, force: true });
    fs.mkdirSync(p);
    const fsStore = new FileSystemStore(p);
    const axes = ["z", "y", "x"].map((name) => ({ name, type: "space", unit: "micrometer" }));
    const datasets = [{ path: "0", coordinateTransformations: [{ type: "scale", scale: [2, 1, 0.5] }] }];
    const root = await zarrita.create(zarrita.root(fsStore), { attributes: { ome: { version: "0.5", multiscales: [{ axes, datasets }] } } });
    const v = pattern("uint16", [3, 4, 5]);
    for (const [name, codecs] of [
      ["none", [{ name: "bytes", configuration: { endian: "little" } }]],
      ["zstd", [{ name: "bytes", configuration: { endian: "little" } }, { name: "zstd", configuration: { level: 3, checksum: false } }]],
    ] as const) {
      fs.rmSync(path.join(p, "0"), { recursive: true, force: true });
      const arr = await zarrita.create(root.resolve("0"), { shape: [3, 4, 5], chunkShape: [2, 4, 3], dtype: "uint16", codecs: codecs as never, fillValue: 9 });
      // write all chunks but the last row of chunks in z (z = 2): it reads as fill_value 9
      await zarrita.set(arr, [zarrita.slice(0, 2), null, null], { data: v.data.slice(0, 40) as Uint16Array, shape: [2, 4, 5], stride: [20, 5, 1] });
      const got = await readZarr(p);
      expect(got.spacing).toEqual([2000, 1000, 500]);
      expect(Array.from(got.data), name).toEqual(Array.from(v.data).map((x, i) => (i < 40 ? x : 9)));
      const chunk = path.join(p, "0", "c", "0", "0", "1");
      const good = fs.readFileSync(chunk);
      fs.writeFileSync(chunk, good.subarray(0, good.length - 3));
      await expect(readZarr(p)).rejects.toThrow(/fz-v3\.zarr[/\\]0[/\\]c[/\\]0[/\\]0[/\\]1: chunk.* \(field chunks \[2, 4, 3\] of uint16 in .*zarr\.json\)/);
      fs.writeFileSync(chunk, good);
    }
    const meta = path.join(p, "0", "zarr.json");
    const good = fs.readFileSync(meta, "utf8");
    editJson(meta, (j) => (j.chunk_key_encoding = { name: "v2" })); // keys "0.0.1": none exists, all would read 9
    await expect(readZarr(p)).rejects.toThrow(/field chunk_key_encoding: chunks are stored as "c\/z\/y\/x" folders, but the field says "z\.y\.x" files/);
    fs.writeFileSync(meta, good);
    editJson(meta, (j) => (j.codecs = [{ name: "sharding_indexed", configuration: {} }]));
    await expect(readZarr(p)).rejects.toThrow(/0[/\\]zarr\.json: field codecs: tomolab reads "bytes" \(little-endian\) then at most one of zstd, blosc, gzip/);
    editJson(meta, (j) => ((j.codecs = [{ name: "bytes", configuration: { endian: "big" } }]), (j.fill_value = "0x7fc00000")));
    await expect(readZarr(p)).rejects.toThrow(/field fill_value: expected an integer in 0\.\.65535 \(uint16\) or null, received "0x7fc00000"/);
  });

  it("memory budget: a declared huge shape or chunk is refused before allocating; small regions of a huge store still read", async () => {
    const p = await store("fz-budget.zarr", pattern("uint8", [2, 3, 4]), { chunks: [1, 2, 2] }, (q) =>
      editJson(path.join(q, "0", ".zarray"), (j) => (j.shape = [2, 3, 2 ** 28])),
    );
    await expect(readZarr(p, { maxBytes: 2 ** 20 })).rejects.toThrow(/readRegion\(".*fz-budget\.zarr"\): a region of 2 x 3 x 268435456 uint8 voxels would need 1\.5 GiB, more than the memory budget of 1\.0 MiB/);
    const z = await openZarr(p, { maxBytes: 2 ** 20 });
    const r = await z.readRegion({ z0: 0, y0: 0, x0: 0, z1: 2, y1: 3, x1: 4 });
    expect(Array.from(r.data)).toEqual(Array.from(pattern("uint8", [2, 3, 4]).data));
    expect(Array.from((await z.readRegion({ z0: 1, y0: 2, x0: 2 ** 28 - 1, z1: 2, y1: 3, x1: 2 ** 28 })).data)).toEqual([0]); // beyond the written chunks: fill_value
    editJson(path.join(p, "0", ".zarray"), (j) => ((j.shape = [2, 3, 4]), (j.chunks = [1, 2, 2 ** 26])));
    await expect(readZarr(p, { maxBytes: 2 ** 20 })).rejects.toThrow(/\.zarray"\): one chunk \(field chunks \[1, 2, 67108864\], uint8\) would need 128\.0 MiB, more than the memory budget/);
  });
});

const PY = path.join(ROOT, ".cache", "bench-venv", "bin", "python");
const SCRIPT = path.join(ROOT, "test", "fixtures", "zarr_check.py");
const pyReady =
  fs.existsSync(PY) && spawnSync(PY, ["-c", "import zarr, ome_zarr"], { encoding: "utf8" }).status === 0;
if (!pyReady) {
  console.warn(
    "zarr interop tests skipped: .cache/bench-venv lacks zarr/ome-zarr " +
      "(create it: python3 -m venv .cache/bench-venv && .cache/bench-venv/bin/pip install -r test/bench/zarr-requirements.txt)",
  );
}

describe.skipIf(!pyReady)("OME-Zarr interop with zarr / ome-zarr-py (Python)", () => {
  it("a tomolab-written store opens in zarr and ome-zarr with the same voxels, axes and scales", async () => {
    for (const dtype of ["uint16", "float32", "uint32"] as DType[]) {
      const v = pattern(dtype, [11, 13, 9]);
      const p = path.join(tmp, `py-${dtype}.zarr`);
      await writeZarr(v, p, { chunks: [4, 5, 4], levels: 2, compressor: dtype === "float32" ? "blosc" : "zstd" });
      const r = spawnSync(PY, [SCRIPT, "check", p], { encoding: "utf8" });
      expect(r.stderr.split("\n").filter((l) => /Error/.test(l))).toEqual([]);
      const out = JSON.parse(r.stdout);
      const l1 = await readZarr(p, { level: 1 });
      const weighted = (d: ArrayLike<number>) => {
        let s = 0;
        for (let i = 0; i < d.length; i++) s += d[i] * (i % 97);
        return s;
      };
      const sum = (d: ArrayLike<number>) => Array.from(d).reduce((s, x) => s + x, 0);
      expect(out.levels.map((l: { shape: number[] }) => l.shape)).toEqual([[11, 13, 9], [6, 7, 5]]);
      expect(out.levels[0].dtype).toBe(dtype);
      expect(out.levels[0].sum).toBeCloseTo(sum(v.data), 0);
      expect(out.levels[0].weighted).toBeCloseTo(weighted(v.data), 0);
      expect(out.levels[1].weighted).toBeCloseTo(weighted(l1.data), 0);
      expect(out.ome_zarr_levels).toBe(2);
      expect(out.ome_zarr_shape0).toEqual([11, 13, 9]);
      expect(out.ome_zarr_axes.map((a: { name: string }) => a.name)).toEqual(["z", "y", "x"]);
      expect(out.ome_zarr_scales).toEqual([[500, 250, 125], [1000, 500, 250]]);
      expect(out.ome_zarr_sum0).toBeCloseTo(sum(v.data), 0);
    }
  }, 60_000);

  it("a store written by ome-zarr-py (Python) reads with readZarr", async () => {
    const p = path.join(tmp, "from-python.zarr");
    const r = spawnSync(PY, [SCRIPT, "write", p], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    const v = await readZarr(p);
    expect(v.shape).toEqual(info.shape);
    expect(v.data).toBeInstanceOf(Uint16Array);
    expect(v.unit).toBe("nm");
    expect(v.spacing).toEqual([500, 250, 250]);
    for (let z = 0; z < 13; z += 4)
      for (let y = 0; y < 17; y += 5)
        for (let x = 0; x < 19; x += 6) expect(v.data[(z * 17 + y) * 19 + x]).toBe((z * 7 + y * 3 + x) % 251);
    expect(Array.from(v.data).reduce((s, x) => s + x, 0)).toBe(info.sum);
  }, 60_000);
});
