import { fromFile, GeoTIFFImage } from "geotiff";
import type GeoTIFF from "geotiff";
import { endianness } from "node:os";
import { inflateSync } from "node:zlib";
import { checkSpacing } from "../volume/check.js";
import { allocate } from "../volume/dtype.js";
import type { DType, Shape3, Spacing3, Volume, VoxelArray } from "../volume/types.js";
import { imagejInt, parseImageJDescription, type ImageJMetadata } from "./imagej.js";
import { Tag, TiffFile, type TiffIfd } from "./tiffFile.js";
import { nanometresPer, unescapeUnit } from "./units.js";

/** Options of {@link openTiff}. */
export interface OpenTiffOptions {
  /**
   * Which channel to read: the sample index of multi-sample (e.g. RGB) pages,
   * or the channel of an ImageJ hyperstack. Required when there is more than
   * one; tomolab volumes hold one channel.
   */
  channel?: number;
  /**
   * Which time frame of an ImageJ hyperstack that has both slices and frames.
   * A stack with frames but a single slice reads its frames as z.
   */
  frame?: number;
  /** Voxel size `[dz, dy, dx]` to use instead of the file's metadata. */
  spacing?: Spacing3;
}

/** Options of {@link TiffStack.read} and {@link readTiff}. */
export interface TiffReadOptions {
  /** Range of z slices `[start, stop)` to read, e.g. `[100, 200]`. @default all */
  pages?: [start: number, stop: number];
  /** Allocate the voxels in a SharedArrayBuffer (for worker threads). @default false */
  shared?: boolean;
}

/**
 * An open TIFF stack: its shape, type and spacing are known, voxels are read
 * on demand one z slice at a time, so volumes larger than memory can be
 * processed slab by slab. Close it when done.
 */
export interface TiffStack {
  /** The file. */
  readonly path: string;
  /** `[nz, ny, nx]` of the stack (after channel/frame selection). */
  readonly shape: Shape3;
  /** Voxel type of the volumes read (see {@link readTiff} for the mapping). */
  readonly dtype: DType;
  /**
   * The stored sample type, e.g. `"uint16"`, `"int16"`, `"float64"`, `"uint12"`
   * (unsigned samples of a bit depth that is not 8/16/32).
   */
  readonly sampleType: string;
  /** Voxel size `[dz, dy, dx]` in {@link TiffStack.unit}. */
  readonly spacing: Spacing3;
  /**
   * Unit of `spacing`: `"nm"` when the file gives a length unit, `"pixel"` when
   * it has no calibration, otherwise the file's own unit left unconverted.
   */
  readonly unit: string;
  /** Compression of the first page: `"none"`, `"deflate"`, `"lzw"`, `"packbits"`, ... */
  readonly compression: string;
  /** The ImageJ metadata of the first page's description, or null. */
  readonly imagej: ImageJMetadata | null;
  /** ImageDescription of the first page, if any. */
  readonly description: string | undefined;
  /** Read z slice `z` (ny * nx voxels, x fastest). */
  readSlice(z: number): Promise<VoxelArray>;
  /** Read slices `[start, stop)` (all by default) as a volume with this stack's spacing. */
  read(options?: TiffReadOptions): Promise<Volume>;
  /** Release the file. Reads after closing fail. */
  close(): Promise<void>;
}

