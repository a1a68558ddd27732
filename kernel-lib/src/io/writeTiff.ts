import { promises as fsp } from "node:fs";
import { endianness } from "node:os";
import nodePath from "node:path";
import { promisify } from "node:util";
import { deflate } from "node:zlib";
import {
  checkBoolean,
  checkInteger,
  checkOneOf,
  checkOptions,
  expectedError,
} from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import { dtypeOf } from "../volume/dtype.js";
import type { DType, Volume } from "../volume/types.js";
import { commitTemp, exists, existsError, fileError, tempPathFor } from "./files.js";
import { formatImageJDescription } from "./imagej.js";
import { FieldType, Tag } from "./tiffTags.js";
import { nanometresPer } from "./units.js";

const deflateAsync = promisify(deflate);

/** Options of {@link writeTiff}. */
export interface WriteTiffOptions {
  /**
   * `"deflate"` compresses each strip with zlib (TIFF Compression 8,
   * lossless). ImageJ (1.53t tested), tifffile, libtiff and tomolab read both;
   * some older readers handle only uncompressed ImageJ stacks.
   * @default "none"
   */
  compression?: "none" | "deflate";
  /** zlib level 1 (fast) to 9 (small) for `"deflate"`. @default 6 */
  level?: number;
  /**
   * Replace an existing file. Without it an existing file is an error, so
   * user data is never replaced by accident.
   * @default false
   */
  overwrite?: boolean;
  /**
   * Length unit to write `volume.spacing` (nanometres) in: `"nm"`, `"um"`
   * (ImageJ shows µm), `"micron"`, `"mm"`, ... or `"pixel"` to write no
   * calibration (for volumes whose spacing is not physical).
   * @default "pixel" when `volume.unit` is "pixel" (read from an uncalibrated file), else "nm"
   */
  unit?: string;
  /**
   * Write BigTIFF (64-bit offsets). `"auto"` uses BigTIFF only when the file
   * would pass 4 GiB, where classic TIFF cannot address the data.
   * @default "auto"
   */
  bigTiff?: boolean | "auto";
}

const BITS: Record<DType, number> = { uint8: 8, uint16: 16, int32: 32, uint32: 32, float32: 32 };
const SAMPLE_FORMAT: Record<DType, number> = {
  uint8: 1,
  uint16: 1,
  int32: 2,
  uint32: 1,
  float32: 3,
};
const DEFLATE_STRIP_BYTES = 256 * 1024;
const PLATFORM_LE = endianness() === "LE";

/**
 * Write a volume as a multi-page little-endian TIFF: one page per z slice,
 * ImageJ-compatible metadata so ImageJ/Fiji and tifffile read the spacing back.
 *
 * Layout: header, the pixel data of every page back to back, then one IFD per
 * page. Page 0 carries an ImageJ description (`ImageJ=`, `images=`,
 * `slices=`, `unit=`, `spacing=` as dz, `loop=false`); every page carries
 * XResolution/YResolution = 1/dx, 1/dy pixels per unit as 32-bit rationals
 * (ResolutionUnit none, the unit being in the description), BitsPerSample and
 * SampleFormat of the dtype (uint8/uint16/uint32 unsigned, int32 signed,
 * float32 IEEE). Uncompressed pages are contiguous, which is the layout
 * ImageJ requires for stacks. ImageJ opens int32/uint32 stacks as 32-bit
 * float, and cannot open BigTIFF (written only past 4 GiB or on request).
 *
 * The file is written to a temporary file in the same folder and renamed
 * into place when complete, so a failed or interrupted write never leaves a
 * partial file under `path`.
 *
 * @param path - Output file; its folder must exist.
 * @param volume - The volume (any tomolab dtype); spacing in nanometres.
 * @param options - Compression, overwrite, unit, BigTIFF.
 * @throws Error naming the file when it exists (without `overwrite`), its
 *   folder is missing, or classic TIFF is forced for more than 4 GiB.
 * @see ImageJ `ij.io.TiffEncoder` and tifffile `imwrite(..., imagej=True)` for the format.
 */
