// Histogram of the displayed plane for the threshold tuner. No DOM here.
import type { Voxels } from "./volumeData.js";

/**
 * Counts of `values` in `bins` equal bins over [min, max), binned as kernel-lib's volume
 * histogram (`describeChannel` in kernel-lib/src/display/viewChannel.ts):
 * bin = floor((v - min) * bins / (max - min)), values at or above `max` in the last bin,
 * values below `min` and NaN skipped. With the volume histogram's min / max / bin count, slice
 * and volume counts share their bins, so thresholds read the same on both.
 */
export function histogramCounts(
  values: Voxels | ArrayLike<number>,
  min: number,
  max: number,
  bins: number,
): Float64Array {
  const counts = new Float64Array(Math.max(1, bins));
  const n = counts.length;
  const scale = max > min ? n / (max - min) : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= min)) continue;
    const b = Math.floor((v - min) * scale);
    counts[b < n ? b : n - 1]++;
  }
  return counts;
}