const COMPRESSION_NAMES: Record<number, string> = {
  1: "none",
  2: "ccitt-rle",
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

/** The layout facts of one page that decide how it is decoded. */
interface PageLayout {
  width: number;
  height: number;
  samples: number;
  bits: number;
  format: number; // SampleFormat: 1 unsigned, 2 signed, 3 float
  compression: number;
  tiled: boolean;
  rowsPerStrip: number;
  planar: number;
  predictor: number;
}

/** Where z slice k comes from: an IFD, or a plane inside ImageJ's contiguous data. */
type SliceSource = { ifd: TiffIfd } | { contiguousOffset: number };

const PLATFORM_LE = endianness() === "LE";

/** Stored types read without geotiff when uncompressed. */
const DIRECT_TYPES = new Set([
  "uint8",
  "int8",
  "uint16",
  "int16",
  "uint32",
  "int32",
  "float32",
  "float64",
]);

/**
 * Open a multi-page TIFF stack for reading, without reading its voxels.
 *
 * One z slice per page (IFD). ImageJ hyperstacks follow the ImageJ
 * description (`images=`, `channels=`, `slices=`, `frames=`, page order
 * c fastest, then z, then t), including ImageJ's single-IFD stacks whose
 * pixel data follow page 0 contiguously. Reduced-resolution pages
 * (NewSubfileType bit 0) are skipped. Spacing: ImageJ `unit=` and `spacing=`
 * with X/YResolution (pixels per unit), else ResolutionUnit centimetre with
 * X/YResolution, converted to nanometres; else `[1, 1, 1]` in `"pixel"`.
 * Like ImageJ, a calibrated stack without `spacing=` gets a z step of 1 unit.
 * Pixel decoding uses geotiff (deflate, LZW, PackBits, JPEG, zstd, LERC,
 * tiles, predictors); uncompressed and deflate strips of one-sample pages
 * are read directly (node:zlib), which is several times faster.
 *
 * @param path - The TIFF file.
 * @returns A {@link TiffStack}; call `close()` when done.
 * @throws Error naming the file when it is missing, not a TIFF, truncated,
 *   corrupt, or holds data tomolab cannot represent (e.g. several channels
 *   without `channel`, 64-bit integers).
 * @see tifffile `TiffFile.series` and ImageJ `ij.io.TiffDecoder` for the ImageJ rules.
 */
export async function openTiff(path: string, options: OpenTiffOptions = {}): Promise<TiffStack> {
  return openTiffAs("openTiff", path, options);
}

/** {@link openTiff} with the public function name used in error messages. */
export async function openTiffAs(
  fn: string,
  path: string,
  options: OpenTiffOptions,
): Promise<TiffStack> {
  const file = await TiffFile.open(fn, path);
  try {
    return await describeStack(file, options);
  } catch (e) {
    await file.close();
    throw e;
  }
}

async function describeStack(file: TiffFile, options: OpenTiffOptions): Promise<TiffStack> {
  const main: TiffIfd[] = [];
  for (const ifd of file.ifds) {
    if ((await file.value(ifd, Tag.NewSubfileType, 0)) & 1) continue; // reduced-resolution copy
    main.push(ifd);
  }
  if (main.length === 0) throw file.error("contains only reduced-resolution pages, no full image");
  const first = main[0];
  const layout = await pageLayout(file, first, 0);
  const sampleType = sampleTypeOf(file, layout);
  const dtype = dtypeFor(file, sampleType, layout);
  const description = await file.text(first, Tag.ImageDescription);
  const imagej = parseImageJDescription(description);

  // Channel selection: samples inside a page, or ImageJ channels across pages.
  let channels = 1;
  let slices = main.length;
  let frames = 1;
  if (imagej) {
    channels = imagejInt(imagej, "channels", 1);
    slices = imagejInt(imagej, "slices", 1);
    frames = imagejInt(imagej, "frames", 1);
    const images = imagejInt(imagej, "images", channels * slices * frames);
    if ([channels, slices, frames, images].some(Number.isNaN)) {
      throw file.error(
        `corrupt ImageJ description: images/channels/slices/frames must be positive integers`,
      );
    }
    if (channels * slices * frames !== images) {
      if (channels === 1 && frames === 1 && slices === 1) slices = images;
      else {
        throw file.error(
          `inconsistent ImageJ description: images=${images} but channels*slices*frames = ${channels * slices * frames}`,
        );
      }
    }
    if (images === 1) slices = main.length; // a plain multi-page file with an ImageJ description
    const order = (imagej.order ?? "czt").toLowerCase();
    if (order !== "czt" && order !== "default" && channels * frames > 1) {
      throw file.error(`unsupported ImageJ page order "${imagej.order}" (only czt)`);
    }
  }
  if (layout.samples > 1 && channels > 1) {
    throw file.error(
      `has ${channels} ImageJ channels of ${layout.samples} samples each; unsupported`,
    );
  }
  const nChannels = Math.max(channels, layout.samples);
  const channel = pickIndex(file, "channel", options.channel, nChannels);
  if (nChannels > 1 && options.channel === undefined) {
    const what =
      layout.samples > 1
        ? `${layout.samples} samples per pixel (e.g. RGB)`
        : `${channels} channels (ImageJ hyperstack)`;
    throw file.error(
      `has ${what}; tomolab volumes hold one channel: pass { channel } in 0..${nChannels - 1}`,
    );
  }
  const framesAsZ = frames > 1 && slices === 1;
  const frame = pickIndex(file, "frame", options.frame, framesAsZ ? 1 : frames);
  if (frames > 1 && !framesAsZ && options.frame === undefined) {
    throw file.error(
      `is an ImageJ hyperstack with ${slices} slices and ${frames} frames; pass { frame } in 0..${frames - 1}`,
    );
  }
  const nz = framesAsZ ? frames : slices;
  const c = channels > 1 ? channel : 0; // a sample index when the channels are samples
  const pageOf = (z: number) =>
    framesAsZ ? z * channels + c : (frame * slices + z) * channels + c;
  const totalPages = channels * slices * frames;

  // Where each page is: its own IFD, or ImageJ's contiguous pixel block after page 0.
  const sources: SliceSource[] = [];
  const planeBytes = layout.width * layout.height * layout.samples * (layout.bits / 8);
  if (main.length >= totalPages) {
    for (let z = 0; z < nz; z++) sources.push({ ifd: main[pageOf(z)] });
  } else if (imagej && main.length >= 1) {
    if (
      layout.compression !== 1 ||
      layout.tiled ||
      layout.samples !== 1 ||
      !DIRECT_TYPES.has(sampleType)
    ) {
      throw file.error(
        `ImageJ description says images=${totalPages} but the file has ${main.length} page(s) whose data are not plain uncompressed single-channel samples, so the other pages cannot be located`,
      );
    }
    const start = await contiguousStart(file, first);
    const end = start + totalPages * planeBytes;
    if (end > file.size) {
      throw file.error(
        `truncated: ImageJ description says images=${totalPages} (${totalPages * planeBytes} bytes of pixel data from offset ${start}) but the file ends at ${file.size}`,
      );
    }
    for (let z = 0; z < nz; z++) sources.push({ contiguousOffset: start + pageOf(z) * planeBytes });
  } else {
    throw file.error(`expected ${totalPages} pages, found ${main.length}`);
  }

  // Every page must look like page 0.
  for (let z = 0; z < sources.length; z++) {
    const s = sources[z];
    if (!("ifd" in s) || s.ifd === first) continue;
    const other = await pageLayout(file, s.ifd, z);
    const otherType = sampleTypeOf(file, other);
    if (
      other.width !== layout.width ||
      other.height !== layout.height ||
      otherType !== sampleType ||
      other.samples !== layout.samples
    ) {
      throw file.error(
        `page ${s.ifd.index} is ${other.height}x${other.width} ${otherType} (${other.samples} samples) but page ${first.index} is ${layout.height}x${layout.width} ${sampleType} (${layout.samples} samples); not a single stack`,
      );
    }
  }

  const { spacing: fileSpacing, unit } = await readSpacing(file, first, imagej);
  let spacing = fileSpacing;
  let spacingUnit = unit;
  if (options.spacing !== undefined) {
    checkSpacing(options.spacing, "spacing");
    spacing = [...options.spacing] as Spacing3;
    spacingUnit = "nm";
  }

  return new OpenStack(file, {
    shape: [nz, layout.height, layout.width],
    dtype,
    sampleType,
    spacing,
    unit: spacingUnit,
    compression: COMPRESSION_NAMES[layout.compression] ?? `code ${layout.compression}`,
    imagej,
    description,
    layout,
    sources,
    channel,
  });
}

/** A validated index option (`channel`, `frame`) in 0..n-1, 0 when absent. */
function pickIndex(file: TiffFile, name: string, value: number | undefined, n: number): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0 || value >= n) {
    throw new RangeError(
      `\`${name}\` must be an integer in 0..${n - 1} for ${JSON.stringify(file.path)}, received ${value}`,
    );
  }
  return value;
}