export async function writeTiff(
  path: string,
  volume: Volume,
  options: WriteTiffOptions = {},
): Promise<void> {
  checkVolume(volume, "volume");
  checkOptions(options, "options");
  const fn = "writeTiff";
  const compression = checkOneOf(options.compression ?? "none", "compression", ["none", "deflate"]);
  const level = checkInteger(options.level ?? 6, "level", 1, 9);
  const unit = options.unit ?? (volume.unit === "pixel" ? "pixel" : "nm");
  const pixelUnit = unit === "pixel";
  const nmPerUnit = pixelUnit ? 1 : typeof unit === "string" ? nanometresPer(unit) : undefined;
  if (nmPerUnit === undefined) {
    const Type = typeof unit === "string" ? RangeError : TypeError;
    throw expectedError("unit", 'a length unit (nm, um, micron, mm, ...) or "pixel"', unit, Type);
  }
  const overwrite = checkBoolean(options.overwrite ?? false, "overwrite");
  const bigTiffOption = checkOneOf(options.bigTiff ?? "auto", "bigTiff", [true, false, "auto"]);
  const dir = nodePath.dirname(nodePath.resolve(path));
  if (!(await isDirectory(dir)))
    throw fileError(fn, path, `folder ${JSON.stringify(dir)} does not exist`);
  if (!overwrite && (await exists(path))) throw existsError(fn, path);

  const dtype = dtypeOf(volume.data);
  const [nz, ny, nx] = volume.shape;
  const bps = BITS[dtype] / 8;
  const rowBytes = nx * bps;
  const planeBytes = ny * rowBytes;
  const rowsPerStrip =
    compression === "deflate"
      ? Math.max(1, Math.min(ny, Math.floor(DEFLATE_STRIP_BYTES / rowBytes)))
      : Math.max(1, Math.min(ny, Math.floor(2 ** 31 / rowBytes)));
  const stripsPerPage = Math.ceil(ny / rowsPerStrip);
  const description = formatImageJDescription({
    slices: nz,
    unit: pixelUnit ? undefined : unit,
    spacing: pixelUnit ? undefined : volume.spacing[0] / nmPerUnit,
  });
  const dy = pixelUnit ? 1 : volume.spacing[1] / nmPerUnit;
  const dx = pixelUnit ? 1 : volume.spacing[2] / nmPerUnit;

  // Classic TIFF addresses 4 GiB; estimate the size (deflate output can be slightly larger than its input).
  const ifdEstimate = nz * (400 + 16 * stripsPerPage) + description.length;
  const dataEstimate =
    compression === "deflate" ? nz * planeBytes * 1.01 + nz * stripsPerPage * 64 : nz * planeBytes;
  const needBig = 16 + dataEstimate + ifdEstimate >= 2 ** 32;
  const bigTiff = bigTiffOption === "auto" ? needBig : bigTiffOption;
  if (!bigTiff && needBig) {
    throw fileError(
      fn,
      path,
      `classic TIFF cannot hold ${nz * planeBytes} bytes of pixel data (4 GiB limit); use { bigTiff: true }`,
    );
  }

  const temp = tempPathFor(path);
  const handle = await fsp.open(temp, "wx");
  try {
    const headerSize = bigTiff ? 16 : 8;
    let pos = headerSize;
    const stripOffsets: number[][] = [];
    const stripCounts: number[][] = [];
    for (let z = 0; z < nz; z++) {
      const plane = planeBytesOf(volume, z, planeBytes);
      const offsets: number[] = [];
      const counts: number[] = [];
      if (compression === "none") {
        await writeAt(handle, plane, pos);
        for (let s = 0; s < stripsPerPage; s++) {
          offsets.push(pos + s * rowsPerStrip * rowBytes);
          counts.push(Math.min(rowsPerStrip, ny - s * rowsPerStrip) * rowBytes);
        }
        pos += planeBytes;
      } else {
        const strips = await Promise.all(
          Array.from({ length: stripsPerPage }, (_, s) =>
            deflateAsync(
              plane.subarray(
                s * rowsPerStrip * rowBytes,
                Math.min(ny, (s + 1) * rowsPerStrip) * rowBytes,
              ),
              {
                level,
              },
            ),
          ),
        );
        for (const strip of strips) {
          await writeAt(handle, strip, pos);
          offsets.push(pos);
          counts.push(strip.length);
          pos += strip.length;
        }
      }
      stripOffsets.push(offsets);
      stripCounts.push(counts);
    }
    pos += pos % 2; // IFDs start on a word boundary
    const firstIfd = pos;
    const ifds = buildIfds({
      start: firstIfd,
      bigTiff,
      nx,
      ny,
      bitsPerSample: BITS[dtype],
      sampleFormat: SAMPLE_FORMAT[dtype],
      compression: compression === "deflate" ? 8 : 1,
      rowsPerStrip,
      stripOffsets,
      stripCounts,
      description,
      xResolution: toRational(1 / dx),
      yResolution: toRational(1 / dy),
    });
    if (!bigTiff && firstIfd + ifds.length >= 2 ** 32) {
      throw fileError(
        fn,
        path,
        "the file passes 4 GiB, which classic TIFF cannot address; use { bigTiff: true }",
      );
    }
    await writeAt(handle, ifds, firstIfd);
    await writeAt(handle, header(bigTiff, firstIfd), 0);
    await handle.sync();
    await handle.close();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fsp.rm(temp, { force: true });
    throw e;
  }
  await commitTemp(fn, temp, path, overwrite);
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fsp.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/** Little-endian bytes of slice z (a view when the machine is little-endian). */
function planeBytesOf(volume: Volume, z: number, planeBytes: number): Uint8Array {
  const d = volume.data;
  const bytes = new Uint8Array(d.buffer, d.byteOffset + z * planeBytes, planeBytes);
  if (PLATFORM_LE || d.BYTES_PER_ELEMENT === 1) return bytes;
  const copy = bytes.slice();
  const size = d.BYTES_PER_ELEMENT;
  for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  return copy;
}

async function writeAt(handle: fsp.FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  const CHUNK = 1 << 30;
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(
      bytes,
      done,
      Math.min(CHUNK, bytes.length - done),
      position + done,
    );
    done += bytesWritten;
  }
}

