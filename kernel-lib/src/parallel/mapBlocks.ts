import type { DType, Shape3, Spacing3, Volume } from "../volume/types.js";
import {
  checkInteger,
  checkNumberArray,
  checkOneOf,
  checkOptions,
  checkPositiveInt,
  expectedError,
} from "../util/checks.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import { allocate, ARRAY_TYPES } from "../volume/dtype.js";
import { defaultBlockShape, planBlocks, type Block } from "./blocks.js";
import { checkBoundary } from "./boundary.js";
import { getPool, getThreads } from "./pool.js";
import { runsInline } from "./options.js";
import { runBlock } from "./runBlock.js";
import { checkCluster, CLUSTER_BLOCK } from "./clusterOptions.js";
import { leaseShared } from "./scratch.js";
import { isShared } from "./shared.js";
import {
  type BlockTask,
  type BoundaryMode,
  type KernelRef,
  type ParallelOptions,
} from "./types.js";

/** Options of {@link forEachBlock}: how blocks are cut, padded and run. */
export interface ForEachBlockOptions extends ParallelOptions {
  /**
   * Extra voxels on each side of a block, per axis `[hz, hy, hx]` or one
   * number for all: the kernel sees the block extended by the halo and
   * computes the core from it.
   * @default 0
   */
  halo?: number | Shape3;
  /** How the padded block is extended past the volume border (see {@link BoundaryMode}). @default "reflect" */
  mode?: BoundaryMode;
  /** Fill value for `mode: "constant"`. @default 0 */
  cval?: number;
}

/** Options of {@link mapBlocks}: those of {@link forEachBlock} plus the outputs. */
export interface MapBlocksOptions extends ForEachBlockOptions {
  /** Number of output channels the kernel writes (one volume each). @default 1 */
  channels?: number;
  /** Voxel type of the outputs. @default "float32" */
  dtype?: DType;
  /** Spacing of the outputs. @default the first input's spacing */
  spacing?: Spacing3;
  /**
   * Volumes to write into instead of new ones: one per channel, each of the
   * inputs' shape, of `dtype`, in shared memory unless the job runs inline.
   */
  out?: Volume[];
}

let jobCounter = 0;

function describeBlock(block: Block, count: number): string {
  const range = (a: number) => `${block.origin[a]}..${block.origin[a]! + block.shape[a]! - 1}`;
  return `block ${block.index + 1}/${count} (z ${range(0)}, y ${range(1)}, x ${range(2)})`;
}

function wrapError(error: unknown, block: Block, count: number): Error {
  const message = `${describeBlock(block, count)} failed: ${error instanceof Error ? error.message : String(error)}`;
  if (error instanceof RangeError) return new RangeError(message, { cause: error });
  if (error instanceof TypeError) return new TypeError(message, { cause: error });
  return new Error(message, { cause: error });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("the operation was aborted", "AbortError");
}

function perAxis(
  value: number | readonly number[] | undefined,
  name: string,
  fallback: number,
  min: number,
): Shape3 {
  const v = value ?? fallback;
  if (typeof v === "number") return [checkInteger(v, name, min), v, v];
  const expected = `an integer >= ${min} or [z, y, x] of them`;
  return [...checkNumberArray(v, name, { length: 3, integer: true, min, expected })] as Shape3;
}

/** A checked blockwise job, ready to run. */
interface Job {
  inputs: Volume[];
  kernel: KernelRef<unknown>;
  shape: Shape3;
  halo: Shape3;
  mode: BoundaryMode;
  cval: number;
  threads: number;
  inline: boolean;
  blockShape: Shape3;
}

