import { checkNumberArray, checkOptions, checkPositiveInt } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { ParallelOptions } from "../parallel/types.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { forEachBlock } from "../parallel/mapBlocks.js";
import { parallelOptions, runsInline } from "../parallel/options.js";
import { getThreads } from "../parallel/pool.js";
import { toShared } from "../parallel/shared.js";
import { allocate } from "../volume/dtype.js";
import { ballRows, type PaintBlockParams } from "./ballPaint.js";
import { distanceTransform } from "./distanceTransform.js";

/** Options of {@link localThickness}. */
export interface LocalThicknessOptions extends ParallelOptions {
  /**
   * Ball radii tried (physical units), or how many, log-spaced from the
   * largest distance-transform value down to the smallest voxel side
   * (PoreSpy's `sizes`, whose integer default is 25 from `dt.max()` to 1 voxel).
   * @default 25
   */
  sizes?: number | number[];
}

/**
 * Paint balls directly when that visits fewer than this many voxels per voxel
 * of the volume; else one EDT of the centres (its cost, measured in voxel
 * visits of the painting loop).
 */
const EDT_COST = 24;

/** Index of the first size band `k` with `d >= lower[k]` (lower descending), or -1. */
function bandOf(d: number, lower: Float64Array): number {
  if (!(d >= lower[lower.length - 1]!) || d === Infinity) return -1;
  let lo = 0;
  let hi = lower.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (d >= lower[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const KEYS = ["sizes", "threads", "inline", "blockShape", "signal", "onProgress"];

/**
 * Local thickness: for each foreground voxel, the radius of the largest ball
 * (among `sizes`) that fits in the foreground and covers the voxel, as
 * PoreSpy's `local_thickness` (its `porosimetry` without access limitation):
 * for each radius `r`, largest first, the voxels within distance `< r` of a
 * centre whose distance transform is `>= r` get `r` unless already set.
 * Radii are in the units of the spacing (PoreSpy: voxels); 0 outside.
 * One deliberate difference: PoreSpy's largest default size `10**log10(dt.max())`
 * can round above `dt.max()`, which makes it skip that size; here it is kept.
 * @param mask - Non-zero = foreground (e.g. the pore phase).
 * @returns Float32 radii.
 * @see PoreSpy `filters.local_thickness` / `porosimetry(mode="dt", access_limited=False)`.
 */
export async function localThickness(
  mask: Volume,
  options: LocalThicknessOptions = {},
): Promise<Volume<Float32Array>> {
  checkVolume(mask, "mask");
  checkOptions(options, "options", KEYS);
  const { sizes: sizesOption, ...par } = options;
  const dt = await distanceTransform(mask, par);
  const n = dt.data.length;
  let dtMax = 0;
  for (let i = 0; i < n; i++)
    if (dt.data[i]! > dtMax && dt.data[i]! < Infinity) dtMax = dt.data[i]!;
  let sizes: number[];
  if (Array.isArray(sizesOption)) {
    checkNumberArray(sizesOption, "sizes", { min: 0, minOpen: true, minLength: 1 });
    sizes = [...new Set(sizesOption)].sort((a, b) => b - a);
  } else {
    const count = checkPositiveInt(sizesOption ?? 25, "sizes");
    const lo = Math.log10(Math.min(...mask.spacing));
    const hi = Math.log10(Math.max(dtMax, 10 ** lo));
    sizes = Array.from(
      { length: count },
      (_, k) => 10 ** (count === 1 ? hi : hi + ((lo - hi) * k) / (count - 1)),
    );
  }
  // Centres by size band: band k holds the voxels with lower[k] <= dt < lower[k - 1], the
  // only centres that can cover voxels not yet set at size k (balls of older centres at this
  // smaller radius lie inside their own larger balls). dt is float32: the relative slack
  // keeps a centre whose distance equals the size up to rounding.
  const lower = Float64Array.from(sizes, (r) => r * (1 - 1e-6));
  // Each voxel's band + 1 (0: no band), found once by binary search and read back below.
  const band = sizes.length < 255 ? new Uint8Array(n) : new Int32Array(n);
  const first = new Int32Array(sizes.length + 1);
  const least = lower[lower.length - 1]!;
  for (let i = 0; i < n; i++) {
    const d = dt.data[i]!;
    if (!(d >= least)) continue;
    const k = bandOf(d, lower);
    if (k >= 0) {
      band[i] = k + 1;
      first[k + 1]!++;
    }
  }
  for (let k = 0; k < sizes.length; k++) first[k + 1]! += first[k]!;
  const centres = new Int32Array(first[sizes.length]!);
  const fill = first.slice(0, sizes.length);
  for (let i = 0; i < n; i++) {
    const k = band[i]!;
    if (k !== 0) centres[fill[k - 1]!++] = i;
  }
  const shape = [...mask.shape] as Shape3;
  const inline = runsInline(shape, parallelOptions(par));
  const threads = Math.max(1, inline ? 1 : Math.min(par.threads ?? getThreads(), getThreads()));
  const out = allocate("float32", n, !inline);
  const shared = inline ? centres : (allocate("int32", centres.length, true) as Int32Array);
  if (shared !== centres) shared.set(centres);
  const input = inline ? dt : toShared(dt);
  let centresOut: Uint8Array | undefined;
  // Bands painted as balls (visits estimated by an upper bound, centres times the ball) go
  // to the pool in runs of consecutive bands; the others take one EDT of their centres.
  let painted: number[] = [];
  const flush = async () => {
    if (painted.length === 0) return;
    const params: PaintBlockParams = {
      out,
      centres: shared,
      first: Array.from(first),
      sizes,
      lower: Array.from(lower),
      bands: painted,
      spacing: [...mask.spacing] as Spacing3,
    };
    const kernel = { module: "morphology/ballPaint.js", name: "paintBlock", params };
    const bz = Math.max(1, Math.ceil(shape[0] / (4 * threads)));
    await forEachBlock(input, kernel, { ...par, inline, blockShape: [bz, shape[1], shape[2]] });
    painted = [];
  };
  for (let k = 0; k < sizes.length; k++) {
    const from = first[k]!;
    const to = first[k + 1]!;
    if (from === to) continue;
    const r = sizes[k]!;
    if ((to - from) * ballRows(r, mask.spacing).volume < EDT_COST * n) {
      painted.push(k);
      continue;
    }
    await flush();
    centresOut ??= new Uint8Array(n);
    centresOut.fill(1);
    for (let j = from; j < to; j++) centresOut[centres[j]!] = 0;
    const d2 = await distanceTransform(
      { data: centresOut, shape, spacing: mask.spacing },
      { ...par, squared: true },
    );
    const r2 = r * r;
    for (let i = 0; i < n; i++) if (out[i] === 0 && d2.data[i]! < r2) out[i] = r;
  }
  await flush();
  return { data: out, shape: [...mask.shape] as Shape3, spacing: [...mask.spacing] as Spacing3 };
}
