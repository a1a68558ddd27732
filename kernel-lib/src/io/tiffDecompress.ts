/**
 * Decompression of one TIFF strip or tile into the number of bytes it must
 * hold. Every decoder is bounded by that size: deflate through node:zlib with
 * `maxOutputLength` (zlib checks the Adler-32 of the data), LZW and PackBits
 * by decoders that allocate the output once and stop when it is full.
 */
import { inflateSync } from "node:zlib";
import { decodeLzw } from "./lzw.js";

/** TIFF Compression codes the readers decode. */
export const Compression = {
  none: 1,
  lzw: 5,
  deflate: 8,
  adobeDeflate: 32946,
  packbits: 32773,
} as const;

/** Names of TIFF Compression codes, for messages and `TiffStack.compression`. */
export const COMPRESSION_NAMES: Record<number, string> = {
  1: "none",
  2: "ccitt-rle",
  3: "ccitt-g3",
  4: "ccitt-g4",
  5: "lzw",
  6: "jpeg-old",
  7: "jpeg",
  8: "deflate",
  32946: "deflate",
  32773: "packbits",
  34887: "lerc",
  34925: "lzma",
  50000: "zstd",
  50001: "webp",
};

/** Whether the readers decode Compression `code`. */
export function isSupportedCompression(code: number): boolean {
  return (
    code === Compression.none ||
    code === Compression.lzw ||
    code === Compression.deflate ||
    code === Compression.adobeDeflate ||
    code === Compression.packbits
  );
}

/**
 * The most bytes `compressed` bytes can decode to: deflate expands at most
 * 1032:1 (RFC 1951: a 258-byte match per 2 bits at best, plus block headers),
 * LZW codes of at least 9 bits emit at most 4096 bytes each, PackBits turns
 * 2 bytes into at most 128. Used to refuse, before allocating, a page whose
 * declared size its data cannot possibly hold.
 */
export function maxDecodedBytes(compression: number, compressed: number): number {
  switch (compression) {
    case Compression.none:
      return compressed;
    case Compression.deflate:
    case Compression.adobeDeflate:
      return compressed * 1032 + 64;
    case Compression.lzw:
      return Math.ceil((compressed * 8) / 9) * 4096;
    case Compression.packbits:
      return compressed * 64 + 128;
    default:
      return Infinity;
  }
}

/**
 * Decompress one strip or tile into an array of exactly `size` bytes (a fresh buffer owned by the caller, possibly unaligned).
 * @param compression - TIFF Compression code (one of {@link Compression}).
 * @param input - The stored bytes.
 * @param size - Bytes the strip or tile must decode to.
 * @param capacity - Bytes it may decode to at most (a last strip may be padded
 *   to full height); more is corrupt data. LZW and PackBits stop at `size`.
 *   @default size
 * @throws Error saying what is wrong with the data (corrupt, or decoding to
 *   fewer bytes than `size`); the caller adds the file and the field.
 */
export function decompress(
  compression: number,
  input: Uint8Array,
  size: number,
  capacity = size,
): Uint8Array {
  switch (compression) {
    case Compression.lzw:
      return decodeLzw(input, size);
    case Compression.packbits:
      return decodePackBits(input, size);
    case Compression.deflate:
    case Compression.adobeDeflate:
      return inflate(input, size, Math.max(size, capacity));
    default:
      throw new Error(`internal: no decoder for compression ${compression}`);
  }
}

/** zlib data (RFC 1950, Adler-32 checked) into exactly `size` bytes, refusing more than `capacity`. */
function inflate(input: Uint8Array, size: number, capacity: number): Uint8Array {
  let raw: Buffer;
  try {
    raw = inflateSync(input, { maxOutputLength: Math.max(capacity, 1) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) {
      throw new Error(
        `corrupt deflate data: decode to more than ${capacity} bytes, expected ${size}`,
      );
    }
    throw new Error(`corrupt deflate data (${err.message})`);
  }
  if (raw.length < size) {
    throw new Error(`corrupt deflate data: decode to ${raw.length} bytes, expected ${size}`);
  }
  return raw.length === size ? raw : raw.subarray(0, size); // possibly unaligned: callers copy when they need typed views
}

/**
 * PackBits (TIFF 6.0 section 9) into exactly `size` bytes: a header byte n in
 * 0..127 copies the next n + 1 bytes, -127..-1 repeats the next byte 1 - n
 * times, -128 is skipped. Decoding stops when `size` bytes are out.
 */
export function decodePackBits(input: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let pos = 0;
  let i = 0;
  while (pos < size) {
    if (i >= input.length) {
      throw new Error(`corrupt PackBits data: decode to ${pos} bytes, expected ${size}`);
    }
    const n = (input[i++] << 24) >> 24; // as int8
    if (n >= 0) {
      const count = n + 1;
      if (i + count > input.length) {
        throw new Error(
          `corrupt PackBits data: a literal run of ${count} bytes at byte ${i - 1} runs past the end of the data (${input.length} bytes)`,
        );
      }
      const take = Math.min(count, size - pos);
      out.set(input.subarray(i, i + take), pos);
      pos += take;
      i += count;
    } else if (n !== -128) {
      if (i >= input.length) {
        throw new Error(
          `corrupt PackBits data: a repeat run at byte ${i - 1} has no byte to repeat`,
        );
      }
      const count = Math.min(1 - n, size - pos);
      out.fill(input[i++], pos, pos + count);
      pos += count;
    }
  }
  return out;
}
