import type { Shape3, Volume } from "../volume/types.js";
import { mapBlocks } from "../parallel/mapBlocks.js";
import { parallelOptions } from "../parallel/options.js";
import type { BoundaryMode, ParallelOptions } from "../parallel/types.js";
import { gaussianKernel1d } from "./gaussianKernel1d.js";
import { resolveGaussianOptions, sigmas } from "./gaussianKernels.js";
import type { SeparableBlockParams } from "./separableBlock.js";

export interface GaussianOptions extends ParallelOptions {
  /** Kernel radius in standard deviations: each axis uses `floor(truncate * sigma + 0.5)` taps per side. @default 4 */
  truncate?: number;
  /** How the volume is extended past its border (see {@link BoundaryMode}). @default "reflect" */
  mode?: BoundaryMode;
  /** Fill value for `mode: "constant"`. @default 0 */
  cval?: number;
}

/**
 * Gaussian smoothing: separable correlation with a sampled, normalised
 * Gaussian along z, y and x in turn, in float32. Matches
 * `scipy.ndimage.gaussian_filter(volume, sigma, mode=mode, truncate=truncate,
 * output=np.float32)` to about 1e-6 relative (tested to 1e-4 absolute on data
 * in [0, 1]).
 *
 * Runs blockwise on the worker pool (see `mapBlocks`); the result does not
 * depend on the block layout or thread count.
 *
 * @param volume - Any volume; integer types are converted to float32.
 * @param sigma - Standard deviation in voxels (not physical units), one for
 *   all axes or `[sz, sy, sx]`. 0 on an axis means no smoothing along it;
 *   sigma z is ignored for 2D volumes (nz = 1).
 * @returns A new float32 volume with the input's shape and spacing.
 * @see scipy.ndimage.gaussian_filter; skimage.filters.gaussian
 */
export async function gaussian(
  volume: Volume,
  sigma: number | Shape3,
  options: GaussianOptions = {},
): Promise<Volume<Float32Array>> {
  const { truncate, mode, cval } = resolveGaussianOptions(volume, options);
  const s = sigmas(volume, sigma);
  const halo: Shape3 = [0, 0, 0];
  const kernels: SeparableBlockParams["kernels"] = [null, null, null];
  for (let a = 0; a < 3; a++) {
    if (s[a]! <= 1e-15) continue; // like scipy: no pass along this axis
    const radius = Math.floor(truncate * s[a]! + 0.5);
    halo[a] = radius;
    // Symmetric kernel: the convolution kernel is its own correlation kernel.
    kernels[a] = Array.from(gaussianKernel1d(s[a]!, 0, radius));
  }
  const [out] = await mapBlocks<SeparableBlockParams>(
    volume,
    { module: "filters/separableBlock.js", name: "separableBlock", params: { kernels } },
    { ...parallelOptions(options), halo, mode, cval, dtype: "float32" },
  );
  return out as Volume<Float32Array>;
}
