import { endianness } from "node:os";
import { checkSpacing } from "../volume/check.js";
import { allocate } from "../volume/dtype.js";
import type { DType, Shape3, Spacing3, Volume, VoxelArray } from "../volume/types.js";
import { imagejInt, parseImageJDescription, type ImageJMetadata } from "./imagej.js";
import { checkBudget, resolveMaxBytes } from "./memory.js";
import { decodePage, swapBytes } from "./tiffDecode.js";
import { COMPRESSION_NAMES, Compression } from "./tiffDecompress.js";
import { Tag, TiffFile, type TiffIfd } from "./tiffFile.js";
import { readChunks, readPage, type TiffPage } from "./tiffPage.js";
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
  /**
   * Memory budget in bytes: a read that would allocate more (a slice for
   * {@link openTiff}, the whole volume or `pages` range for {@link readTiff})
   * is refused before allocating, with an error saying how much it needs.
   * @default half of this machine's memory (`os.totalmem() / 2`)
   */
  maxBytes?: number;
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
  /** Compression of the first page: `"none"`, `"deflate"`, `"lzw"`, `"packbits"`. */
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

/** Where z slice k comes from: a page, or a plane inside ImageJ's contiguous data after page 0. */
type SliceSource = { page: TiffPage } | { contiguousOffset: number };

const PLATFORM_LE = endianness() === "LE";

/** Whole-byte stored types (ImageJ's contiguous stacks hold only these). */
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

const DTYPE_BYTES: Record<DType, number> = {
  uint8: 1,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
};

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
 *
 * Pixels are decoded by tomolab itself: uncompressed, LZW, deflate and
 * PackBits strips or tiles, chunky or planar samples, horizontal and
 * floating-point predictors. Every IFD field is checked when the file is
 * opened (types, counts, ranges, strips inside the file and clear of its
 * structure); each page's strip/tile arrays are checked again before its
 * pixels are read, and decoders are bounded by the size the data must have,
 * so a corrupt file gives an error naming the file, the IFD and the tag,
 * never a hang, a crash or pixels read from the wrong place.
 *
 * @param path - The TIFF file.
 * @param options - `channel`, `frame`, `spacing`, `maxBytes`.
 * @returns A {@link TiffStack}; call `close()` when done.
 * @throws Error naming the file (and the field) when it is missing, not a
 *   TIFF, truncated, corrupt, or holds data tomolab cannot represent (e.g.
 *   several channels without `channel`, 64-bit integers, JPEG compression),
 *   or when one slice would exceed `maxBytes`.
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
  const maxBytes = resolveMaxBytes(options.maxBytes);
  const file = await TiffFile.open(fn, path);
  try {
    return await describeStack(file, options, maxBytes);
  } catch (e) {
    await file.close();
    throw e;
  }
}

/** The ImageJ description field named `key`, for messages. */
function ijField(key: string, meta: ImageJMetadata): string {
  return `ImageJ description (IFD 0 tag ImageDescription (270)) field ${key}=${JSON.stringify(meta[key] ?? "")}`;
}

