import type { Shape3, Volume } from "../volume/types.js";
import {
  kernelTable,
  resolveGaussianOptions,
  sigmas,
  type GaussianFilterOptions,
} from "./gaussianKernels.js";
import { runGaussianFamily } from "./runGaussianFamily.js";

/** Check the options and both scales, and run the structure tensor job of `kind`. */
function runStructureTensor(
  kind: "structureTensor" | "structureTensorEigenvalues",
  volume: Volume,
  innerSigma: unknown,
  outerSigma: unknown,
  options: GaussianFilterOptions,
): Promise<Volume<Float32Array>[]> {
  const resolved = resolveGaussianOptions(volume, options);
  const inner = sigmas(volume, innerSigma, "innerSigma");
  const outer = sigmas(volume, outerSigma, "outerSigma");
  const kernels = kernelTable(inner, inner.map((v) => (v > 1e-15 ? 1 : 0)) as Shape3, resolved);
  const kernels2 = kernelTable(outer, [0, 0, 0], resolved);
  // The tensor lives on the inner filter's axes; the outer smoothing only on those.
  for (let a = 0; a < 3; a++) if (kernels[a] === null) kernels2[a] = null;
  return runGaussianFamily(volume, { kind, kernels, kernels2 }, resolved, options);
}

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
 * @returns Upper triangle `[zz, zy, zx, yy, yx, xx]` (3D) or `[yy, yx, xx]` (2D).
 * @see vigra.filters.structureTensor; skimage.feature.structure_tensor
 */
export async function structureTensor(
  volume: Volume,
  innerSigma: number | Shape3,
  outerSigma: number | Shape3,
  options: GaussianFilterOptions = {},
): Promise<Volume<Float32Array>[]> {
  return runStructureTensor("structureTensor", volume, innerSigma, outerSigma, options);
}

/**
 * Eigenvalues of the structure tensor, sorted in descending order like vigra
 * (`[0]` largest).
 * @returns 3 volumes in 3D, 2 in 2D.
 * @see vigra.filters.structureTensorEigenvalues
 */
export async function structureTensorEigenvalues(
  volume: Volume,
  innerSigma: number | Shape3,
  outerSigma: number | Shape3,
  options: GaussianFilterOptions = {},
): Promise<Volume<Float32Array>[]> {
  return runStructureTensor("structureTensorEigenvalues", volume, innerSigma, outerSigma, options);
}
