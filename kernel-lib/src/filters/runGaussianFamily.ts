import type { Shape3, Volume } from "../volume/types.js";
import { mapBlocks } from "../parallel/mapBlocks.js";
import { parallelOptions } from "../parallel/options.js";
import type { ParallelOptions } from "../parallel/types.js";
import type { GaussianFamilyParams } from "./gaussianFamilyBlock.js";
import { kernelHalo, type ResolvedGaussianOptions } from "./gaussianKernels.js";

/** Run one Gaussian-family block job with the halo its kernels need. @internal */
export async function runGaussianFamily(
  volume: Volume,
  params: Omit<GaussianFamilyParams, "mode" | "cval">,
  channels: number,
  resolved: ResolvedGaussianOptions,
  options: ParallelOptions,
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
      channels,
      dtype: "float32",
      ...parallelOptions(options),
    },
  );
  return out as Volume<Float32Array>[];
}
