/**
 * The layout of one TIFF page (IFD), validated once: the tags that decide how
 * its pixels are stored (size, samples, bits, sample format, compression,
 * predictor, strips or tiles) must hold values TIFF 6.0 allows and tomolab
 * decodes, and the strip/tile arrays must have one entry per strip/tile, lie
 * inside the file, not overlap the file's own structure (header, IFDs, tag
 * values), and hold enough bytes for the rows they cover. Every error names
 * the file, the IFD and the tag.
 */
import type { DType } from "../volume/types.js";
import {
  COMPRESSION_NAMES,
  Compression,
  isSupportedCompression,
  maxDecodedBytes,
} from "./tiffDecompress.js";
import { TiffFile, type TiffIfd } from "./tiffFile.js";
import { Tag } from "./tiffTags.js";

/** The validated layout of one page. */
export interface TiffPage {
  ifd: TiffIfd;
  width: number;
  height: number;
  /** SamplesPerPixel. */
  samples: number;
  /** BitsPerSample (the same for every sample). */
  bits: number;
  /** SampleFormat: 1 unsigned, 2 signed, 3 float (4, undefined, reads as unsigned). */
  format: 1 | 2 | 3;
  /** Stored sample type, e.g. `uint16`, `int8`, `float64`, `uint12`. */
  sampleType: string;
  /** The tomolab dtype it is read as. */
  dtype: DType;
  compression: number;
  /** PlanarConfiguration: 1 chunky (samples interleaved), 2 planar (one plane per sample). */
  planar: 1 | 2;
  /** Predictor in effect: 1 none, 2 horizontal differencing, 3 floating point (only with LZW/deflate). */
  predictor: 1 | 2 | 3;
  /** NewSubfileType bit 0: a reduced-resolution copy. */
  reduced: boolean;
  tiled: boolean;
  /** Tile size, or image width x RowsPerStrip for strips. */
  chunkWidth: number;
  chunkHeight: number;
  /** Strips/tiles across and down one sample plane. */
  across: number;
  down: number;
  /** Strips/tiles in the page (across x down, times samples when planar). */
  chunks: number;
  /** Samples interleaved in each strip/tile (samples when chunky, 1 when planar). */
  chunkSamples: number;
  /** Bytes per row of a strip/tile (rows are padded to whole bytes). */
  rowBytes: number;
}

/** The validated strip or tile arrays of a page. */
export interface TiffChunks {
  offsets: number[];
  /** Stored bytes of each strip/tile. */
  counts: number[];
}

/** Strips or tiles, for messages. */
export function chunkKind(page: TiffPage): "strip" | "tile" {
  return page.tiled ? "tile" : "strip";
}

