import { singleGaussianFilterOf } from "./runGaussianFamily.js";

/**
 * Gaussian gradient magnitude: `sqrt(sum_a (dG/da * f)^2)` over the filtered
 * axes. Matches `scipy.ndimage.gaussian_gradient_magnitude` (`style: "scipy"`)
 * or `vigra.filters.gaussianGradientMagnitude` (`style: "vigra"`, `mode: "mirror"`).
 *
 * @param volume - Any volume (read as float32).
 * @param sigma - Standard deviation in voxels, one or `[sz, sy, sx]`.
 * @param options - Kernel style, truncation, border mode and parallel options (`GaussianFilterOptions`).
 * @returns New float32 volume.
 * @see scipy.ndimage.gaussian_gradient_magnitude; vigra.filters.gaussianGradientMagnitude
 */
export const gaussianGradientMagnitude = singleGaussianFilterOf("gradientMagnitude", 1);
