import type { Shape3, Volume } from "../volume/types.js";
import {
  kernelTable,
  resolveGaussianOptions,
  sigmas,
  type GaussianFilterOptions,
} from "./gaussianKernels.js";
import { runGaussianFamily } from "./runGaussianFamily.js";

/**
 * Laplacian of Gaussian: the sum of the second Gaussian derivatives along the
 * filtered axes (z, y, x; y and x for 2D volumes or sigma z = 0). Matches
 * `scipy.ndimage.gaussian_laplace` (`style: "scipy"`) or
 * `vigra.filters.laplacianOfGaussian` (`style: "vigra"`, `mode: "mirror"`).
 *
 * @param volume - Any volume (read as float32).
 * @param sigma - Standard deviation in voxels, one or `[sz, sy, sx]`.
 * @returns New float32 volume.
 * @see scipy.ndimage.gaussian_laplace; vigra.filters.laplacianOfGaussian
 */
export async function laplacianOfGaussian(
  volume: Volume,
  sigma: number | Shape3,
  options: GaussianFilterOptions = {},
): Promise<Volume<Float32Array>> {
  const resolved = resolveGaussianOptions(volume, options);
  const s = sigmas(volume, sigma);
  const kernels = kernelTable(s, s.map((v) => (v > 1e-15 ? 2 : 0)) as Shape3, resolved);
  const [out] = await runGaussianFamily(
    volume,
    { kind: "laplacian", kernels },
    1,
    resolved,
    options,
  );
  return out!;
}