/** Read the tags that decide how a page is decoded, checking the required ones. */
async function pageLayout(file: TiffFile, ifd: TiffIfd, z: number): Promise<PageLayout> {
  const width = await file.value(ifd, Tag.ImageWidth, 0);
  const height = await file.value(ifd, Tag.ImageLength, 0);
  if (width <= 0 || height <= 0) {
    throw file.error(
      `corrupt: page ${ifd.index} (z ${z}) has no ImageWidth/ImageLength (${width}x${height})`,
    );
  }
  const samples = await file.value(ifd, Tag.SamplesPerPixel, 1);
  const bitsList = (await file.values(ifd, Tag.BitsPerSample)) ?? [1];
  const formatList = (await file.values(ifd, Tag.SampleFormat)) ?? [1];
  if (new Set(bitsList).size > 1 || new Set(formatList).size > 1) {
    throw file.error(
      `page ${ifd.index} mixes sample types (BitsPerSample ${bitsList}, SampleFormat ${formatList}); unsupported`,
    );
  }
  const tiled = ifd.entries.has(Tag.TileOffsets);
  if (!tiled && !ifd.entries.has(Tag.StripOffsets)) {
    throw file.error(`corrupt: page ${ifd.index} has neither StripOffsets nor TileOffsets`);
  }
  return {
    width,
    height,
    samples,
    bits: bitsList[0],
    format: formatList[0] === 4 ? 1 : formatList[0], // 4 = undefined data: read as unsigned
    compression: await file.value(ifd, Tag.Compression, 1),
    tiled,
    rowsPerStrip: Math.min(await file.value(ifd, Tag.RowsPerStrip, height), height) || height,
    planar: await file.value(ifd, Tag.PlanarConfiguration, 1),
    predictor: await file.value(ifd, Tag.Predictor, 1),
  };
}

