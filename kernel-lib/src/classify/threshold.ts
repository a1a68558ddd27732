import { checkNumberArray, expectedError, describeValue } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";

export interface ThresholdOptions {
  /**
   * Class id of each grey-value interval, one more than there are thresholds.
   * @default [1, 2, 3] for two thresholds (void, CBD, NMC), [1, 2, 3, 1] for three
   * (void, CBD, NMC, bright void), else 1, 2, ...
   */
  classes?: readonly number[];
}

function defaultClasses(k: number): number[] {
  if (k === 2) return [1, 2, 3];
  if (k === 3) return [1, 2, 3, 1];
  return Array.from({ length: k + 1 }, (_, i) => i + 1);
}

/**
 * Classify each voxel by global grey-value thresholds: a voxel with value v gets
 * `classes[k]` where `thresholds[k-1] <= v < thresholds[k]` (with
 * `thresholds[-1] = -inf`, `thresholds[n] = +inf`). Paper 1's double threshold
 * "<34 void, 34-55 CBD, >55 NMC" on integer grey values is `thresholds = [34, 56]`.
 * @param image - Grey values (any dtype).
 * @param thresholds - Ascending (non-decreasing) finite numbers.
 * @returns Uint8 class labels, same shape and spacing.
 * @see Osenberg et al., Sects. 3.1-3.2
 */
export function applyThresholds(
  image: Volume,
  thresholds: readonly number[],
  options: ThresholdOptions = {},
): Volume<Uint8Array> {
  checkVolume(image, "image");
  checkNumberArray(thresholds, "thresholds", { minLength: 1 });
  for (let i = 1; i < thresholds.length; i++)
    if (thresholds[i] < thresholds[i - 1])
      throw expectedError("thresholds", "ascending", thresholds);
  const classes = options.classes ?? defaultClasses(thresholds.length);
  if (
    classes.length !== thresholds.length + 1 ||
    !classes.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)
  ) {
    throw new RangeError(
      `\`classes\` must hold ${thresholds.length + 1} integer class ids in [0, 255] (one per interval), received ${describeValue(classes)}`,
    );
  }
  const src = image.data;
  const out = new Uint8Array(src.length);
  const n = thresholds.length;
  if (src instanceof Uint8Array) {
    // Look-up table for 8-bit images.
    const lut = new Uint8Array(256);
    for (let g = 0; g < 256; g++) {
      let k = 0;
      while (k < n && g >= thresholds[k]) k++;
      lut[g] = classes[k];
    }
    for (let i = 0; i < src.length; i++) out[i] = lut[src[i]];
  } else {
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      let k = 0;
      while (k < n && v >= thresholds[k]) k++;
      out[i] = classes[k];
    }
  }
  return { data: out, shape: [...image.shape], spacing: [...image.spacing] };
}

/**
 * Double global threshold: void below `t[0]`, CBD in `[t[0], t[1])`, NMC from `t[1]`
 * (Paper 1, method 3.1, which placed the thresholds around the carbon peak of the SE2 histogram).
 * @see Osenberg et al., Sect. 3.1
 */
export function doubleThreshold(
  image: Volume,
  thresholds: readonly [number, number],
  options: ThresholdOptions = {},
): Volume<Uint8Array> {
  checkNumberArray(thresholds, "thresholds", { length: 2, expected: "[low, high]" });
  return applyThresholds(image, thresholds, { classes: options.classes ?? [1, 2, 3] });
}

/**
 * Triple global threshold: void below `t[0]`, CBD in `[t[0], t[1])`, NMC in
 * `[t[1], t[2])` and void again from `t[2]` (bright shine-through), as learned by
 * Paper 1's depth-2 decision tree (method 3.2).
 * @see Osenberg et al., Sect. 3.2
 */
export function tripleThreshold(
  image: Volume,
  thresholds: readonly [number, number, number],
  options: ThresholdOptions = {},
): Volume<Uint8Array> {
  checkNumberArray(thresholds, "thresholds", { length: 3, expected: "[t1, t2, t3]" });
  return applyThresholds(image, thresholds, { classes: options.classes ?? [1, 2, 3, 1] });
}
