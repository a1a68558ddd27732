/**
 * The ImageJ TIFF convention: ImageJ stores stack layout and calibration as
 * `key=value` lines in the first page's ImageDescription, e.g.
 *
 * ```
 * ImageJ=1.54f
 * images=300
 * slices=300
 * unit=micron
 * spacing=0.01
 * loop=false
 * ```
 *
 * X and Y pixel sizes live in the XResolution / YResolution tags (pixels per
 * `unit`). Keys follow ImageJ's `ij.io.FileSaver.getDescriptionString` and
 * `ij.io.TiffDecoder.saveImageDescription`; tifffile's `imagej_description`
 * and `imagej_metadata` write and parse the same format.
 */
import { endianness } from "node:os";
import { checkInteger } from "../util/checks.js";
import type { VoxelArray } from "../volume/types.js";
import { checkFor } from "./files.js";
import { isDirectType, swapBytes, typedView } from "./tiffDecode.js";
import { Compression } from "./tiffDecompress.js";
import type { TiffFile } from "./tiffFile.js";
import { Tag } from "./tiffTags.js";
import { readChunks, type TiffPage } from "./tiffPage.js";

const PLATFORM_LE = endianness() === "LE";

/** Parsed ImageJ description: raw string values by key. */
export type ImageJMetadata = Record<string, string>;

