import { checkBoolean, checkNumber, checkNumberArray, checkPositiveInt } from "../util/checks.js";
import { checkVolume } from "./check.js";
import type { Volume, VoxelArray } from "./types.js";

function values(input: Volume | VoxelArray | ArrayLike<number>, name: string): ArrayLike<number> {
  if (ArrayBuffer.isView(input) || Array.isArray(input)) return input as ArrayLike<number>;
  checkVolume(input, name);
  return (input as Volume).data;
}

/** Minimum and maximum of the finite values (NaN and ±Infinity ignored); [NaN, NaN] when there are none. */
export function minMax(input: Volume | ArrayLike<number>): [number, number] {
  const v = values(input, "input");
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x - x !== 0) continue; // NaN or ±Infinity
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo > hi ? [NaN, NaN] : [lo, hi];
}

/**
 * Percentiles with linear interpolation between order statistics (numpy's default,
 * `np.percentile(a, q)`); NaN values are ignored.
 * @param q - Percentile(s) in [0, 100].
 */
export function percentile(input: Volume | ArrayLike<number>, q: number[]): number[] {
  checkNumberArray(q, "q", { min: 0, max: 100, expected: "an array of percentiles in [0, 100]" });
  const v = values(input, "input");
  const sorted = Float64Array.from(v as ArrayLike<number>)
    .filter((x) => x === x)
    .sort();
  const n = sorted.length;
  if (n === 0) throw new RangeError("percentile of an empty input (or all NaN)");
  return q.map((p) => {
    const pos = (p / 100) * (n - 1);
    const i = Math.floor(pos);
    const f = pos - i;
    return i + 1 < n ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i];
  });
}

export interface NormalizeOptions {
  /** Lower percentile mapped to `outRange[0]`. @default 1 */
  low?: number;
  /** Upper percentile mapped to `outRange[1]`. @default 99 */
  high?: number;
  /** Output range. @default [0, 1] */
  outRange?: [number, number];
  /** Clip values outside the output range. @default true */
  clip?: boolean;
}

/**
 * Float32 copy with intensities rescaled so that the `low` and `high` percentiles
 * map to `outRange` (robust contrast normalisation, as csbdeep's `normalize`).
 */
export function normalizePercentile(
  volume: Volume,
  options: NormalizeOptions = {},
): Volume<Float32Array> {
  checkVolume(volume, "volume");
  const { low = 1, high = 99, outRange = [0, 1], clip = true } = options;
  checkNumber(low, "low", { min: 0, max: 100 });
  checkNumber(high, "high", { min: low, max: 100, minOpen: true });
  checkNumberArray(outRange, "outRange", { length: 2 });
  checkBoolean(clip, "clip");
  const [a, b] = percentile(volume, [low, high]);
  const [o0, o1] = outRange;
  const scale = b > a ? (o1 - o0) / (b - a) : 0;
  const src = volume.data;
  const out = new Float32Array(src.length);
  const lo = Math.min(o0, o1);
  const hi = Math.max(o0, o1);
  for (let i = 0; i < src.length; i++) {
    let x = o0 + (src[i] - a) * scale;
    if (clip) x = x < lo ? lo : x > hi ? hi : x;
    out[i] = x;
  }
  return { data: out, shape: [...volume.shape], spacing: [...volume.spacing] };
}

export interface HistogramOptions {
  /** Number of equal-width bins. @default 256 for uint8, else 100 */
  bins?: number;
  /** [min, max] of the bins; values outside are not counted. @default data min and max */
  range?: [number, number];
  /** Count only voxels where the mask is non-zero (same shape as the volume). */
  mask?: Volume;
}

export interface Histogram {
  /** Count per bin. */
  counts: Float64Array;
  /** Bin edges, length bins + 1. */
  edges: Float64Array;
}

/**
 * Histogram with equal-width bins, numpy's convention (`np.histogram`): bins are
 * half-open [e_i, e_{i+1}) except the last, which includes its right edge.
 */
export function histogram(
  input: Volume | ArrayLike<number>,
  options: HistogramOptions = {},
): Histogram {
  const v = values(input, "input");
  const isU8 = v instanceof Uint8Array;
  const bins = checkPositiveInt(options.bins ?? (isU8 ? 256 : 100), "bins");
  let mask: ArrayLike<number> | undefined;
  if (options.mask) {
    checkVolume(options.mask, "mask");
    mask = options.mask.data;
    if (mask.length !== v.length) {
      throw new RangeError(`\`mask\` has ${mask.length} voxels but the input has ${v.length}`);
    }
  }
  if (options.range !== undefined)
    checkNumberArray(options.range, "range", {
      length: 2,
      ascending: true,
      expected: "[min, max] of finite numbers, min <= max",
    });
  let [lo, hi] = options.range ?? (isU8 && options.bins === undefined ? [0, 256] : minMax(v));
  if (!(lo <= hi)) {
    // no finite value
    lo = 0;
    hi = 1;
  }
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const counts = new Float64Array(bins);
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = lo + ((hi - lo) * i) / bins;
  const scale = bins / (hi - lo);
  for (let i = 0; i < v.length; i++) {
    if (mask && !mask[i]) continue;
    const x = v[i];
    if (!(x >= lo && x <= hi)) continue;
    let b = Math.floor((x - lo) * scale);
    if (b >= bins) b = bins - 1;
    // Guard the floating-point edge cases so binning agrees with the edges array.
    if (x < edges[b]) b--;
    else if (b + 1 < bins && x >= edges[b + 1]) b++;
    counts[b]++;
  }
  return { counts, edges };
}

/**
 * Volume fraction of each phase of a label volume: voxels equal to each key,
 * divided by all voxels (or by the voxels inside `mask`).
 * @param labels - A label (or any integer-valued) volume.
 * @param phases - Label value to phase name, e.g. `{ 0: "pore", 85: "nmc", 170: "cbd" }`.
 * @returns Phase name to fraction in [0, 1].
 */
export function phaseFractions(
  labels: Volume,
  phases: Record<number, string>,
  options: { mask?: Volume } = {},
): Record<string, number> {
  checkVolume(labels, "labels");
  const keys = Object.keys(phases).map(Number);
  if (keys.length === 0 || keys.some((k) => !Number.isFinite(k))) {
    throw new RangeError(
      `\`phases\` must map label values to names, received ${JSON.stringify(phases)}`,
    );
  }
  const mask = options.mask?.data;
  if (mask && mask.length !== labels.data.length) {
    throw new RangeError(
      `\`mask\` has ${mask.length} voxels but \`labels\` has ${labels.data.length}`,
    );
  }
  const counts = new Map<number, number>(keys.map((k) => [k, 0]));
  let total = 0;
  const d = labels.data;
  for (let i = 0; i < d.length; i++) {
    if (mask && !mask[i]) continue;
    total++;
    const c = counts.get(d[i]);
    if (c !== undefined) counts.set(d[i], c + 1);
  }
  const out: Record<string, number> = {};
  for (const k of keys) out[phases[k]] = total > 0 ? counts.get(k)! / total : NaN;
  return out;
}
