import type { Shape3, Volume } from "../volume/types.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import { allocate } from "../volume/dtype.js";
import { planBlocks } from "../parallel/blocks.js";
import { parallelOptions, runsInline } from "../parallel/options.js";
import { toShared } from "../parallel/shared.js";
import type { ParallelOptions } from "../parallel/types.js";
import { runFeatureKernel } from "./computeFeatures.js";
import { featureBlockShape, resolveInputs, type FeatureInputs } from "./inputs.js";
import { planFeatures } from "./plan.js";
import type { FeatureChannel, FeatureSpec } from "./spec.js";

/** Training data: the features of every labelled voxel. */
export interface LabelledSamples {
  /** Row-major `count x channels` matrix: row i holds the features of voxel `indices[i]`. */
  samples: Float32Array;
  /** Label of each row (the non-zero label values). */
  labels: Uint8Array | Uint16Array | Int32Array | Uint32Array | Float32Array;
  /** Linear voxel index `(z * ny + y) * nx + x` of each row. */
  indices: Float64Array;
  /** Number of rows. */
  count: number;
  /** Channel descriptions (the matrix's columns). */
  channels: FeatureChannel[];
}

export type FeaturesAtLabelsOptions = ParallelOptions;

/**
 * Features at the labelled voxels of a sparse label volume (brush strokes):
 * only the blocks that hold labels are computed (with the halo the
 * features need), and only the labelled voxels' features are kept, as a
 * compact samples x channels matrix; a large volume's feature stack is
 * never held. Rows are in block order, then z, y, x within a block.
 *
 * @param inputs - The spec's source inputs (see {@link computeFeatures}).
 * @param labels - Label volume of the inputs' shape, 0 = unlabelled.
 * @param spec - From {@link featureSpec}.
 * @returns Samples, their labels and voxel indices.
 * @example
 * ```ts
 * const train = await featuresAtLabels({ SE2: se2, InLens: inlens }, strokes, spec);
 * // train.samples: train.count x train.channels.length, row-major
 * ```
 */
export async function featuresAtLabels(
  inputs: FeatureInputs,
  labels: Volume,
  spec: FeatureSpec,
  options: FeaturesAtLabelsOptions = {},
): Promise<LabelledSamples> {
  const volumes = resolveInputs(inputs, spec);
  checkVolume(labels, "labels");
  checkSameShape(labels, "labels", volumes[0]!, "inputs");
  const shape = [...labels.shape] as Shape3;
  const plan = planFeatures(spec, shape);
  const C = plan.channels.length;
  const blockShape = options.blockShape ?? featureBlockShape(shape);
  const blocks = planBlocks(shape, blockShape);
  const [, ny, nx] = shape;
  const lab = labels.data;

  // Count labelled voxels per block (in block order, z/y/x inside), collecting labels and indices.
  const offsets = new Float64Array(blocks.length + 1);
  let count = 0;
  for (const b of blocks) {
    offsets[b.index] = count;
    for (let z = 0; z < b.shape[0]; z++) {
      for (let y = 0; y < b.shape[1]; y++) {
        const row = ((b.origin[0] + z) * ny + b.origin[1] + y) * nx + b.origin[2];
        for (let x = 0; x < b.shape[2]; x++) if (lab[row + x] !== 0) count++;
      }
    }
  }
  offsets[blocks.length] = count;
  const outLabels = new (lab.constructor as new (n: number) => LabelledSamples["labels"])(count);
  const indices = new Float64Array(count);
  let k = 0;
  for (const b of blocks) {
    for (let z = 0; z < b.shape[0]; z++) {
      for (let y = 0; y < b.shape[1]; y++) {
        const row = ((b.origin[0] + z) * ny + b.origin[1] + y) * nx + b.origin[2];
        for (let x = 0; x < b.shape[2]; x++) {
          const v = lab[row + x]!;
          if (v !== 0) {
            outLabels[k] = v;
            indices[k++] = row + x;
          }
        }
      }
    }
  }
  const inline = runsInline(shape, options);
  const samples = allocate("float32", count * C, !inline) as Float32Array;
  if (count > 0) {
    const jobVolumes = inline ? [...volumes, labels] : [...volumes, labels].map((v) => toShared(v));
    const target = {
      kind: "labels",
      labelInput: volumes.length,
      offsets,
      samples,
      channels: C,
    } as const;
    await runFeatureKernel(jobVolumes, spec, target, plan.halo, {
      ...parallelOptions(options),
      blockShape,
    });
  }
  return { samples, labels: outLabels, indices, count, channels: plan.channels };
}