function header(bigTiff: boolean, firstIfd: number): Uint8Array {
  const b = new Uint8Array(bigTiff ? 16 : 8);
  const v = new DataView(b.buffer);
  b[0] = 0x49;
  b[1] = 0x49; // "II": little-endian
  if (bigTiff) {
    v.setUint16(2, 43, true);
    v.setUint16(4, 8, true);
    v.setUint16(6, 0, true);
    v.setBigUint64(8, BigInt(firstIfd), true);
  } else {
    v.setUint16(2, 42, true);
    v.setUint32(4, firstIfd, true);
  }
  return b;
}

/**
 * Best rational approximation p/q of x with p, q < 2^32 (continued fractions),
 * for the RATIONAL resolution tags.
 */
export function toRational(x: number): [number, number] {
  const MAX = 0xffffffff;
  if (!(x > 0) || !Number.isFinite(x)) return [1, 1];
  let [p0, q0, p1, q1] = [0, 1, 1, 0];
  let r = x;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(r);
    const p2 = a * p1 + p0;
    const q2 = a * q1 + q0;
    if (p2 > MAX || q2 > MAX) break;
    [p0, q0, p1, q1] = [p1, q1, p2, q2];
    const frac = r - a;
    if (frac < 1e-12 || Math.abs(p1 / q1 - x) <= Math.abs(x) * 1e-16) break;
    r = 1 / frac;
  }
  if (q1 === 0) return [MAX, 1]; // x beyond 2^32
  if (p1 === 0) return [1, MAX]; // x below 2^-32
  return [p1, q1];
}

interface IfdInput {
  start: number;
  bigTiff: boolean;
  nx: number;
  ny: number;
  bitsPerSample: number;
  sampleFormat: number;
  compression: number;
  rowsPerStrip: number;
  stripOffsets: number[][];
  stripCounts: number[][];
  description: string;
  xResolution: [number, number];
  yResolution: [number, number];
}

interface Field {
  tag: number;
  type: number;
  values: number[] | Uint8Array;
}