/** Read and validate the layout tags of `ifd` (not yet the strip/tile arrays). */
export async function readPage(file: TiffFile, ifd: TiffIfd): Promise<TiffPage> {
  const fail = (tag: number, problem: string) => file.fieldError(ifd, tag, problem);
  const required = async (tag: number): Promise<number> => {
    if (!ifd.entries.has(tag)) throw fail(tag, "required tag missing");
    const v = await file.value(ifd, tag, 0);
    if (v < 1) throw fail(tag, `expected a value >= 1, received ${v}`);
    return v;
  };
  const reduced = ((await file.value(ifd, Tag.NewSubfileType, 0)) & 1) === 1;
  const width = await required(Tag.ImageWidth);
  const height = await required(Tag.ImageLength);
  const samples = await file.value(ifd, Tag.SamplesPerPixel, 1);
  if (samples < 1) throw fail(Tag.SamplesPerPixel, `expected a value >= 1, received ${samples}`);

  const perSample = async (tag: number, fallback: number): Promise<number> => {
    const v = (await file.values(ifd, tag)) ?? [fallback];
    if (v.length !== 1 && v.length !== samples) {
      throw fail(tag, `expected 1 or SamplesPerPixel (${samples}) values, received ${v.length}`);
    }
    if (v.some((x) => x !== v[0])) {
      throw fail(tag, `samples of different types (${v.join(", ")}) are not supported`);
    }
    return v[0];
  };
  const bits = await perSample(Tag.BitsPerSample, 1);
  if (bits < 1 || bits > 64) throw fail(Tag.BitsPerSample, `expected 1..64, received ${bits}`);
  const rawFormat = await perSample(Tag.SampleFormat, 1);
  if (rawFormat < 1 || rawFormat > 4) {
    throw fail(
      Tag.SampleFormat,
      `unsupported SampleFormat ${rawFormat} (complex or unknown samples); expected 1 (unsigned), 2 (signed), 3 (float) or 4 (undefined)`,
    );
  }
  const format = (rawFormat === 4 ? 1 : rawFormat) as 1 | 2 | 3;
  const sampleType = `${format === 1 ? "uint" : format === 2 ? "int" : "float"}${bits}`;
  const dtype = dtypeFor(format, bits);
  if (!dtype) {
    throw fail(
      format === 1 ? Tag.BitsPerSample : Tag.SampleFormat,
      `unsupported sample type ${sampleType} (supported: unsigned 1-32 bit, signed 8/16/32 bit, float 16/32/64 bit)`,
    );
  }

  const compression = await file.value(ifd, Tag.Compression, 1);
  if (!isSupportedCompression(compression)) {
    const name = COMPRESSION_NAMES[compression];
    throw fail(
      Tag.Compression,
      `unsupported compression ${compression}${name ? ` (${name})` : ""}; tomolab reads uncompressed, LZW, deflate and PackBits TIFF (convert the file, e.g. with tifffile or ImageJ)`,
    );
  }
  const photometric = await file.value(ifd, Tag.Photometric, 1);
  if (photometric === 6 || photometric === 32844 || photometric === 32845) {
    throw fail(
      Tag.Photometric,
      `unsupported photometric interpretation ${photometric} (${photometric === 6 ? "YCbCr" : "LogL/LogLuv"})`,
    );
  }
  const fillOrder = await file.value(ifd, Tag.FillOrder, 1);
  if (fillOrder !== 1) {
    throw fail(
      Tag.FillOrder,
      `unsupported FillOrder ${fillOrder} (only 1, most significant bit first)`,
    );
  }
  const planarRaw = await file.value(ifd, Tag.PlanarConfiguration, 1);
  if (planarRaw !== 1 && planarRaw !== 2)
    throw fail(Tag.PlanarConfiguration, `expected 1 (chunky) or 2 (planar), received ${planarRaw}`);
  const planar: 1 | 2 = samples === 1 ? 1 : planarRaw;

  const predictorRaw = await file.value(ifd, Tag.Predictor, 1);
  if (predictorRaw < 1 || predictorRaw > 3) {
    throw fail(
      Tag.Predictor,
      `expected 1 (none), 2 (horizontal differencing) or 3 (floating point), received ${predictorRaw}`,
    );
  }
  // libtiff applies the predictor only with the codecs that define one (LZW, deflate).
  const usesPredictor =
    compression === Compression.lzw ||
    compression === Compression.deflate ||
    compression === Compression.adobeDeflate;
  const predictor = (usesPredictor ? predictorRaw : 1) as 1 | 2 | 3;
  if (predictor === 2 && ![8, 16, 32, 64].includes(bits)) {
    throw fail(Tag.Predictor, `horizontal differencing of ${bits}-bit samples is not supported`);
  }
  if (predictor === 3 && (format !== 3 || ![16, 32, 64].includes(bits))) {
    throw fail(
      Tag.Predictor,
      `the floating-point predictor needs 16, 32 or 64-bit float samples, received ${sampleType}`,
    );
  }

  const tiled = ifd.entries.has(Tag.TileWidth) || ifd.entries.has(Tag.TileOffsets);
  let chunkWidth: number;
  let chunkHeight: number;
  if (tiled) {
    chunkWidth = await required(Tag.TileWidth);
    chunkHeight = await required(Tag.TileLength);
  } else {
    chunkWidth = width;
    const rows = await file.value(ifd, Tag.RowsPerStrip, 2 ** 32 - 1);
    if (rows < 1) throw fail(Tag.RowsPerStrip, `expected a value >= 1, received ${rows}`);
    chunkHeight = Math.min(rows, height);
  }
  const chunkSamples = planar === 2 ? 1 : samples;
  const across = Math.ceil(width / chunkWidth);
  const down = Math.ceil(height / chunkHeight);
  const chunks = across * down * (planar === 2 ? samples : 1);
  const page: TiffPage = {
    ifd,
    width,
    height,
    samples,
    bits,
    format,
    sampleType,
    dtype,
    compression,
    planar,
    predictor,
    reduced,
    tiled,
    chunkWidth,
    chunkHeight,
    across,
    down,
    chunks,
    chunkSamples,
    rowBytes: Math.ceil((chunkWidth * chunkSamples * bits) / 8),
  };

  // One offset and one byte count per strip/tile (counted from the entries, before reading any array).
  const offsetTag = tiled ? Tag.TileOffsets : Tag.StripOffsets;
  const countTag = tiled ? Tag.TileByteCounts : Tag.StripByteCounts;
  const offsets = ifd.entries.get(offsetTag);
  if (!offsets) throw fail(offsetTag, "required tag missing");
  const counts = ifd.entries.get(countTag);
  if (!counts && compression !== Compression.none) throw fail(countTag, "required tag missing");
  const why = tiled
    ? `one per tile: ${across} x ${down} tiles of ${chunkWidth}x${chunkHeight}${planar === 2 ? ` x ${samples} planes` : ""}`
    : `one per strip: ImageLength ${height} / RowsPerStrip ${chunkHeight}${planar === 2 ? ` x ${samples} planes` : ""}`;
  for (const entry of [offsets, counts]) {
    if (entry && entry.count !== chunks) {
      throw fail(entry.tag, `expected ${chunks} values (${why}), received ${entry.count}`);
    }
  }
  return page;
}

