import { expectedError } from "../util/checks.js";
import { checkVolume, formatShape } from "./check.js";
import type { Volume, VoxelArray } from "./types.js";

/** Half-open voxel range per axis: [start, stop). */
export type Range1 = [start: number, stop: number];

/**
 * The ranges of a {@link crop} of a volume of `shape`, checked and with `null` resolved to the
 * whole axis (what `crop` does before copying, for callers that only need the box).
 * @throws RangeError naming the axis and the shape when a range is not inside the volume.
 */
export function cropRanges(
  shape: readonly number[],
  ranges: [Range1 | null, Range1 | null, Range1 | null],
): [Range1, Range1, Range1] {
  if (!Array.isArray(ranges) || ranges.length !== 3) {
    throw expectedError("ranges", "[[z0, z1], [y0, y1], [x0, x1]]", ranges);
  }
  const axes = ["z", "y", "x"];
  return ranges.map((range, a) => {
    const n = shape[a];
    if (range === null) return [0, n] as Range1;
    const [s, e] = range;
    if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > n || s >= e) {
      throw new RangeError(
        `crop range for ${axes[a]} must be integers 0 <= start < stop <= ${n} (volume shape ${formatShape(shape)}), received [${s}, ${e}]`,
      );
    }
    return [s, e] as Range1;
  }) as [Range1, Range1, Range1];
}

/**
 * A sub-volume `[z0, z1) x [y0, y1) x [x0, x1)` (a copy, same dtype and spacing).
 * @param ranges - One [start, stop) per axis (z, y, x); `null` keeps the whole axis.
 */
export function crop<T extends VoxelArray>(
  volume: Volume<T>,
  ranges: [Range1 | null, Range1 | null, Range1 | null],
): Volume<T> {
  checkVolume(volume, "volume");
  const r = cropRanges(volume.shape, ranges);
  const [[z0, z1], [y0, y1], [x0, x1]] = r;
  const [, ny, nx] = volume.shape;
  const oy = y1 - y0;
  const ox = x1 - x0;
  const Ctor = volume.data.constructor as new (n: number) => T;
  const out = new Ctor((z1 - z0) * oy * ox);
  let o = 0;
  for (let z = z0; z < z1; z++) {
    for (let y = y0; y < y1; y++) {
      const start = (z * ny + y) * nx + x0;
      out.set(volume.data.subarray(start, start + ox) as never, o);
      o += ox;
    }
  }
  return { data: out, shape: [z1 - z0, oy, ox], spacing: [...volume.spacing] };
}
