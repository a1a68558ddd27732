import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openTiff, readTiff, writeTiff } from "../../kernel-lib/src/io/index.js";
import { toRational } from "../../kernel-lib/src/io/writeTiff.js";
import { TiffFile } from "../../kernel-lib/src/io/tiffFile.js";
import { Tag } from "../../kernel-lib/src/io/tiffTags.js";
import type { Volume, VoxelArray } from "../../kernel-lib/src/volume/types.js";
import { imagejOpen, imagejUnavailable, python, tempDir, tifffileUnavailable } from "./helpers.js";

const dir = tempDir("write");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const shape: [number, number, number] = [5, 7, 9];
const n = 5 * 7 * 9;
const spacing: [number, number, number] = [30, 3.7, 5];

/** Deterministic test volumes of every dtype, with extreme values and float specials. */
function volumes(): Record<string, Volume> {
  const make = (data: VoxelArray): Volume => ({ data, shape, spacing });
  const f = Float32Array.from({ length: n }, (_, i) => (i - 150) / 8 + Math.fround(1 / 3) * i);
  f[0] = NaN;
  f[1] = -Infinity;
  f[2] = Infinity;
  f[3] = -0;
  f[4] = 3.4028234663852886e38;
  f[5] = 1.401298464324817e-45;
  return {
    uint8: make(Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) % 256)),
    uint16: make(Uint16Array.from({ length: n }, (_, i) => (i * 2654 + 17) % 65536)),
    int32: make(Int32Array.from({ length: n }, (_, i) => ((i * 13631489) % 2 ** 32) - 2 ** 31)),
    uint32: make(Uint32Array.from({ length: n }, (_, i) => (i * 13631489 + 4000000000) % 2 ** 32)),
    float32: make(f),
  };
}

function sameBits(a: VoxelArray, b: VoxelArray): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}

const variants = [
  { label: "uncompressed", options: {} },
  { label: "deflate", options: { compression: "deflate" as const, level: 9 } },
  { label: "BigTIFF", options: { bigTiff: true } },
];

describe("writeTiff -> readTiff round trip", () => {
  for (const { label, options } of variants) {
    it.each(Object.entries(volumes()))(
      `${label} %s: same bits, shape and spacing`,
      async (dtype, v) => {
        const file = path.join(dir, `rt-${label}-${dtype}.tif`);
        await writeTiff(file, v, options);
        const back = await readTiff(file);
        expect(back.shape).toEqual(shape);
        expect(back.spacing).toEqual(spacing);
        expect(sameBits(back.data, v.data)).toBe(true);
      },
    );
  }

  it("writes a 2D image (nz = 1) and a spacing in micrometres", async () => {
    const v: Volume = {
      data: Uint16Array.from({ length: 63 }, (_, i) => i * 1000),
      shape: [1, 7, 9],
      spacing: [250, 12.5, 8],
    };
    const file = path.join(dir, "2d-um.tif");
    await writeTiff(file, v, { unit: "um" });
    const s = await openTiff(file);
    expect(s.imagej?.unit).toBe("um");
    expect(s.spacing).toEqual([250, 12.5, 8]);
    expect(Array.from(await s.readSlice(0))).toEqual(Array.from(v.data));
    await s.close();
  });

  it("keeps an uncalibrated volume uncalibrated (volume.unit 'pixel') unless a unit is given", async () => {
    const file = path.join(dir, "uncalibrated.tif");
    await writeTiff(file, { ...volumes().uint8, unit: "pixel" });
    const s = await readTiff(file);
    expect([s.unit, s.spacing]).toEqual(["pixel", [1, 1, 1]]);
    const nm = path.join(dir, "uncalibrated-nm.tif");
    await writeTiff(nm, { ...volumes().uint8, unit: "pixel" }, { unit: "nm" });
    expect((await readTiff(nm)).unit).toBe("nm");
  });

  it("writes no calibration with unit 'pixel'", async () => {
    const file = path.join(dir, "pixel.tif");
    await writeTiff(file, volumes().uint8, { unit: "pixel" });
    const s = await openTiff(file);
    expect([s.unit, s.spacing]).toEqual(["pixel", [1, 1, 1]]);
    expect(s.imagej?.unit).toBeUndefined();
    await s.close();
  });

  it("stores uncompressed pages contiguously after the header (the layout ImageJ requires)", async () => {
    const file = path.join(dir, "layout.tif");
    await writeTiff(file, volumes().uint16, { overwrite: true });
    const t = await TiffFile.open("test", file);
    expect(t.littleEndian).toBe(true);
    expect(t.ifds.length).toBe(5);
    for (const ifd of t.ifds) {
      expect(await t.values(ifd, Tag.StripOffsets)).toEqual([8 + ifd.index * 7 * 9 * 2]);
      expect(await t.values(ifd, Tag.StripByteCounts)).toEqual([7 * 9 * 2]);
      expect(await t.value(ifd, Tag.SampleFormat, 0)).toBe(1);
      expect(await t.values(ifd, Tag.XResolution)).toEqual([1, 5]); // 1/dx = 1/5 pixels per nm
      expect(await t.values(ifd, Tag.YResolution)).toEqual([10, 37]); // 1/3.7
    }
    expect(await t.text(t.ifds[0], Tag.ImageDescription)).toBe(
      "ImageJ=1.11a\nimages=5\nslices=5\nunit=nm\nspacing=30.0\nloop=false\n",
    );
    await t.close();
  });
});

