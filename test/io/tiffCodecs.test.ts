/**
 * The bounded TIFF decoders: LZW (against an encoder written here from TIFF
 * 6.0 section 13 and libtiff's tif_lzw.c conventions, and against corrupt
 * code streams), PackBits (the example of TIFF 6.0 section 9), deflate
 * (zlib's Adler-32 and an output bound).
 */
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeLzw } from "../../kernel-lib/src/io/lzw.js";
import {
  decodePackBits,
  decompress,
  maxDecodedBytes,
} from "../../kernel-lib/src/io/tiffDecompress.js";
import { packCodes } from "./tiffBuilder.js";

/**
 * TIFF LZW encoder: 9-bit codes after Clear, one bit wider when the next free
 * code reaches 512, 1024, 2048 (the decoder widens one code early, at 511, ...
 * since its table lags one entry), Clear when the next free code reaches 4094
 * (as libtiff), the last code counted as an entry before the end code.
 */
function encodeLzw(data: Uint8Array): Uint8Array {
  const codes: { code: number; width: number }[] = [];
  let table = new Map<number, number>();
  let next = 258;
  let width = 9;
  const emit = (code: number) => codes.push({ code, width });
  const grow = () => {
    next++;
    if (next === 4094) {
      emit(256);
      table = new Map();
      next = 258;
      width = 9;
    } else if (next >= 1 << width && width < 12) width++;
  };
  emit(256);
  let w = -1;
  for (const b of data) {
    if (w < 0) {
      w = b;
      continue;
    }
    const key = w * 256 + b;
    const hit = table.get(key);
    if (hit !== undefined) {
      w = hit;
      continue;
    }
    emit(w);
    table.set(key, next);
    grow();
    w = b;
  }
  if (w >= 0) {
    emit(w);
    grow();
  }
  emit(257);
  return packCodes(codes);
}

/** A deterministic byte sequence (xorshift32). */
function noise(n: number, seed: number, levels = 256): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s % levels;
  }
  return out;
}

describe("decodeLzw", () => {
  it.each([
    ["random bytes, table refilled after Clear codes", noise(40000, 7)],
    ["few levels: long strings, 12-bit codes", noise(30000, 3, 3)],
    [
      "one byte repeated: every code is the entry being built (KwKwK)",
      new Uint8Array(5000).fill(65),
    ],
    ["a single byte", new Uint8Array([200])],
  ])("round-trips %s", (_, data) => {
    const packed = encodeLzw(data);
    expect(Array.from(decodeLzw(packed, data.length))).toEqual(Array.from(data));
  });

  it("stops at the expected size: extra codes cannot make the output grow", () => {
    const data = noise(20000, 11);
    const out = decodeLzw(encodeLzw(data), 100);
    expect(out.length).toBe(100);
    expect(Array.from(out)).toEqual(Array.from(data.subarray(0, 100)));
  });

  it("refuses a code that refers to an entry not yet defined (the stream that made geotiff loop until abort)", () => {
    // Clear, 'A', then 259 while the next free entry is 258: geotiff's decoder
    // built an entry pointing at itself from this and looped forever.
    const codes = [256, 65, 259, 258, 259, 257].map((code) => ({ code, width: 9 }));
    expect(() => decodeLzw(packCodes(codes), 64)).toThrow(
      /corrupt LZW data: code 259 at bit 18 refers to a table entry not yet defined \(next free entry 258\)/,
    );
  });

  it("refuses a non-literal first code, data that end early, and old-style LZW", () => {
    const w9 = (...c: number[]) => packCodes(c.map((code) => ({ code, width: 9 })));
    expect(() => decodeLzw(w9(256, 300, 257), 4)).toThrow(/code 300 .* follows a Clear code/);
    expect(() => decodeLzw(w9(256, 65, 66, 257), 4)).toThrow(
      /decoded 2 bytes, expected 4 \(end code came early\)/,
    );
    expect(() => decodeLzw(w9(256, 65, 66), 4)).toThrow(
      /decoded 2 bytes, expected 4 \(data end without an end code\)/,
    );
    expect(() => decodeLzw(new Uint8Array([0, 1, 2, 3]), 4)).toThrow(/old-style/);
  });
});

describe("decodePackBits", () => {
  it("decodes the example of TIFF 6.0 section 9", () => {
    const packed = [
      0xfe, 0xaa, 0x02, 0x80, 0x00, 0x2a, 0xfd, 0xaa, 0x03, 0x80, 0x00, 0x2a, 0x22, 0xf7, 0xaa,
    ];
    const unpacked = [
      0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0xaa, 0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0x22, 0xaa,
      0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    ];
    expect(Array.from(decodePackBits(new Uint8Array(packed), unpacked.length))).toEqual(unpacked);
    // -128 is a no-op; output stops at the requested size.
    expect(Array.from(decodePackBits(new Uint8Array([0x80, 0xf9, 7]), 3))).toEqual([7, 7, 7]);
  });

  it("refuses runs past the end of the data and data too short", () => {
    expect(() => decodePackBits(new Uint8Array([5, 1, 2]), 6)).toThrow(
      /a literal run of 6 bytes at byte 0 runs past the end of the data \(3 bytes\)/,
    );
    expect(() => decodePackBits(new Uint8Array([0xff]), 2)).toThrow(/no byte to repeat/);
    expect(() => decodePackBits(new Uint8Array([0, 9]), 2)).toThrow(
      /decode to 1 bytes, expected 2/,
    );
  });
});

describe("deflate strips", () => {
  it("checks the Adler-32 of the data", () => {
    const data = noise(100, 5);
    const packed = deflateSync(data, { level: 0 }); // stored block: a flipped data bit still inflates
    const flipped = Uint8Array.from(packed);
    flipped[20] ^= 1;
    expect(Array.from(decompress(8, packed, 100))).toEqual(Array.from(data));
    expect(() => decompress(8, flipped, 100)).toThrow(
      /corrupt deflate data \(incorrect data check\)/,
    );
  });

  it("bounds the output: a zlib bomb is refused, not inflated", () => {
    const bomb = deflateSync(new Uint8Array(50_000_000), { level: 9 }); // ~49 kB
    expect(() => decompress(8, bomb, 63, 63)).toThrow(/decode to more than 63 bytes, expected 63/);
    expect(() => decompress(8, deflateSync(new Uint8Array(10)), 63)).toThrow(
      /decode to 10 bytes, expected 63/,
    );
  });

  it("maxDecodedBytes bounds each codec's expansion", () => {
    const zeros = new Uint8Array(1 << 20);
    expect(deflateSync(zeros, { level: 9 }).length * 1032 + 64).toBeGreaterThanOrEqual(
      zeros.length,
    );
    expect(maxDecodedBytes(8, 10)).toBe(10 * 1032 + 64);
    expect(maxDecodedBytes(1, 10)).toBe(10);
    expect(maxDecodedBytes(32773, 2)).toBe(2 * 64 + 128);
    expect(maxDecodedBytes(5, 9)).toBe(8 * 4096);
  });
});
