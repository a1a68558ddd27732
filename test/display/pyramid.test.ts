import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  downsample,
  levelFactors,
  levelHash,
  levelShape,
  writeLevels,
} from "../../kernel-lib/src/display/pyramid.js";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "pyramid");

describe("downsample", () => {
  it("averages 2x2x2 blocks, partial edge blocks over the voxels present (hand-computed)", () => {
    // shape 1x3x3, values 0..8: blocks (factor 2) [0,1,3,4] [2,5] [6,7] [8]
    const data = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const out = downsample(data, [1, 3, 3], 2);
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual([2, 3.5, 6.5, 8]);
    // 3x1x2 uint8, factor 2: z blocks {0,1} and {2}; integer means round half up
    const u = new Uint8Array([1, 2, 3, 5, 7, 8]);
    // block 0: (1 + 2 + 3 + 5) / 4 = 2.75 -> 3; block 1: (7 + 8) / 2 = 7.5 -> 8
    expect(Array.from(downsample(u, [3, 1, 2], 2))).toEqual([3, 8]);
  });

  it("subsamples labels with mode nearest (a[::f, ::f, ::f])", () => {
    const shape: [number, number, number] = [3, 4, 5];
    const d = new Int32Array(60).map((_, i) => i * 7 + 1);
    const out = downsample(d, shape, 2, { mode: "nearest" });
    expect(out).toBeInstanceOf(Int32Array);
    const expected: number[] = [];
    for (let z = 0; z < 3; z += 2)
      for (let y = 0; y < 4; y += 2)
        for (let x = 0; x < 5; x += 2) expected.push(d[(z * 4 + y) * 5 + x]);
    expect(Array.from(out)).toEqual(expected);
    expect(levelShape(shape, 2)).toEqual([2, 2, 3]);
  });

  it("matches skimage block_reduce(nanmean) over NaN padding (fixture)", () => {
    const manifest = JSON.parse(readFileSync(path.join(FIXTURES, "manifest.json"), "utf8"));
    const shape = manifest.shape as [number, number, number];
    const ctors = { uint8: Uint8Array, uint16: Uint16Array, float32: Float32Array } as const;
    let checked = 0;
    for (const [dtype, entry] of Object.entries(manifest.arrays) as [
      keyof typeof ctors,
      { input: string; levels: Record<string, { file: string; shape: number[] }> },
    ][]) {
      const C = ctors[dtype];
      const buf = readFileSync(path.join(FIXTURES, entry.input));
      const input = new C(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      for (const [f, level] of Object.entries(entry.levels)) {
        const rb = readFileSync(path.join(FIXTURES, level.file));
        const ref = new C(rb.buffer.slice(rb.byteOffset, rb.byteOffset + rb.byteLength));
        expect(levelShape(shape, Number(f))).toEqual(level.shape);
        const out = downsample(input, shape, Number(f));
        expect(out.length).toBe(ref.length);
        for (let i = 0; i < ref.length; i++) {
          // integers: exact; float32: the float64 mean cast to float32 (summation order aside)
          if (dtype === "float32") expect(Math.abs(out[i] - ref[i])).toBeLessThanOrEqual(1e-4);
          else expect(out[i]).toBe(ref[i]);
        }
        checked++;
      }
    }
    expect(checked).toBe(6);
  });

  it("rejects bad shapes and factors", () => {
    expect(() => downsample(new Uint8Array(5), [1, 2, 3], 2)).toThrow(/5 voxels.*needs 6/);
    expect(() => downsample(new Uint8Array(6), [1, 2, 3], 1.5)).toThrow(
      "`factor` must be a positive integer, received 1.5",
    );
    expect(() => downsample(new Uint8Array(6), [1, 2, 0] as never, 2)).toThrow(
      "`shape` must be [nz, ny, nx] of positive integers, received [1,2,0]",
    );
    expect(() => downsample(new Uint8Array(6), [1, 2, 3], 2, { mode: "median" as never })).toThrow(
      '`mode` must be "mean" or "nearest", received "median"',
    );
  });
});

describe("levelFactors", () => {
  it("goes 2, 4, ... until a level has at most maxLevelBytes", () => {
    // 1.5 GiB uint8 (1024 x 1024 x 1536): factor 2 -> 192 MiB <= 256 MiB
    expect(levelFactors([1536, 1024, 1024], 1)).toEqual([2]);
    // 16 GiB float32 (1024 x 2048 x 2048): 2 GiB, 256 MiB
    expect(levelFactors([1024, 2048, 2048], 4)).toEqual([2, 4]);
    // 17 GiB: 2.1 GiB, 272 MiB, 34 MiB
    expect(levelFactors([1088, 2048, 2048], 4)).toEqual([2, 4, 8]);
    // small limit: 10x10x10 uint8 -> 125, 27, 8 bytes <= 10
    expect(levelFactors([10, 10, 10], 1, 10)).toEqual([2, 4, 8]);
    // stops at 1 voxel even if that is above the limit
    expect(levelFactors([3, 3, 3], 4, 1)).toEqual([2, 4]);
  });
});

describe("writeLevels", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-pyramid-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("streams levels to tomolab-cache with hashed names, skipping existing files", async () => {
    const shape: [number, number, number] = [10, 12, 14];
    const data = new Uint16Array(10 * 12 * 14).map((_, i) => (i * 31) % 1000);
    const files: string[] = [];
    const levels = writeLevels(data, shape, "0123456789abcdef0123", {
      baseDir: dir,
      maxLevelBytes: 100,
      files,
    });
    // 5x6x7x2 = 420, 3x3x4x2 = 72 <= 100
    expect(levels.map((l) => l.factor)).toEqual([2, 4]);
    expect(levels.map((l) => l.shape)).toEqual([
      [5, 6, 7],
      [3, 3, 4],
    ]);
    expect(levels.map((l) => l.bytes)).toEqual([420, 72]);
    const CACHE_PATH = /^tomolab-cache\/[0-9a-f]{8,64}\.(uint8|uint16|int32|uint32|float32)\.raw$/;
    for (const l of levels) {
      expect(l.path).toMatch(CACHE_PATH);
      expect(l.path).toBe(
        `tomolab-cache/${levelHash("0123456789abcdef0123", l.factor, "mean")}.uint16.raw`,
      );
      const b = await readFile(path.join(dir, l.path));
      const onDisk = new Uint16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      expect(Array.from(onDisk)).toEqual(Array.from(downsample(data, shape, l.factor)));
    }
    expect(files).toEqual(levels.map((l) => path.join(dir, l.path)));
    // no temporary files left behind
    expect((await readdir(path.join(dir, "tomolab-cache"))).sort()).toEqual(
      levels.map((l) => path.basename(l.path)).sort(),
    );
    // existing files of the right size are not rewritten
    const p0 = path.join(dir, levels[0].path);
    await writeFile(p0, Buffer.alloc(420, 7));
    const before = (await stat(p0)).mtimeMs;
    writeLevels(data, shape, "0123456789abcdef0123", { baseDir: dir, maxLevelBytes: 100 });
    expect((await readFile(p0))[0]).toBe(7);
    expect((await stat(p0)).mtimeMs).toBe(before);
    // a truncated file is rewritten
    await writeFile(p0, Buffer.alloc(10));
    writeLevels(data, shape, "0123456789abcdef0123", { baseDir: dir, maxLevelBytes: 100 });
    expect((await stat(p0)).size).toBe(420);
    // labels get other files (mode is part of the name)
    const lab = writeLevels(data, shape, "0123456789abcdef0123", {
      baseDir: dir,
      maxLevelBytes: 100,
      mode: "nearest",
    });
    expect(lab[0].path).not.toBe(levels[0].path);
  });
});

