import { convertIndexedToRgb, decode, hasPngSignature, type DecodedPng } from "fast-png";
import { promises as fsp } from "node:fs";
import nodePath from "node:path";
import {
  checkBoolean,
  checkInteger,
  checkOneOf,
  checkOptions,
  expectedError,
} from "../util/checks.js";
import { checkSpacing } from "../volume/check.js";
import { allocate } from "../volume/dtype.js";
import type { Spacing3, Volume } from "../volume/types.js";
import { checkFor, fileError, naturalCompare } from "./files.js";
import { checkBudget, resolveMaxBytes } from "./memory.js";
import { checkPng } from "./pngCheck.js";

/** Options of {@link readPngStack}. */
export interface ReadPngStackOptions {
  /**
   * Channel to read from colour or grey+alpha slices (0 = red or grey,
   * 1 = green or alpha, 2 = blue, 3 = alpha). Colour slices need `channel`
   * or `grey`.
   */
  channel?: number;
  /**
   * Convert colour slices to grey with Pillow's `Image.convert("L")` weights,
   * L = (19595 R + 38470 G + 7471 B + 32768) >> 16 (ITU-R 601-2 luma),
   * rounded; alpha is ignored.
   * @default false
   */
  grey?: boolean;
  /**
   * Voxel size `[dz, dy, dx]`. By default the spacing stored by
   * {@link writePngStack} (a `tomolab` text chunk), else `[1, 1, 1]`.
   */
  spacing?: Spacing3;
  /** Allocate the voxels in a SharedArrayBuffer (for worker threads). @default false */
  shared?: boolean;
  /**
   * Memory budget in bytes: a slice or a stack that would allocate more is
   * refused before allocating, with an error saying how much it needs.
   * @default half of this machine's memory (`os.totalmem() / 2`)
   */
  maxBytes?: number;
}

/** One decoded slice reduced to a single grey channel. */
interface GreySlice {
  width: number;
  height: number;
  depth: 8 | 16;
  data: Uint8Array | Uint16Array;
  text: Record<string, string>;
}

/**
 * Read a folder of PNG slices (or a list of PNG files) as a z stack.
 *
 * A folder's `*.png` files are taken in natural order of their names
 * (`0.png, 1.png, 2.png, ..., 10.png`; `slice_9` before `slice_10`), hidden
 * files skipped; a list is taken in its own order. 8-bit slices give uint8,
 * 16-bit slices uint16; 1/2/4-bit grey keeps its values (0..1, 0..3, 0..15);
 * indexed slices with a grey palette give the palette's grey levels. All
 * slices must have the same size and bit depth.
 *
 * Every slice is checked before it is decoded: chunk layout and order, the
 * CRC-32 of every chunk, the IHDR fields, and the image data's zlib stream
 * (Adler-32, and exactly the size IHDR implies), so a corrupt or truncated
 * slice gives an error naming the file and the chunk, never wrong voxels.
 *
 * @param dirOrFiles - A folder, or an array of PNG file paths in z order.
 * @param options - `channel` or `grey` for colour slices, `spacing`, `shared`.
 * @returns The volume `[nz, ny, nx]`.
 * @throws Error naming the odd file for sizes or depths that differ, colour
 *   slices without `channel`/`grey`, files that are not valid PNG (naming the
 *   chunk or field), and stacks beyond `maxBytes`.
 * @example
 * ```ts
 * const membranes = await readPngStack("../shared/data/isbi2012-membrane/image");
 * ```
 */
