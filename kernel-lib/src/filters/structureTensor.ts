import { structureTensorOf } from "./runGaussianFamily.js";

/**
 * Structure tensor: the outer product of the Gaussian gradient (inner scale),
 * smoothed by a Gaussian (outer scale): `T_ij = G(outer) * (d_i f d_j f)`.
 * The products are extended past the volume border by `mode` before the
 * outer smoothing, so the result equals the two whole-volume filters applied
 * in turn (vigra's `structureTensor`, or scipy `gaussian_filter` calls).
 *
 * @param volume - Any volume (read as float32).
 * @param innerSigma - Gradient scale in voxels, one or `[sz, sy, sx]`.
 * @param outerSigma - Integration scale in voxels, one or `[sz, sy, sx]`.
 * @param options - Kernel style, truncation, border mode and parallel options (`GaussianFilterOptions`).
 * @returns Upper triangle `[zz, zy, zx, yy, yx, xx]` (3D) or `[yy, yx, xx]` (2D).
 * @see vigra.filters.structureTensor; skimage.feature.structure_tensor
 */
export const structureTensor = structureTensorOf("structureTensor");

/**
 * Eigenvalues of the structure tensor, sorted in descending order like vigra
 * (`[0]` largest).
 * @param volume - Any volume (read as float32).
 * @param innerSigma - Gradient scale in voxels, one or `[sz, sy, sx]`.
 * @param outerSigma - Integration scale in voxels, one or `[sz, sy, sx]`.
 * @param options - Kernel style, truncation, border mode and parallel options (`GaussianFilterOptions`).
 * @returns 3 volumes in 3D, 2 in 2D.
 * @see vigra.filters.structureTensorEigenvalues
 */
export const structureTensorEigenvalues = structureTensorOf("structureTensorEigenvalues");
