/**
 * Structural check of a PNG file before it is decoded (PNG spec, 3rd ed.,
 * sections 5 and 11): the chunk layout, every chunk's CRC-32, the IHDR
 * fields, the chunk order rules, and the zlib stream of the image data,
 * inflated by node:zlib with its Adler-32 checked and its size bounded by what
 * IHDR says the filtered scanlines take. fast-png, which does the decoding,
 * skips CRCs by default and its inflater (fflate) does not check Adler-32,
 * so without this check a flipped bit gives a wrong voxel without an error.
 */
import { crc32, inflateSync } from "node:zlib";

/** What {@link checkPng} found. */
export interface PngFacts {
  width: number;
  height: number;
  /** Bits per sample: 1, 2, 4, 8 or 16. */
  depth: number;
  /** 0 grey, 2 RGB, 3 indexed, 4 grey+alpha, 6 RGBA. */
  colorType: number;
  /** Entries of the PLTE chunk (0 when absent). */
  paletteLength: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
// Adam7 passes: [x start, y start, x step, y step].
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/**
 * Bytes of the filtered scanlines of an image: per row one filter byte plus
 * the packed samples; interlaced images as the sum of their seven passes.
 */
export function scanlineBytes(
  width: number,
  height: number,
  depth: number,
  channels: number,
  interlaced: boolean,
): number {
  const rowBytes = (w: number) => Math.ceil((w * channels * depth) / 8);
  if (!interlaced) return height * (1 + rowBytes(width));
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) total += h * (1 + rowBytes(w));
  }
  return total;
}

/**
 * Check a PNG file's structure and image data.
 * @param bytes - The whole file.
 * @param maxBytes - The most bytes the decoded image may take (checked before inflating).
 * @returns The IHDR facts and the checked scanlines.
 * @throws Error saying which chunk or field is wrong (the caller adds the file).
 */
export function checkPng(bytes: Uint8Array, maxBytes: number): PngFacts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8; // after the signature
  let ihdr: ReturnType<typeof readIhdr> | undefined;
  let paletteLength = 0;
  const idat: Uint8Array[] = [];
  let idatDone = false;
  let ended = false;
  let index = 0;
  while (!ended) {
    if (pos + 8 > bytes.length) {
      throw new Error(
        `truncated: chunk ${index} at offset ${pos} has no room for its length and type (file ends at ${bytes.length}); no IEND chunk`,
      );
    }
    const length = view.getUint32(pos);
    const typeBytes = bytes.subarray(pos + 4, pos + 8);
    const type = String.fromCharCode(...typeBytes);
    const where = `chunk ${index} (${printable(type)}) at offset ${pos}`;
    if (!typeBytes.every((b) => (b >= 65 && b <= 90) || (b >= 97 && b <= 122))) {
      throw new Error(`${where}: chunk type must be four ASCII letters`);
    }
    if (length > 0x7fffffff) throw new Error(`${where}: length ${length} exceeds 2^31 - 1`);
    if (pos + 12 + length > bytes.length) {
      throw new Error(
        `truncated: ${where}: ${length} data bytes and the CRC run past the end of the file (${bytes.length} bytes)`,
      );
    }
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    const stored = view.getUint32(pos + 8 + length);
    const computed = crc32(bytes.subarray(pos + 4, pos + 8 + length));
    if (stored !== computed) {
      throw new Error(
        `${where}: CRC mismatch (stored 0x${hex(stored)}, computed 0x${hex(computed)}): the chunk is corrupt`,
      );
    }
    if (index === 0 && type !== "IHDR") throw new Error(`${where}: the first chunk must be IHDR`);
    switch (type) {
      case "IHDR":
        if (index !== 0) throw new Error(`${where}: a second IHDR chunk`);
        ihdr = readIhdr(data, where);
        break;
      case "PLTE":
        if (paletteLength > 0 || idat.length > 0)
          throw new Error(`${where}: PLTE must come once, before IDAT`);
        if (length % 3 !== 0 || length === 0 || length > 768)
          throw new Error(`${where}: length ${length} is not 3 x 1..256 palette entries`);
        paletteLength = length / 3;
        break;
      case "IDAT":
        if (idatDone) throw new Error(`${where}: IDAT chunks must be consecutive`);
        idat.push(data);
        break;
      case "IEND":
        ended = true;
        break;
      case "tEXt":
      case "zTXt":
      case "iTXt": {
        // PNG 11.3.4: a keyword of 1..79 Latin-1 bytes, then a null separator.
        const nul = data.indexOf(0);
        if (nul < 1 || nul > 79)
          throw new Error(
            `${where}: keyword must be 1..79 bytes followed by a null byte, received ${nul < 0 ? "no null byte" : `${nul} bytes`}`,
          );
        break;
      }
      default:
        if ((typeBytes[0] & 0x20) === 0) {
          throw new Error(`${where}: unknown critical chunk (its first letter is upper case)`);
        }
    }
    if (type !== "IDAT" && idat.length > 0) idatDone = true;
    pos += 12 + length;
    index++;
  }
  if (!ihdr) throw new Error("no IHDR chunk");
  if (idat.length === 0) throw new Error("no IDAT chunk (no image data)");
  if (ihdr.colorType === 3 && paletteLength === 0)
    throw new Error("indexed-colour image (IHDR colour type 3) without a PLTE chunk");
  const { width, height, depth, colorType, interlace } = ihdr;
  const channels = CHANNELS[colorType];
  const expected = scanlineBytes(width, height, depth, channels, interlace === 1);
  const decoded =
    width * height * Math.max(channels, colorType === 3 ? 4 : 1) * (depth === 16 ? 2 : 1);
  const packed = idat.reduce((n, d) => n + d.length, 0);
  if (expected + decoded > maxBytes) {
    throw new Error(
      `IHDR: a ${width} x ${height} image would need ${expected + decoded} bytes, more than the memory budget of ${maxBytes} bytes (option maxBytes)`,
    );
  }
  if (expected > packed * 1032 + 64) {
    throw new Error(
      `IDAT: ${packed} bytes of zlib data cannot hold the ${expected} bytes of scanlines IHDR (${width} x ${height}) needs`,
    );
  }
  const zdata = idat.length === 1 ? idat[0] : concat(idat, packed);
  let scanlines: Buffer;
  try {
    scanlines = inflateSync(zdata, { maxOutputLength: Math.max(expected, 1) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_BUFFER_TOO_LARGE") {
      throw new Error(`IDAT: zlib data decode to more than the ${expected} bytes IHDR implies`);
    }
    throw new Error(`IDAT: corrupt zlib data (${err.message})`);
  }
  if (scanlines.length !== expected) {
    throw new Error(
      `IDAT: zlib data decode to ${scanlines.length} bytes, IHDR (${width} x ${height}, ${depth}-bit, colour type ${colorType}) implies ${expected}`,
    );
  }
  checkFilterBytes(scanlines, width, height, depth, channels, interlace === 1);
  return { width, height, depth, colorType, paletteLength };
}

