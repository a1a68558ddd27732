/**
 * tomolab's checked blosc / zstd / lz4 decoders (kernel-lib/src/io/bloscDecode.ts): every
 * frame numcodecs' blosc encoder writes (zstd, lz4, lz4hc, zlib inside; byte shuffle or
 * none; several block sizes) decodes to the encoded bytes; damaged frames are errors.
 */
import { Blosc, Zstd } from "numcodecs";
import { describe, expect, it } from "vitest";
import { bloscDecode, lz4DecodeBlock, zstdDecodeExact } from "../../kernel-lib/src/io/bloscDecode.js";

/** Bytes with structure (compressible) and some noise, `len` long. */
const sample = (len: number, period: number) =>
  Uint8Array.from({ length: len }, (_, i) => (Math.floor(i / period) * 7 + (i % period) * 3 + (i % 97 === 0 ? 55 : 0)) & 255);

describe("bloscDecode", () => {
  it("decodes what numcodecs' blosc encodes (zstd, lz4, lz4hc, zlib; shuffle 0/1; split and unsplit blocks, leftover blocks)", async () => {
    let compressed = 0;
    for (const cname of ["zstd", "lz4", "lz4hc", "zlib"])
      for (const shuffle of [0, 1])
        for (const [len, blocksize] of [[100, 0], [5000, 0], [40000, 0], [300000, 0], [4097, 1000], [999, 256]]) {
          const data = sample(len, 1 + (len % 5));
          const frame = await Blosc.fromConfig({ cname, clevel: 5, shuffle, blocksize }).encode(data);
          if (!(frame[2] & 0x02)) compressed++;
          expect(Buffer.from(await bloscDecode(frame, len)).equals(Buffer.from(data)), `${cname} shuffle ${shuffle} ${len}`).toBe(true);
        }
    expect(compressed).toBeGreaterThan(30); // most frames are really compressed, not stored
  });

  it("refuses what it does not decode (blosclz, bit shuffle) and damaged frames, with the field named", async () => {
    const data = sample(5000, 4);
    await expect(bloscDecode(await Blosc.fromConfig({ cname: "blosclz", clevel: 5, shuffle: 1, blocksize: 0 }).encode(data), 5000)).rejects.toThrow(/blosc compressor blosclz/);
    await expect(bloscDecode(await Blosc.fromConfig({ cname: "lz4", clevel: 5, shuffle: 2, blocksize: 0 }).encode(data), 5000)).rejects.toThrow(/blosc bit shuffle/);
    const frame = await Blosc.fromConfig({ cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }).encode(data);
    await expect(bloscDecode(frame, 4999)).rejects.toThrow(/blosc header declares 5000 decoded bytes, expected 4999/);
    // found by fuzzing: flag bit 3 on a memcpyed frame made numcodecs' decoder return heap bytes
    const stored = await Blosc.fromConfig({ cname: "zstd", clevel: 5, shuffle: 1, blocksize: 0 }).encode(sample(24, 2));
    expect(stored[2] & 0x02).toBe(2);
    stored[2] |= 0x08;
    await expect(bloscDecode(stored, 24)).rejects.toThrow(/blosc header flags 0x9b: bit 3 is not a c-blosc 1\.x flag/);
    stored[2] &= ~0x08;
    stored[0] = 3;
    await expect(bloscDecode(stored, 24)).rejects.toThrow(/blosc header format version 3, expected 2/);
    // Every single-byte change after the header and offsets either decodes to something or is
    // an error; never a throw of another kind, and the same answer every time (no heap bytes).
    let errors = 0;
    for (let at = 20; at < frame.length; at += 3) {
      const bad = Uint8Array.from(frame);
      bad[at] ^= 0x5a;
      const a = await bloscDecode(bad, 5000).catch((e: Error) => e.message);
      const b = await bloscDecode(bad, 5000).catch((e: Error) => e.message);
      expect(typeof a === "string" ? a : Buffer.from(a).toString("hex")).toBe(typeof b === "string" ? b : Buffer.from(b).toString("hex"));
      if (typeof a === "string") {
        errors++;
        expect(a).toMatch(/^(blosc block \d+|blosc header)/);
      }
    }
    expect(errors).toBeGreaterThan(0);
  });

  it("lz4DecodeBlock: a hand-made block; malformed blocks are errors", () => {
    // token 0x31: 3 literals "abc", then a match of 1 + 4 = 5 bytes at offset 3; last sequence 1 literal "d"
    const block = Uint8Array.from([0x31, 97, 98, 99, 3, 0, 0x10, 100]);
    expect(new TextDecoder().decode(lz4DecodeBlock(block, 9))).toBe("abcabcabd");
    expect(() => lz4DecodeBlock(block, 7)).toThrow(/match past the decoded size 7/);
    expect(() => lz4DecodeBlock(block, 8)).toThrow(/literals past the decoded size 8/);
    expect(() => lz4DecodeBlock(Uint8Array.from([0x31, 97, 98, 99, 9, 0, 0x10, 100]), 9)).toThrow(/match offset 9 before the start/);
    expect(() => lz4DecodeBlock(Uint8Array.from([0xf0]), 9)).toThrow(/length runs past the end/);
    expect(() => lz4DecodeBlock(Uint8Array.from([0x30, 97, 98, 99]), 9)).toThrow(/decodes to 3 bytes, expected 9/);
  });

  it("zstdDecodeExact: frames must declare their size, adding up to the expected one", async () => {
    const data = sample(3000, 3);
    const frame = await new Zstd(3).encode(data);
    expect(Buffer.from(await zstdDecodeExact(frame, 3000)).equals(Buffer.from(data))).toBe(true);
    const two = new Uint8Array(2 * frame.length);
    two.set(frame);
    two.set(frame, frame.length);
    expect((await zstdDecodeExact(two, 6000)).length).toBe(6000);
    await expect(zstdDecodeExact(two, 3000)).rejects.toThrow(/declare 6000 decoded bytes or more, expected 3000/);
    const noSize = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x50, 0x03, 0x00, 0x00, 5]);
    await expect(zstdDecodeExact(noSize, 10)).rejects.toThrow(/does not declare its decoded size/);
  });
});
