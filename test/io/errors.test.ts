/**
 * Broken, truncated and unsupported files give an Error that names the call,
 * the file and the problem. Each broken file is made here from a good one.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openTiff, readPngStack, readTiff } from "../../kernel-lib/src/io/index.js";
import { TiffFile } from "../../kernel-lib/src/io/tiffFile.js";
import { Tag } from "../../kernel-lib/src/io/tiffTags.js";
import { FIXTURES, tempDir } from "./helpers.js";

const dir = tempDir("errors");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

function save(name: string, bytes: Uint8Array | string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** IFD offsets and, per IFD, the file position of each entry (classic little-endian TIFF). */
function entries(buf: Buffer): { ifd: number; next: number; at: Map<number, number> }[] {
  const out = [];
  let offset = buf.readUInt32LE(4);
  while (offset !== 0) {
    const n = buf.readUInt16LE(offset);
    const at = new Map<number, number>();
    for (let i = 0; i < n; i++) at.set(buf.readUInt16LE(offset + 2 + 12 * i), offset + 2 + 12 * i);
    const nextPos = offset + 2 + 12 * n;
    out.push({ ifd: offset, next: nextPos, at });
    offset = buf.readUInt32LE(nextPos);
  }
  return out;
}

/** Set an inline SHORT or LONG value of `tag` in IFD `k`. */
function patch(buf: Buffer, k: number, tag: number, value: number): Buffer {
  const copy = Buffer.from(buf);
  const pos = entries(copy)[k].at.get(tag);
  if (pos === undefined) throw new Error(`no tag ${tag} in IFD ${k}`);
  if (copy.readUInt16LE(pos + 2) === 3) copy.writeUInt16LE(value, pos + 8);
  else copy.writeUInt32LE(value, pos + 8);
  return copy;
}

const quoted = (file: string) => JSON.stringify(file).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("TIFF header and IFD chain errors", () => {
  it("missing file, folder, empty file", async () => {
    const missing = path.join(dir, "missing.tif");
    await expect(readTiff(missing)).rejects.toThrow(
      new RegExp(`^readTiff\\(${quoted(missing)}\\): no such file$`),
    );
    await expect(openTiff(dir)).rejects.toThrow(/openTiff\(.*\): is a folder, not a file/);
    const empty = save("empty.tif", "");
    await expect(readTiff(empty)).rejects.toThrow(/not a TIFF file \(only 0 bytes\)/);
  });

  it("bad byte-order mark and bad version number", async () => {
    const bom = save("bom.tif", Buffer.from([0x12, 0x34, 42, 0, 8, 0, 0, 0, 0, 0]));
    await expect(readTiff(bom)).rejects.toThrow(
      `readTiff(${JSON.stringify(bom)}): not a TIFF file (bad byte-order mark 0x1234)`,
    );
    const png = path.join(FIXTURES, "png_u16", "0.png");
    await expect(readTiff(png)).rejects.toThrow(/not a TIFF file \(bad byte-order mark 0x8950\)/);
    const version = Buffer.from(fixture("u8.tif"));
    version.writeUInt16LE(41, 2);
    await expect(readTiff(save("version.tif", version))).rejects.toThrow(
      /bad version number 41, expected 42/,
    );
  });

  it("first IFD beyond the end of the file", async () => {
    const buf = Buffer.from(fixture("u8.tif"));
    buf.writeUInt32LE(buf.length + 100, 4);
    const file = save("ifd-beyond.tif", buf);
    await expect(readTiff(file)).rejects.toThrow(
      `readTiff(${JSON.stringify(file)}): truncated: the TIFF header's first-IFD offset (bytes 4-7) is ${buf.length + 100}, beyond the end of the file (size ${buf.length})`,
    );
  });

  it("file cut inside an IFD", async () => {
    const buf = fixture("u8.tif");
    const last = entries(buf)[4];
    const file = save("cut-ifd.tif", buf.subarray(0, last.ifd + 20));
    await expect(readTiff(file)).rejects.toThrow(
      new RegExp(
        `truncated: IFD 4 at offset ${last.ifd} needs \\d+ bytes but the file ends at ${last.ifd + 20}`,
      ),
    );
  });

  it("IFD chain that loops, IFD without entries", async () => {
    const buf = Buffer.from(fixture("u8.tif"));
    const e = entries(buf);
    buf.writeUInt32LE(e[1].ifd, e[3].next);
    await expect(readTiff(save("loop.tif", buf))).rejects.toThrow(
      `corrupt: the next-IFD link of IFD 3 points back to offset ${e[1].ifd} (IFD 1); the IFD chain loops`,
    );
    const zero = Buffer.from(fixture("u8.tif"));
    zero.writeUInt16LE(0, e[2].ifd);
    await expect(readTiff(save("zero.tif", zero))).rejects.toThrow(
      `corrupt: IFD 2 at offset ${e[2].ifd} has no entries`,
    );
  });
});