/** Stored sample type name, e.g. `uint16`, `int8`, `float64`, `uint12`. */
function sampleTypeOf(file: TiffFile, l: PageLayout): string {
  if (l.format === 1) return `uint${l.bits}`;
  if (l.format === 2) return `int${l.bits}`;
  if (l.format === 3) return `float${l.bits}`;
  throw file.error(`unsupported SampleFormat ${l.format} (complex or unknown samples)`);
}

/**
 * The tomolab dtype for a stored type: unsigned integers keep their width
 * (sub-byte and 12-bit widths are widened to 8/16/32); signed int8/int16/int32
 * become int32 (exact); float16/float32/float64 become float32 (float64 is
 * rounded to the nearest float32; magnitudes beyond 3.4e38 become ±Infinity).
 */
function dtypeFor(file: TiffFile, sampleType: string, l: PageLayout): DType {
  if (l.format === 1 && l.bits >= 1 && l.bits <= 32)
    return l.bits <= 8 ? "uint8" : l.bits <= 16 ? "uint16" : "uint32";
  if (l.format === 2 && (l.bits === 8 || l.bits === 16 || l.bits === 32)) return "int32";
  if (l.format === 3 && (l.bits === 16 || l.bits === 32 || l.bits === 64)) return "float32";
  throw file.error(
    `unsupported sample type ${sampleType} (supported: unsigned 1-32 bit, signed 8/16/32 bit, float 16/32/64 bit)`,
  );
}

/** Offset of page 0's pixel data when its strips are stored back to back (ImageJ's layout). */
async function contiguousStart(file: TiffFile, ifd: TiffIfd): Promise<number> {
  const offsets = (await file.values(ifd, Tag.StripOffsets)) ?? [];
  const counts = await file.values(ifd, Tag.StripByteCounts);
  if (offsets.length === 0) throw file.error("corrupt: page 0 has no StripOffsets");
  if (counts) {
    for (let i = 1; i < offsets.length; i++) {
      if (offsets[i] !== offsets[i - 1] + counts[i - 1]) {
        throw file.error(
          "ImageJ single-IFD stack whose page 0 strips are not contiguous; cannot locate the other pages",
        );
      }
    }
  }
  return offsets[0];
}

