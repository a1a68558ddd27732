import { singleGaussianFilterOf } from "./runGaussianFamily.js";

/**
 * Laplacian of Gaussian: the sum of the second Gaussian derivatives along the
 * filtered axes (z, y, x; y and x for 2D volumes or sigma z = 0). Matches
 * `scipy.ndimage.gaussian_laplace` (`style: "scipy"`) or
 * `vigra.filters.laplacianOfGaussian` (`style: "vigra"`, `mode: "mirror"`).
 *
 * @param volume - Any volume (read as float32).
 * @param sigma - Standard deviation in voxels, one or `[sz, sy, sx]`.
 * @param options - Kernel style, truncation, border mode and parallel options (`GaussianFilterOptions`).
 * @returns New float32 volume.
 * @see scipy.ndimage.gaussian_laplace; vigra.filters.laplacianOfGaussian
 */
export const laplacianOfGaussian = singleGaussianFilterOf("laplacian", 2);
