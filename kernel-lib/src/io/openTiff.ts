import { checkInteger, checkNumberArray, expectedError } from "../util/checks.js";
import { roundSignificant } from "../util/round.js";
import { checkSpacing } from "../volume/check.js";
import { allocate } from "../volume/dtype.js";
import type { DType, Shape3, Spacing3, Volume, VoxelArray } from "../volume/types.js";
import { checkFor } from "./files.js";
import {
  contiguousPlanes,
  imagejZStep,
  ijField,
  parseImageJDescription,
  readContiguousPlane,
  stackLayout,
  type ImageJMetadata,
} from "./imagej.js";
import { checkBudget, resolveMaxBytes } from "./memory.js";
import { decodePage } from "./tiffDecode.js";
import { COMPRESSION_NAMES } from "./tiffDecompress.js";
import { TiffFile, type TiffIfd } from "./tiffFile.js";
import { Tag } from "./tiffTags.js";
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
  const layout = stackLayout(file, imagej, main.length, first.samples, options);

  // Memory for one slice (and its decoding) before anything is allocated.
  checkBudget(
    file.fn,
    file.path,
    first.width *
      first.height *
      (DTYPE_BYTES[first.dtype] + Math.ceil(first.bits / 8) * first.samples),
    `one slice (${first.height} x ${first.width} ${first.sampleType}${first.samples > 1 ? ` x ${first.samples} samples` : ""})`,
    maxBytes,
    "the file header is probably corrupt, or raise { maxBytes }",
  );

  // Where each page is: its own IFD, or ImageJ's contiguous pixel block after page 0.
  let sources: SliceSource[];
  if (main.length >= layout.totalPages) {
    sources = Array.from({ length: layout.nz }, (_, z) => ({ page: main[layout.pageOf(z)] }));
  } else if (imagej && main.length === 1) {
    const planes = await contiguousPlanes(file, first, imagej, layout);
    sources = planes.map((contiguousOffset) => ({ contiguousOffset }));
  } else if (imagej) {
    throw file.error(
      `${ijField("images", imagej)}: the description says ${layout.totalPages} images but the file has ${main.length} pages`,
    );
  } else {
    throw file.error(`expected ${layout.totalPages} pages (IFDs), found ${main.length}`);
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

  let calibration = await readSpacing(file, first.ifd, imagej); // checked even when overridden
  if (options.spacing !== undefined) {
    checkSpacing(options.spacing, "spacing");
    calibration = { spacing: [...options.spacing] as Spacing3, unit: "nm" };
  }

  return openStack(
    file,
    {
      path: file.path,
      shape: [layout.nz, first.height, first.width],
      dtype: first.dtype,
      sampleType: first.sampleType,
      ...calibration,
      compression: COMPRESSION_NAMES[first.compression] ?? `code ${first.compression}`,
      imagej,
      description,
    },
    { first, sources, sample: layout.sample, maxBytes },
  );
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
    return roundSignificant(r[1] / r[0], 9)!; // pixels per unit -> unit per pixel; 32-bit rationals hold ~9 digits
  };
  const dx = await size(Tag.XResolution);
  const dy = await size(Tag.YResolution);
  const dz = imagejZStep(file, imagej);
  const factor = nanometresPer(unit);
  if (factor === undefined) return { spacing: [dz, dy, dx], unit };
  const spacing = [dz, dy, dx].map((v) => roundSignificant(v * factor, 12)) as Spacing3;
  if (!spacing.every((v) => v !== null && v > 0)) {
    throw file.error(
      `spacing [${[dz, dy, dx].join(", ")}] ${unit} is [${[dz, dy, dx].map((v) => v * factor).join(", ")}] nm, outside what a number holds (ImageJ description field spacing, tags XResolution, YResolution)`,
    );
  }
  return { spacing, unit: "nm" };
}

/** What a {@link TiffStack} reports about itself. */
type StackFacts = Omit<TiffStack, "readSlice" | "read" | "close">;

/** How an open stack reads its slices. */
interface StackReader {
  first: TiffPage;
  sources: SliceSource[];
  /** Sample of each page to decode. */
  sample: number;
  maxBytes: number;
}

function openStack(file: TiffFile, facts: StackFacts, reader: StackReader): TiffStack {
  const { first, sources, sample, maxBytes } = reader;
  const [nz, ny, nx] = facts.shape;
  const where = `for ${JSON.stringify(file.path)}`;
  let closed = false;
  const readSliceInto = async (z: number, out: VoxelArray, at: number): Promise<void> => {
    if (closed) throw file.error("the stack was closed");
    checkFor(where, () => checkInteger(z, "z", 0, nz - 1));
    const src = sources[z];
    if ("page" in src) {
      const chunks = await readChunks(file, src.page);
      await decodePage(file, src.page, chunks, sample, out, at);
    } else await readContiguousPlane(file, first, src.contiguousOffset, z, out, at);
  };
  return {
    ...facts,
    async readSlice(z: number): Promise<VoxelArray> {
      const out = allocate(facts.dtype, ny * nx);
      await readSliceInto(z, out, 0);
      return out;
    },
    async read(options: TiffReadOptions = {}): Promise<Volume> {
      const [start, stop] = checkPages(options.pages, nz, where);
      const plane = ny * nx;
      checkBudget(
        file.fn,
        file.path,
        (stop - start) * plane * DTYPE_BYTES[facts.dtype],
        `the volume (${stop - start} x ${ny} x ${nx} ${facts.dtype})`,
        maxBytes,
        "read a range with { pages } or slice by slice with openTiff, or raise { maxBytes }",
      );
      const data = allocate(facts.dtype, (stop - start) * plane, options.shared ?? false);
      for (let z = start; z < stop; z++) await readSliceInto(z, data, (z - start) * plane);
      return {
        data,
        shape: [stop - start, ny, nx],
        spacing: [...facts.spacing] as Spacing3,
        unit: facts.unit,
      };
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await file.close();
    },
  };
}

/** The `pages` option: `[start, stop)` with 0 <= start < stop <= nz, all slices when undefined. */
function checkPages(pages: unknown, nz: number, where: string): [number, number] {
  if (pages === undefined) return [0, nz];
  const expected = `[start, stop) with 0 <= start < stop <= ${nz}`;
  return checkFor(where, () => {
    const [start, stop] = checkNumberArray(pages, "pages", {
      length: 2,
      integer: true,
      min: 0,
      max: nz,
      expected,
    });
    if (start >= stop) throw expectedError("pages", expected, pages);
    return [start, stop];
  });
}