async function describeStack(
  file: TiffFile,
  options: OpenTiffOptions,
  maxBytes: number,
): Promise<TiffStack> {
  const main: TiffPage[] = [];
  for (const ifd of file.ifds) {
    const page = await readPage(file, ifd);
    if (!page.reduced) main.push(page); // reduced-resolution copies are skipped
  }
  if (main.length === 0) {
    throw file.error(
      `contains only reduced-resolution pages: IFD 0 tag NewSubfileType (254) has bit 0 set${file.ifds.length > 1 ? ` and so do the other ${file.ifds.length - 1} IFDs` : ""}; no full image`,
    );
  }
  const first = main[0];
  const description = await file.text(first.ifd, Tag.ImageDescription);
  const imagej = parseImageJDescription(description);

  // Channel selection: samples inside a page, or ImageJ channels across pages.
  let channels = 1;
  let slices = main.length;
  let frames = 1;
  if (imagej) {
    const int = (key: string, fallback: number) => {
      const v = imagejInt(imagej, key, fallback);
      if (Number.isNaN(v)) throw file.error(`${ijField(key, imagej)}: expected a positive integer`);
      return v;
    };
    channels = int("channels", 1);
    slices = int("slices", 1);
    frames = int("frames", 1);
    const images = int("images", channels * slices * frames);
    if (channels * slices * frames !== images) {
      if (channels === 1 && frames === 1 && slices === 1) slices = images;
      else {
        throw file.error(
          `${ijField("images", imagej)}: inconsistent with channels*slices*frames = ${channels}*${slices}*${frames} = ${channels * slices * frames}`,
        );
      }
    }
    if (images === 1) slices = main.length; // a plain multi-page file with an ImageJ description
    const order = (imagej.order ?? "czt").toLowerCase();
    if (order !== "czt" && order !== "default" && channels * frames > 1) {
      throw file.error(`${ijField("order", imagej)}: unsupported page order (only czt)`);
    }
  }
  if (first.samples > 1 && channels > 1) {
    throw file.error(
      `${ijField("channels", imagej as ImageJMetadata)}: ImageJ channels of ${first.samples} samples each (IFD 0 tag SamplesPerPixel (277)) are not supported`,
    );
  }
  const nChannels = Math.max(channels, first.samples);
  const channel = pickIndex(file, "channel", options.channel, nChannels);
  if (nChannels > 1 && options.channel === undefined) {
    const what =
      first.samples > 1
        ? `${first.samples} samples per pixel (e.g. RGB; IFD 0 tag SamplesPerPixel (277))`
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
  const nz = framesAsZ ? frames : slices;
  const c = channels > 1 ? channel : 0;
  const pageOf = (z: number) =>
    framesAsZ ? z * channels + c : (frame * slices + z) * channels + c;
  const totalPages = channels * slices * frames;

  // Memory for one slice (and its decoding) before anything is allocated.
  const plane = first.width * first.height;
  checkBudget(
    file.fn,
    file.path,
    plane * (DTYPE_BYTES[first.dtype] + Math.ceil(first.bits / 8) * first.samples),
    `one slice (${first.height} x ${first.width} ${first.sampleType}${first.samples > 1 ? ` x ${first.samples} samples` : ""})`,
    maxBytes,
    "the file header is probably corrupt, or raise { maxBytes }",
  );

  // Where each page is: its own IFD, or ImageJ's contiguous pixel block after page 0.
  const sources: SliceSource[] = [];
  const planeBytes = plane * first.samples * (first.bits / 8);
  if (main.length >= totalPages) {
    for (let z = 0; z < nz; z++) sources.push({ page: main[pageOf(z)] });
  } else if (imagej && main.length === 1) {
    const start = await contiguousStart(file, first, imagej, totalPages);
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
    for (let z = 0; z < nz; z++) sources.push({ contiguousOffset: start + pageOf(z) * planeBytes });
  } else if (imagej) {
    throw file.error(
      `${ijField("images", imagej)}: the description says ${totalPages} images but the file has ${main.length} pages`,
    );
  } else {
    throw file.error(`expected ${totalPages} pages (IFDs), found ${main.length}`);
  }

  // Every page must look like page 0.
  for (let z = 0; z < sources.length; z++) {
    const s = sources[z];
    if (!("page" in s) || s.page === first) continue;
    const o = s.page;
    if (
      o.width !== first.width ||
      o.height !== first.height ||
      o.sampleType !== first.sampleType ||
      o.samples !== first.samples
    ) {
      throw file.error(
        `IFD ${o.ifd.index} (page ${z}) is ${o.height}x${o.width} ${o.sampleType} (${o.samples} samples) but IFD ${first.ifd.index} is ${first.height}x${first.width} ${first.sampleType} (${first.samples} samples) (tags ImageLength, ImageWidth, BitsPerSample, SampleFormat, SamplesPerPixel); not a single stack`,
      );
    }
  }
  // Page 0's strips/tiles are checked now, so a corrupt header fails at open.
  if ("page" in sources[0]) await readChunks(file, sources[0].page);

  const { spacing: fileSpacing, unit } = await readSpacing(file, first.ifd, imagej);
  let spacing = fileSpacing;
  let spacingUnit = unit;
  if (options.spacing !== undefined) {
    checkSpacing(options.spacing, "spacing");
    spacing = [...options.spacing] as Spacing3;
    spacingUnit = "nm";
  }

  return new OpenStack(file, {
    shape: [nz, first.height, first.width],
    dtype: first.dtype,
    sampleType: first.sampleType,
    spacing,
    unit: spacingUnit,
    compression: COMPRESSION_NAMES[first.compression] ?? `code ${first.compression}`,
    imagej,
    description,
    first,
    sources,
    channel,
    maxBytes,
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

/**
 * Offset of page 0's pixel data in ImageJ's single-IFD layout: plain
 * uncompressed single-sample strips stored back to back, the other planes
 * following them.
 */
async function contiguousStart(
  file: TiffFile,
  page: TiffPage,
  imagej: ImageJMetadata,
  totalPages: number,
): Promise<number> {
  if (
    page.compression !== Compression.none ||
    page.tiled ||
    page.samples !== 1 ||
    !DIRECT_TYPES.has(page.sampleType)
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
    if (!r) return 1;
    if (!(r[0] > 0) || !(r[1] > 0)) {
      throw file.fieldError(
        ifd,
        tag,
        `expected a positive number of pixels per ${unit}, received ${r[0]}/${r[1]}`,
      );
    }
    return roundSignificant(r[1] / r[0], 9); // pixels per unit -> unit per pixel; 32-bit rationals hold ~9 digits
  };
  const dx = await size(Tag.XResolution);
  const dy = await size(Tag.YResolution);
  let dz = 1;
  if (imagej?.spacing !== undefined) {
    dz = Math.abs(Number(imagej.spacing)); // ImageJ writes negative spacing for stacks in reverse order
    if (!Number.isFinite(dz) || dz <= 0 || imagej.spacing.trim() === "") {
      throw file.error(`${ijField("spacing", imagej)}: expected a non-zero number`);
    }
  }
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
  first: TiffPage;
  sources: SliceSource[];
  channel: number;
  maxBytes: number;
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
  private readonly first: TiffPage;
  private readonly sources: SliceSource[];
  private readonly channel: number;
  private readonly maxBytes: number;
  private closed = false;

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
    this.first = facts.first;
    this.sources = facts.sources;
    this.channel = facts.channel;
    this.maxBytes = facts.maxBytes;
  }

  async readSlice(z: number): Promise<VoxelArray> {
    this.check(z);
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
    checkBudget(
      this.file.fn,
      this.path,
      (stop - start) * plane * DTYPE_BYTES[this.dtype],
      `the volume (${stop - start} x ${this.shape[1]} x ${this.shape[2]} ${this.dtype})`,
      this.maxBytes,
      "read a range with { pages } or slice by slice with openTiff, or raise { maxBytes }",
    );
    const data = allocate(this.dtype, (stop - start) * plane, options.shared ?? false);
    for (let z = start; z < stop; z++) await this.readSliceInto(z, data, (z - start) * plane);
    return {
      data,
      shape: [stop - start, this.shape[1], this.shape[2]],
      spacing: [...this.spacing] as Spacing3,
      unit: this.unit,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
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
    const src = this.sources[z];
    if ("page" in src) {
      const chunks = await readChunks(this.file, src.page);
      await decodePage(this.file, src.page, chunks, this.channel, out, at);
      return;
    }
    // A plane of ImageJ's contiguous block: plain samples in file byte order.
    const l = this.first;
    const size = l.bits / 8;
    const planeBytes = l.width * l.height * size;
    const bytes = await this.file.bytes(
      src.contiguousOffset,
      planeBytes,
      `ImageJ plane for z ${z}`,
    );
    if (size > 1 && this.file.littleEndian !== PLATFORM_LE) swapBytes(bytes, size);
    (out as Float32Array).set(samplesOf(bytes, this.sampleType), at);
  }
}

/** Native-order whole-byte samples as a typed view. */
function samplesOf(bytes: Uint8Array, sampleType: string): ArrayLike<number> {
  const b = bytes.buffer;
  const o = bytes.byteOffset;
  switch (sampleType) {
    case "uint8":
      return bytes;
    case "int8":
      return new Int8Array(b, o, bytes.length);
    case "uint16":
      return new Uint16Array(b, o, bytes.length / 2);
    case "int16":
      return new Int16Array(b, o, bytes.length / 2);
    case "uint32":
      return new Uint32Array(b, o, bytes.length / 4);
    case "int32":
      return new Int32Array(b, o, bytes.length / 4);
    case "float32":
      return new Float32Array(b, o, bytes.length / 4);
    case "float64":
      return new Float64Array(b, o, bytes.length / 8);
    default:
      throw new Error(`internal: no direct reader for ${sampleType}`);
  }
}