/** Spacing `[dz, dy, dx]` and its unit from ImageJ metadata or resolution tags. */
async function readSpacing(
  file: TiffFile,
  ifd: TiffIfd,
  imagej: ImageJMetadata | null,
): Promise<{ spacing: Spacing3; unit: string }> {
  let unit: string | undefined;
  if (imagej?.unit) unit = unescapeUnit(imagej.unit);
  else if ((await file.value(ifd, Tag.ResolutionUnit, 2)) === 3) unit = "cm";
  if (
    unit === undefined ||
    unit === "" ||
    unit.toLowerCase() === "pixel" ||
    unit.toLowerCase() === "pixels"
  ) {
    return { spacing: [1, 1, 1], unit: "pixel" };
  }
  const size = async (tag: number): Promise<number> => {
    const r = await file.values(ifd, tag);
    if (!r || r.length < 2 || !(r[0] > 0) || !(r[1] > 0)) return 1;
    return roundSignificant(r[1] / r[0], 9); // pixels per unit -> unit per pixel; 32-bit rationals hold ~9 digits
  };
  const dx = await size(Tag.XResolution);
  const dy = await size(Tag.YResolution);
  const zText = imagej?.spacing;
  const dzRaw = zText !== undefined ? Math.abs(Number(zText)) : 1;
  const dz = Number.isFinite(dzRaw) && dzRaw > 0 ? dzRaw : 1;
  const factor = nanometresPer(unit);
  if (factor === undefined) return { spacing: [dz, dy, dx], unit };
  const nm = (v: number) => roundSignificant(v * factor, 12);
  return { spacing: [nm(dz), nm(dy), nm(dx)], unit: "nm" };
}

function roundSignificant(x: number, digits: number): number {
  return Number(x.toPrecision(digits));
}

interface StackFacts {
  shape: Shape3;
  dtype: DType;
  sampleType: string;
  spacing: Spacing3;
  unit: string;
  compression: string;
  imagej: ImageJMetadata | null;
  description: string | undefined;
  layout: PageLayout;
  sources: SliceSource[];
  channel: number;
}

class OpenStack implements TiffStack {
  readonly path: string;
  readonly shape: Shape3;
  readonly dtype: DType;
  readonly sampleType: string;
  readonly spacing: Spacing3;
  readonly unit: string;
  readonly compression: string;
  readonly imagej: ImageJMetadata | null;
  readonly description: string | undefined;
  private readonly layout: PageLayout;
  private readonly sources: SliceSource[];
  private readonly channel: number;
  private geotiff: Promise<GeoTIFF> | null = null;
  private closed = false;
  private scratch: Uint8Array | null = null;

  constructor(
    private readonly file: TiffFile,
    facts: StackFacts,
  ) {
    this.path = file.path;
    this.shape = facts.shape;
    this.dtype = facts.dtype;
    this.sampleType = facts.sampleType;
    this.spacing = facts.spacing;
    this.unit = facts.unit;
    this.compression = facts.compression;
    this.imagej = facts.imagej;
    this.description = facts.description;
    this.layout = facts.layout;
    this.sources = facts.sources;
    this.channel = facts.channel;
  }

  async readSlice(z: number): Promise<VoxelArray> {
    const out = allocate(this.dtype, this.shape[1] * this.shape[2]);
    await this.readSliceInto(z, out, 0);
    return out;
  }

  async read(options: TiffReadOptions = {}): Promise<Volume> {
    const nz = this.shape[0];
    const [start, stop] = options.pages ?? [0, nz];
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(stop) ||
      start < 0 ||
      stop > nz ||
      start >= stop
    ) {
      throw new RangeError(
        `\`pages\` must be [start, stop) with 0 <= start < stop <= ${nz} for ${JSON.stringify(this.path)}, received ${JSON.stringify(options.pages)}`,
      );
    }
    const plane = this.shape[1] * this.shape[2];
    const data = allocate(this.dtype, (stop - start) * plane, options.shared ?? false);
    for (let z = start; z < stop; z++) await this.readSliceInto(z, data, (z - start) * plane);
    return {
      data,
      shape: [stop - start, this.shape[1], this.shape[2]],
      spacing: [...this.spacing] as Spacing3,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const g = this.geotiff;
    this.geotiff = null;
    await this.file.close();
    if (!g) return;
    try {
      await (await g).close();
    } catch {
      // geotiff never opened the file: nothing to close
    }
  }

  private check(z: number): void {
    if (this.closed) throw this.file.error("the stack was closed");
    if (!Number.isInteger(z) || z < 0 || z >= this.shape[0]) {
      throw new RangeError(
        `slice index must be an integer in 0..${this.shape[0] - 1} for ${JSON.stringify(this.path)}, received ${z}`,
      );
    }
  }