/** Serialise one IFD per page, chained, starting at file offset `start`. */
function buildIfds(input: IfdInput): Uint8Array {
  const { bigTiff } = input;
  const entrySize = bigTiff ? 20 : 12;
  const countSize = bigTiff ? 8 : 2;
  const inlineSize = bigTiff ? 8 : 4;
  const align = bigTiff ? 8 : 2;
  const offsetType = bigTiff ? FieldType.LONG8 : FieldType.LONG;
  const typeSize: Record<number, number> = { 2: 1, 3: 2, 4: 4, 5: 8, 16: 8 };
  const ascii = (text: string) => {
    const bytes = new Uint8Array(text.length + 1);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0x7f;
    return bytes;
  };
  const pages: Field[][] = input.stripOffsets.map((offsets, z) => {
    const fields: Field[] = [
      { tag: Tag.NewSubfileType, type: FieldType.LONG, values: [0] },
      { tag: Tag.ImageWidth, type: FieldType.LONG, values: [input.nx] },
      { tag: Tag.ImageLength, type: FieldType.LONG, values: [input.ny] },
      { tag: Tag.BitsPerSample, type: FieldType.SHORT, values: [input.bitsPerSample] },
      { tag: Tag.Compression, type: FieldType.SHORT, values: [input.compression] },
      { tag: Tag.Photometric, type: FieldType.SHORT, values: [1] }, // BlackIsZero
      { tag: Tag.StripOffsets, type: offsetType, values: offsets },
      { tag: Tag.SamplesPerPixel, type: FieldType.SHORT, values: [1] },
      { tag: Tag.RowsPerStrip, type: FieldType.LONG, values: [input.rowsPerStrip] },
      { tag: Tag.StripByteCounts, type: offsetType, values: input.stripCounts[z] },
      { tag: Tag.XResolution, type: FieldType.RATIONAL, values: input.xResolution },
      { tag: Tag.YResolution, type: FieldType.RATIONAL, values: input.yResolution },
      { tag: Tag.PlanarConfiguration, type: FieldType.SHORT, values: [1] },
      { tag: Tag.ResolutionUnit, type: FieldType.SHORT, values: [1] }, // none: the unit is in the description
      { tag: Tag.SampleFormat, type: FieldType.SHORT, values: [input.sampleFormat] },
    ];
    if (z === 0) {
      fields.push({
        tag: Tag.ImageDescription,
        type: FieldType.ASCII,
        values: ascii(input.description),
      });
      fields.push({ tag: Tag.Software, type: FieldType.ASCII, values: ascii("tomolab") });
    }
    return fields.sort((a, b) => a.tag - b.tag);
  });
  const pad = (n: number) => (n + align - 1) & ~(align - 1);
  const valueBytes = (f: Field) =>
    typeSize[f.type] * (f.type === FieldType.RATIONAL ? f.values.length / 2 : f.values.length);
  const sizes = pages.map((fields) => {
    let size = pad(countSize + fields.length * entrySize + (bigTiff ? 8 : 4));
    for (const f of fields) if (valueBytes(f) > inlineSize) size += pad(valueBytes(f));
    return size;
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const put = (type: number, at: number, value: number) => {
    if (type === FieldType.SHORT) view.setUint16(at, value, true);
    else if (type === FieldType.LONG || type === FieldType.RATIONAL)
      view.setUint32(at, value, true);
    else if (type === FieldType.LONG8) view.setBigUint64(at, BigInt(value), true);
    else if (type === FieldType.ASCII) view.setUint8(at, value);
  };
  let at = 0;
  pages.forEach((fields, z) => {
    const ifdStart = at;
    let extra = pad(countSize + fields.length * entrySize + (bigTiff ? 8 : 4));
    if (bigTiff) view.setBigUint64(at, BigInt(fields.length), true);
    else view.setUint16(at, fields.length, true);
    fields.forEach((f, i) => {
      const e = ifdStart + countSize + i * entrySize;
      const count = f.type === FieldType.RATIONAL ? f.values.length / 2 : f.values.length;
      view.setUint16(e, f.tag, true);
      view.setUint16(e + 2, f.type, true);
      if (bigTiff) view.setBigUint64(e + 4, BigInt(count), true);
      else view.setUint32(e + 4, count, true);
      const valuePos = e + (bigTiff ? 12 : 8);
      const nbytes = valueBytes(f);
      let target = valuePos;
      if (nbytes > inlineSize) {
        target = ifdStart + extra;
        if (bigTiff) view.setBigUint64(valuePos, BigInt(input.start + target), true);
        else view.setUint32(valuePos, input.start + target, true);
        extra += pad(nbytes);
      }
      const step = f.type === FieldType.RATIONAL ? 4 : typeSize[f.type];
      for (let k = 0; k < f.values.length; k++) put(f.type, target + k * step, f.values[k]);
    });
    const next = z + 1 < pages.length ? input.start + ifdStart + sizes[z] : 0;
    const nextPos = ifdStart + countSize + fields.length * entrySize;
    if (bigTiff) view.setBigUint64(nextPos, BigInt(next), true);
    else view.setUint32(nextPos, next, true);
    at = ifdStart + sizes[z];
  });
  return out;
}
