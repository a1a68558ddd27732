import type { BlockContext } from "../parallel/types.js";
import { separableCorrelate, type SeparableKernels } from "./separable.js";

/** Parameters of {@link separableBlock}. */
export interface SeparableBlockParams {
  /** Correlation weights per axis `[z, y, x]` (null: none); each kernel's radius must not exceed the job's halo on its axis. */
  kernels: [number[] | null, number[] | null, number[] | null];
}

/**
 * Block kernel for `mapBlocks`: separable correlation of input 0 with one 1D
 * kernel per axis, written to output 0 (float32). The job's halo may exceed a
 * kernel's radius: the valid region is cropped to the core. Run it as
 * `{ module: "filters/separableBlock.js", name: "separableBlock", params }`.
 */
export function separableBlock(ctx: BlockContext<SeparableBlockParams>): void {
  const kernels = ctx.params.kernels as SeparableKernels;
  const input = ctx.inputs[0]!;
  const core = separableCorrelate((dest) => input.readInto(dest), ctx.paddedShape, kernels, {
    outShape: ctx.shape,
    transient: true,
  });
  ctx.outputs[0]!.write(core);
}