  private async readSliceInto(z: number, out: VoxelArray, at: number): Promise<void> {
    this.check(z);
    const l = this.layout;
    const src = this.sources[z];
    const own =
      !l.tiled &&
      l.samples === 1 &&
      DIRECT_TYPES.has(this.sampleType) &&
      (l.compression === 1 ||
        ((l.compression === 8 || l.compression === 32946) &&
          (l.predictor === 1 || l.predictor === 2)));
    if ("ifd" in src && !own) {
      await this.decodeWithGeotiff(src.ifd, z, out, at);
      return;
    }
    const size = l.bits / 8;
    const planeBytes = l.width * l.height * size;
    const sameType = this.sampleType === this.dtype;
    const bytes = sameType
      ? new Uint8Array(out.buffer, out.byteOffset + at * out.BYTES_PER_ELEMENT, planeBytes)
      : this.scratchBytes(planeBytes);
    if ("ifd" in src) await this.readStrips(src.ifd, z, bytes);
    else await this.file.bytes(src.contiguousOffset, planeBytes, `ImageJ page for z ${z}`, bytes);
    if (size > 1 && this.file.littleEndian !== PLATFORM_LE) swapBytes(bytes, size);
    if ("ifd" in src && l.compression !== 1 && l.predictor === 2)
      undoHorizontalDifferencing(bytes, size, l.width);
    if (!sameType) convertRaw(bytes, this.sampleType, out, at);
  }

  private scratchBytes(n: number): Uint8Array {
    if (!this.scratch || this.scratch.length < n) this.scratch = new Uint8Array(n);
    return this.scratch.subarray(0, n);
  }

  /**
   * Strips of one page into `target` (file byte order): uncompressed strips
   * are read in place, merged into as few reads as possible; deflate strips
   * are inflated with node:zlib.
   */
  private async readStrips(ifd: TiffIfd, z: number, target: Uint8Array): Promise<void> {
    const l = this.layout;
    const offsets = (await this.file.values(ifd, Tag.StripOffsets)) ?? [];
    const counts = await this.file.values(ifd, Tag.StripByteCounts);
    const rowBytes = l.width * (l.bits / 8);
    const nStrips = Math.ceil(l.height / l.rowsPerStrip);
    const where = `page ${ifd.index} (z ${z})`;
    if (offsets.length < nStrips) {
      throw this.file.error(`corrupt: ${where} has ${offsets.length} strips, expected ${nStrips}`);
    }
    const need = (s: number) => Math.min(l.rowsPerStrip, l.height - s * l.rowsPerStrip) * rowBytes;
    if (l.compression !== 1) {
      if (!counts || counts.length < nStrips)
        throw this.file.error(`corrupt: ${where} lacks StripByteCounts`);
      for (let s = 0; s < nStrips; s++) {
        const packed = await this.file.bytes(offsets[s], counts[s], `${where} strip ${s}`);
        let raw: Uint8Array;
        try {
          raw = inflateSync(packed);
        } catch (e) {
          throw this.file.error(
            `${where} strip ${s}: corrupt deflate data (${(e as Error).message})`,
          );
        }
        if (raw.length < need(s)) {
          throw this.file.error(
            `${where} strip ${s}: deflate data decode to ${raw.length} bytes, expected ${need(s)}`,
          );
        }
        target.set(raw.subarray(0, need(s)), s * l.rowsPerStrip * rowBytes);
      }
      return;
    }
    let s = 0;
    while (s < nStrips) {
      const begin = s;
      const offset = offsets[s];
      let length = 0;
      // Merge strips that follow each other in the file.
      while (s < nStrips) {
        if (counts && counts[s] < need(s)) {
          throw this.file.error(
            `corrupt: ${where} strip ${s} holds ${counts[s]} bytes, expected ${need(s)}`,
          );
        }
        if (s > begin && offsets[s] !== offset + length) break;
        length += need(s);
        s++;
      }
      const from = begin * l.rowsPerStrip * rowBytes;
      await this.file.bytes(
        offset,
        length,
        `${where} strip ${begin}`,
        target.subarray(from, from + length),
      );
    }
  }

