import type { Shape3, Volume } from "../volume/types.js";
import { checkNumberArray, describeValue } from "../util/checks.js";
import {
  kernelTable,
  resolveGaussianOptions,
  sigmas,
  type GaussianFilterOptions,
} from "./gaussianKernels.js";
import { gaussianFilterOf, runGaussianFamily } from "./runGaussianFamily.js";

function checkOrder(order: unknown, volume: Volume): Shape3 {
  const o = checkNumberArray(order, "order", {
    length: 3,
    integer: true,
    min: 0,
    expected: "[oz, oy, ox] of integers >= 0",
  });
  if (volume.shape[0] === 1 && o[0]! > 0) {
    throw new RangeError(
      `\`order\` along z must be 0 for a 2D volume (nz = 1), received ${describeValue(order)}`,
    );
  }
  return [...o] as Shape3;
}

/**
 * Gaussian derivative: separable correlation with a Gaussian derivative of
 * order `order[a]` along each axis `a` (order 0 = smoothing), in float32,
 * blockwise on the worker pool. With the default `style: "scipy"` it matches
 * `scipy.ndimage.gaussian_filter(volume, sigma, order=order, mode=mode,
 * truncate=truncate)`; with `style: "vigra"` and `mode: "mirror"` it uses
 * vigra's kernels and border.
 *
 * @param volume - Any volume (integer types are read as float32).
 * @param sigma - Standard deviation in voxels, one or `[sz, sy, sx]`; 0 on an
 *   axis leaves it unfiltered (order 0 only); sigma z is ignored when nz = 1.
 * @param order - Derivative orders `[oz, oy, ox]`.
 * @returns New float32 volume, shape and spacing of `volume`.
 * @see scipy.ndimage.gaussian_filter; vigra.filters.gaussianDerivative
 */
export async function gaussianDerivative(
  volume: Volume,
  sigma: number | Shape3,
  order: Shape3,
  options: GaussianFilterOptions = {},
): Promise<Volume<Float32Array>> {
  const resolved = resolveGaussianOptions(volume, options);
  const s = sigmas(volume, sigma);
  const o = checkOrder(order, volume);
  const kernels = kernelTable(s, o, resolved);
  const params = { kind: "derivative", kernels, order: o } as const;
  const [out] = await runGaussianFamily(volume, params, resolved, options);
  return out!;
}

/**
 * Gradient of Gaussian: the first derivatives along each filtered axis,
 * computed together (the smoothing passes are shared).
 * @param volume - Any volume (integer types are read as float32).
 * @param sigma - As for {@link gaussianDerivative}; an axis with sigma 0 (or z when nz = 1) gets no component.
 * @param options - Kernel style, truncation, border mode and parallel options (`GaussianFilterOptions`).
 * @returns `[dz, dy, dx]` (3D) or `[dy, dx]` (2D), float32.
 */
export const gaussianGradient = gaussianFilterOf("gradient", 1);
