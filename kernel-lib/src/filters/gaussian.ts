import type { Shape3, Volume } from "../volume/types.js";
import { checkVolume } from "../volume/check.js";
import { mapBlocks } from "../parallel/mapBlocks.js";
import { BOUNDARY_MODES, type BoundaryMode, type ParallelOptions } from "../parallel/types.js";
import { gaussianKernel1d } from "./gaussianKernel1d.js";
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
 * Check a `sigma` argument (number or `[sz, sy, sx]`, each finite and >= 0)
 * and return it per axis; 2D volumes (nz = 1) get sigma z = 0.
 * @internal
 */
export function sigmaPerAxis(sigma: unknown, shape: Shape3, name = "sigma"): Shape3 {
  const arr =
    typeof sigma === "number"
      ? [sigma, sigma, sigma]
      : Array.isArray(sigma)
        ? [...(sigma as unknown[])]
        : null;
  if (
    arr === null ||
    arr.length !== 3 ||
    !arr.every((s) => typeof s === "number" && Number.isFinite(s) && s >= 0)
  ) {
    throw new RangeError(
      `\`${name}\` must be a finite number >= 0 or [sz, sy, sx] of them, received ${JSON.stringify(sigma) ?? String(sigma)}`,
    );
  }
  const out = arr as Shape3;
  if (shape[0] === 1) out[0] = 0;
  return out;
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
  checkVolume(volume, "volume");
  const sigmas = sigmaPerAxis(sigma, volume.shape);
  const truncate = options.truncate ?? 4;
  if (typeof truncate !== "number" || !Number.isFinite(truncate) || truncate <= 0) {
    throw new RangeError(`\`truncate\` must be a finite number > 0, received ${String(truncate)}`);
  }
  const mode = options.mode ?? "reflect";
  if (!BOUNDARY_MODES.includes(mode)) {
    throw new RangeError(
      `\`mode\` must be one of ${BOUNDARY_MODES.join(", ")}, received ${JSON.stringify(mode)}`,
    );
  }
  const halo: Shape3 = [0, 0, 0];
  const kernels: SeparableBlockParams["kernels"] = [null, null, null];
  for (let a = 0; a < 3; a++) {
    const s = sigmas[a]!;
    if (s <= 1e-15) continue; // like scipy: no pass along this axis
    const radius = Math.floor(truncate * s + 0.5);
    halo[a] = radius;
    // Symmetric kernel: the convolution kernel is its own correlation kernel.
    kernels[a] = Array.from(gaussianKernel1d(s, 0, radius));
  }
  const [out] = await mapBlocks<SeparableBlockParams>(
    volume,
    { module: "filters/separableBlock.js", name: "separableBlock", params: { kernels } },
    {
      halo,
      mode,
      cval: options.cval ?? 0,
      dtype: "float32",
      threads: options.threads,
      inline: options.inline,
      blockShape: options.blockShape,
      signal: options.signal,
      onProgress: options.onProgress,
    },
  );
  return out as Volume<Float32Array>;
}