/** Check the inputs, the kernel reference and the options that every blockwise job has. */
function prepareJob<P>(
  inputs: Volume | readonly Volume[],
  kernel: KernelRef<P>,
  options: ForEachBlockOptions,
): Job {
  const list = Array.isArray(inputs) ? [...(inputs as readonly Volume[])] : [inputs as Volume];
  if (list.length === 0) throw expectedError("inputs", "at least one volume", list);
  list.forEach((v, i) => checkVolume(v, list.length === 1 ? "inputs" : `inputs[${i}]`));
  for (let i = 1; i < list.length; i++)
    checkSameShape(list[i]!, `inputs[${i}]`, list[0]!, "inputs[0]");
  if (
    typeof kernel !== "object" ||
    kernel === null ||
    typeof kernel.module !== "string" ||
    typeof kernel.name !== "string"
  )
    throw expectedError("kernel", "{ module: string, name: string, params? }", kernel, TypeError);
  checkOptions(options, "options");
  const shape = [...list[0]!.shape] as Shape3;
  const halo = perAxis(options.halo, "halo", 0, 0);
  const { mode, cval } = checkBoundary(options.mode, options.cval);
  const threads = checkPositiveInt(options.threads ?? getThreads(), "threads");
  if (options.inline !== undefined) checkOneOf(options.inline, "inline", [true, false, "auto"]);
  // A cluster job's buffers stay in this thread (workers get the data from
  // the store), so it counts as inline for memory purposes.
  const cluster = options.cluster !== undefined ? checkCluster(options.cluster) : undefined;
  const inline = cluster !== undefined || runsInline(shape, { threads, inline: options.inline });
  let blockShape: Shape3;
  if (options.blockShape === undefined && cluster !== undefined)
    blockShape = CLUSTER_BLOCK.map((b, a) => Math.min(b, shape[a]!)) as Shape3;
  else if (options.blockShape === undefined)
    blockShape = defaultBlockShape(shape, inline ? 1 : threads);
  else {
    blockShape = perAxis(options.blockShape, "blockShape", 1, 1);
    blockShape = blockShape.map((b, a) => Math.min(b, shape[a]!)) as Shape3;
  }
  return { inputs: list, kernel, shape, halo, mode, cval, threads, inline, blockShape };
}

/** The output volumes of a {@link mapBlocks} job: checked `out`, or new ones. */
function jobOutputs(job: Job, options: MapBlocksOptions): Volume[] {
  const channels = checkPositiveInt(options.channels ?? 1, "channels");
  const dtype = checkOneOf(
    options.dtype ?? "float32",
    "dtype",
    Object.keys(ARRAY_TYPES) as DType[],
  );
  if (options.out === undefined) {
    const voxels = job.shape[0] * job.shape[1] * job.shape[2];
    const spacing = [...(options.spacing ?? job.inputs[0]!.spacing)] as Spacing3;
    return Array.from({ length: channels }, () => ({
      data: allocate(dtype, voxels, true),
      shape: [...job.shape] as Shape3,
      spacing: [...spacing] as Spacing3,
    }));
  }
  if (!Array.isArray(options.out) || options.out.length !== channels) {
    const Type = Array.isArray(options.out) ? RangeError : TypeError;
    throw expectedError("out", `an array of ${channels} volume(s)`, options.out, Type);
  }
  options.out.forEach((v, c) => {
    checkVolume(v, `out[${c}]`, { dtypes: [dtype] });
    checkSameShape(v, `out[${c}]`, job.inputs[0]!, "inputs");
    if (!job.inline && !isShared(v.data)) {
      throw new TypeError(
        `\`out[${c}]\` must be in shared memory (see toShared) to be written by worker threads`,
      );
    }
  });
  return options.out;
}

/**
 * Blockwise map with halos (the dask `map_overlap` / ilastik lazyflow model):
 * cut the volume into blocks, extend each by `halo` voxels (padding by
 * `mode` where the extension crosses the border), run `kernel` on each
 * padded block, and assemble the cores into the output channels. Blocks run
 * on the shared worker-thread pool over shared memory (inputs that are not
 * in shared memory are copied there once); workers write their cores straight
 * into the shared outputs.
 *
 * A kernel that computes each output voxel from the padded block alone gives
 * the same result, bit for bit, for any block shape and thread count, since
 * every block sees exactly the data (including the border extension) that a
 * single whole-volume block would see.
 *
 * With the `cluster` option the blocks run as BullMQ jobs on
 * `tomolab-worker` processes (any number of machines): inputs and outputs go
 * through OME-Zarr stores in `cluster.store`, chunked like the blocks, and
 * the result is the same, byte for byte (see `ClusterOptions`).
 *
 * @param inputs - One volume or several of the same shape (any dtypes).
 * @param kernel - Which compiled kernel to run, with its parameters.
 * @returns One volume per output channel, in shared memory.
 * @throws RangeError/TypeError for bad arguments; on a kernel error, the
 *   error names the failing block; on abort, the signal's reason.
 * @example
 * ```ts
 * const [smoothed] = await mapBlocks(volume,
 *   { module: "filters/separableBlock.js", name: "separableBlock", params: { kernels: [w, w, w] } },
 *   { halo: (w.length - 1) / 2 });
 * ```
 */
export async function mapBlocks<P = unknown>(
  inputs: Volume | readonly Volume[],
  kernel: KernelRef<P>,
  options: MapBlocksOptions = {},
): Promise<Volume[]> {
  const job = prepareJob(inputs, kernel, options);
  const outputs = jobOutputs(job, options);
  await runJob(job, outputs, options);
  return outputs;
}

