import type { Shape3, Volume } from "../volume/types.js";
import { checkVolume } from "../volume/check.js";
import { checkNonNegative, checkOneOf, checkPositive, expectedError } from "../util/checks.js";
import { checkBoundary } from "../parallel/boundary.js";
import type { BoundaryMode, ParallelOptions } from "../parallel/types.js";
import { gaussianKernel1d } from "./gaussianKernel1d.js";
import { vigraGaussianKernel1d } from "./vigraGaussianKernel1d.js";

/** Options shared by the Gaussian derivative family (derivatives, LoG, gradient magnitude, DoG, Hessian, structure tensor). */
export interface GaussianFilterOptions extends ParallelOptions {
  /**
   * Which sampled kernels to use:
   * - `"scipy"`: the sampled Gaussian and its sampled derivatives, radius
   *   `floor(truncate * sigma + 0.5)` (scipy.ndimage.gaussian_filter with `order`);
   * - `"vigra"`: vigra's kernels (derivatives with the truncation DC removed and
   *   exact moments, see {@link vigraGaussianKernel1d}), radius from `windowSize`.
   * @default "scipy"
   */
  style?: "scipy" | "vigra";
  /** Kernel radius in standard deviations for `style: "scipy"`. @default 4 */
  truncate?: number;
  /** vigra's `window_size` for `style: "vigra"` (0 = vigra's default radius of (3 + order/2) sigma). @default 0 */
  windowSize?: number;
  /** How the volume is extended past its border (see {@link BoundaryMode}); vigra's border treatment is `"mirror"`. @default "reflect" */
  mode?: BoundaryMode;
  /** Fill value for `mode: "constant"`. @default 0 */
  cval?: number;
}

/** Correlation weights per axis and derivative order (JSON-friendly), `null` where the axis is not filtered. @internal */
export type KernelTable = [z: number[][] | null, y: number[][] | null, x: number[][] | null];

/** Checked, resolved options of a Gaussian family filter. @internal */
export interface ResolvedGaussianOptions {
  style: "scipy" | "vigra";
  truncate: number;
  windowSize: number;
  mode: BoundaryMode;
  cval: number;
}

/** Check the options common to the Gaussian family. @internal */
export function resolveGaussianOptions(
  volume: Volume,
  options: GaussianFilterOptions,
): ResolvedGaussianOptions {
  checkVolume(volume, "volume");
  const style = checkOneOf(options.style ?? "scipy", "style", ["scipy", "vigra"] as const);
  const truncate = checkPositive(options.truncate ?? 4, "truncate");
  const windowSize = checkNonNegative(options.windowSize ?? 0, "windowSize");
  const { mode, cval } = checkBoundary(options.mode, options.cval);
  return { style, truncate, windowSize, mode, cval };
}

/**
 * 1D correlation weights (the reversed convolution kernel) of a Gaussian
 * derivative of `order` at `sigma`, in the given style. @internal
 */
export function correlationWeights(
  sigma: number,
  order: number,
  o: Pick<ResolvedGaussianOptions, "style" | "truncate" | "windowSize">,
): number[] {
  const k =
    o.style === "vigra"
      ? vigraGaussianKernel1d(sigma, order, o.windowSize)
      : gaussianKernel1d(sigma, order, Math.floor(o.truncate * sigma + 0.5));
  return Array.from(k).reverse();
}

/**
 * Kernel table for derivatives up to `maxOrder` per axis at per-axis `sigma`
 * (0 on an axis: not filtered, only order 0 allowed there). @internal
 */
export function kernelTable(
  sigma: Shape3,
  maxOrder: Shape3,
  o: Pick<ResolvedGaussianOptions, "style" | "truncate" | "windowSize">,
): KernelTable {
  return sigma.map((s, a) => {
    if (s <= 1e-15) {
      if (maxOrder[a]! > 0)
        throw new RangeError(
          `a derivative along axis ${a} needs sigma > 0 there, received sigma ${s}`,
        );
      return null;
    }
    return Array.from({ length: maxOrder[a]! + 1 }, (_, order) => correlationWeights(s, order, o));
  }) as KernelTable;
}

/** Halo per axis that a kernel table needs (largest radius). @internal */
export function kernelHalo(table: KernelTable): Shape3 {
  return table.map((k) =>
    k === null ? 0 : Math.max(...k.map((w) => (w.length - 1) / 2)),
  ) as Shape3;
}

/**
 * Check a `sigma` argument (number or `[sz, sy, sx]`, each finite and >= 0)
 * and return it per axis; 2D volumes (nz = 1) get sigma z = 0.
 * @internal
 */
export function sigmas(volume: Volume, sigma: unknown, name = "sigma"): Shape3 {
  const arr = typeof sigma === "number" ? [sigma, sigma, sigma] : sigma;
  const ok =
    Array.isArray(arr) &&
    arr.length === 3 &&
    arr.every((s) => typeof s === "number" && Number.isFinite(s) && s >= 0);
  if (!ok) {
    const kind = typeof sigma === "number" || Array.isArray(sigma) ? RangeError : TypeError;
    throw expectedError(name, "a finite number >= 0 or [sz, sy, sx] of them", sigma, kind);
  }
  const out = [...(arr as number[])] as Shape3;
  if (volume.shape[0] === 1) out[0] = 0;
  return out;
}

/** Number of spatial axes that are filtered: 2 for a 2D volume (nz = 1), else 3. @internal */
export function dims(volume: Volume): 2 | 3 {
  return volume.shape[0] === 1 ? 2 : 3;
}
