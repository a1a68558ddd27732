import type { Shape3, Volume } from "../volume/types.js";
import type { GaussianFilterOptions } from "./gaussianKernels.js";
import { runGaussianFilter } from "./runGaussianFamily.js";

/**
 * Gaussian gradient magnitude: `sqrt(sum_a (dG/da * f)^2)` over the filtered
 * axes. Matches `scipy.ndimage.gaussian_gradient_magnitude` (`style: "scipy"`)
 * or `vigra.filters.gaussianGradientMagnitude` (`style: "vigra"`, `mode: "mirror"`).
 *
 * @param volume - Any volume (read as float32).
 * @param sigma - Standard deviation in voxels, one or `[sz, sy, sx]`.
 * @returns New float32 volume.
 * @see scipy.ndimage.gaussian_gradient_magnitude; vigra.filters.gaussianGradientMagnitude
 */
export async function gaussianGradientMagnitude(
  volume: Volume,
  sigma: number | Shape3,
  options: GaussianFilterOptions = {},
): Promise<Volume<Float32Array>> {
  const [out] = await runGaussianFilter(volume, "gradientMagnitude", sigma, 1, options);
  return out!;
}
