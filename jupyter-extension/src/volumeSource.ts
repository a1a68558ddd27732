// Where a voxel array's data comes from, as the kernel's payload says, checked before anything
// is read: inline bytes, or a file in the kernel's cache folder (never elsewhere) with its
// downsampled levels; and which level xz / yz planes of a big array are drawn from. No DOM.
import { base64ToBytes } from "./base64.js";
import type { Shape } from "./planes.js";
import type { ArraySource, ViewerDType } from "./viewerTypes.js";
import { bytesPerVoxel, voxelView, type Voxels } from "./voxels.js";

/** A downsampled copy of a file-backed array (see ArraySource). */
export type VolumeLevel = NonNullable<Extract<ArraySource, { kind: "file" }>["levels"]>[number];

/** Cache paths the viewer reads: only the kernel's cache folder, never elsewhere. */
export const CACHE_PATH =
  /^tomolab-cache\/[0-9a-f]{8,64}\.(uint8|uint16|int32|uint32|float32)\.raw$/;

/** The voxels of an inline source of `shape` and `dtype` (a view over the decoded bytes). */
export function inlineVoxels(base64: string, shape: Shape, dtype: ViewerDType): Voxels {
  const length = shape[0] * shape[1] * shape[2];
  const need = length * bytesPerVoxel(dtype);
  const bytes = base64ToBytes(base64);
  if (bytes.byteLength !== need)
    throw new RangeError(
      `inline array has ${bytes.byteLength} bytes, shape ${shape.join("x")} ${dtype} needs ${need}`,
    );
  return voxelView(dtype, bytes.buffer as ArrayBuffer, 0, length);
}

/** Checks that `path` is a cache file and `bytes` what `shape` of `dtype` needs. */
export function checkCacheFile(
  path: string,
  bytes: number,
  shape: Shape,
  dtype: ViewerDType,
): void {
  if (!CACHE_PATH.test(path))
    throw new RangeError(`refusing to read ${JSON.stringify(path)}: not a tomolab-cache file`);
  const need = shape[0] * shape[1] * shape[2] * bytesPerVoxel(dtype);
  if (bytes !== need)
    throw new RangeError(
      `${path} has ${bytes} bytes, shape ${shape.join("x")} ${dtype} needs ${need}`,
    );
}

/**
 * Checks the levels of a file source of `shape` and `dtype` (integer factor >= 2, shape
 * ceil(shape / factor), cache path, byte count).
 * @returns the levels, finest first.
 */
export function checkLevels(
  source: Extract<ArraySource, { kind: "file" }>,
  shape: Shape,
  dtype: ViewerDType,
): VolumeLevel[] {
  const levels: VolumeLevel[] = [];
  for (const level of source.levels ?? []) {
    const f = level.factor;
    const want = shape.map((n) => Math.ceil(n / f)) as Shape;
    if (!Number.isInteger(f) || f < 2 || level.shape?.some((n, i) => n !== want[i]))
      throw new RangeError(
        `level of ${source.path}: factor ${f} shape ${level.shape?.join("x")}, expected an integer factor >= 2 and shape ${want.join("x")}`,
      );
    checkCacheFile(level.path, level.bytes, want, dtype);
    levels.push(level);
  }
  return levels.sort((a, b) => a.factor - b.factor);
}

/** The finest of `levels` (finest first) of at most `limit` bytes, undefined when none fits. */
export function coarseLevel(levels: VolumeLevel[], limit: number): VolumeLevel | undefined {
  return levels.find((l) => l.bytes <= limit);
}
