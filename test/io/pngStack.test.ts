import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readPngStack, writePngStack } from "../../kernel-lib/src/io/index.js";
import { naturalCompare } from "../../kernel-lib/src/io/files.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";
import {
  FIXTURES,
  SHARED_DATA,
  expected,
  firstMismatch,
  manifest,
  python,
  tempDir,
  tifffileUnavailable,
} from "./helpers.js";

const dir = tempDir("png");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("naturalCompare", () => {
  it("orders digit runs by value", () => {
    expect(["10.png", "2.png", "1.png", "0.png", "11.png"].sort(naturalCompare)).toEqual([
      "0.png",
      "1.png",
      "2.png",
      "10.png",
      "11.png",
    ]);
    expect(["slice_10.png", "slice_9.png", "slice_100.png"].sort(naturalCompare)).toEqual([
      "slice_9.png",
      "slice_10.png",
      "slice_100.png",
    ]);
    expect(["b2", "a10", "a9", "B1"].sort(naturalCompare)).toEqual(["a9", "a10", "B1", "b2"]);
    expect(["x01", "x1", "x001"].sort(naturalCompare)).toEqual(["x1", "x01", "x001"]);
    expect(["n99999999999999999999", "n100000000000000000000"].sort(naturalCompare)).toEqual([
      "n99999999999999999999",
      "n100000000000000000000",
    ]);
  });
});

