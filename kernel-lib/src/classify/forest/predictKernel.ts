import type { Shape3 } from "../../volume/types.js";
import type { BlockContext } from "../../parallel/types.js";
import { argmax, marginUncertainty } from "../../volume/argmax.js";
import { computeBlockFeatures } from "../../features/blockFeatures.js";
import type { FeatureSpec } from "../../features/spec.js";
import { predictRowsInto, type PackedForest } from "./predictRows.js";

/** Parameters of {@link predictKernel}. @internal */
export interface PredictKernelParams {
  spec: FeatureSpec;
  channels: number;
  forest: PackedForest;
  /** Class value of each probability column. */
  classes: number[];
  /** Whole-volume outputs (shared memory unless inline). */
  labels: Uint8Array;
  probabilities: Float32Array[] | null;
  uncertainty: Float32Array | null;
}

let featureScratch = new Float32Array(0);
let probaScratch = new Float32Array(0);

/**
 * Block kernel of {@link predictVolume} (run as
 * `{ module: "classify/forest/predictKernel.js", name: "predictKernel" }`):
 * computes the block's features in this thread ({@link computeBlockFeatures}),
 * predicts them with the forest and writes labels (and optionally
 * probabilities and the margin uncertainty) of the block's core, so a
 * feature stack only ever exists for one block per thread.
 * @internal
 */
export function predictKernel(ctx: BlockContext<PredictKernelParams>): void {
  const p = ctx.params;
  const [cz, cy, cx] = ctx.shape;
  const V = cz * cy * cx;
  const C = p.channels;
  const K = p.classes.length;
  if (featureScratch.length < C * V) featureScratch = new Float32Array(C * V);
  if (probaScratch.length < K * V) probaScratch = new Float32Array(K * V);
  const feats = featureScratch;
  const proba = probaScratch;
  computeBlockFeatures(ctx, p.spec, (c, core) => feats.set(core.subarray(0, V), c * V));
  predictRowsInto(p.forest, feats, "channels", V, 0, V, proba, 0);
  const [, ny, nx] = ctx.volumeShape;
  const o: Shape3 = ctx.origin;
  let v = 0;
  for (let z = 0; z < cz; z++) {
    for (let y = 0; y < cy; y++) {
      const row = ((o[0] + z) * ny + o[1] + y) * nx + o[2];
      for (let x = 0; x < cx; x++, v++) {
        const at = row + x;
        p.labels[at] = p.classes[argmax(proba, v * K, K)]!;
        if (p.probabilities)
          for (let k = 0; k < K; k++) p.probabilities[k]![at] = proba[v * K + k]!;
        if (p.uncertainty) p.uncertainty[at] = marginUncertainty(proba, v * K, K);
      }
    }
  }
}

/** Parameters of {@link predictOutputsKernel}. @internal */
export interface PredictOutputsParams {
  spec: FeatureSpec;
  channels: number;
  forest: PackedForest;
  classes: number[];
  /** Also write one probability channel per class (after the labels). */
  probabilities: boolean;
  /** Also write the margin uncertainty (last channel). */
  uncertainty: boolean;
}

/**
 * Like {@link predictKernel}, but writes through the block's outputs (as
 * `mapBlocks` kernels do) instead of into whole-volume arrays, so it also
 * runs on cluster workers: output 0 the class values, then the class
 * probabilities when asked for, then the uncertainty. The values are those
 * of {@link predictKernel}, voxel for voxel.
 * @internal
 */
export function predictOutputsKernel(ctx: BlockContext<PredictOutputsParams>): void {
  const p = ctx.params;
  const [cz, cy, cx] = ctx.shape;
  const V = cz * cy * cx;
  const C = p.channels;
  const K = p.classes.length;
  if (featureScratch.length < C * V) featureScratch = new Float32Array(C * V);
  if (probaScratch.length < K * V) probaScratch = new Float32Array(K * V);
  const feats = featureScratch;
  const proba = probaScratch;
  computeBlockFeatures(ctx, p.spec, (c, core) => feats.set(core.subarray(0, V), c * V));
  predictRowsInto(p.forest, feats, "channels", V, 0, V, proba, 0);
  const labels = new Float32Array(V);
  for (let v = 0; v < V; v++) labels[v] = p.classes[argmax(proba, v * K, K)]!;
  let out = 0;
  ctx.outputs[out++]!.write(labels);
  if (p.probabilities) {
    const pk = new Float32Array(V);
    for (let k = 0; k < K; k++) {
      for (let v = 0; v < V; v++) pk[v] = proba[v * K + k]!;
      ctx.outputs[out++]!.write(pk);
    }
  }
  if (p.uncertainty) {
    const u = new Float32Array(V);
    for (let v = 0; v < V; v++) u[v] = marginUncertainty(proba, v * K, K);
    ctx.outputs[out++]!.write(u);
  }
}
