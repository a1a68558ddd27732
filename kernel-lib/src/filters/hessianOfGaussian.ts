import { gaussianFilterOf } from "./runGaussianFamily.js";

/**
 * Hessian of Gaussian: the second Gaussian derivatives over the filtered
 * axes, all from shared separable passes (3 + 6 + 6 passes in 3D instead of 18).
 *
 * @param volume - Any volume (read as float32).
 * @param sigma - Standard deviation in voxels, one or `[sz, sy, sx]`; axes with
 *   sigma 0 (and z when nz = 1) are left out.
 * @param options - Kernel style, truncation, border mode and parallel options (`GaussianFilterOptions`).
 * @returns Upper triangle, row by row: `[zz, zy, zx, yy, yx, xx]` in 3D,
 *   `[yy, yx, xx]` in 2D; float32 volumes.
 * @see vigra.filters.hessianOfGaussian; skimage.feature.hessian_matrix
 */
export const hessianOfGaussian = gaussianFilterOf("hessian", 2);

/**
 * Eigenvalues of the Hessian of Gaussian at each voxel, sorted in descending
 * order like vigra (`[0]` largest), closed form ({@link symmetricEigenvalues3x3}).
 *
 * @param volume - Any volume (read as float32).
 * @param sigma - Standard deviation in voxels, one or `[sz, sy, sx]`.
 * @param options - Kernel style, truncation, border mode and parallel options (`GaussianFilterOptions`).
 * @returns 3 volumes in 3D, 2 in 2D, largest eigenvalue first.
 * @see vigra.filters.hessianOfGaussianEigenvalues
 */
export const hessianOfGaussianEigenvalues = gaussianFilterOf("hessianEigenvalues", 2);
