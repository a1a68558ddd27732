import type { Shape3 } from "../volume/types.js";
import type { BlockContext } from "../parallel/types.js";
import { computeBlockFeatures } from "./blockFeatures.js";
import type { FeatureSpec } from "./spec.js";

/** Where {@link featureKernel} puts its results. @internal */
export type FeatureTarget =
  | {
      kind: "region";
      /** Region of the volume whose features are wanted. */
      origin: Shape3;
      shape: Shape3;
      /** Shared array of `channels * voxels(shape)` floats. */
      data: Float32Array;
      /** `"channels"`: channel c at `c * voxels`; `"samples"`: voxel v's channels at `v * channels`. */
      layout: "channels" | "samples";
      channels: number;
    }
  | {
      kind: "labels";
      /** Index of the label volume among the job's inputs. */
      labelInput: number;
      /** First sample row of each block (length blocks + 1), in block order. */
      offsets: Float64Array;
      /** Shared `rows * channels` matrix, row-major (a row per labelled voxel). */
      samples: Float32Array;
      channels: number;
    };

/** Parameters of {@link featureKernel}. @internal */
export interface FeatureKernelParams {
  spec: FeatureSpec;
  target: FeatureTarget;
}

/**
 * Block kernel of the feature bank for `mapBlocks` (run as
 * `{ module: "features/featureKernel.js", name: "featureKernel" }`): computes
 * the block's features ({@link computeBlockFeatures}) and writes them to a
 * shared side buffer rather than whole-volume outputs, so only the wanted
 * part exists: a region's features, or the rows of the labelled voxels.
 * Blocks with nothing to contribute return at once.
 * @internal
 */
export function featureKernel(ctx: BlockContext<FeatureKernelParams>): void {
  const { spec, target } = ctx.params;
  const [cz, cy, cx] = ctx.shape;
  const [oz, oy, ox] = ctx.origin;
  if (target.kind === "region") {
    const lo = [0, 1, 2].map((a) => Math.max(ctx.origin[a]!, target.origin[a]!));
    const hi = [0, 1, 2].map((a) => Math.min(ctx.origin[a]! + ctx.shape[a]!, target.origin[a]! + target.shape[a]!));
    if (lo.some((v, a) => v >= hi[a]!)) return;
    const [rz, ry, rx] = target.shape;
    const voxels = rz * ry * rx;
    const C = target.channels;
    const data = target.data;
    const run = hi[2]! - lo[2]!;
    const rows = hi[1]! - lo[1]!;
    // Contiguous runs: whole planes when both sides' rows span the full run.
    const planes = run === cx && run === rx && rows === cy && rows === ry;
    const rowsOnly = run === cx && run === rx;
    computeBlockFeatures(ctx, spec, (c, core) => {
      const base = target.layout === "channels" ? c * voxels : 0;
      for (let z = lo[0]!; z < hi[0]!; z++) {
        const fromZ = ((z - oz) * cy + (lo[1]! - oy)) * cx + (lo[2]! - ox);
        const toZ = ((z - target.origin[0]) * ry + (lo[1]! - target.origin[1])) * rx + (lo[2]! - target.origin[2]);
        if (target.layout === "samples") {
          for (let y = 0; y < rows; y++) {
            const from = fromZ + y * cx;
            const to = toZ + y * rx;
            for (let i = 0; i < run; i++) data[(to + i) * C + c] = core[from + i]!;
          }
        } else if (planes) {
          const n = (hi[0]! - z) * rows * run;
          data.set(core.subarray(fromZ, fromZ + n), base + toZ);
          break;
        } else if (rowsOnly) {
          data.set(core.subarray(fromZ, fromZ + rows * run), base + toZ);
        } else {
          for (let y = 0; y < rows; y++) {
            const from = fromZ + y * cx;
            const to = base + toZ + y * rx;
            for (let i = 0; i < run; i++) data[to + i] = core[from + i]!;
          }
        }
      }
    });
    return;
  }
  const first = target.offsets[ctx.index]!;
  const count = target.offsets[ctx.index + 1]! - first;
  if (count === 0) return;
  const labels = ctx.inputs[target.labelInput]!.data;
  const [, ny, nx] = ctx.volumeShape;
  const positions = new Int32Array(count);
  let n = 0;
  for (let z = 0; z < cz; z++) {
    for (let y = 0; y < cy; y++) {
      const row = ((oz + z) * ny + (oy + y)) * nx + ox;
      for (let x = 0; x < cx; x++) if (labels[row + x] !== 0) positions[n++] = (z * cy + y) * cx + x;
    }
  }
  if (n !== count) throw new Error(`feature block: found ${n} labelled voxels, expected ${count} (labels changed during the job?)`);
  const C = target.channels;
  const samples = target.samples;
  computeBlockFeatures(ctx, spec, (c, core) => {
    for (let j = 0; j < count; j++) samples[(first + j) * C + c] = core[positions[j]!]!;
  });
}
