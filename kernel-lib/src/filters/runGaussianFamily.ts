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

/**
 * Check the options and `sigma`, build the kernels with derivatives up to
 * `order` along every axis `sigma` filters, and run filter `kind`. @internal
 */
export function runGaussianFilter(
  volume: Volume,
  kind: GaussianFamilyKind,
  sigma: unknown,
  order: number,
  options: GaussianFilterOptions,
): Promise<Volume<Float32Array>[]> {
  const resolved = resolveGaussianOptions(volume, options);
  const s = sigmas(volume, sigma);
  const kernels = kernelTable(s, s.map((v) => (v > 1e-15 ? order : 0)) as Shape3, resolved);
  return runGaussianFamily(volume, { kind, kernels }, resolved, options);
}