  private async decodeWithGeotiff(
    ifd: TiffIfd,
    z: number,
    out: VoxelArray,
    at: number,
  ): Promise<void> {
    const l = this.layout;
    // Check every strip/tile lies inside the file before decoding (geotiff would read zeros past the end).
    const offsetTag = l.tiled ? Tag.TileOffsets : Tag.StripOffsets;
    const countTag = l.tiled ? Tag.TileByteCounts : Tag.StripByteCounts;
    const offsets = (await this.file.values(ifd, offsetTag)) ?? [];
    const counts = await this.file.values(ifd, countTag);
    if (!counts || counts.length < offsets.length) {
      throw this.file.error(
        `corrupt: page ${ifd.index} lacks ${l.tiled ? "TileByteCounts" : "StripByteCounts"}`,
      );
    }
    const kind = l.tiled ? "tile" : "strip";
    for (let i = 0; i < offsets.length; i++) {
      if (offsets[i] + counts[i] > this.file.size) {
        throw this.file.error(
          `truncated: page ${ifd.index} (z ${z}) ${kind} ${i} at offset ${offsets[i]} (${counts[i]} bytes) runs past the end of the file (size ${this.file.size})`,
        );
      }
    }
    if (!this.geotiff) this.geotiff = fromFile(this.path);
    let values: ArrayLike<number>;
    try {
      const tiff = await this.geotiff;
      const dir = await tiff.parser.parseFileDirectoryAt(ifd.offset);
      const image = new GeoTIFFImage(dir, tiff.littleEndian, false, tiff.source);
      const rasters = await image.readRasters({ samples: [l.samples > 1 ? this.channel : 0] });
      values = rasters[0] as ArrayLike<number>;
    } catch (e) {
      throw this.file.error(
        `page ${ifd.index} (z ${z}): cannot decode ${this.compression} data (${(e as Error).message})`,
      );
    }
    const n = l.width * l.height;
    if (values.length !== n) {
      throw this.file.error(
        `page ${ifd.index} (z ${z}): decoded ${values.length} values, expected ${n}`,
      );
    }
    (out as Float32Array).set(values, at);
  }
}

/**
 * Convert a plane of raw samples (machine byte order) into `out` at `at`,
 * widening or rounding to the output type by typed-array assignment.
 */
function convertRaw(bytes: Uint8Array, sampleType: string, out: VoxelArray, at: number): void {
  const size = sampleType.endsWith("8")
    ? 1
    : sampleType.endsWith("16")
      ? 2
      : sampleType.endsWith("32")
        ? 4
        : 8;
  const n = bytes.byteLength / size;
  const buf = bytes.buffer as ArrayBuffer;
  const o = bytes.byteOffset;
  let view: ArrayLike<number>;
  switch (sampleType) {
    case "uint8":
      view = new Uint8Array(buf, o, n);
      break;
    case "int8":
      view = new Int8Array(buf, o, n);
      break;
    case "uint16":
      view = new Uint16Array(buf, o, n);
      break;
    case "int16":
      view = new Int16Array(buf, o, n);
      break;
    case "uint32":
      view = new Uint32Array(buf, o, n);
      break;
    case "int32":
      view = new Int32Array(buf, o, n);
      break;
    case "float32":
      view = new Float32Array(buf, o, n);
      break;
    case "float64":
      view = new Float64Array(buf, o, n);
      break;
    default:
      throw new Error(`internal: no direct reader for ${sampleType}`);
  }
  (out as Float32Array).set(view, at);
}

/** Undo TIFF Predictor 2 (TIFF 6.0 section 14): each sample is stored as the difference from its left neighbour. */
function undoHorizontalDifferencing(bytes: Uint8Array, size: number, width: number): void {
  const n = bytes.byteLength / size;
  const view =
    size === 1
      ? bytes
      : size === 2
        ? new Uint16Array(bytes.buffer, bytes.byteOffset, n)
        : size === 4
          ? new Uint32Array(bytes.buffer, bytes.byteOffset, n)
          : new BigUint64Array(bytes.buffer, bytes.byteOffset, n);
  if (view instanceof BigUint64Array) {
    for (let row = 0; row < n; row += width) {
      for (let x = 1; x < width; x++)
        view[row + x] = BigInt.asUintN(64, view[row + x] + view[row + x - 1]);
    }
    return;
  }
  for (let row = 0; row < n; row += width) {
    for (let x = 1; x < width; x++) view[row + x] += view[row + x - 1]; // typed arrays wrap modulo 2^bits
  }
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let j = 0, k = size - 1; j < k; j++, k--) {
      const t = b[i + j];
      b[i + j] = b[i + k];
      b[i + k] = t;
    }
  }
}