/** Parse an ImageJ ImageDescription, or null when `description` is not one. */
export function parseImageJDescription(description: string | undefined): ImageJMetadata | null {
  if (!description || !description.startsWith("ImageJ=")) return null;
  const meta: ImageJMetadata = {};
  for (const line of description.split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    meta[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return meta;
}

/** A positive integer entry of ImageJ metadata, or `fallback` when absent. */
export function imagejInt(meta: ImageJMetadata, key: string, fallback: number): number {
  const raw = meta[key];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : NaN;
}

/** What {@link formatImageJDescription} writes. */
export interface ImageJDescriptionFields {
  /** Number of z slices (pages). */
  slices: number;
  /** Length unit of `spacing` and of the X/Y resolution tags; omitted when undefined. */
  unit?: string;
  /** Z spacing in `unit`; omitted when undefined. */
  spacing?: number;
}

/**
 * The ImageDescription ImageJ writes for a single-channel z stack. Non-ASCII
 * characters are escaped as ImageJ does (`\u00B5`), since TIFF ASCII is 7-bit.
 */
export function formatImageJDescription(fields: ImageJDescriptionFields): string {
  const lines = ["ImageJ=1.11a"];
  if (fields.slices > 1) lines.push(`images=${fields.slices}`, `slices=${fields.slices}`);
  if (fields.unit !== undefined) lines.push(`unit=${escapeNonAscii(fields.unit)}`);
  if (fields.spacing !== undefined) lines.push(`spacing=${formatNumber(fields.spacing)}`);
  if (fields.slices > 1) lines.push("loop=false");
  return lines.join("\n") + "\n";
}

function escapeNonAscii(text: string): string {
  return text.replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
}

/** Shortest decimal that reads back to the same double (no exponent for usual sizes). */
function formatNumber(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** The ImageJ description field named `key`, for messages. */
export function ijField(key: string, meta: ImageJMetadata): string {
  return `ImageJ description (IFD 0 tag ImageDescription (270)) field ${key}=${JSON.stringify(meta[key] ?? "")}`;
}

/** Which z slices a stack holds and which page each comes from (see {@link stackLayout}). */
export interface StackLayout {
  /** Number of z slices read. */
  nz: number;
  /** The channel chosen: a sample of multi-sample pages, or an ImageJ channel. */
  channel: number;
  /** The sample of each page to decode: `channel` for multi-sample pages, else 0. */
  sample: number;
  /** Pages the layout accounts for (ImageJ: channels * slices * frames). */
  totalPages: number;
  /** Page index of z slice `z` (ImageJ order: c fastest, then z, then t). */
  pageOf(z: number): number;
}

/**
 * The ImageJ hyperstack dimensions of a description (`images=`, `channels=`,
 * `slices=`, `frames=`, `order=`), or one slice per page without one.
 * @param pages - Number of full-resolution pages in the file.
 */
function hyperstackDims(
  file: TiffFile,
  imagej: ImageJMetadata | null,
  pages: number,
): { channels: number; slices: number; frames: number } {
  if (!imagej) return { channels: 1, slices: pages, frames: 1 };
  const int = (key: string, fallback: number) => {
    const v = imagejInt(imagej, key, fallback);
    if (Number.isNaN(v)) throw file.error(`${ijField(key, imagej)}: expected a positive integer`);
    return v;
  };
  const channels = int("channels", 1);
  let slices = int("slices", 1);
  const frames = int("frames", 1);
  const images = int("images", channels * slices * frames);
  if (channels * slices * frames !== images) {
    if (channels === 1 && frames === 1 && slices === 1) slices = images;
    else {
      throw file.error(
        `${ijField("images", imagej)}: inconsistent with channels*slices*frames = ${channels}*${slices}*${frames} = ${channels * slices * frames}`,
      );
    }
  }
  if (images === 1) slices = pages; // a plain multi-page file with an ImageJ description
  const order = (imagej.order ?? "czt").toLowerCase();
  if (order !== "czt" && order !== "default" && channels * frames > 1) {
    throw file.error(`${ijField("order", imagej)}: unsupported page order (only czt)`);
  }
  return { channels, slices, frames };
}

/**
 * The z slices of a stack after channel and frame selection: ImageJ
 * hyperstacks (channels and frames across pages), multi-sample pages (e.g.
 * RGB), or one page per slice.
 * @param pages - Number of full-resolution pages in the file.
 * @param samples - Samples per pixel of page 0.
 * @param options - The chosen `channel` and `frame`; each is required when there is more than one.
 * @throws Error naming the file and the description field for a layout that
 *   does not add up; RangeError/TypeError for a `channel` or `frame` out of range.
 */
export function stackLayout(
  file: TiffFile,
  imagej: ImageJMetadata | null,
  pages: number,
  samples: number,
  options: { channel?: number; frame?: number },
): StackLayout {
  const { channels, slices, frames } = hyperstackDims(file, imagej, pages);
  if (samples > 1 && channels > 1) {
    throw file.error(
      `${ijField("channels", imagej as ImageJMetadata)}: ImageJ channels of ${samples} samples each (IFD 0 tag SamplesPerPixel (277)) are not supported`,
    );
  }
  const nChannels = Math.max(channels, samples);
  const channel = pickIndex(file, "channel", options.channel, nChannels);
  if (nChannels > 1 && options.channel === undefined) {
    const what =
      samples > 1
        ? `${samples} samples per pixel (e.g. RGB; IFD 0 tag SamplesPerPixel (277))`
        : `${channels} channels (ImageJ hyperstack; ImageJ description field channels=${channels})`;
    throw file.error(
      `has ${what}; tomolab volumes hold one channel: pass { channel } in 0..${nChannels - 1}`,
    );
  }
  const framesAsZ = frames > 1 && slices === 1;
  const frame = pickIndex(file, "frame", options.frame, framesAsZ ? 1 : frames);
  if (frames > 1 && !framesAsZ && options.frame === undefined) {
    throw file.error(
      `is an ImageJ hyperstack with ${slices} slices and ${frames} frames (ImageJ description fields slices, frames); pass { frame } in 0..${frames - 1}`,
    );
  }
  const c = channels > 1 ? channel : 0;
  return {
    nz: framesAsZ ? frames : slices,
    channel,
    sample: samples > 1 ? channel : 0,
    totalPages: channels * slices * frames,
    pageOf: (z) => (framesAsZ ? z * channels + c : (frame * slices + z) * channels + c),
  };
}

/** A `channel` / `frame` option in 0..n-1, 0 when absent. */
function pickIndex(file: TiffFile, name: string, value: unknown, n: number): number {
  if (value === undefined) return 0;
  return checkFor(`for ${JSON.stringify(file.path)}`, () => checkInteger(value, name, 0, n - 1));
}

/**
 * Where each z slice's plane starts in ImageJ's single-IFD layout: page 0
 * holds plain uncompressed single-sample strips stored back to back, and the
 * other planes follow them. Checked against the file's size and structure.
 */
export async function contiguousPlanes(
  file: TiffFile,
  page: TiffPage,
  imagej: ImageJMetadata,
  layout: StackLayout,
): Promise<number[]> {
  const { totalPages } = layout;
  if (
    page.compression !== Compression.none ||
    page.tiled ||
    page.samples !== 1 ||
    !isDirectType(page.sampleType)
  ) {
    throw file.error(
      `${ijField("images", imagej)}: the description says ${totalPages} images but the file has 1 page whose data are not plain uncompressed single-channel samples, so the other images cannot be located`,
    );
  }
  const { offsets } = await readChunks(file, page);
  let end = offsets[0];
  for (let k = 0; k < page.chunks; k++) {
    if (offsets[k] !== end) {
      throw file.fieldError(
        page.ifd,
        Tag.StripOffsets,
        `ImageJ single-IFD stack whose strips are not contiguous (strip ${k} at ${offsets[k]}, expected ${end}); cannot locate the other images`,
      );
    }
    end += Math.min(page.chunkHeight, page.height - k * page.chunkHeight) * page.rowBytes;
  }
  const start = offsets[0];
  const planeBytes = page.width * page.height * (page.bits / 8);
  const bytes = totalPages * planeBytes;
  if (start + bytes > file.size) {
    throw file.error(
      `truncated: ${ijField("images", imagej)} needs ${bytes} bytes of pixel data from offset ${start}, but the file ends at ${file.size}`,
    );
  }
  const clash = file.overlapsStructure(start, bytes);
  if (clash) {
    throw file.error(
      `${ijField("images", imagej)}: the ${totalPages} planes of ${planeBytes} bytes from offset ${start} would overlap ${clash}; the file holds fewer images`,
    );
  }
  return Array.from({ length: layout.nz }, (_, z) => start + layout.pageOf(z) * planeBytes);
}

/**
 * Read the plane of z slice `z` at `offset` of ImageJ's contiguous block
 * (plain samples of page 0's type, in file byte order) into `out` at `at`.
 */
export async function readContiguousPlane(
  file: TiffFile,
  page: TiffPage,
  offset: number,
  z: number,
  out: VoxelArray,
  at: number,
): Promise<void> {
  const size = page.bits / 8;
  const bytes = await file.bytes(
    offset,
    page.width * page.height * size,
    `ImageJ plane for z ${z}`,
  );
  if (size > 1 && file.littleEndian !== PLATFORM_LE) swapBytes(bytes, size);
  (out as Float32Array).set(typedView(bytes, page.sampleType), at);
}

/**
 * The z step of ImageJ's `spacing=` (its absolute value: ImageJ writes a
 * negative spacing for stacks in reverse order), or 1 when absent.
 */
export function imagejZStep(file: TiffFile, imagej: ImageJMetadata | null): number {
  if (imagej?.spacing === undefined) return 1;
  const dz = Math.abs(Number(imagej.spacing));
  if (!Number.isFinite(dz) || dz <= 0 || imagej.spacing.trim() === "") {
    throw file.error(`${ijField("spacing", imagej)}: expected a non-zero number`);
  }
  return dz;
}
