import { checkBoolean, checkNonNegative, checkPositiveInt } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import { histogram } from "../volume/stats.js";
import type { Volume } from "../volume/types.js";

export interface HistogramValleysOptions {
  /** Standard deviation (in bins) of the Gaussian that smooths the histogram before peaks are sought. @default 2 */
  smooth?: number;
  /** Number of bins. @default 256 (one per grey value of a uint8 image) */
  bins?: number;
  /** Grey-value range of the bins. @default [0, 256] for uint8, else the data range */
  range?: [number, number];
  /** Use only voxels where the mask is non-zero. */
  mask?: Volume;
  /**
   * Ignore the first and last bin (for uint8: grey values 0 and 255), where
   * clipped, saturated pixels pile up into spikes that are not material peaks.
   * @default true
   */
  ignoreEnds?: boolean;
}

export interface HistogramValleys {
  /** Thresholds at the valleys, ascending (left edge of each valley bin). */
  thresholds: number[];
  /** Grey values of the peaks the valleys separate (bin centres), ascending. */
  peaks: number[];
  /** The smoothed histogram and its bin edges, for plotting. */
  smoothed: Float64Array;
  edges: Float64Array;
}

/** Gaussian smoothing of a 1D array with reflect borders. */
function smooth1d(h: Float64Array, sigma: number): Float64Array {
  if (sigma <= 0) return h.slice();
  const r = Math.max(1, Math.ceil(4 * sigma));
  const w = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += w[i + r] = Math.exp((-0.5 * i * i) / (sigma * sigma));
  for (let i = 0; i < w.length; i++) w[i] /= s;
  const n = h.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = -r; k <= r; k++) {
      let j = i + k;
      while (j < 0 || j >= n) j = j < 0 ? -j - 1 : 2 * n - j - 1;
      acc += w[k + r] * h[j];
    }
    out[i] = acc;
  }
  return out;
}

/** Topographic prominence of each local maximum of `h` (plateaus count once, at their left end). */
function prominences(h: Float64Array): { index: number; prominence: number }[] {
  const n = h.length;
  const peaks: { index: number; prominence: number }[] = [];
  for (let i = 0; i < n; i++) {
    const left = i === 0 ? -Infinity : h[i - 1];
    let j = i;
    while (j + 1 < n && h[j + 1] === h[i]) j++;
    const right = j + 1 >= n ? -Infinity : h[j + 1];
    if (h[i] > left && h[i] > right && h[i] > 0) {
      let lmin = h[i];
      for (let k = i - 1; k >= 0 && h[k] <= h[i]; k--) lmin = Math.min(lmin, h[k]);
      let rmin = h[i];
      for (let k = j + 1; k < n && h[k] <= h[i]; k++) rmin = Math.min(rmin, h[k]);
      // Where no higher peak exists on a side, the base on that side is the side's minimum.
      peaks.push({ index: i, prominence: h[i] - Math.max(lmin, rmin) });
    }
    i = j;
  }
  return peaks;
}

/**
 * Thresholds at the valleys of the (smoothed) grey-value histogram: the
 * `count + 1` most prominent peaks are kept and each threshold is the lowest
 * point between two neighbouring peaks. This is how a person places a double
 * threshold by eye (Paper 1, method 3.1: thresholds around the carbon peak).
 * @param image - Grey values.
 * @param count - Number of thresholds (valleys). @default 2
 * @see Osenberg et al., Sect. 3.1, Fig. 2
 */
export function histogramValleys(
  image: Volume,
  count = 2,
  options: HistogramValleysOptions = {},
): HistogramValleys {
  checkVolume(image, "image");
  checkPositiveInt(count, "count");
  const sigma = checkNonNegative(options.smooth ?? 2, "smooth");
  const isU8 = image.data instanceof Uint8Array;
  const h = histogram(image, {
    bins: options.bins ?? 256,
    range: options.range ?? (isU8 ? [0, 256] : undefined),
    mask: options.mask,
  });
  const counts = h.counts.slice();
  if (checkBoolean(options.ignoreEnds ?? true, "ignoreEnds")) {
    counts[0] = 0;
    counts[counts.length - 1] = 0;
  }
  const s = smooth1d(counts, sigma);
  const found = prominences(s);
  if (found.length < count + 1) {
    throw new RangeError(
      `histogramValleys needs ${count + 1} peaks for ${count} valleys but the histogram (smoothed with sigma ${sigma} bins) has ${found.length}; lower \`smooth\` or \`count\``,
    );
  }
  const keep = found
    .sort((a, b) => b.prominence - a.prominence)
    .slice(0, count + 1)
    .map((p) => p.index)
    .sort((a, b) => a - b);
  const thresholds: number[] = [];
  for (let k = 0; k < count; k++) {
    let best = keep[k] + 1;
    for (let i = keep[k] + 1; i < keep[k + 1]; i++) if (s[i] < s[best]) best = i;
    thresholds.push(h.edges[best]);
  }
  const peaks = keep.map((i) => (h.edges[i] + h.edges[i + 1]) / 2);
  return { thresholds, peaks, smoothed: s, edges: h.edges };
}
