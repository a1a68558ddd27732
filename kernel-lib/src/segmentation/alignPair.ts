import { checkOptions } from "../util/checks.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";
import { Correlator } from "./alignShift.js";
import { alignSettings } from "./alignStack.js";

/** Options of {@link phaseCorrelate}: those of `alignStack` that set one correlation. */
export interface PhaseCorrelateOptions {
  /** Refine the shift to 1 / `upsample` pixel; `false` finds a whole-pixel shift. @default true */
  subpixel?: boolean;
  /** Sub-pixel grid (integer >= 2). @default 20 */
  upsample?: number;
  /** Remove the mean and taper the borders first (see `AlignStackOptions.window`); `"none"` correlates the images as given, as scikit-image does. @default "tukey" */
  window?: "tukey" | "hann" | "none";
  /** Exponent of the cross-power normalisation (see `AlignStackOptions.whiten`): 1 is scikit-image's `normalization="phase"`, 0 its `None`. @default 1 */
  whiten?: number;
  /** Gaussian weight on the cross-power spectrum, cycles / pixel (see `AlignStackOptions.lowpass`); 0 = none, as scikit-image. @default 0.2 */
  lowpass?: number;
  /** Largest |dy|, |dx| searched, pixels. @default half the image */
  maxShift?: number;
}

/** Result of {@link phaseCorrelate}. */
export interface PhaseCorrelation {
  /** Where the moving image's content moved: moving(y, x) ~ reference(y - dy, x - dx). */
  dy: number;
  dx: number;
  /** Height of the normalised correlation peak: 1 for a pure cyclic shift, near 0 for unrelated images. */
  peak: number;
}

/**
 * The translation between two images by phase correlation (normalised
 * cross-power spectrum), refined below a pixel by an upsampled DFT around the
 * peak. With `window: "none", lowpass: 0` this computes what scikit-image's
 * `phase_cross_correlation(reference, moving, upsample_factor=upsample)` does,
 * with the opposite sign: skimage returns the shift that registers `moving`,
 * this returns where `moving` moved (so `dy = -shifts[0]`).
 * @param reference - A 2D image (nz = 1), at least 4 x 4 pixels.
 * @param moving - An image of the same shape.
 * @param options - See {@link PhaseCorrelateOptions}.
 * @throws TypeError / RangeError for non-2D or mismatched images, non-finite values or bad options.
 */
export function phaseCorrelate(
  reference: Volume,
  moving: Volume,
  options: PhaseCorrelateOptions = {},
): PhaseCorrelation {
  checkVolume(reference, "reference", { nz: 1 });
  checkVolume(moving, "moving", { nz: 1 });
  checkSameShape(moving, "moving", reference, "reference");
  const [, ny, nx] = reference.shape;
  if (ny < 4 || nx < 4)
    throw new RangeError(
      `\`reference\` must be at least 4 x 4 pixels, received ${ny} x ${nx}`,
    );
  for (const [name, v] of [["reference", reference], ["moving", moving]] as const)
    for (let i = 0; i < v.data.length; i++)
      if (!Number.isFinite(v.data[i]))
        throw new RangeError(`\`${name}\` must hold finite values, received ${v.data[i]} at index ${i}`);
  const opts = checkOptions(options, "options", [
    "subpixel",
    "upsample",
    "window",
    "whiten",
    "lowpass",
    "maxShift",
  ]);
  const settings = alignSettings(opts, ny, nx);
  const c = new Correlator(ny, nx, settings);
  return c.shift(c.spectrum(reference.data), c.spectrum(moving.data));
}
