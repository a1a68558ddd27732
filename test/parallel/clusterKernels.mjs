// Block kernels for the cluster tests (plain JavaScript: workers import compiled modules).
import { separableBlock } from "../../kernel-lib/dist/filters/separableBlock.js";

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** separableBlock after `params.delayMs` of sleep (blocks slow enough to be killed mid-run). */
export function slowSeparable(ctx) {
  if (ctx.params.delayMs > 0) Atomics.wait(sleeper, 0, 0, ctx.params.delayMs);
  separableBlock(ctx);
}

/** Copies input 0, but throws on block `params.failAt`. */
export function failAt(ctx) {
  if (ctx.index === ctx.params.failAt) throw new Error(`boom in block ${ctx.index}`);
  ctx.outputs[0].write(ctx.inputs[0].read().slice(0, ctx.shape[0] * ctx.shape[1] * ctx.shape[2]));
}