export async function readPngStack(
  dirOrFiles: string | readonly string[],
  options: ReadPngStackOptions = {},
): Promise<Volume> {
  const fn = "readPngStack";
  checkOptions(options, "options");
  if (options.grey !== undefined) checkBoolean(options.grey, "grey");
  if (options.shared !== undefined) checkBoolean(options.shared, "shared");
  if (options.channel !== undefined && options.grey) {
    throw new RangeError("pass either `channel` or `grey: true`, not both");
  }
  if (options.spacing !== undefined) checkSpacing(options.spacing, "spacing");
  const maxBytes = resolveMaxBytes(options.maxBytes);
  const files = await listSlices(fn, dirOrFiles);
  let first: GreySlice | undefined;
  let data: Uint8Array | Uint16Array | undefined;
  for (let z = 0; z < files.length; z++) {
    const slice = await readSlice(fn, files[z], options, maxBytes);
    if (!first || !data) {
      first = slice;
      const bytes = slice.depth === 16 ? 2 : 1;
      checkBudget(
        fn,
        files[0],
        files.length * slice.width * slice.height * bytes,
        `the stack (${files.length} slices of ${slice.height} x ${slice.width} x ${slice.depth}-bit)`,
        maxBytes,
        "read fewer slices at a time, or raise { maxBytes }",
      );
      data = allocate(
        slice.depth === 16 ? "uint16" : "uint8",
        files.length * slice.width * slice.height,
        options.shared ?? false,
      );
    } else if (
      slice.width !== first.width ||
      slice.height !== first.height ||
      slice.depth !== first.depth
    ) {
      throw fileError(
        fn,
        files[z],
        `slice ${z} is ${slice.height}x${slice.width} (ny x nx) ${slice.depth}-bit but slice 0 (${files[0]}) is ${first.height}x${first.width} ${first.depth}-bit; all slices must match`,
      );
    }
    data.set(slice.data, z * first.width * first.height);
  }
  if (!first || !data) throw new Error("unreachable: empty slice list");
  const spacing = options.spacing
    ? ([...options.spacing] as Spacing3)
    : (storedSpacing(first.text) ?? [1, 1, 1]);
  return { data, shape: [files.length, first.height, first.width], spacing };
}

/** The slice files of a folder (natural order) or of a list (as given). */
async function listSlices(fn: string, dirOrFiles: string | readonly string[]): Promise<string[]> {
  if (typeof dirOrFiles !== "string") {
    if (
      !Array.isArray(dirOrFiles) ||
      dirOrFiles.length === 0 ||
      !dirOrFiles.every((f) => typeof f === "string")
    ) {
      const expected = "a folder or a non-empty array of file paths";
      throw expectedError("dirOrFiles", expected, dirOrFiles, TypeError);
    }
    return [...dirOrFiles];
  }
  let names: string[];
  try {
    names = await fsp.readdir(dirOrFiles);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fileError(
      fn,
      dirOrFiles,
      code === "ENOENT"
        ? "no such folder"
        : code === "ENOTDIR"
          ? "is a file, not a folder (pass [file] for one slice)"
          : (e as Error).message,
    );
  }
  const pngs = names
    .filter((n) => !n.startsWith(".") && n.toLowerCase().endsWith(".png"))
    .sort(naturalCompare);
  if (pngs.length === 0) throw fileError(fn, dirOrFiles, "folder holds no .png files");
  return pngs.map((n) => nodePath.join(dirOrFiles, n));
}

