import type { Volume } from "../volume/types.js";
import { openTiffAs, type OpenTiffOptions, type TiffReadOptions } from "./openTiff.js";

/** Options of {@link readTiff}. */
export interface ReadTiffOptions extends OpenTiffOptions, TiffReadOptions {}

/**
 * Read a TIFF stack (one z slice per page, or an ImageJ hyperstack) into a volume.
 *
 * Voxel types: uint8, uint16 and uint32 samples keep their type (1-7 bit
 * samples are widened to uint8, 9-15 bit to uint16); int8, int16 and int32
 * become int32 (exact); float16, float32 and float64 become float32 (float64
 * is rounded to the nearest float32). Photometric interpretation is not
 * applied: WhiteIsZero and palette pages give their stored values.
 * Spacing comes from ImageJ metadata or the resolution tags, in nanometres
 * (see {@link openTiff}); pass `spacing` to override it. Compression:
 * uncompressed, LZW, deflate and PackBits (strips or tiles, with predictors).
 * Every IFD field is checked before any voxel is read, and the volume's size
 * against `maxBytes` before it is allocated (see {@link openTiff}).
 *
 * @param path - The TIFF file (`.tif`, `.tiff`, BigTIFF too).
 * @param options - `channel`/`frame` for multi-channel files, `pages` for a z
 *   range, `spacing` to override the file's voxel size, `shared`, `maxBytes`.
 * @returns The volume `{ data, shape: [nz, ny, nx], spacing: [dz, dy, dx] }`.
 * @throws Error naming the file and the field (e.g. `IFD 0 tag StripOffsets
 *   (273): ...`) for missing, corrupt, truncated or unsupported files, and
 *   for volumes beyond `maxBytes`.
 * @example
 * ```ts
 * const image = await readTiff("data/electrode.tiff");
 * const slab = await readTiff("big.tif", { pages: [100, 164] });
 * ```
 * @see {@link openTiff} to read slices on demand from stacks beyond memory.
 */
export async function readTiff(path: string, options: ReadTiffOptions = {}): Promise<Volume> {
  const stack = await openTiffAs("readTiff", path, options);
  try {
    return await stack.read({ pages: options.pages, shared: options.shared });
  } finally {
    await stack.close();
  }
}