describe("writeTiff protects existing files", () => {
  it("refuses to replace a file unless overwrite is set, and leaves no temporary files", async () => {
    const sub = fs.mkdtempSync(path.join(dir, "ow-"));
    const file = path.join(sub, "a.tif");
    fs.writeFileSync(file, "precious user data");
    await expect(writeTiff(file, volumes().uint8)).rejects.toThrow(
      /a\.tif.*already exists.*overwrite: true/,
    );
    expect(fs.readFileSync(file, "utf8")).toBe("precious user data");
    await writeTiff(file, volumes().uint8, { overwrite: true });
    expect((await readTiff(file)).shape).toEqual(shape);
    expect(fs.readdirSync(sub)).toEqual(["a.tif"]);
  });

  it("checks its arguments with messages that say what was received", async () => {
    const v = volumes().uint8;
    await expect(writeTiff(path.join(dir, "no", "such", "x.tif"), v)).rejects.toThrow(
      /folder .* does not exist/,
    );
    await expect(writeTiff(path.join(dir, "u.tif"), v, { unit: "furlong" })).rejects.toThrow(
      /`unit` must be a length unit.*furlong/,
    );
    await expect(
      writeTiff(path.join(dir, "c.tif"), v, { compression: "lzw" as never }),
    ).rejects.toThrow(new RangeError('`compression` must be "none" or "deflate", received "lzw"'));
    await expect(
      writeTiff(path.join(dir, "l.tif"), v, { compression: "deflate", level: 0 }),
    ).rejects.toThrow(new RangeError("`level` must be an integer in [1, 9], received 0"));
    await expect(writeTiff(path.join(dir, "n.tif"), v, { unit: 3 as never })).rejects.toThrow(
      new TypeError(
        '`unit` must be a length unit (nm, um, micron, mm, ...) or "pixel", received 3',
      ),
    );
    await expect(
      writeTiff(path.join(dir, "b.tif"), v, { bigTiff: "yes" as never }),
    ).rejects.toThrow(new RangeError('`bigTiff` must be true, false or "auto", received "yes"'));
    await expect(writeTiff(path.join(dir, "s.tif"), { ...v, shape: [5, 7, 8] })).rejects.toThrow(
      /has 315 elements but shape 5x7x8/,
    );
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("toRational", () => {
  it("finds exact small fractions and best approximations within 32 bits", () => {
    expect(toRational(0.2)).toEqual([1, 5]);
    expect(toRational(1 / 3.7)).toEqual([10, 37]);
    expect(toRational(4)).toEqual([4, 1]);
    const [p, q] = toRational(Math.SQRT2);
    expect(p).toBeLessThan(2 ** 32);
    expect(q).toBeLessThan(2 ** 32);
    expect(Math.abs(p / q - Math.SQRT2)).toBeLessThan(1e-15);
    expect(toRational(1e-12)).toEqual([1, 0xffffffff]);
  });
});

const noTifffile = tifffileUnavailable();
describe.skipIf(noTifffile !== null)("tifffile reads tomolab's files", () => {
  const script = `
import sys, json, tifffile
out = []
for p in sys.argv[1:]:
    with tifffile.TiffFile(p) as t:
        a = t.asarray()
        page = t.pages[0]
        out.append({"shape": list(a.shape), "dtype": str(a.dtype), "imagej": t.imagej_metadata,
                    "xres": list(page.tags["XResolution"].value), "yres": list(page.tags["YResolution"].value),
                    "bytes": a.astype(a.dtype.newbyteorder("<")).tobytes().hex(), "pages": len(t.pages),
                    "bigtiff": t.is_bigtiff, "compression": int(page.compression), "description": page.description})
print(json.dumps(out))
`;
  it("every dtype, uncompressed, deflate and BigTIFF: values, shape, ImageJ spacing and unit", async () => {
    const vs = volumes();
    const files: [string, Volume, string][] = [];
    for (const { label, options } of variants) {
      for (const [dtype, v] of Object.entries(vs)) {
        const file = path.join(dir, `tf-${label}-${dtype}.tif`);
        await writeTiff(file, v, options);
        files.push([file, v, label]);
      }
    }
    const seen = JSON.parse(
      python(
        script,
        files.map((f) => f[0]),
      ),
    ) as {
      shape: number[];
      dtype: string;
      imagej: Record<string, unknown>;
      xres: number[];
      yres: number[];
      bytes: string;
      pages: number;
      bigtiff: boolean;
      compression: number;
      description: string;
    }[];
    seen.forEach((s, k) => {
      const [, v, label] = files[k];
      expect(s.shape).toEqual(shape);
      expect(s.dtype).toBe(v.data.constructor.name.replace("Array", "").toLowerCase());
      expect(
        Buffer.from(s.bytes, "hex").equals(
          Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength),
        ),
      ).toBe(true);
      expect(s.imagej).toEqual({
        ImageJ: "1.11a",
        images: 5,
        slices: 5,
        unit: "nm",
        spacing: 30,
        loop: false,
      });
      expect(s.xres[1] / s.xres[0]).toBeCloseTo(5, 12);
      expect(s.yres[1] / s.yres[0]).toBeCloseTo(3.7, 12);
      expect(s.pages).toBe(5);
      expect(s.bigtiff).toBe(label === "BigTIFF");
      expect(s.compression).toBe(label === "deflate" ? 8 : 1);
    });
  });

  it("reads a 2D image and a micrometre calibration", async () => {
    const file = path.join(dir, "tf-2d.tif");
    await writeTiff(
      file,
      { data: new Uint8Array(63).fill(7), shape: [1, 7, 9], spacing: [1, 500, 250] },
      { unit: "um" },
    );
    const [s] = JSON.parse(python(script, [file]));
    expect(s.shape).toEqual([7, 9]);
    expect(s.imagej.unit).toBe("um");
    expect(s.xres[1] / s.xres[0]).toBeCloseTo(0.25, 12);
    expect(s.yres[1] / s.yres[0]).toBeCloseTo(0.5, 12);
  });
});
if (noTifffile !== null) {
  describe("tifffile reads tomolab's files", () => {
    it.skip(`skipped: ${noTifffile}`, () => {});
  });
}

const noImageJ = imagejUnavailable();
describe.skipIf(noImageJ !== null)("ImageJ reads tomolab's files (ij.io.Opener, headless)", () => {
  it("uint8, uint16, float32, int32; uncompressed and deflate: stack size, calibration, unit, values", async () => {
    const vs = volumes();
    const cases: [string, Volume, string][] = [];
    for (const dtype of ["uint8", "uint16", "float32", "int32"]) {
      for (const compression of ["none", "deflate"] as const) {
        const file = path.join(dir, `ij-${dtype}-${compression}.tif`);
        await writeTiff(file, vs[dtype], { compression, unit: dtype === "uint16" ? "um" : "nm" });
        cases.push([file, vs[dtype], dtype]);
      }
    }
    const views = imagejOpen(cases.map((c) => c[0]));
    views.forEach((view, k) => {
      const [file, v, dtype] = cases[k];
      expect(view.error, file).toBeUndefined();
      expect([view.nz, view.ny, view.nx]).toEqual(shape);
      expect(view.bitDepth).toBe({ uint8: 8, uint16: 16, float32: 32, int32: 32 }[dtype]);
      const f = dtype === "uint16" ? 1e-3 : 1; // written in micrometres
      expect(view.unit).toBe(dtype === "uint16" ? "\u00b5m" : "nm");
      expect(view.pixelDepth).toBeCloseTo(30 * f, 12);
      expect(view.pixelHeight).toBeCloseTo(3.7 * f, 12);
      expect(view.pixelWidth).toBeCloseTo(5 * f, 12);
      // ImageJ holds int32 as float: exact for |x| < 2^24 only, so compare as float32.
      const want = Array.from(v.data, (x) => Math.fround(x));
      const got = view.values.map((x) => (x === null ? NaN : Math.fround(x))); // Java prints the shortest float decimal
      got.forEach((x, i) => {
        if (!(
          Object.is(x, want[i]) ||
          (x === 0 && want[i] === 0) ||
          (Number.isNaN(x) && Number.isNaN(want[i]))
        )) {
          throw new Error(`${file}: voxel ${i} is ${x} in ImageJ, expected ${want[i]}`);
        }
      });
    });
  }, 120_000);
});
if (noImageJ !== null) {
  describe("ImageJ reads tomolab's files", () => {
    it.skip(`skipped: ${noImageJ}`, () => {});
  });
}