async function readSlice(
  fn: string,
  file: string,
  options: ReadPngStackOptions,
  maxBytes: number,
): Promise<GreySlice> {
  let bytes: Uint8Array;
  try {
    bytes = await fsp.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fileError(fn, file, code === "ENOENT" ? "no such file" : (e as Error).message);
  }
  if (!hasPngSignature(bytes)) throw fileError(fn, file, "not a PNG file (bad signature)");
  let facts: ReturnType<typeof checkPng>;
  try {
    facts = checkPng(bytes, maxBytes);
  } catch (e) {
    throw fileError(fn, file, `corrupt or truncated PNG: ${(e as Error).message}`);
  }
  let png: DecodedPng;
  try {
    // checkPng has verified every chunk's CRC and the zlib stream: fast-png need not again.
    png = decode(bytes, { checkCrc: false });
  } catch (e) {
    throw fileError(fn, file, `corrupt or truncated PNG (${(e as Error).message})`);
  }
  if (png.width !== facts.width || png.height !== facts.height || png.depth !== facts.depth) {
    throw fileError(
      fn,
      file,
      `internal: fast-png decoded ${png.width} x ${png.height} ${png.depth}-bit, IHDR says ${facts.width} x ${facts.height} ${facts.depth}-bit`,
    );
  }
  if (png.palette) {
    const max = maxIndex(png.data, png.depth, png.width, png.height);
    if (max >= facts.paletteLength) {
      throw fileError(
        fn,
        file,
        `corrupt PNG: pixel index ${max} beyond the ${facts.paletteLength} entries of the PLTE chunk`,
      );
    }
  }
  const n = png.width * png.height;
  let channels = png.channels;
  let depth = png.depth;
  let samples: Uint8Array | Uint16Array | Uint8ClampedArray = png.data;
  if (png.palette) {
    const palette = png.palette;
    samples = convertIndexedToRgb(png);
    channels = palette[0]?.length ?? 3;
    depth = 8;
    if (palette.every((c) => c[0] === c[1] && c[1] === c[2]) && channels === 3) {
      samples = pick(samples, 3, 0, n); // grey palette: its levels are the grey values
      channels = 1;
    }
  } else if (depth < 8) {
    samples = unpackBits(png.data, depth, png.width, png.height);
    depth = 8;
  }
  if (samples.length < n * channels)
    throw fileError(fn, file, `truncated PNG: ${samples.length} samples for ${n} pixels`);
  const outDepth: 8 | 16 = depth === 16 ? 16 : 8;
  let data: Uint8Array | Uint16Array;
  if (channels === 1) {
    if (options.channel !== undefined)
      checkFor(`for grey PNG ${JSON.stringify(file)}`, () =>
        checkOneOf(options.channel, "channel", [0]),
      );
    data =
      samples instanceof Uint8ClampedArray
        ? new Uint8Array(samples.buffer, samples.byteOffset, samples.length)
        : samples;
    data = data.length === n ? data : data.subarray(0, n);
  } else if (options.channel !== undefined) {
    const where = `for ${JSON.stringify(file)}`;
    checkFor(where, () => checkInteger(options.channel, "channel", 0, channels - 1));
    data = pick(samples, channels, options.channel, n);
  } else if (options.grey) {
    data = channels === 2 ? pick(samples, 2, 0, n) : luminance(samples, channels, n, outDepth);
  } else {
    const kind = channels === 2 ? "grey+alpha" : channels === 3 ? "RGB" : "RGBA";
    const source = png.palette
      ? "a PLTE palette whose colours are not grey"
      : `IHDR colour type ${facts.colorType}`;
    throw fileError(
      fn,
      file,
      `is ${kind} (${channels} channels: ${source}); pass { channel } (0..${channels - 1}) or { grey: true } to read one grey channel`,
    );
  }
  return { width: png.width, height: png.height, depth: outDepth, data, text: png.text ?? {} };
}

/** Channel `c` of interleaved samples. */
function pick(
  samples: ArrayLike<number>,
  channels: number,
  c: number,
  n: number,
): Uint8Array | Uint16Array {
  const out = samples instanceof Uint16Array ? new Uint16Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = samples[i * channels + c];
  return out;
}

/** Pillow's L = R 299/1000 + G 587/1000 + B 114/1000 in 16.16 fixed point, rounded. */
function luminance(
  samples: ArrayLike<number>,
  channels: number,
  n: number,
  depth: 8 | 16,
): Uint8Array | Uint16Array {
  const out = depth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = i * channels;
    const l = samples[p] * 19595 + samples[p + 1] * 38470 + samples[p + 2] * 7471 + 0x8000;
    out[i] = Math.floor(l / 65536);
  }
  return out;
}

/** The largest palette index of indexed samples (1/2/4/8 bits, rows padded to whole bytes). */
function maxIndex(data: ArrayLike<number>, depth: number, width: number, height: number): number {
  const indices = depth < 8 ? unpackBits(data, depth, width, height) : data;
  let max = 0;
  for (let i = 0; i < width * height; i++) if (indices[i] > max) max = indices[i];
  return max;
}

/** Unpack 1/2/4-bit samples (rows padded to whole bytes) into one byte each. */
function unpackBits(
  packed: ArrayLike<number>,
  depth: number,
  width: number,
  height: number,
): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)];
      out[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** Spacing written by writePngStack into a `tomolab` text chunk, if valid. */
function storedSpacing(text: Record<string, string>): Spacing3 | undefined {
  const raw = text.tomolab;
  if (!raw) return undefined;
  try {
    const meta = JSON.parse(raw) as { spacing?: unknown; unit?: unknown };
    const s = meta.spacing;
    if (
      meta.unit === "nm" &&
      Array.isArray(s) &&
      s.length === 3 &&
      s.every((v) => typeof v === "number" && v > 0 && Number.isFinite(v))
    ) {
      return [s[0], s[1], s[2]];
    }
  } catch {
    // not ours: ignore
  }
  return undefined;
}