describe("view() levels", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tomolab-pyramid-view-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("adds levels to cached arrays above levelsAbove: means for channels, subsampled labels", async () => {
    const { view, VOLUME_MIME } = await import("../../kernel-lib/src/display/view.js");
    const shape: [number, number, number] = [6, 8, 10];
    const data = new Float32Array(480).map((_, i) => Math.sin(i));
    const labels = new Uint8Array(480).map((_, i) => i % 3);
    const sent: { data: Record<string, unknown> }[] = [];
    const h = view(
      { data, shape, spacing: [1, 1, 1] },
      {
        writer: (c) => void sent.push(c),
        baseDir: dir,
        inlineLimit: 100,
        levelsAbove: 400,
        labels: false,
        fallbackImage: false,
        overlays: [{ kind: "labels", volume: { data: labels, shape, spacing: [1, 1, 1] } }],
      },
    );
    const p = sent[0].data[
      VOLUME_MIME
    ] as import("../../kernel-lib/src/display/viewerTypes.js").VolumePayload;
    const ch = p.channels[0].source;
    const ov = p.overlays[0].source;
    if (ch.kind !== "file" || ov.kind !== "file") throw new Error("expected file sources");
    // float32 1920 bytes > 400: one level (3x4x5x4 = 240 bytes <= 256 MiB)
    expect(ch.levels?.map((l) => [l.factor, l.shape, l.bytes])).toEqual([[2, [3, 4, 5], 240]]);
    const b = await readFile(path.join(dir, ch.levels![0].path));
    expect(
      Array.from(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length))),
    ).toEqual(Array.from(downsample(data, shape, 2)));
    // uint8 labels, 480 bytes > 400: subsampled
    const lb = await readFile(path.join(dir, ov.levels![0].path));
    expect(Array.from(lb)).toEqual(Array.from(downsample(labels, shape, 2, { mode: "nearest" })));
    expect(h.files).toContain(path.join(dir, ch.levels![0].path));
    // below the threshold: no levels
    sent.length = 0;
    view(
      { data, shape, spacing: [1, 1, 1] },
      {
        writer: (c) => void sent.push(c),
        baseDir: dir,
        inlineLimit: 100,
        labels: false,
        fallbackImage: false,
      },
    );
    const q = sent[0].data[VOLUME_MIME] as { channels: { source: { levels?: unknown } }[] };
    expect(q.channels[0].source.levels).toBeUndefined();
  });
});