/**
 * Run a block kernel for its side effects only: like {@link mapBlocks} (same
 * blocks, halos, boundary extension, pool, progress and abort), but the
 * kernel gets no output channels (`ctx.outputs` is empty) and writes its
 * results itself, e.g. into shared arrays it received in `params` (a region's
 * features, the rows of labelled voxels, predicted labels).
 *
 * @param inputs - One volume or several of the same shape (any dtypes).
 * @param kernel - Which compiled kernel to run, with its parameters.
 * @returns When every block has run.
 * @throws As {@link mapBlocks}.
 */
export async function forEachBlock<P = unknown>(
  inputs: Volume | readonly Volume[],
  kernel: KernelRef<P>,
  options: ForEachBlockOptions = {},
): Promise<void> {
  await runJob(prepareJob(inputs, kernel, options), [], options);
}

/** Run every block of a job, inline or on the pool, writing into `outputs`. */
async function runJob(job: Job, outputs: Volume[], options: ParallelOptions): Promise<void> {
  const { kernel, shape, halo, mode, cval, threads, inline } = job;
  const signal = options.signal;
  signal?.throwIfAborted();
  if (options.cluster !== undefined) {
    // Loaded on first use: local jobs never load BullMQ.
    const { runClusterJob } = await import("./cluster.js");
    const clusterJob: Parameters<typeof runClusterJob>[0] = {
      inputs: job.inputs,
      kernel,
      shape,
      halo,
      mode,
      cval,
      blockShape: job.blockShape,
      outputs,
      cluster: options.cluster,
    };
    if (signal !== undefined) clusterJob.signal = signal;
    if (options.onProgress !== undefined) clusterJob.onProgress = options.onProgress;
    return runClusterJob(clusterJob);
  }
  // Inputs not in shared memory are copied there for the job (see leaseShared).
  const leases = inline ? [] : job.inputs.map((v) => leaseShared(v));
  const shared = inline ? job.inputs : leases.map((lease) => lease.volume);
  const blocks = planBlocks(shape, job.blockShape);
  const total = blocks.length;
  const jobId = `${process.pid}:${++jobCounter}`;
  const taskOf = (block: Block): BlockTask => ({
    job: jobId,
    kernel: { module: kernel.module, name: kernel.name, params: kernel.params },
    inputs: shared.map((v) => ({ data: v.data, shape: v.shape })),
    outputs: outputs.map((v) => v.data),
    volumeShape: shape,
    origin: block.origin,
    shape: block.shape,
    halo,
    mode,
    cval,
    index: block.index,
    count: total,
  });
  options.onProgress?.(0, total);

  if (inline) {
    for (const block of blocks) {
      if (signal?.aborted) throw abortReason(signal);
      try {
        await runBlock(taskOf(block));
      } catch (error) {
        throw wrapError(error, block, total);
      }
      options.onProgress?.(block.index + 1, total);
      // Let abort signals and other callbacks through between blocks.
      if (block.index + 1 < total) await new Promise((resolve) => setImmediate(resolve));
    }
    signal?.throwIfAborted();
    return;
  }

  // Pool: at most `threads` blocks in flight, so an abort or error waits for
  // at most that many running blocks and nothing queued is left behind.
  // (The pool is looked up per block: a setThreads() during the job moves
  // the remaining blocks to the new pool while the old one drains.)
  const maxInFlight = Math.min(threads, getThreads());
  try {
    await runOnPool();
  } finally {
    // The job settles only once no block runs: no worker reads the copies any more.
    for (const lease of leases) lease.release();
  }
  function runOnPool(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let next = 0;
      let done = 0;
      let running = 0;
      let failure: { error: unknown } | undefined;
      const onAbort = () => stop(abortReason(signal!));
      signal?.addEventListener("abort", onAbort, { once: true });
      function finish(): void {
        if (running > 0 || (failure === undefined && done < total)) return;
        signal?.removeEventListener("abort", onAbort);
        if (failure) reject(failure.error);
        else resolve();
      }
      function stop(error: unknown): void {
        if (failure === undefined) failure = { error };
        finish();
      }
      function launch(): void {
        while (failure === undefined && running < maxInFlight && next < total) {
          const block = blocks[next++]!;
          running++;
          getPool()
            .run(taskOf(block))
            .then(
              () => {
                running--;
                done++;
                if (failure === undefined) {
                  try {
                    options.onProgress?.(done, total);
                  } catch (error) {
                    failure = { error };
                  }
                }
                launch();
                finish();
              },
              (error: unknown) => {
                running--;
                stop(wrapError(error, block, total));
              },
            );
        }
      }
      launch();
    });
  }
}
