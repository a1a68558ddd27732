import type { Shape3, Volume } from "../volume/types.js";
import { mapBlocks } from "../parallel/mapBlocks.js";
import { parallelOptions } from "../parallel/options.js";
import {
  filteredAxes,
  type GaussianFamilyKind,
  type GaussianFamilyParams,
} from "./gaussianFamilyBlock.js";
import {
  kernelHalo,
  kernelTable,
  resolveGaussianOptions,
  sigmas,
  type GaussianFilterOptions,
  type ResolvedGaussianOptions,
} from "./gaussianKernels.js";

/** Output channels of a Gaussian-family job: per filtered axis, per tensor component, or one. */
function channelCount(kind: GaussianFamilyKind, n: number): number {
  switch (kind) {
    case "gradient":
    case "hessianEigenvalues":
    case "structureTensorEigenvalues":
      return n;
    case "hessian":
    case "structureTensor":
      return (n * (n + 1)) / 2;
    default:
      return 1;
  }
}

/** Run one Gaussian-family block job with the halo its kernels need. @internal */
export async function runGaussianFamily(
  volume: Volume,
  params: Omit<GaussianFamilyParams, "mode" | "cval">,
  resolved: ResolvedGaussianOptions,
  options: GaussianFilterOptions,
): Promise<Volume<Float32Array>[]> {
  const halo = kernelHalo(params.kernels);
  if (params.kernels2) {
    const h2 = kernelHalo(params.kernels2);
    // DoG: the larger of the two; structure tensor: inner + outer radius.
    for (let a = 0; a < 3; a++)
      halo[a] = params.kind === "dog" ? Math.max(halo[a]!, h2[a]!) : halo[a]! + h2[a]!;
  }
  const out = await mapBlocks<GaussianFamilyParams>(
    volume,
    {
      module: "filters/gaussianFamilyBlock.js",
      name: "gaussianFamilyBlock",
      params: { ...params, mode: resolved.mode, cval: resolved.cval },
    },
    {
      halo: halo as Shape3,
      mode: resolved.mode,
      cval: resolved.cval,
      channels: channelCount(params.kind, filteredAxes(params.kernels).length),
      dtype: "float32",
      ...parallelOptions(options),
    },
  );
  return out as Volume<Float32Array>[];
}

/** Filter kinds with two scales: a gradient scale and an integration scale. */
const TWO_SCALE: readonly GaussianFamilyKind[] = ["structureTensor", "structureTensorEigenvalues"];

/**
 * Check the options and the scale(s), build the kernels with derivatives up
 * to `order` along every axis `sigma` filters, and run filter `kind`. The
 * structure tensor kinds take `sigma` as the inner (gradient) scale and
 * smooth the gradient products at `outerSigma`, on the inner filter's axes
 * only. @internal
 */
export function runGaussianFilter(
  volume: Volume,
  kind: GaussianFamilyKind,
  order: number,
  options: GaussianFilterOptions,
  sigma: unknown,
  outerSigma?: unknown,
): Promise<Volume<Float32Array>[]> {
  const resolved = resolveGaussianOptions(volume, options);
  const twoScale = TWO_SCALE.includes(kind);
  const s = sigmas(volume, sigma, twoScale ? "innerSigma" : "sigma");
  const outer = twoScale ? sigmas(volume, outerSigma, "outerSigma") : undefined;
  const kernels = kernelTable(s, s.map((v) => (v > 1e-15 ? order : 0)) as Shape3, resolved);
  if (outer === undefined) return runGaussianFamily(volume, { kind, kernels }, resolved, options);
  const kernels2 = kernelTable(outer, [0, 0, 0], resolved);
  for (let a = 0; a < 3; a++) if (kernels[a] === null) kernels2[a] = null;
  return runGaussianFamily(volume, { kind, kernels, kernels2 }, resolved, options);
}

/** A filter at one scale: `sigma` in voxels, one for all axes or `[sz, sy, sx]`. */
export type GaussianFilter<R> = (
  volume: Volume,
  sigma: number | Shape3,
  options?: GaussianFilterOptions,
) => Promise<R>;

/** A filter at two scales (the structure tensor's gradient and integration scales), in voxels. */
export type TwoScaleGaussianFilter<R> = (
  volume: Volume,
  innerSigma: number | Shape3,
  outerSigma: number | Shape3,
  options?: GaussianFilterOptions,
) => Promise<R>;

/** The public function of a one-scale filter `kind` (derivatives up to `order`): all its outputs. @internal */
export function gaussianFilterOf(
  kind: GaussianFamilyKind,
  order: number,
): GaussianFilter<Volume<Float32Array>[]> {
  return async (volume, sigma, options = {}) =>
    runGaussianFilter(volume, kind, order, options, sigma);
}

/** The same for a filter with one output volume. @internal */
export function singleGaussianFilterOf(
  kind: GaussianFamilyKind,
  order: number,
): GaussianFilter<Volume<Float32Array>> {
  return async (volume, sigma, options = {}) =>
    (await runGaussianFilter(volume, kind, order, options, sigma))[0]!;
}

/** The public function of a structure tensor filter `kind`. @internal */
export function structureTensorOf(
  kind: GaussianFamilyKind,
): TwoScaleGaussianFilter<Volume<Float32Array>[]> {
  return async (volume, innerSigma, outerSigma, options = {}) =>
    runGaussianFilter(volume, kind, 1, options, innerSigma, outerSigma);
}
