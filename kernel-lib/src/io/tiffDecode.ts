/**
 * Decoding the pixels of one validated TIFF page (see tiffPage.ts) into one
 * channel of an output plane: strips or tiles, chunky or planar samples,
 * uncompressed / LZW / deflate / PackBits, horizontal-differencing and
 * floating-point predictors (TIFF 6.0 section 14; Adobe Photoshop TIFF
 * Technical Note 3), 1-32 bit unsigned, 8/16/32 bit signed, 16/32/64 bit
 * float samples, either byte order. Decoders are bounded by the strip/tile
 * size, so corrupt data give an error, never a loop or a huge allocation.
 */
import { endianness } from "node:os";
import type { VoxelArray } from "../volume/types.js";
import { Compression, decompress } from "./tiffDecompress.js";
import type { TiffFile } from "./tiffFile.js";
import { chunkKind, chunkNeed, type TiffChunks, type TiffPage } from "./tiffPage.js";

const PLATFORM_LE = endianness() === "LE";

/**
 * Decode sample `channel` of `page` into `out[at .. at + width * height)`
 * (x fastest). `chunks` are the page's validated strip/tile arrays.
 */
export async function decodePage(
  file: TiffFile,
  page: TiffPage,
  chunks: TiffChunks,
  channel: number,
  out: VoxelArray,
  at: number,
): Promise<void> {
  const perPlane = page.across * page.down;
  const first = page.planar === 2 ? channel * perPlane : 0;
  const c = page.planar === 2 ? 0 : channel;
  if (fastPath(page)) {
    await readPlainStrips(file, page, chunks, first, out, at);
    return;
  }
  for (let k = 0; k < perPlane; k++) {
    const index = first + k;
    const raw = await chunkBytes(file, page, chunks, index);
    const x0 = (k % page.across) * page.chunkWidth;
    const y0 = Math.floor(k / page.across) * page.chunkHeight;
    const rows = Math.min(page.chunkHeight, page.height - y0);
    const cols = Math.min(page.chunkWidth, page.width - x0);
    place(page, raw, c, rows, cols, out, at + y0 * page.width + x0, file.littleEndian);
  }
}

/** The bytes of strip/tile `k` after decompression and predictor (file byte order unless predictor 3). */
async function chunkBytes(
  file: TiffFile,
  page: TiffPage,
  chunks: TiffChunks,
  k: number,
): Promise<Uint8Array> {
  const need = chunkNeed(page, k);
  const kind = chunkKind(page);
  const where = `IFD ${page.ifd.index} ${kind} ${k}`;
  const stored = page.compression === Compression.none ? need : chunks.counts[k];
  const input = await file.bytes(chunks.offsets[k], stored, where);
  if (page.compression === Compression.none) return input;
  let raw: Uint8Array;
  try {
    raw = decompress(page.compression, input, need, page.chunkHeight * page.rowBytes);
  } catch (e) {
    const tag = page.tiled ? "TileOffsets (324)" : "StripOffsets (273)";
    throw file.error(
      `IFD ${page.ifd.index} tag ${tag}: ${kind} ${k} at offset ${chunks.offsets[k]} (${stored} bytes): ${(e as Error).message}`,
    );
  }
  if (page.predictor !== 1) {
    if (raw.byteOffset % 8 !== 0) raw = raw.slice(); // typed views below need aligned samples
    const rows = need / page.rowBytes;
    const size = page.bits / 8;
    if (page.predictor === 2) {
      if (size > 1 && file.littleEndian !== PLATFORM_LE) swapBytes(raw, size);
      undoDifferencing(raw, page, rows);
      if (size > 1 && file.littleEndian !== PLATFORM_LE) swapBytes(raw, size); // back to file order
    } else {
      undoFloatPredictor(raw, page, rows);
    }
  }
  return raw;
}

/** Uncompressed (or deflate) single-sample strips of whole-byte samples: the common case, read with few copies. */
function fastPath(page: TiffPage): boolean {
  return (
    !page.tiled &&
    page.chunkSamples === 1 &&
    (page.compression === Compression.none ||
      page.compression === Compression.deflate ||
      page.compression === Compression.adobeDeflate) &&
    page.predictor !== 3 &&
    [8, 16, 32, 64].includes(page.bits) &&
    page.sampleType !== "float16"
  );
}

