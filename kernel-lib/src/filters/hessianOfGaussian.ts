import type { Shape3, Volume } from "../volume/types.js";
import type { GaussianFilterOptions } from "./gaussianKernels.js";
import { runGaussianFilter } from "./runGaussianFamily.js";

/**
 * Hessian of Gaussian: the second Gaussian derivatives over the filtered
 * axes, all from shared separable passes (3 + 6 + 6 passes in 3D instead of 18).
 *
 * @param volume - Any volume (read as float32).
 * @param sigma - Standard deviation in voxels, one or `[sz, sy, sx]`; axes with
 *   sigma 0 (and z when nz = 1) are left out.
 * @returns Upper triangle, row by row: `[zz, zy, zx, yy, yx, xx]` in 3D,
 *   `[yy, yx, xx]` in 2D; float32 volumes.
 * @see vigra.filters.hessianOfGaussian; skimage.feature.hessian_matrix
 */
export async function hessianOfGaussian(
  volume: Volume,
  sigma: number | Shape3,
  options: GaussianFilterOptions = {},
): Promise<Volume<Float32Array>[]> {
  return runGaussianFilter(volume, "hessian", sigma, 2, options);
}

/**
 * Eigenvalues of the Hessian of Gaussian at each voxel, sorted in descending
 * order like vigra (`[0]` largest), closed form ({@link symmetricEigenvalues3x3}).
 *
 * @param volume - Any volume (read as float32).
 * @param sigma - Standard deviation in voxels, one or `[sz, sy, sx]`.
 * @returns 3 volumes in 3D, 2 in 2D, largest eigenvalue first.
 * @see vigra.filters.hessianOfGaussianEigenvalues
 */
export async function hessianOfGaussianEigenvalues(
  volume: Volume,
  sigma: number | Shape3,
  options: GaussianFilterOptions = {},
): Promise<Volume<Float32Array>[]> {
  return runGaussianFilter(volume, "hessianEigenvalues", sigma, 2, options);
}
