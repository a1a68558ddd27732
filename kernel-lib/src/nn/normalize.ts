/**
 * Input normalisation of the U-Net: an affine map x' = (x - offset) / scale fixed at
 * training time from the training image and stored in the checkpoint, so that prediction
 * on another volume applies the same map.
 */
import { checkOneOf, expectedError } from "../util/checks.js";
import { percentile } from "../volume/stats.js";
import type { Volume } from "../volume/types.js";

/** How {@link fitNormalization} chooses offset and scale. */
export const NORMALIZATION_METHODS = ["zscore", "percentile", "none"] as const;
export type NormalizationMethod = (typeof NORMALIZATION_METHODS)[number];

/** The input map x' = (x - offset) / scale. */
export interface UNetNormalization {
  /** How offset and scale were found. */
  method: NormalizationMethod;
  offset: number;
  scale: number;
}

/**
 * The normalisation of a training image:
 *  - `"zscore"` (default): offset = mean, scale = standard deviation of all voxels
 *    (zero mean, unit variance);
 *  - `"percentile"`: offset = 1st percentile, scale = 99th - 1st percentile (robust [0, 1]);
 *  - `"none"`: offset 0, scale 1.
 * A constant image gets scale 1.
 */
export function fitNormalization(
  image: Volume,
  method: NormalizationMethod = "zscore",
): UNetNormalization {
  checkOneOf(method, "normalization", NORMALIZATION_METHODS);
  const d = image.data;
  if (method === "none") return { method, offset: 0, scale: 1 };
  if (method === "percentile") {
    // Percentiles of a strided subsample of at most ~2M voxels (exact for smaller volumes).
    const stride = Math.max(1, Math.floor(d.length / 2_000_000));
    const sub = new Float32Array(Math.ceil(d.length / stride));
    for (let i = 0, j = 0; i < d.length; i += stride) sub[j++] = d[i]!;
    const [lo, hi] = percentile(sub, [1, 99]) as [number, number];
    return { method, offset: lo, scale: hi > lo ? hi - lo : 1 };
  }
  let sum = 0;
  for (let i = 0; i < d.length; i++) sum += d[i]!;
  const mean = sum / d.length;
  let ss = 0;
  for (let i = 0; i < d.length; i++) ss += (d[i]! - mean) ** 2;
  const std = Math.sqrt(ss / d.length);
  return { method, offset: mean, scale: std > 0 ? std : 1 };
}

/** Checks a normalisation record (from options or a checkpoint). */
export function checkNormalization(value: unknown, name: string): UNetNormalization {
  const v = value as UNetNormalization;
  if (
    typeof v !== "object" ||
    v === null ||
    !NORMALIZATION_METHODS.includes(v.method) ||
    !Number.isFinite(v.offset) ||
    !Number.isFinite(v.scale) ||
    !(v.scale > 0)
  )
    throw expectedError(
      name,
      `a normalisation { method: ${NORMALIZATION_METHODS.join(" | ")}, offset: finite, scale: > 0 }`,
      value,
      TypeError,
    );
  return { method: v.method, offset: v.offset, scale: v.scale };
}
