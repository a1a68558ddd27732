/**
 * tomolab's own TIFF decoders on files written by Pillow/libtiff, tifffile and
 * by hand (test/fixtures/generate_io_decoders.py, each read back there by an
 * independent reader): LZW filling the code table, LZW + horizontal
 * differencing (grey, RGB), deflate + floating-point predictor, float16,
 * 1/4/12/24-bit samples, planar RGB, tiles that do not divide the image.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openTiff, readTiff } from "../../kernel-lib/src/io/index.js";
import { DECODER_FIXTURES, decoderManifest, expected, firstMismatch } from "./helpers.js";

describe("readTiff decodes what tomolab decodes itself", () => {
  it.each(decoderManifest.files.map((f) => [f.file, f] as const))(
    "%s: exact voxels, shape and dtype",
    async (_, f) => {
      const file = path.join(DECODER_FIXTURES, f.file);
      const n = f.shape[0] * f.shape[1] * f.shape[2];
      const channels = f.samples ?? 1;
      for (let c = 0; c < channels; c++) {
        const v = await readTiff(file, channels > 1 ? { channel: c } : {});
        expect(v.shape).toEqual(f.shape);
        expect(v.data.constructor.name.toLowerCase()).toBe(`${f.dtype}array`);
        // Chunky RGB: sample c of pixel i holds formula(3 i + c); planar: formula(i + offset c).
        const want = f.channelOffset
          ? expected(f.formula, n, 1, c * f.channelOffset)
          : channels > 1
            ? expected(f.formula, n, 3, c)
            : expected(f.formula, n);
        expect(firstMismatch(v.data, want)).toBeNull();
      }
    },
  );

  it("reports the stored sample type and compression", async () => {
    const facts: Record<string, [string, string]> = {
      "u12.tif": ["uint12", "none"],
      "u1_packbits.tif": ["uint1", "packbits"],
      "f16_be.tif": ["float16", "none"],
      "u16_lzw_big.tif": ["uint16", "lzw"],
      "f32_deflate_predictor3.tif": ["float32", "deflate"],
    };
    for (const [name, fact] of Object.entries(facts)) {
      const s = await openTiff(path.join(DECODER_FIXTURES, name));
      expect([s.sampleType, s.compression]).toEqual(fact);
      await s.close();
    }
  });

  it("reads tiles and LZW slices lazily in any order", async () => {
    for (const name of ["u16_tiled_be.tif", "u16_lzw_predictor.tif"]) {
      const f = decoderManifest.files.find((e) => e.file === name)!;
      const plane = f.shape[1] * f.shape[2];
      const s = await openTiff(path.join(DECODER_FIXTURES, name));
      for (const z of [1, 0]) {
        const slice = await s.readSlice(z);
        expect(firstMismatch(slice, expected(f.formula, plane, 1, z * plane))).toBeNull();
      }
      await s.close();
    }
  });
});