describe("pixel data errors", () => {
  it("uncompressed strip past the end of the file names the page", async () => {
    const buf = fixture("u16.tif");
    const offset = buf.length - 50;
    const file = save("strip-past-end.tif", patch(buf, 4, Tag.StripOffsets, offset));
    // IFDs are checked when opening; strips when their page is read.
    const s = await openTiff(file);
    await expect(s.readSlice(3)).resolves.toHaveLength(63);
    await expect(s.readSlice(4)).rejects.toThrow(
      `openTiff(${JSON.stringify(file)}): IFD 4 tag StripOffsets (273): truncated: strip 0 at offset ${offset} (126 bytes) runs past the end of the file (size ${buf.length})`,
    );
    await s.close();
  });

  it("compressed strip past the end, corrupt deflate data", async () => {
    const buf = fixture("u16_deflate.tif");
    const t = await TiffFile.open("test", path.join(FIXTURES, "u16_deflate.tif"));
    const [o4] = (await t.values(t.ifds[4], Tag.StripOffsets))!;
    const [c4] = (await t.values(t.ifds[4], Tag.StripByteCounts))!;
    const [o0] = (await t.values(t.ifds[0], Tag.StripOffsets))!;
    await t.close();
    const cut = save("cut-deflate.tif", buf.subarray(0, o4 + 10));
    await expect(readTiff(cut)).rejects.toThrow(
      `IFD 4 tag StripOffsets (273): truncated: strip 0 at offset ${o4} (${c4} bytes) runs past the end of the file`,
    );
    const garbled = Buffer.from(buf);
    garbled.fill(0xa5, o0 + 2, o0 + 40);
    await expect(readTiff(save("garbled.tif", garbled))).rejects.toThrow(
      /IFD 0 tag StripOffsets \(273\): strip 0 at offset \d+ \(\d+ bytes\): corrupt deflate data \(.+\)/,
    );
  });

  it("truncated LZW file is caught before decoding", async () => {
    const buf = fixture("u8_lzw.tif");
    const file = save("cut-lzw.tif", buf.subarray(0, buf.length - 30));
    await expect(readTiff(file)).rejects.toThrow(/truncated|beyond the end of the file/);
  });

  it("ImageJ single-IFD stack shorter than images=N", async () => {
    const buf = fixture("imagej_one_ifd.tif");
    const file = save("ij-cut.tif", buf.subarray(0, buf.length - 10));
    await expect(readTiff(file)).rejects.toThrow(
      new RegExp(
        `truncated: ImageJ description \\(IFD 0 tag ImageDescription \\(270\\)\\) field images="5" needs 315 bytes of pixel data from offset \\d+, but the file ends at ${buf.length - 10}`,
      ),
    );
  });

  it("uncompressed strip smaller than its rows, missing strip offsets", async () => {
    const small = patch(fixture("u8.tif"), 2, Tag.StripByteCounts, 20);
    await expect(readTiff(save("small-strip.tif", small))).rejects.toThrow(
      /IFD 2 tag StripByteCounts \(279\): strip 0 holds 20 bytes, expected 63/,
    );
    const buf = Buffer.from(fixture("u8.tif"));
    const pos = entries(buf)[1].at.get(Tag.StripOffsets)!;
    buf.writeUInt16LE(65000, pos); // rename the tag: entries stay sorted enough for this reader
    await expect(readTiff(save("no-offsets.tif", buf))).rejects.toThrow(
      /IFD 1 tag StripOffsets \(273\): required tag missing/,
    );
  });
});

