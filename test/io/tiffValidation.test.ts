/**
 * Hostile and corrupt TIFF headers (issue 10): every IFD field is checked
 * against TIFF 6.0 / BigTIFF before any pixel is read or any memory is
 * allocated, and each error names the file, the IFD and the tag. Each case
 * here returned garbage, ran for minutes, or killed the process before.
 */
import fs from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { openTiff, readTiff } from "../../kernel-lib/src/io/index.js";
import { Tag } from "../../kernel-lib/src/io/tiffTags.js";
import { FIXTURES, expected, firstMismatch, tempDir } from "./helpers.js";
import { buildTiff, grayEntries, ifdLayout, packCodes, patchEntry } from "./tiffBuilder.js";

const dir = tempDir("validation");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));

function save(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** The exact message: the call, the file, then the problem. */
const msg = (fn: string, file: string, problem: string) =>
  `${fn}(${JSON.stringify(file)}): ${problem}`;

describe("LZW data that made geotiff's decoder loop until the process aborted", () => {
  it("a small LZW TIFF whose codes reference the table entry being built is rejected", async () => {
    const strip = packCodes([256, 65, 259, 258, 259, 257].map((code) => ({ code, width: 9 })));
    const bytes = buildTiff([{ entries: grayEntries(8, 8, { compression: 5 }), strips: [strip] }]);
    expect(bytes.length).toBeLessThan(140);
    const file = save("lzw-loop.tif", bytes);
    const problem =
      "IFD 0 tag StripOffsets (273): strip 0 at offset 8 (7 bytes): corrupt LZW data: code 259 at bit 18 refers to a table entry not yet defined (next free entry 258)";
    await expect(readTiff(file)).rejects.toThrow(msg("readTiff", file, problem));
    const lazy = await openTiff(file); // page 0's strips lie inside the file: the data are decoded on read
    await expect(lazy.readSlice(0)).rejects.toThrow(msg("openTiff", file, problem));
    await lazy.close();
  });
});

describe("decoders are bounded by the size the strip must have", () => {
  it("a deflate strip that inflates to 50 MB for a 63-byte page is refused (it used to be inflated whole and accepted)", async () => {
    const bomb = deflateSync(new Uint8Array(50_000_000), { level: 9 });
    const bytes = buildTiff([{ entries: grayEntries(9, 7, { compression: 8 }), strips: [bomb] }]);
    const file = save("bomb.tif", bytes);
    await expect(readTiff(file)).rejects.toThrow(
      /IFD 0 tag StripOffsets \(273\): strip 0 at offset 8 \(\d+ bytes\): corrupt deflate data: decode to more than 63 bytes, expected 63/,
    );
  });
});

describe("fields of an unexpected type, count or value", () => {
  it("a FLOAT StripOffsets is refused (it used to read the file header as pixels)", async () => {
    const file = save(
      "float-offsets.tif",
      patchEntry(fixture("u8.tif"), 0, Tag.StripOffsets, { type: 11 }),
    );
    const problem =
      "IFD 0 tag StripOffsets (273): expected type BYTE, SHORT or LONG, received FLOAT";
    await expect(readTiff(file)).rejects.toThrow(msg("readTiff", file, problem));
    await expect(openTiff(file)).rejects.toThrow(msg("openTiff", file, problem));
  });

  it("a FLOAT RowsPerStrip of 1e-30 is refused at once", async () => {
    const bytes = patchEntry(fixture("u8_lzw.tif"), 0, Tag.RowsPerStrip, { type: 11, f32: 1e-30 });
    const file = save("float-rows.tif", bytes);
    await expect(readTiff(file)).rejects.toThrow(
      msg(
        "readTiff",
        file,
        "IFD 0 tag RowsPerStrip (278): expected type BYTE, SHORT or LONG, received FLOAT",
      ),
    );
  });

  it("a count of 939,524,097 is refused for the tags read, ignored for the others", async () => {
    const base = fixture("u8.tif");
    const counts = save(
      "huge-count.tif",
      patchEntry(base, 0, Tag.StripByteCounts, { count: 939_524_097 }),
    );
    await expect(readTiff(counts)).rejects.toThrow(
      new RegExp(
        `IFD 0 tag StripByteCounts \\(279\\): value of 939524097 LONG \\(3758096388 bytes\\) at offset 63 runs past the end of the file \\(size ${base.length}\\)`,
      ),
    );
    const width = save(
      "huge-count-width.tif",
      patchEntry(base, 0, Tag.ImageWidth, { count: 939_524_097 }),
    );
    await expect(readTiff(width)).rejects.toThrow(
      "IFD 0 tag ImageWidth (256): expected count 1, received count 939524097",
    );
    // Software (305) is not read: its broken count is ignored and the voxels are the file's.
    const software = save(
      "huge-count-software.tif",
      patchEntry(base, 0, Tag.Software, { count: 939_524_097 }),
    );
    const v = await readTiff(software);
    expect(firstMismatch(v.data, expected("u8", 5 * 63))).toBeNull();
  });

  it("64-bit types in classic TIFF, duplicate tags, unsupported compression", async () => {
    const long8 = save(
      "long8.tif",
      patchEntry(fixture("u8.tif"), 1, Tag.StripOffsets, { type: 16 }),
    );
    await expect(readTiff(long8)).rejects.toThrow(
      "IFD 1 tag StripOffsets (273): expected type BYTE, SHORT or LONG, received LONG8 (64-bit types exist only in BigTIFF)",
    );
    const dup = fixture("u8.tif");
    const pos = ifdLayout(dup)[0].at.get(Tag.SamplesPerPixel)!;
    new DataView(dup.buffer).setUint16(pos, Tag.Compression, true); // a second Compression entry
    new DataView(dup.buffer).setUint16(pos + 8, 5, true); // saying LZW, the first says none
    await expect(readTiff(save("dup.tif", dup))).rejects.toThrow(
      "IFD 0 tag Compression (259): appears twice in the IFD, with different values",
    );
    // The same tag twice with the same value is ignored, as libtiff does.
    const same = fixture("u8.tif");
    const layout = ifdLayout(same)[0];
    const from = layout.at.get(Tag.Compression)!;
    same.copyWithin(layout.at.get(Tag.Photometric)!, from, from + 12);
    const v = await readTiff(save("dup-same.tif", same));
    expect(firstMismatch(v.data, expected("u8", 5 * 63))).toBeNull();
    const jpeg = save("jpeg.tif", patchEntry(fixture("u8.tif"), 0, Tag.Compression, { u16: 7 }));
    await expect(readTiff(jpeg)).rejects.toThrow(
      /IFD 0 tag Compression \(259\): unsupported compression 7 \(jpeg\); tomolab reads uncompressed, LZW, deflate and PackBits TIFF/,
    );
  });

  it("one strip offset per strip: RowsPerStrip 1 with a single strip is refused", async () => {
    const file = save("rows.tif", patchEntry(fixture("u8.tif"), 0, Tag.RowsPerStrip, { u32: 1 }));
    await expect(readTiff(file)).rejects.toThrow(
      "IFD 0 tag StripOffsets (273): expected 7 values (one per strip: ImageLength 7 / RowsPerStrip 1), received 1",
    );
  });
});

describe("strips must hold pixel data, not the file's structure", () => {
  it("a strip offset pointing at an IFD or the header is refused, also lazily", async () => {
    const base = fixture("u8.tif");
    const ifd0 = ifdLayout(base)[0].ifd;
    const file = save("strip-on-ifd.tif", patchEntry(base, 2, Tag.StripOffsets, { u32: ifd0 }));
    const s = await openTiff(file);
    await expect(s.readSlice(1)).resolves.toHaveLength(63);
    await expect(s.readSlice(2)).rejects.toThrow(
      msg(
        "openTiff",
        file,
        `IFD 2 tag StripOffsets (273): corrupt: strip 0 at offset ${ifd0} (63 bytes) overlaps IFD 0`,
      ),
    );
    await s.close();
    const header = save("strip-on-header.tif", patchEntry(base, 0, Tag.StripOffsets, { u32: 0 }));
    await expect(readTiff(header)).rejects.toThrow(
      "IFD 0 tag StripOffsets (273): corrupt: strip 0 at offset 0 (63 bytes) overlaps the TIFF header",
    );
  });
});

describe("image sizes are checked against the data and the memory budget before allocating", () => {
  /** One 60000 x 60000 page whose single strip holds 10 bytes. */
  const huge = (compression: number) =>
    buildTiff([
      { entries: grayEntries(60000, 60000, { compression }), strips: [new Uint8Array(10)] },
    ]);

  it("a header claiming 3.6 GB per slice with 10 bytes of data is refused", async () => {
    const plain = save("huge-plain.tif", huge(1));
    await expect(readTiff(plain)).rejects.toThrow(
      "IFD 0 tag StripByteCounts (279): strip 0 holds 10 bytes, expected 3600000000 (its rows of 60000 bytes)",
    );
    const deflate = save("huge-deflate.tif", huge(8));
    await expect(openTiff(deflate)).rejects.toThrow(
      "IFD 0 tag StripByteCounts (279): strip 0: 10 bytes of deflate data cannot hold the 3600000000 bytes of its rows",
    );
  });

  it("maxBytes: the error says how much would be needed", async () => {
    const file = save("huge-budget.tif", huge(1));
    await expect(openTiff(file, { maxBytes: 2 ** 30 })).rejects.toThrow(
      /openTiff\(.*\): one slice \(60000 x 60000 uint8\) would need 6\.7 GiB, more than the memory budget of 1\.0 GiB \(option maxBytes; default half of this machine's memory\)/,
    );
    const u16 = path.join(FIXTURES, "u16.tif");
    await expect(readTiff(u16, { maxBytes: 500 })).rejects.toThrow(
      /the volume \(5 x 7 x 9 uint16\) would need 630 B, more than the memory budget of 500 B.*\{ pages \}/,
    );
    await expect(readTiff(u16, { maxBytes: 500, pages: [0, 2] })).resolves.toMatchObject({
      shape: [2, 7, 9],
    });
    await expect(readTiff(u16, { maxBytes: -1 })).rejects.toThrow(
      new RangeError("`maxBytes` must be a number > 0, received -1"),
    );
  });
});

describe("ImageJ descriptions that claim more images than the file holds", () => {
  const ij = (name: string, from: string, to: string) => {
    const text = Buffer.from(fixture(name)).toString("latin1");
    expect(text.includes(from)).toBe(true);
    return Buffer.from(text.replace(from, to), "latin1");
  };

  it("images=6 over 5 pages is refused (it used to return IFD bytes as slice 6)", async () => {
    const file = save(
      "ij-six.tif",
      ij("imagej_u16_um.tif", "images=5\nslices=5", "images=6\nslices=6"),
    );
    await expect(readTiff(file)).rejects.toThrow(
      msg(
        "readTiff",
        file,
        'ImageJ description (IFD 0 tag ImageDescription (270)) field images="6": the description says 6 images but the file has 5 pages',
      ),
    );
  });

  it("a single-IFD stack whose claimed planes would run over the IFD is refused", async () => {
    const description = "ImageJ=1.54f\nimages=3\nslices=3\n\0";
    const entries = [
      ...grayEntries(9, 7),
      {
        tag: Tag.ImageDescription,
        type: 2,
        values: [...description].map((ch) => ch.charCodeAt(0)),
      },
    ];
    // Header, one 63-byte plane, then the IFD: planes 2 and 3 would be the IFD's bytes.
    const file = save(
      "ij-one-ifd-overlap.tif",
      buildTiff([{ entries, strips: [new Uint8Array(63)] }]),
    );
    await expect(readTiff(file)).rejects.toThrow(
      /field images="3": the 3 planes of 63 bytes from offset 8 would overlap IFD 0; the file holds fewer images/,
    );
  });

  it("a calibrated stack with a zero resolution is refused, naming the tag", async () => {
    const description = "ImageJ=1.54f\nunit=um\n\0";
    const entries = [
      ...grayEntries(9, 7),
      {
        tag: Tag.ImageDescription,
        type: 2,
        values: [...description].map((ch) => ch.charCodeAt(0)),
      },
      { tag: Tag.XResolution, type: 5, values: [0, 1] },
    ];
    const file = save("ij-zero-res.tif", buildTiff([{ entries, strips: [new Uint8Array(63)] }]));
    await expect(readTiff(file)).rejects.toThrow(
      "IFD 0 tag XResolution (282): expected a positive number of pixels per um, received 0/1",
    );
  });
});
