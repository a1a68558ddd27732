import type { Shape3, Spacing3, Volume } from "../../volume/types.js";
import { allocate } from "../../volume/dtype.js";
import { forEachBlock, mapBlocks } from "../../parallel/mapBlocks.js";
import { parallelOptions, runsInline } from "../../parallel/options.js";
import { toShared } from "../../parallel/shared.js";
import type { ParallelOptions } from "../../parallel/types.js";
import { featureBlockShape, resolveInputs, type FeatureInputs } from "../../features/inputs.js";
import { planFeatures } from "../../features/plan.js";
import { checkSpec, type FeatureSpec } from "../../features/spec.js";
import { checkForest, type RandomForest } from "./model.js";
import type { PredictKernelParams, PredictOutputsParams } from "./predictKernel.js";

/** Options of {@link predictVolume}. */
export interface PredictVolumeOptions extends ParallelOptions {
  /** Also return one probability volume per class (in `forest.classes` order). @default false */
  probabilities?: boolean;
  /** Also return ilastik's margin uncertainty `1 - (p_best - p_second)`. @default false */
  uncertainty?: boolean;
}

/** Result of {@link predictVolume}. */
export interface VolumePrediction {
  /** Predicted class value of every voxel. */
  labels: Volume<Uint8Array>;
  /** Probability of each class (`forest.classes` order), when asked for. */
  probabilities?: Volume<Float32Array>[];
  /** `1 - (p_best - p_second)` per voxel, when asked for. */
  uncertainty?: Volume<Float32Array>;
}

/**
 * Default block (= chunk) shape of a cluster prediction: the largest cube
 * of edge 128, 96, 64, 48 or 32 whose features (`channels` x voxels x 4 bytes,
 * held by a worker per running block) fit in 512 MB, clipped to the volume.
 * Larger than the local default, since every block also reads its halo from
 * the store and the queue costs a few milliseconds per block.
 */
function clusterBlockShape(shape: Shape3, channels: number): Shape3 {
  const edge = [128, 96, 64, 48, 32].find((e) => channels * e ** 3 * 4 <= 2 ** 29) ?? 32;
  return shape.map((n) => Math.min(n, edge)) as Shape3;
}

/**
 * Segment a volume with a forest trained on features of the same spec:
 * blockwise on the worker pool, each block's features are computed and
 * predicted inside the worker ({@link computeBlockFeatures}), so the whole
 * feature stack is never held (memory: the outputs plus one block's
 * features per thread). The result equals predicting
 * `computeFeatures(inputs, spec)` voxel by voxel, for any block shape and
 * thread count.
 * @param forest - Trained on `spec`'s channels (`forest.nFeatures` = channel count).
 * @param inputs - The spec's source inputs (see {@link computeFeatures}).
 * @param spec - From {@link featureSpec}.
 * @returns Class values (uint8; class values must be <= 255), optionally probabilities and uncertainty.
 * @example
 * ```ts
 * const forest = await trainForest(train.samples, train.labels, train.channels.length);
 * const { labels, uncertainty } = await predictVolume(forest, { SE2: se2 }, spec, { uncertainty: true });
 * ```
 * @see ilastik pixel classification, "live update" and export of simple segmentation / uncertainty
 */
export async function predictVolume(
  forest: RandomForest,
  inputs: FeatureInputs,
  spec: FeatureSpec,
  options: PredictVolumeOptions = {},
): Promise<VolumePrediction> {
  const f = checkForest(forest);
  checkSpec(spec);
  const volumes = resolveInputs(inputs, spec);
  const shape = [...volumes[0]!.shape] as Shape3;
  const spacing = [...volumes[0]!.spacing] as Spacing3;
  const plan = planFeatures(spec, shape);
  const C = plan.channels.length;
  if (C !== forest.nFeatures) {
    throw new RangeError(
      `the spec gives ${C} feature channels for this volume, the forest was trained on ${forest.nFeatures}`,
    );
  }
  const big = forest.classes.find((c) => c > 255);
  if (big !== undefined)
    throw new RangeError(`predictVolume writes uint8 labels: class ${big} is > 255`);
  const K = forest.classes.length;
  // Blocks of about 2^24 / C voxels: one block's features are about 64 MB.
  const target = Math.max(2 ** 15, Math.min(2 ** 19, Math.floor(2 ** 24 / C)));
  if (options.cluster !== undefined) {
    // On a cluster the results come back as mapBlocks outputs: labels,
    // probabilities, uncertainty (uint8 when only labels are asked for).
    const onlyLabels = !options.probabilities && !options.uncertainty;
    const outs = await mapBlocks<PredictOutputsParams>(
      volumes,
      {
        module: "classify/forest/predictKernel.js",
        name: "predictOutputsKernel",
        params: {
          spec,
          channels: C,
          forest: f.sharedPacked(),
          classes: forest.classes,
          probabilities: options.probabilities === true,
          uncertainty: options.uncertainty === true,
        },
      },
      {
        ...parallelOptions(options),
        blockShape: options.blockShape ?? clusterBlockShape(shape, C),
        halo: plan.halo,
        mode: spec.mode,
        channels: 1 + (options.probabilities ? K : 0) + (options.uncertainty ? 1 : 0),
        dtype: onlyLabels ? "uint8" : "float32",
        spacing,
      },
    );
    const labelData = onlyLabels ? (outs[0]!.data as Uint8Array) : Uint8Array.from(outs[0]!.data);
    const result: VolumePrediction = {
      labels: { data: labelData, shape: [...shape] as Shape3, spacing: [...spacing] as Spacing3 },
    };
    if (options.probabilities)
      result.probabilities = outs.slice(1, 1 + K) as Volume<Float32Array>[];
    if (options.uncertainty) result.uncertainty = outs[outs.length - 1] as Volume<Float32Array>;
    return result;
  }
  const inline = runsInline(shape, options);
  const n = shape[0] * shape[1] * shape[2];
  const labels = allocate("uint8", n, !inline) as Uint8Array;
  const probabilities = options.probabilities
    ? Array.from({ length: K }, () => allocate("float32", n, !inline) as Float32Array)
    : null;
  const uncertainty = options.uncertainty
    ? (allocate("float32", n, !inline) as Float32Array)
    : null;
  const jobVolumes = inline ? volumes : volumes.map((v) => toShared(v));
  await forEachBlock<PredictKernelParams>(
    jobVolumes,
    {
      module: "classify/forest/predictKernel.js",
      name: "predictKernel",
      params: {
        spec,
        channels: C,
        forest: f.sharedPacked(),
        classes: forest.classes,
        labels,
        probabilities,
        uncertainty,
      },
    },
    {
      ...parallelOptions(options),
      inline,
      blockShape: options.blockShape ?? featureBlockShape(shape, target),
      halo: plan.halo,
      mode: spec.mode,
    },
  );
  const vol = <T extends Uint8Array | Float32Array>(data: T): Volume<T> => ({
    data,
    shape: [...shape] as Shape3,
    spacing: [...spacing] as Spacing3,
  });
  return {
    labels: vol(labels),
    ...(probabilities ? { probabilities: probabilities.map(vol) } : {}),
    ...(uncertainty ? { uncertainty: vol(uncertainty) } : {}),
  };
}