describe("unsupported content", () => {
  it("64-bit integers and complex samples", async () => {
    const i64 = patch(
      patch(fixture("i32.tif"), 0, Tag.BitsPerSample, 64),
      0,
      Tag.StripByteCounts,
      504,
    );
    await expect(readTiff(save("i64.tif", i64))).rejects.toThrow(/unsupported sample type int64/);
    const complex = patch(fixture("f32.tif"), 0, Tag.SampleFormat, 6);
    await expect(readTiff(save("complex.tif", complex))).rejects.toThrow(
      /unsupported SampleFormat 6/,
    );
  });

  it("pages of different sizes are not one stack", async () => {
    const mixed = patch(fixture("u8.tif"), 3, Tag.ImageWidth, 8);
    await expect(readTiff(save("mixed.tif", mixed))).rejects.toThrow(
      /IFD 3 \(page 3\) is 7x8 uint8 \(1 samples\) but IFD 0 is 7x9 uint8 \(1 samples\) \(tags ImageLength, ImageWidth, BitsPerSample, SampleFormat, SamplesPerPixel\); not a single stack/,
    );
  });
});

describe("PNG stack errors", () => {
  const good = path.join(FIXTURES, "png_u16", "0.png");

  it("not a PNG, truncated PNG", async () => {
    const text = save("text.png", "hello");
    await expect(readPngStack([text])).rejects.toThrow(
      `readPngStack(${JSON.stringify(text)}): not a PNG file (bad signature)`,
    );
    const bytes = fs.readFileSync(good);
    const cut = save("cut.png", bytes.subarray(0, bytes.length - 40));
    await expect(readPngStack([cut])).rejects.toThrow(/cut\.png.*corrupt or truncated PNG/);
  });

  it("slices of different sizes or depths name the odd file", async () => {
    const sub = fs.mkdtempSync(path.join(dir, "png-"));
    fs.copyFileSync(good, path.join(sub, "0.png"));
    fs.copyFileSync(path.join(FIXTURES, "png_misc", "palette.png"), path.join(sub, "1.png"));
    await expect(readPngStack(sub)).rejects.toThrow(
      new RegExp(
        `readPngStack\\(${quoted(path.join(sub, "1.png"))}\\): slice 1 is 7x9 \\(ny x nx\\) 8-bit but slice 0 .* is 7x9 16-bit`,
      ),
    );
    const sub2 = fs.mkdtempSync(path.join(dir, "png-"));
    fs.copyFileSync(path.join(FIXTURES, "png_misc", "palette.png"), path.join(sub2, "a1.png"));
    fs.copyFileSync(path.join(FIXTURES, "png_rgb", "slice_000.png"), path.join(sub2, "a2.png"));
    await expect(readPngStack(sub2, { channel: 0 })).resolves.toMatchObject({ shape: [2, 7, 9] });
  });

  it("missing folder, empty folder, a file instead of a folder", async () => {
    await expect(readPngStack(path.join(dir, "nope"))).rejects.toThrow(/no such folder/);
    const empty = fs.mkdtempSync(path.join(dir, "empty-"));
    await expect(readPngStack(empty)).rejects.toThrow(/folder holds no \.png files/);
    await expect(readPngStack(good)).rejects.toThrow(/is a file, not a folder/);
    await expect(readPngStack([path.join(dir, "nope.png")])).rejects.toThrow(
      /nope\.png.*no such file/,
    );
  });
});
