import type { Shape3, Volume } from "../volume/types.js";
import {
  kernelTable,
  resolveGaussianOptions,
  sigmas,
  type GaussianFilterOptions,
} from "./gaussianKernels.js";
import { runGaussianFamily } from "./runGaussianFamily.js";

export interface DifferenceOfGaussiansOptions extends GaussianFilterOptions {
  /** Standard deviation of the wider Gaussian, one or `[sz, sy, sx]`. @default 1.6 x `lowSigma` */
  highSigma?: number | Shape3;
}

/**
 * Difference of Gaussians, `G(lowSigma) * f - G(highSigma) * f`, a band-pass
 * filter, both smoothings in one pass over each block. With the default
 * options it matches `skimage.filters.difference_of_gaussians(volume, lowSigma,
 * highSigma, mode="reflect", truncate=4)`. (ilastik's "Difference of Gaussians"
 * at scale s is `G(s) - G(0.66 s)`: a high sigma *below* the low one.)
 *
 * @param volume - Any volume (read as float32).
 * @param lowSigma - Standard deviation of the first Gaussian, one or `[sz, sy, sx]`.
 * @returns New float32 volume.
 * @see skimage.filters.difference_of_gaussians
 */
export async function differenceOfGaussians(
  volume: Volume,
  lowSigma: number | Shape3,
  options: DifferenceOfGaussiansOptions = {},
): Promise<Volume<Float32Array>> {
  const resolved = resolveGaussianOptions(volume, options);
  const low = sigmas(volume, lowSigma, "lowSigma");
  const high =
    options.highSigma === undefined
      ? (low.map((s) => 1.6 * s) as Shape3)
      : sigmas(volume, options.highSigma, "highSigma");
  const kernels = kernelTable(low, [0, 0, 0], resolved);
  const kernels2 = kernelTable(high, [0, 0, 0], resolved);
  const [out] = await runGaussianFamily(
    volume,
    { kind: "dog", kernels, kernels2 },
    resolved,
    options,
  );
  return out!;
}
