import type { Shape3, Volume } from "../volume/types.js";
import {
  kernelTable,
  resolveGaussianOptions,
  sigmas,
  type GaussianFilterOptions,
} from "./gaussianKernels.js";
import { runGaussianFamily } from "./runGaussianFamily.js";

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
  const resolved = resolveGaussianOptions(volume, options);
  const s = sigmas(volume, sigma);
  const kernels = kernelTable(s, s.map((v) => (v > 1e-15 ? 1 : 0)) as Shape3, resolved);
  const [out] = await runGaussianFamily(
    volume,
    { kind: "gradientMagnitude", kernels },
    1,
    resolved,
    options,
  );
  return out!;
}