/** Every scanline starts with a filter type 0..4 (PNG spec section 9). */
function checkFilterBytes(
  scanlines: Uint8Array,
  width: number,
  height: number,
  depth: number,
  channels: number,
  interlaced: boolean,
): void {
  const passes = interlaced ? ADAM7 : [[0, 0, 1, 1]];
  let at = 0;
  passes.forEach(([x0, y0, dx, dy], p) => {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w <= 0 || h <= 0) return;
    const row = 1 + Math.ceil((w * channels * depth) / 8);
    for (let y = 0; y < h; y++, at += row) {
      if (scanlines[at] > 4) {
        throw new Error(
          `IDAT: scanline ${y}${interlaced ? ` of pass ${p + 1}` : ""} has filter type ${scanlines[at]}, expected 0..4`,
        );
      }
    }
  });
}

function readIhdr(
  data: Uint8Array,
  where: string,
): { width: number; height: number; depth: number; colorType: number; interlace: number } {
  if (data.length !== 13) throw new Error(`${where}: length ${data.length}, expected 13`);
  const v = new DataView(data.buffer, data.byteOffset, 13);
  const width = v.getUint32(0);
  const height = v.getUint32(4);
  const [depth, colorType, compression, filter, interlace] = data.subarray(8, 13);
  const field = (name: string, problem: string) => new Error(`IHDR field ${name}: ${problem}`);
  if (width < 1 || width > 0x7fffffff)
    throw field("width", `expected 1..2^31-1, received ${width}`);
  if (height < 1 || height > 0x7fffffff)
    throw field("height", `expected 1..2^31-1, received ${height}`);
  const depths = DEPTHS[colorType];
  if (!depths) throw field("colour type", `expected 0, 2, 3, 4 or 6, received ${colorType}`);
  if (!depths.includes(depth)) {
    throw field(
      "bit depth",
      `expected ${depths.join(", ")} for colour type ${colorType}, received ${depth}`,
    );
  }
  if (compression !== 0) throw field("compression method", `expected 0, received ${compression}`);
  if (filter !== 0) throw field("filter method", `expected 0, received ${filter}`);
  if (interlace > 1) throw field("interlace method", `expected 0 or 1, received ${interlace}`);
  return { width, height, depth, colorType, interlace };
}

function concat(parts: Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, "0");
}

function printable(type: string): string {
  return /^[\x20-\x7e]{4}$/.test(type) ? type : JSON.stringify(type);
}