describe("readPngStack on files written by Pillow", () => {
  it("16-bit grey slices 0, 1, 2, 10 in natural order", async () => {
    const v = await readPngStack(path.join(FIXTURES, "png_u16"));
    expect(v.shape).toEqual([4, 7, 9]);
    expect(v.data).toBeInstanceOf(Uint16Array);
    expect(v.spacing).toEqual([1, 1, 1]);
    expect(firstMismatch(v.data, expected("u16", 4 * 63))).toBeNull();
  });

  it("a list of files is read in its own order", async () => {
    const files = ["10", "0"].map((n) => path.join(FIXTURES, "png_u16", `${n}.png`));
    const v = await readPngStack(files, { spacing: [40, 5, 5] });
    expect(v.spacing).toEqual([40, 5, 5]);
    expect(firstMismatch(v.data.subarray(0, 63), expected("u16", 63, 1, 3 * 63))).toBeNull();
    expect(firstMismatch(v.data.subarray(63), expected("u16", 63))).toBeNull();
  });

  it("RGB slices: one channel, or Pillow's convert('L') luminance", async () => {
    const rgbDir = path.join(FIXTURES, "png_rgb");
    for (const channel of [0, 1, 2]) {
      const v = await readPngStack(rgbDir, { channel });
      expect(firstMismatch(v.data, expected("u8", 2 * 63, 3, channel))).toBeNull();
    }
    const grey = await readPngStack(rgbDir, { grey: true });
    expect(
      firstMismatch(grey.data, fs.readFileSync(path.join(FIXTURES, "png_rgb_L.bin"))),
    ).toBeNull();
    await expect(readPngStack(rgbDir)).rejects.toThrow(
      /slice_000\.png.*is RGB \(3 channels: IHDR colour type 2\); pass \{ channel \} \(0\.\.2\) or \{ grey: true \}/,
    );
    await expect(readPngStack(rgbDir, { channel: 3 })).rejects.toThrow(
      new RangeError(
        `\`channel\` must be an integer in [0, 2], received 3 (for ${JSON.stringify(path.join(rgbDir, "slice_000.png"))})`,
      ),
    );
    await expect(readPngStack(rgbDir, { grey: "yes" as never })).rejects.toThrow(
      new TypeError('`grey` must be a boolean, received "yes"'),
    );
    await expect(readPngStack(42 as never)).rejects.toThrow(
      new TypeError(
        "`dirOrFiles` must be a folder or a non-empty array of file paths, received 42",
      ),
    );
    await expect(readPngStack(rgbDir, { channel: 0, grey: true })).rejects.toThrow(
      /either `channel` or `grey/,
    );
  });

  it("indexed slices with a grey palette and 1-bit slices", async () => {
    const misc = path.join(FIXTURES, "png_misc");
    const pal = await readPngStack([path.join(misc, "palette.png")]);
    expect(Array.from(pal.data)).toEqual(Array.from({ length: 63 }, (_, i) => (i % 4) * 85));
    const bits = await readPngStack([path.join(misc, "bits1.png")]);
    expect(Array.from(bits.data)).toEqual(
      Array.from({ length: 63 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    );
  });
});

describe("writePngStack", () => {
  const u8: Volume = {
    data: Uint8Array.from({ length: 3 * 63 }, (_, i) => (i * 37 + 11) % 256),
    shape: [3, 7, 9],
    spacing: [40, 3.5, 3.5],
  };
  const u16: Volume = {
    data: Uint16Array.from({ length: 12 * 63 }, (_, i) => (i * 2654 + 17) % 65536),
    shape: [12, 7, 9],
    spacing: [1, 2, 3],
  };

  it("round trip: values, dtype, spacing, natural names", async () => {
    for (const v of [u8, u16]) {
      const out = path.join(dir, `rt-${v.data.constructor.name}`);
      const files = await writePngStack(out, v);
      expect(files.map((f) => path.basename(f))[0]).toBe("slice_0000.png");
      expect(fs.readdirSync(out).length).toBe(v.shape[0]);
      const back = await readPngStack(out);
      expect(back.shape).toEqual(v.shape);
      expect(back.spacing).toEqual(v.spacing);
      expect(back.data.constructor).toBe(v.data.constructor);
      expect(firstMismatch(back.data, v.data)).toBeNull();
    }
  });

  it("never replaces files silently and never mixes stacks", async () => {
    const out = path.join(dir, "guard");
    await writePngStack(out, u8, { prefix: "z", digits: 2 });
    expect(fs.readdirSync(out).sort()).toEqual(["z00.png", "z01.png", "z02.png"]);
    await expect(writePngStack(out, u8, { prefix: "z", digits: 2 })).rejects.toThrow(
      /z00\.png.*already exists.*overwrite: true/,
    );
    await writePngStack(out, u8, { prefix: "z", digits: 2, overwrite: true });
    await expect(writePngStack(out, u8, { overwrite: true })).rejects.toThrow(
      /already holds 3 other PNG file\(s\) \(e\.g\. z00\.png\)/,
    );
    expect(fs.readdirSync(out).sort()).toEqual(["z00.png", "z01.png", "z02.png"]);
    const f32: Volume = { data: new Float32Array(63), shape: [1, 7, 9], spacing: [1, 1, 1] };
    await expect(writePngStack(path.join(dir, "f32"), f32)).rejects.toThrow(
      /must have dtype uint8 or uint16, received float32/,
    );
    await expect(writePngStack(path.join(dir, "d"), u16, { digits: 1 })).rejects.toThrow(
      new RangeError(
        "`digits` must be an integer in [2, 12], received 1 (12 slices need at least 2)",
      ),
    );
    await expect(writePngStack(path.join(dir, "p"), u8, { prefix: "a/b" })).rejects.toThrow(
      new RangeError('`prefix` must be a file name prefix without path separators, received "a/b"'),
    );
  });

  const noPython = tifffileUnavailable();
  it.skipIf(noPython !== null)(
    "Pillow reads tomolab's PNG slices (values, mode, text chunk)",
    async () => {
      const out = path.join(dir, "pillow");
      const files = await writePngStack(out, u16);
      const got = JSON.parse(
        python(
          "import sys, json, numpy as np\nfrom PIL import Image\nout=[]\nfor p in sys.argv[1:]:\n    im=Image.open(p)\n    out.append({'mode': im.mode, 'values': np.asarray(im).astype(int).ravel().tolist(), 'text': im.text.get('tomolab')})\nprint(json.dumps(out))",
          files,
        ),
      ) as { mode: string; values: number[]; text: string }[];
      got.forEach((g, z) => {
        expect(g.mode).toMatch(/^I/); // 16-bit grey
        expect(g.values).toEqual(Array.from(u16.data.subarray(z * 63, (z + 1) * 63)));
        expect(JSON.parse(g.text)).toEqual({ spacing: [1, 2, 3], unit: "nm" });
      });
    },
  );
});

describe("readPngStack on real data (../shared/data)", () => {
  const isbi = path.join(SHARED_DATA, "isbi2012-membrane", "image");
  const ref = manifest.real.isbi_image;
  if (!fs.existsSync(isbi) || !ref) {
    it.skip(`skipped: ${isbi} not found (shared data absent)`, () => {});
    return;
  }
  it("ISBI 2012 membrane stack: 30 slices 512x512 in natural order, slice sums equal Pillow's", async () => {
    const v = await readPngStack(isbi);
    expect(v.shape).toEqual([30, 512, 512]);
    expect(v.data).toBeInstanceOf(Uint8Array);
    const plane = 512 * 512;
    const sums = Array.from({ length: 30 }, (_, z) => {
      let s = 0;
      for (let i = z * plane; i < (z + 1) * plane; i++) s += v.data[i];
      return s;
    });
    expect(sums).toEqual(ref.sliceSums);
    expect(Array.from(v.data.subarray(0, 16))).toEqual(ref.firstRow);
  });
});