/**
 * Read whole-byte single-sample strips straight into the output when the
 * stored type is the output type (else through one scratch plane), merging
 * uncompressed strips that follow each other into single reads.
 */
async function readPlainStrips(
  file: TiffFile,
  page: TiffPage,
  chunks: TiffChunks,
  first: number,
  out: VoxelArray,
  at: number,
): Promise<void> {
  const size = page.bits / 8;
  const planeBytes = page.width * page.height * size;
  const sameType = page.sampleType === page.dtype;
  const bytes = sameType
    ? new Uint8Array(out.buffer, out.byteOffset + at * out.BYTES_PER_ELEMENT, planeBytes)
    : new Uint8Array(planeBytes);
  const stripBytes = page.chunkHeight * page.rowBytes;
  if (page.compression === Compression.none) {
    let s = 0;
    while (s < page.down) {
      const begin = s;
      const offset = chunks.offsets[first + s];
      let length = 0;
      while (s < page.down && (s === begin || chunks.offsets[first + s] === offset + length)) {
        length += chunkNeed(page, first + s);
        s++;
      }
      const from = begin * stripBytes;
      await file.bytes(
        offset,
        length,
        `IFD ${page.ifd.index} strip ${first + begin}`,
        bytes.subarray(from, from + length),
      );
    }
  } else {
    for (let s = 0; s < page.down; s++) {
      const raw = await chunkBytes(file, page, chunks, first + s);
      bytes.set(raw, s * stripBytes);
    }
  }
  if (size > 1 && file.littleEndian !== PLATFORM_LE) swapBytes(bytes, size);
  if (!sameType) (out as Float32Array).set(typedView(bytes, page.sampleType), at);
}

/** Typed arrays of the whole-byte stored types that native-order bytes can be viewed as directly. */
const VIEW_TYPES = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

/** Whether `sampleType` is a whole-byte type whose native-order bytes {@link typedView} views in place. */
export function isDirectType(sampleType: string): sampleType is keyof typeof VIEW_TYPES {
  return Object.hasOwn(VIEW_TYPES, sampleType);
}

/**
 * A typed view of native-order samples of a whole-byte stored type (`float16`
 * samples are converted to a new Float32Array).
 */
export function typedView(bytes: Uint8Array, sampleType: string): ArrayLike<number> {
  if (sampleType === "float16")
    return halfView(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2));
  if (!isDirectType(sampleType)) throw new Error(`internal: no typed view for ${sampleType}`);
  const View = VIEW_TYPES[sampleType];
  const buffer = bytes.buffer as ArrayBuffer; // a SharedArrayBuffer views the same way
  return new View(buffer, bytes.byteOffset, bytes.byteLength / View.BYTES_PER_ELEMENT);
}

/**
 * Copy sample `c` of a decoded strip/tile (`rows` x `cols` pixels kept of
 * chunkWidth per row) into `out` starting at `dst`, rows `page.width` apart.
 * `raw` is in file byte order except after the floating-point predictor.
 */
function place(
  page: TiffPage,
  raw: Uint8Array,
  c: number,
  rows: number,
  cols: number,
  out: VoxelArray,
  dst: number,
  littleEndian: boolean,
): void {
  const spp = page.chunkSamples;
  const bits = page.bits;
  if (bits % 8 === 0 && bits !== 24) {
    const size = bits / 8;
    const data = raw.byteOffset % size === 0 ? raw : raw.slice();
    if (size > 1 && page.predictor !== 3 && littleEndian !== PLATFORM_LE) swapBytes(data, size);
    const view = typedView(data, page.sampleType);
    const stride = page.chunkWidth * spp;
    for (let r = 0; r < rows; r++) {
      const src = r * stride + c;
      const to = dst + r * page.width;
      if (spp === 1 && ArrayBuffer.isView(view)) {
        (out as Float32Array).set((view as Float32Array).subarray(src, src + cols), to);
      } else {
        for (let x = 0; x < cols; x++) out[to + x] = view[src + x * spp];
      }
    }
    return;
  }
  if (bits === 24) {
    // 24-bit unsigned samples: byte triples in file byte order.
    for (let r = 0; r < rows; r++) {
      const row = r * page.rowBytes;
      const to = dst + r * page.width;
      for (let x = 0; x < cols; x++) {
        const p = row + 3 * (x * spp + c);
        out[to + x] = littleEndian
          ? raw[p] | (raw[p + 1] << 8) | (raw[p + 2] << 16)
          : (raw[p] << 16) | (raw[p + 1] << 8) | raw[p + 2];
      }
    }
    return;
  }
  // Other widths (1-7, 9-15, 17-23, 25-31 bits): a most-significant-bit-first
  // bit stream per row, rows padded to whole bytes (TIFF 6.0 p. 30; libtiff, tifffile).
  for (let r = 0; r < rows; r++) {
    const row = r * page.rowBytes;
    const to = dst + r * page.width;
    for (let x = 0; x < cols; x++) {
      out[to + x] = readBits(raw, row * 8 + (x * spp + c) * bits, bits);
    }
  }
}

