/**
 * readPngStack refuses corrupt PNG slices instead of returning wrong voxels
 * (issue 10): chunk CRCs, the zlib Adler-32, the size IHDR implies, chunk
 * order, palette indices. PNG files are laid out here chunk by chunk
 * (PNG spec 3rd ed., sections 5 and 11) so each field can be broken alone.
 */
import fs from "node:fs";
import path from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { readPngStack } from "../../kernel-lib/src/io/index.js";
import { scanlineBytes } from "../../kernel-lib/src/io/pngCheck.js";
import { FIXTURES, tempDir } from "./helpers.js";

const dir = tempDir("png-check");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(
    [...type].map((c) => c.charCodeAt(0)),
    4,
  );
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function ihdr(width: number, height: number, depth: number, colorType: number): Uint8Array {
  const d = new Uint8Array(13);
  const v = new DataView(d.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  d.set([depth, colorType, 0, 0, 0], 8);
  return chunk("IHDR", d);
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** An 8-bit grey PNG of `pixels` (rows of `width`), filter 0, zlib `level` (0 = stored blocks). */
function greyPng(
  pixels: Uint8Array,
  width: number,
  level = 6,
  extra: Uint8Array[] = [],
): Uint8Array {
  const height = pixels.length / width;
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++)
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const parts = [
    Uint8Array.from(SIGNATURE),
    ihdr(width, height, 8, 0),
    ...extra,
    chunk("IDAT", deflateSync(raw, { level })),
    chunk("IEND", new Uint8Array(0)),
  ];
  return Buffer.concat(parts);
}

function save(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Offset of the first chunk of `type`. */
function chunkAt(bytes: Uint8Array, type: string): number {
  const i = Buffer.from(bytes).indexOf(type, 8, "latin1");
  if (i < 0) throw new Error(`no ${type}`);
  return i - 4;
}

/** Recompute the CRC of the chunk at `at` (after changing its data on purpose). */
function fixCrc(bytes: Uint8Array, at: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const length = view.getUint32(at);
  view.setUint32(at + 8 + length, crc32(bytes.subarray(at + 4, at + 8 + length)));
}

const pixels = Uint8Array.from({ length: 6 * 5 }, (_, i) => (i * 37 + 11) % 256);

describe("readPngStack checks each slice before decoding", () => {
  it("reads the hand-made PNG (the reference for the broken copies below)", async () => {
    const v = await readPngStack([save("good.png", greyPng(pixels, 6))]);
    expect(Array.from(v.data)).toEqual(Array.from(pixels));
    expect(v.shape).toEqual([1, 5, 6]);
  });

  it("a flipped bit in the image data fails the chunk CRC (it used to give a wrong voxel)", async () => {
    const bytes = greyPng(pixels, 6, 0);
    const at = chunkAt(bytes, "IDAT");
    bytes[at + 8 + 12] ^= 0x10; // a pixel byte inside the stored deflate block
    const file = save("flip.png", bytes);
    await expect(readPngStack([file])).rejects.toThrow(
      new RegExp(
        `^readPngStack\\(${JSON.stringify(file).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\): corrupt or truncated PNG: chunk 1 \\(IDAT\\) at offset ${at}: CRC mismatch \\(stored 0x[0-9A-F]{8}, computed 0x[0-9A-F]{8}\\)`,
      ),
    );
  });

  it("the same flip with the CRC recomputed fails zlib's Adler-32 (fast-png's inflater does not check it)", async () => {
    const bytes = greyPng(pixels, 6, 0);
    const at = chunkAt(bytes, "IDAT");
    bytes[at + 8 + 12] ^= 0x10;
    fixCrc(bytes, at);
    await expect(readPngStack([save("adler.png", bytes)])).rejects.toThrow(
      /adler\.png.*IDAT: corrupt zlib data \(incorrect data check\)/,
    );
  });

  it("IHDR sizes that disagree with the data, a missing IEND, a bad palette index", async () => {
    const bytes = greyPng(pixels, 6);
    const wide = Uint8Array.from(bytes);
    new DataView(wide.buffer).setUint32(16, 5); // width 6 -> 5 (CRC fixed): the scanlines no longer fit
    fixCrc(wide, 8);
    await expect(readPngStack([save("wide.png", wide)])).rejects.toThrow(
      /IDAT: zlib data decode to more than the 30 bytes IHDR implies/,
    );
    const cut = bytes.subarray(0, bytes.length - 12);
    await expect(readPngStack([save("no-iend.png", cut)])).rejects.toThrow(
      /truncated: chunk 2 at offset \d+ has no room for its length and type .*; no IEND chunk/,
    );
    const depth = Uint8Array.from(bytes);
    depth[24] = 3; // bit depth 3 does not exist
    fixCrc(depth, 8);
    await expect(readPngStack([save("depth.png", depth)])).rejects.toThrow(
      /IHDR field bit depth: expected 1, 2, 4, 8, 16 for colour type 0, received 3/,
    );
    // Indexed image whose pixels use entry 5 of a 2-entry palette.
    const raw = new Uint8Array([0, 0, 1, 5]);
    const indexed = Buffer.concat([
      Uint8Array.from(SIGNATURE),
      ihdr(3, 1, 8, 3),
      chunk("PLTE", new Uint8Array([0, 0, 0, 255, 255, 255])),
      chunk("IDAT", deflateSync(raw)),
      chunk("IEND", new Uint8Array(0)),
    ]);
    await expect(readPngStack([save("palette.png", indexed)])).rejects.toThrow(
      /pixel index 5 beyond the 2 entries of the PLTE chunk/,
    );
  });

  it("unknown critical chunks are refused, unknown ancillary ones skipped", async () => {
    const ancillary = greyPng(pixels, 6, 6, [chunk("prVt", new Uint8Array([1, 2, 3]))]);
    await expect(readPngStack([save("ancillary.png", ancillary)])).resolves.toMatchObject({
      shape: [1, 5, 6],
    });
    const critical = greyPng(pixels, 6, 6, [chunk("PRVT", new Uint8Array([1, 2, 3]))]);
    await expect(readPngStack([save("critical.png", critical)])).rejects.toThrow(
      /chunk 1 \(PRVT\) at offset 33: unknown critical chunk/,
    );
  });

  it("a text chunk without a 1..79-byte keyword names the chunk and field (found by the fuzz suite)", async () => {
    const text = (body: string) => new Uint8Array(Buffer.from(body, "latin1"));
    const good = greyPng(pixels, 6, 6, [chunk("tEXt", text("Title\0slice 1"))]);
    await expect(readPngStack([save("text-ok.png", good)])).resolves.toMatchObject({
      shape: [1, 5, 6],
    });
    const empty = greyPng(pixels, 6, 6, [chunk("tEXt", text("\0no keyword"))]);
    await expect(readPngStack([save("text-empty.png", empty)])).rejects.toThrow(
      /text-empty\.png.*chunk 1 \(tEXt\) at offset 33: keyword must be 1\.\.79 bytes followed by a null byte, received 0 bytes/,
    );
    const long = greyPng(pixels, 6, 6, [chunk("iTXt", text("k".repeat(80) + "\0\0\0\0\0x"))]);
    await expect(readPngStack([save("text-long.png", long)])).rejects.toThrow(
      /\(iTXt\).*received 80 bytes/,
    );
  });

  it("the fixtures still read (Pillow-written 16-bit, palette, 1-bit)", async () => {
    await expect(readPngStack(path.join(FIXTURES, "png_u16"))).resolves.toMatchObject({
      shape: [4, 7, 9],
    });
    const misc = path.join(FIXTURES, "png_misc");
    await expect(readPngStack([path.join(misc, "palette.png")])).resolves.toMatchObject({
      shape: [1, 7, 9],
    });
  });

  it("scanlineBytes: a filter byte per row, Adam7 passes summed", () => {
    expect(scanlineBytes(6, 5, 8, 1, false)).toBe(5 * 7);
    expect(scanlineBytes(13, 2, 1, 1, false)).toBe(2 * 3); // 13 bits -> 2 bytes + filter byte
    // 8 x 8, 8-bit grey, interlaced: passes of 1x1, 1x1, 2x1, 2x2, 4x2, 4x4, 8x4 pixels.
    const passes = [
      [1, 1],
      [1, 1],
      [2, 1],
      [2, 2],
      [4, 2],
      [4, 4],
      [8, 4],
    ];
    expect(scanlineBytes(8, 8, 8, 1, true)).toBe(passes.reduce((n, [w, h]) => n + h * (1 + w), 0));
  });
});
