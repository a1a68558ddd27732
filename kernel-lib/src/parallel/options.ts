import type { Shape3 } from "../volume/types.js";
import { getThreads } from "./pool.js";
import type { ParallelOptions } from "./types.js";

/** Jobs over fewer voxels than this run in the calling thread when `inline` is `"auto"`. */
export const INLINE_BELOW = 2 ** 18;

/**
 * The {@link ParallelOptions} of a function's options (`threads`, `inline`,
 * `blockShape`, `signal`, `onProgress`, `cluster`), to hand on to `mapBlocks` or
 * `forEachBlock` unchanged; fields that are not set stay unset, so the
 * engine's defaults apply.
 * @example
 * ```ts
 * await mapBlocks(volume, kernel, { ...parallelOptions(options), halo, mode });
 * ```
 */
export function parallelOptions(options: ParallelOptions): ParallelOptions {
  const picked: ParallelOptions = {};
  if (options.threads !== undefined) picked.threads = options.threads;
  if (options.inline !== undefined) picked.inline = options.inline;
  if (options.blockShape !== undefined) picked.blockShape = options.blockShape;
  if (options.signal !== undefined) picked.signal = options.signal;
  if (options.onProgress !== undefined) picked.onProgress = options.onProgress;
  if (options.cluster !== undefined) picked.cluster = options.cluster;
  return picked;
}

/**
 * Whether a blockwise job over a volume of `shape` runs in the calling thread
 * with these options (the rule `mapBlocks` and `forEachBlock` apply): one
 * thread (`threads`, or the pool size when unset), `inline: true`, or
 * `inline: "auto"` (the default) and fewer than {@link INLINE_BELOW} voxels.
 * Callers use it to decide whether their own buffers must be shared memory.
 */
export function runsInline(shape: Shape3, options: ParallelOptions): boolean {
  const voxels = shape[0] * shape[1] * shape[2];
  const inline = options.inline ?? "auto";
  return (
    (options.threads ?? getThreads()) === 1 ||
    inline === true ||
    (inline === "auto" && voxels < INLINE_BELOW)
  );
}