/** `width` (1-32) bits at bit position `pos`, most significant bit first. */
function readBits(bytes: Uint8Array, pos: number, width: number): number {
  let value = 0;
  let left = width;
  let p = pos;
  while (left > 0) {
    const byte = bytes[p >>> 3];
    const offset = p & 7;
    const take = Math.min(8 - offset, left);
    const part = (byte >>> (8 - offset - take)) & ((1 << take) - 1);
    value = value * (1 << take) + part;
    left -= take;
    p += take;
  }
  return value;
}

/** Bytes per sample, samples per pixel, samples per row and bytes per row of a page's strips/tiles. */
function rowFacts(page: TiffPage): { size: number; spp: number; n: number; rowBytes: number } {
  const size = page.bits / 8;
  return { size, spp: page.chunkSamples, n: page.rowBytes / size, rowBytes: page.rowBytes };
}

/**
 * Undo horizontal differencing (TIFF Predictor 2) in place on native-order
 * samples of `size` bytes: each sample was stored as the difference from the
 * same sample of the pixel to its left; sums wrap modulo 2^bits.
 */
function undoDifferencing(raw: Uint8Array, page: TiffPage, rows: number): void {
  const { size, spp, n } = rowFacts(page);
  const b = raw.buffer;
  const o = raw.byteOffset;
  if (size === 8) {
    const v = new BigUint64Array(b, o, rows * n);
    for (let r = 0; r < rows; r++) {
      for (let i = r * n + spp; i < (r + 1) * n; i++) v[i] = BigInt.asUintN(64, v[i] + v[i - spp]);
    }
    return;
  }
  const v =
    size === 1
      ? new Uint8Array(b, o, rows * n)
      : size === 2
        ? new Uint16Array(b, o, rows * n)
        : new Uint32Array(b, o, rows * n);
  for (let r = 0; r < rows; r++) {
    for (let i = r * n + spp; i < (r + 1) * n; i++) v[i] += v[i - spp]; // typed arrays wrap
  }
}

/**
 * Undo the floating-point predictor (Predictor 3, Adobe TIFF Technical Note
 * 3, as libtiff's fpAcc): per row, the bytes were split into planes (most
 * significant byte of every sample first) and byte-differenced with a stride
 * of the samples per pixel. Leaves native byte order.
 */
function undoFloatPredictor(raw: Uint8Array, page: TiffPage, rows: number): void {
  const { size, spp, n, rowBytes } = rowFacts(page);
  const tmp = new Uint8Array(rowBytes);
  for (let r = 0; r < rows; r++) {
    const row = raw.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let i = spp; i < rowBytes; i++) row[i] = (row[i] + row[i - spp]) & 0xff;
    tmp.set(row);
    for (let i = 0; i < n; i++) {
      for (let byte = 0; byte < size; byte++) {
        // tmp holds byte planes from most significant; write native order.
        const from = tmp[byte * n + i];
        row[i * size + (PLATFORM_LE ? size - 1 - byte : byte)] = from;
      }
    }
  }
}

/** float16 samples as float32 values (IEEE 754 binary16). */
function halfView(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = halfToFloat(h[i]);
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Reverse the bytes of each `size`-byte sample in place. */
export function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let j = 0, k = size - 1; j < k; j++, k--) {
      const t = b[i + j];
      b[i + j] = b[i + k];
      b[i + k] = t;
    }
  }
}
