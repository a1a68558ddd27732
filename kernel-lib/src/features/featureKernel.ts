import type { Shape3 } from "../volume/types.js";
import { readPadded } from "../parallel/boundary.js";
import type { BlockContext, BlockInput, BoundaryMode } from "../parallel/types.js";
import { computeBlockFeatures, type FeatureBlockSource } from "./blockFeatures.js";
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
 * Only the part of the block that matters is computed (its intersection with
 * the region, or the bounding box of its labelled voxels); blocks with
 * nothing to contribute return at once.
 * @internal
 */
export function featureKernel(ctx: BlockContext<FeatureKernelParams>): void {
  const { spec, target } = ctx.params;
  if (target.kind === "region") {
    const lo = [0, 1, 2].map((a) => Math.max(ctx.origin[a]!, target.origin[a]!)) as Shape3;
    const hi = [0, 1, 2].map((a) =>
      Math.min(ctx.origin[a]! + ctx.shape[a]!, target.origin[a]! + target.shape[a]!),
    ) as Shape3;
    if (lo.some((v, a) => v >= hi[a]!)) return;
    const [rz, ry, rx] = target.shape;
    const voxels = rz * ry * rx;
    const C = target.channels;
    const data = target.data;
    const [bz, by, bx] = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]];
    // Where the core's rows and planes are also contiguous in the region.
    const rowsContiguous = bx === rx;
    const planesContiguous = rowsContiguous && by === ry;
    const to0 =
      ((lo[0] - target.origin[0]) * ry + (lo[1] - target.origin[1])) * rx +
      (lo[2] - target.origin[2]);
    computeBlockFeatures(subBlock(ctx, lo, hi, spec.mode), spec, (c, core) => {
      if (target.layout === "samples") {
        for (let z = 0; z < bz; z++) {
          for (let y = 0; y < by; y++) {
            const from = (z * by + y) * bx;
            const to = to0 + (z * ry + y) * rx;
            for (let i = 0; i < bx; i++) data[(to + i) * C + c] = core[from + i]!;
          }
        }
        return;
      }
      const base = c * voxels + to0;
      if (planesContiguous) {
        data.set(core, base);
        return;
      }
      for (let z = 0; z < bz; z++) {
        if (rowsContiguous) {
          data.set(core.subarray(z * by * bx, (z + 1) * by * bx), base + z * ry * rx);
          continue;
        }
        for (let y = 0; y < by; y++) {
          const from = (z * by + y) * bx;
          const to = base + (z * ry + y) * rx;
          for (let i = 0; i < bx; i++) data[to + i] = core[from + i]!;
        }
      }
    });
    return;
  }
  const first = target.offsets[ctx.index]!;
  const count = target.offsets[ctx.index + 1]! - first;
  if (count === 0) return;
  const [cz, cy, cx] = ctx.shape;
  const [oz, oy, ox] = ctx.origin;
  const labels = ctx.inputs[target.labelInput]!.data;
  const [, ny, nx] = ctx.volumeShape;
  // Labelled voxels (volume coordinates) and their bounding box: only the
  // box is computed (brush strokes usually cover a few slices of a block).
  const at = new Int32Array(3 * count);
  const lo: Shape3 = [Infinity, Infinity, Infinity];
  const hi: Shape3 = [-Infinity, -Infinity, -Infinity];
  let n = 0;
  for (let z = 0; z < cz; z++) {
    for (let y = 0; y < cy; y++) {
      const row = ((oz + z) * ny + (oy + y)) * nx + ox;
      for (let x = 0; x < cx; x++) {
        if (labels[row + x] === 0) continue;
        if (n < count) {
          const p = [oz + z, oy + y, ox + x];
          for (let a = 0; a < 3; a++) {
            at[3 * n + a] = p[a]!;
            lo[a] = Math.min(lo[a]!, p[a]!);
            hi[a] = Math.max(hi[a]!, p[a]! + 1);
          }
        }
        n++;
      }
    }
  }
  if (n !== count) {
    throw new Error(
      `feature block: found ${n} labelled voxels, expected ${count} (labels changed during the job?)`,
    );
  }
  const [, by, bx] = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]];
  const positions = new Int32Array(count);
  for (let j = 0; j < count; j++) {
    positions[j] =
      ((at[3 * j]! - lo[0]) * by + (at[3 * j + 1]! - lo[1])) * bx + (at[3 * j + 2]! - lo[2]);
  }
  const C = target.channels;
  const samples = target.samples;
  computeBlockFeatures(subBlock(ctx, lo, hi, spec.mode), spec, (c, core) => {
    for (let j = 0; j < count; j++) samples[(first + j) * C + c] = core[positions[j]!]!;
  });
}

/**
 * The box `[lo, hi)` (volume coordinates, inside the block's core) as a
 * feature block source with the job's halo: the block itself when the box is
 * its core, else inputs that read the padded box straight from the volume
 * (boundary-extended by `mode`, as the engine pads blocks).
 */
function subBlock(
  ctx: BlockContext<FeatureKernelParams>,
  lo: Shape3,
  hi: Shape3,
  mode: BoundaryMode,
): FeatureBlockSource {
  const shape = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]] as Shape3;
  if (shape.every((n, a) => n === ctx.shape[a]) && lo.every((v, a) => v === ctx.origin[a]))
    return ctx;
  const start = [lo[0] - ctx.halo[0], lo[1] - ctx.halo[1], lo[2] - ctx.halo[2]] as Shape3;
  const padded = [
    shape[0] + 2 * ctx.halo[0],
    shape[1] + 2 * ctx.halo[1],
    shape[2] + 2 * ctx.halo[2],
  ] as Shape3;
  const length = padded[0] * padded[1] * padded[2];
  const inputs: BlockInput[] = ctx.inputs.map((input) => ({
    data: input.data,
    shape: input.shape,
    dtype: input.dtype,
    read() {
      throw new Error("internal: sub-block inputs are read with readInto");
    },
    readInto(dest) {
      if (dest.length < length)
        throw new RangeError(
          `readInto: \`dest\` has ${dest.length} elements, the padded box needs ${length}`,
        );
      readPadded(input.data, input.shape, start, padded, mode, 0, dest);
    },
  }));
  return { inputs, origin: lo, shape, halo: ctx.halo, volumeShape: ctx.volumeShape };
}

/**
 * Block kernel writing every feature channel of the block's core to the
 * job's outputs (channel c to output c), for feature stacks computed with
 * `mapBlocks`, e.g. on cluster workers (run as
 * `{ module: "features/featureKernel.js", name: "featureOutputsKernel" }`).
 * @internal
 */
export function featureOutputsKernel(ctx: BlockContext<{ spec: FeatureSpec }>): void {
  computeBlockFeatures(ctx, ctx.params.spec, (c, core) => ctx.outputs[c]!.write(core));
}