/**
 * Bytes strip/tile `k` must decode to: full tiles always; strips hold the
 * rows left in the image (the last strip may be shorter).
 */
export function chunkNeed(page: TiffPage, k: number): number {
  if (page.tiled) return page.chunkHeight * page.rowBytes;
  const row0 = (k % page.down) * page.chunkHeight;
  return Math.min(page.chunkHeight, page.height - row0) * page.rowBytes;
}

/**
 * Read and validate the strip/tile arrays of a page: every strip/tile inside
 * the file, clear of the file's structure, and with enough bytes (uncompressed)
 * or few enough bytes to hold its rows (compressed, by the codec's largest
 * expansion). Missing StripByteCounts of uncompressed pages are taken as the
 * bytes the rows need, as libtiff does.
 */
export async function readChunks(file: TiffFile, page: TiffPage): Promise<TiffChunks> {
  const { ifd } = page;
  const offsetTag = page.tiled ? Tag.TileOffsets : Tag.StripOffsets;
  const countTag = page.tiled ? Tag.TileByteCounts : Tag.StripByteCounts;
  const offsets = (await file.values(ifd, offsetTag)) as number[];
  const stored = await file.values(ifd, countTag);
  const counts = stored ?? offsets.map((_, k) => chunkNeed(page, k));
  const kind = chunkKind(page);
  const compressed = page.compression !== Compression.none;
  for (let k = 0; k < page.chunks; k++) {
    const need = chunkNeed(page, k);
    const offset = offsets[k];
    const count = counts[k];
    if (compressed) {
      if (count < 1) throw file.fieldError(ifd, countTag, `${kind} ${k} holds 0 bytes`);
      if (maxDecodedBytes(page.compression, count) < need) {
        throw file.fieldError(
          ifd,
          countTag,
          `${kind} ${k}: ${count} bytes of ${COMPRESSION_NAMES[page.compression]} data cannot hold the ${need} bytes of its rows`,
        );
      }
    } else if (count < need) {
      throw file.fieldError(
        ifd,
        countTag,
        `${kind} ${k} holds ${count} bytes, expected ${need} (its rows of ${page.rowBytes} bytes)`,
      );
    }
    const length = compressed ? count : need;
    if (offset + length > file.size) {
      throw file.fieldError(
        ifd,
        offsetTag,
        `truncated: ${kind} ${k} at offset ${offset} (${length} bytes) runs past the end of the file (size ${file.size})`,
      );
    }
    const clash = file.overlapsStructure(offset, length);
    if (clash) {
      throw file.fieldError(
        ifd,
        offsetTag,
        `corrupt: ${kind} ${k} at offset ${offset} (${length} bytes) overlaps ${clash}`,
      );
    }
  }
  return { offsets, counts };
}

/**
 * The tomolab dtype for a stored type: unsigned integers keep their width
 * (sub-byte and 12-bit widths are widened to 8/16/32); signed int8/int16/int32
 * become int32 (exact); float16/float32/float64 become float32 (float64 is
 * rounded to the nearest float32; magnitudes beyond 3.4e38 become ±Infinity).
 * Undefined for types tomolab does not read.
 */
function dtypeFor(format: 1 | 2 | 3, bits: number): DType | undefined {
  if (format === 1 && bits >= 1 && bits <= 32)
    return bits <= 8 ? "uint8" : bits <= 16 ? "uint16" : "uint32";
  if (format === 2 && (bits === 8 || bits === 16 || bits === 32)) return "int32";
  if (format === 3 && (bits === 16 || bits === 32 || bits === 64)) return "float32";
  return undefined;
}
