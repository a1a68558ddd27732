// What the viewer needs to draw a channel before it has read the data: its value range, a
// histogram and the initial contrast window; and the small PNG shown where the viewer is missing.
import { encode } from "fast-png";
import { histogram, minMax } from "../volume/stats.js";
import type { Plane, Volume, VoxelArray } from "../volume/types.js";
import type { ChannelPayload } from "./viewerTypes.js";

/** Percentile (0..100) from a histogram over [min, max] with bins of equal width. */
function histogramPercentile(
  counts: Float64Array,
  min: number,
  max: number,
  total: number,
  p: number,
): number {
  const target = (p / 100) * total;
  let acc = 0;
  const width = (max - min) / counts.length;
  for (let i = 0; i < counts.length; i++) {
    acc += counts[i];
    if (acc >= target) return min + (i + 1) * width;
  }
  return max;
}

/**
 * Range, histogram and initial contrast window of one channel. Integer data spanning fewer
 * than 256 values get one bin per value (`histogram.max` is then one past the largest value),
 * anything else 256 bins over [min, max]. The window runs between the two percentiles of
 * the finite values; NaN and infinite voxels are left out of all three. @internal (view())
 * @param percentiles - Percentiles (0..100) of the window's ends, e.g. [0.5, 99.5].
 */
export function describeChannel(
  data: VoxelArray,
  percentiles: readonly [number, number],
): Pick<ChannelPayload, "window" | "range" | "histogram"> {
  let [min, max] = minMax(data);
  if (!(min <= max)) {
    // no finite value: an arbitrary unit range
    min = 0;
    max = 1;
  }
  const perValue = !(data instanceof Float32Array) && max - min < 256;
  const bins = perValue ? max - min + 1 : 256;
  const hi = perValue ? min + bins : max > min ? max : min + 1;
  const { counts } = histogram(data, { bins, range: [min, hi] });
  const total = counts.reduce((a, b) => a + b, 0);
  let lo = histogramPercentile(counts, min, hi, total, percentiles[0]);
  let up = histogramPercentile(counts, min, hi, total, percentiles[1]);
  // one bin per value: bin i is the value min + i; the window ends at the value, not the bin edge
  if (perValue) {
    lo -= 1;
    up -= 1;
  }
  if (!(up > lo)) {
    lo = min;
    up = max > min ? max : min + 1;
  }
  return {
    window: [lo, up],
    range: [min, max],
    histogram: { min, max: hi, counts: Array.from(counts) },
  };
}

/** Greyscale PNG of one plane through the contrast window, nearest-sampled to `maxSide`. */
export function slicePng(
  volume: Volume,
  plane: Plane,
  slice: number,
  window: [number, number],
  maxSide = 256,
): Uint8Array {
  const [nz, ny, nx] = volume.shape;
  const [w, h] = plane === "xy" ? [nx, ny] : plane === "xz" ? [nx, nz] : [ny, nz];
  const f = Math.max(1, Math.max(w, h) / maxSide);
  const ow = Math.max(1, Math.round(w / f));
  const oh = Math.max(1, Math.round(h / f));
  const out = new Uint8Array(ow * oh);
  const scale = window[1] > window[0] ? 255 / (window[1] - window[0]) : 0;
  for (let b = 0; b < oh; b++) {
    const v = Math.min(h - 1, Math.floor(b * f));
    for (let a = 0; a < ow; a++) {
      const u = Math.min(w - 1, Math.floor(a * f));
      const index =
        plane === "xy"
          ? (slice * ny + v) * nx + u
          : plane === "xz"
            ? (v * ny + slice) * nx + u
            : (v * ny + u) * nx + slice;
      const g = (volume.data[index] - window[0]) * scale;
      out[b * ow + a] = g < 0 ? 0 : g > 255 ? 255 : Math.round(g);
    }
  }
  return encode({ width: ow, height: oh, data: out, depth: 8, channels: 1 });
}
