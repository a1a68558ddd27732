import { checkNumberArray, checkOptions, checkPositiveInt } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { ParallelOptions } from "../parallel/types.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
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
  const out = new Float32Array(n);
  const centresOut = new Uint8Array(n);
  for (const r of sizes) {
    // Complement of the centres {dt >= r}: its distance transform is the distance to them.
    // (dt is float32: the relative slack keeps a centre whose distance equals r up to rounding.)
    const rMin = r * (1 - 1e-6);
    let any = false;
    for (let i = 0; i < n; i++) {
      const c = dt.data[i]! >= rMin;
      centresOut[i] = c ? 0 : 1;
      if (c) any = true;
    }
    if (!any) continue;
    const d2 = await distanceTransform(
      { data: centresOut, shape: mask.shape, spacing: mask.spacing },
      { ...par, squared: true },
    );
    const r2 = r * r;
    for (let i = 0; i < n; i++) if (out[i] === 0 && d2.data[i]! < r2) out[i] = r;
  }
  return { data: out, shape: [...mask.shape] as Shape3, spacing: [...mask.spacing] as Spacing3 };
}
