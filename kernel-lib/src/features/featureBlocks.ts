import type { Shape3 } from "../volume/types.js";
import { checkShape } from "../volume/check.js";
import { checkPositive } from "../util/checks.js";
import { allocate } from "../volume/dtype.js";
import { planBlocks } from "../parallel/blocks.js";
import { parallelOptions, runsInline } from "../parallel/options.js";
import { isShared } from "../parallel/shared.js";
import type { ParallelOptions } from "../parallel/types.js";
import { computeFeatures, type CropCache, type FeatureStack } from "./computeFeatures.js";
import { resolveInputs, type FeatureInputs } from "./inputs.js";
import { planFeatures } from "./plan.js";
import type { FeatureSpec } from "./spec.js";

export interface FeatureBlocksOptions extends Omit<ParallelOptions, "onProgress"> {
  /**
   * Shape of the regions handed out in turn (clipped at the far borders).
   * @default the volume halved along its longest axis until a region's features fit in `regionBytes`
   */
  regionShape?: Shape3;
  /** Memory for one region's features when `regionShape` is not given. @default 2^30 (1 GiB) */
  regionBytes?: number;
  /** Memory layout of each region's features. @default "channels" */
  layout?: "channels" | "samples";
  /** Called with `(done, total)` regions: 0 at the start, then after each region. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Memory to reuse across calls (pass the same object each time, e.g. when
   * predicting several volumes of one shape): the region buffer and the
   * inputs' crops are kept in it. Without it each call allocates its own.
   */
  buffers?: FeatureBuffers;
}

/** Reusable memory of {@link featureBlocks}; create it as `{}` and pass it to each call. */
export interface FeatureBuffers {
  /** @internal */
  out?: Float32Array;
  /** @internal */
  crops?: CropCache;
}

/**
 * Go through a volume region by region, yielding each region's features
 * (the ilastik / lazyflow way of predicting a large volume): memory holds the
 * inputs, one region's features (at most `regionBytes`), a crop of the inputs
 * around the region and one padded block per thread, never the whole
 * feature stack. Each region is computed by all threads at once
 * ({@link computeFeatures} with `region`); the yielded stack's `data` is
 * reused for the next region, so consume it (e.g. predict labels) before
 * asking for the next.
 *
 * @param inputs - The spec's source inputs (see {@link computeFeatures}).
 * @param spec - From {@link featureSpec}.
 * @example
 * ```ts
 * for await (const f of featureBlocks({ SE2: se2 }, spec, { layout: "samples" })) {
 *   predictInto(labels, f.origin, f.shape, f.data); // f.data: voxels x channels
 * }
 * ```
 */
export async function* featureBlocks(
  inputs: FeatureInputs,
  spec: FeatureSpec,
  options: FeatureBlocksOptions = {},
): AsyncGenerator<FeatureStack, void, undefined> {
  const volumes = resolveInputs(inputs, spec);
  const shape = [...volumes[0]!.shape] as Shape3;
  const channels = planFeatures(spec, shape).channels.length;
  let regionShape: Shape3;
  if (options.regionShape !== undefined) {
    checkShape(options.regionShape, "regionShape");
    regionShape = options.regionShape.map((n, a) => Math.min(n, shape[a]!)) as Shape3;
  } else {
    const bytes = checkPositive(options.regionBytes ?? 2 ** 30, "regionBytes");
    const budget = Math.max(1, Math.floor(bytes / (4 * channels)));
    regionShape = [...shape] as Shape3;
    while (regionShape[0] * regionShape[1] * regionShape[2] > budget) {
      let a = 0;
      for (let k = 1; k < 3; k++) if (regionShape[k]! > regionShape[a]!) a = k;
      if (regionShape[a]! <= 1) break;
      regionShape[a] = Math.ceil(regionShape[a]! / 2);
    }
  }
  const regions = planBlocks(shape, regionShape);
  const inline = runsInline(shape, options);
  const buffers = options.buffers ?? {};
  const need = channels * regionShape[0] * regionShape[1] * regionShape[2];
  if (
    buffers.out === undefined ||
    buffers.out.length < need ||
    (!inline && !isShared(buffers.out))
  ) {
    buffers.out = allocate("float32", need, !inline) as Float32Array;
  }
  const out = buffers.out;
  buffers.crops ??= { buffers: [] };
  const cropCache = buffers.crops;
  options.onProgress?.(0, regions.length);
  for (const r of regions) {
    options.signal?.throwIfAborted();
    yield await computeFeatures(volumes, spec, {
      region: { origin: r.origin, shape: r.shape },
      layout: options.layout,
      out,
      cropCache,
      ...parallelOptions({ ...options, onProgress: undefined }), // progress counts regions here
      inline,
    });
    options.onProgress?.(r.index + 1, regions.length);
  }
}
