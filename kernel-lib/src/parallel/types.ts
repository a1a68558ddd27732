import type { DType, Shape3, VoxelArray } from "../volume/types.js";

/**
 * How a block is extended past the volume border (scipy.ndimage names), shown
 * for a row `a b c d`:
 * - `"reflect"`: `d c b a | a b c d | d c b a` (half-sample symmetric)
 * - `"mirror"`: `d c b | a b c d | c b a` (whole-sample symmetric)
 * - `"nearest"`: `a a a | a b c d | d d d`
 * - `"wrap"`: `b c d | a b c d | a b c`
 * - `"constant"`: `k k k | a b c d | k k k` with `k = cval`
 */
export type BoundaryMode = "reflect" | "mirror" | "nearest" | "wrap" | "constant";

/** The boundary modes accepted everywhere a `mode` option exists. */
export const BOUNDARY_MODES: readonly BoundaryMode[] = [
  "reflect",
  "mirror",
  "nearest",
  "wrap",
  "constant",
];

/**
 * Names a block kernel so a worker thread can load it: an export of a
 * compiled ES module. Kernels are plain functions `(ctx: BlockContext) => void`
 * (see {@link BlockKernel}); adding one needs no change to the engine.
 */
export interface KernelRef<P = unknown> {
  /**
   * The module exporting the kernel: a path relative to kernel-lib's compiled
   * `dist/` folder (e.g. `"filters/separableBlock.js"`), an absolute file
   * path, or a `file:` URL.
   */
  module: string;
  /** Name of the exported kernel function. */
  name: string;
  /** Parameters handed to the kernel; must survive structured cloning (JSON-like data, typed arrays). */
  params?: P;
}

/** One input of a block, as seen by a kernel. */
export interface BlockInput {
  /**
   * The whole input volume's data (shared memory when running in workers).
   * On a cluster worker (the `cluster` option) it holds only the box the
   * padded block reads, given by `box`; kernels that read through
   * {@link BlockInput.read} / {@link BlockInput.readInto} work unchanged.
   */
  readonly data: VoxelArray;
  /** Set when `data` holds only this box of the volume (cluster workers). */
  readonly box?: { readonly start: Shape3; readonly shape: Shape3 };
  /** Shape of the whole input volume. */
  readonly shape: Shape3;
  /** Voxel type of `data`. */
  readonly dtype: DType;
  /**
   * The block extended by the halo, `paddedShape`, boundary-extended by the
   * job's `mode`, in the input's dtype. The array is thread-local scratch
   * reused by the next block: valid only until the kernel returns.
   */
  read(): VoxelArray;
  /**
   * Like {@link BlockInput.read} but into `dest` (length >= padded size),
   * converting to its element type (e.g. a Float32Array from uint8 data).
   */
  readInto(dest: VoxelArray | Float64Array): void;
}

/** One output channel of a block, as seen by a kernel. */
export interface BlockOutput {
  /** The whole output channel's data (shared memory when running in workers). */
  readonly data: VoxelArray;
  /**
   * Copy the block's core result into place: `core` holds `shape` (the core
   * shape) voxels, x fastest; `rowStride` (default core nx) lets it be a
   * larger array whose rows are longer than the core.
   */
  write(core: VoxelArray | Float64Array, rowStride?: number): void;
}

/** Everything a kernel gets for one block. */
export interface BlockContext<P = unknown> {
  /** The `params` of the {@link KernelRef}. */
  readonly params: P;
  /** Index of this block (z-major order) and number of blocks in the job. */
  readonly index: number;
  readonly count: number;
  /** First voxel `[z, y, x]` of the core (the part of the output this block writes). */
  readonly origin: Shape3;
  /** Shape of the core. */
  readonly shape: Shape3;
  /** Halo per axis: the padded block starts `halo` voxels before `origin`. */
  readonly halo: Shape3;
  /** Shape of the padded block: `shape + 2 * halo`. */
  readonly paddedShape: Shape3;
  /** Shape of the whole volume. */
  readonly volumeShape: Shape3;
  /** The inputs, in the order given to `mapBlocks`. */
  readonly inputs: readonly BlockInput[];
  /** The output channels. */
  readonly outputs: readonly BlockOutput[];
}

/**
 * A block kernel: computes the core of one block from the padded inputs and
 * writes it to the outputs (`ctx.outputs[c].write(...)`). It may be async. It
 * must compute each output voxel from the padded block alone (the "valid"
 * convolution of the padded block), so the result does not depend on the
 * block layout.
 */
export type BlockKernel<P = unknown> = (ctx: BlockContext<P>) => void | Promise<void>;

/** Options shared by every function that runs blockwise on the worker pool. */
export interface ParallelOptions {
  /**
   * Number of blocks processed at once. 1 runs in the calling thread (no
   * workers); larger values use the shared pool (capped by its size, see
   * `setThreads`).
   * @default the pool size: `TOMOLAB_THREADS` or `os.availableParallelism()`
   */
  threads?: number;
  /**
   * Run in the calling thread instead of the worker pool. `"auto"` does so for
   * small jobs (fewer than 2^18 voxels) where starting workers costs more
   * than it saves.
   * @default "auto"
   */
  inline?: boolean | "auto";
  /**
   * Core block shape `[bz, by, bx]` (each clipped to the volume).
   * @default whole xy planes, as many z slices as make about 2^21 voxels
   *   (fewer for small volumes, so every thread gets several blocks)
   */
  blockShape?: Shape3;
  /** Cancels the job: the promise rejects with the signal's reason (an AbortError); blocks not started never start. */
  signal?: AbortSignal;
  /** Called with `(done, total)` blocks: once with 0 at the start, then after each block. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Run the blocks as BullMQ jobs on `tomolab-worker` processes (any number
   * of machines) instead of this process's pool: see {@link ClusterOptions}.
   * `threads` and `inline` are then ignored; the block shape is the chunk
   * shape of the job's OME-Zarr stores.
   */
  cluster?: ClusterOptions;
}

/**
 * Where a blockwise job runs when it runs on a cluster: the Redis server the
 * BullMQ queue lives on and a folder every worker reaches at the same path
 * (a shared filesystem), where inputs and outputs are OME-Zarr stores.
 */
export interface ClusterOptions {
  /** Redis URL, `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  redis: string;
  /** Shared folder for the job's OME-Zarr stores (a run folder is created in it and removed afterwards). */
  store: string;
  /** BullMQ queue name the workers listen on. @default "tomolab" */
  queue?: string;
  /**
   * OME-Zarr stores (paths every worker reaches) that already hold the
   * inputs, one per input, so they are not written again; their shape and
   * dtype must match the inputs'.
   */
  inputs?: string[];
  /** Keep the run folder (inputs, outputs, parameters) instead of removing it. @default false */
  keep?: boolean;
  /** Chunk compression of the stores the job writes. @default "zstd" (level 1) */
  compressor?: "zstd" | "blosc" | "none";
  /**
   * Milliseconds a Redis connection attempt or command may take before the
   * job fails with a connection error (also the longest silence tolerated
   * from a lost server). @default 5000
   */
  timeout?: number;
}

/** Serialisable description of one block job, sent to a worker. @internal */
export interface BlockTask {
  /** Identifies the mapBlocks call this block belongs to. */
  job: string;
  kernel: { module: string; name: string; params: unknown };
  /** Each input's data: the whole volume, or only `box` of it (cluster workers). */
  inputs: { data: VoxelArray; shape: Shape3; box?: { start: Shape3; shape: Shape3 } }[];
  outputs: VoxelArray[];
  /** The outputs hold only the block's core (cluster workers), not the whole volume. */
  outputsHoldCore?: boolean;
  volumeShape: Shape3;
  origin: Shape3;
  shape: Shape3;
  halo: Shape3;
  mode: BoundaryMode;
  cval: number;
  index: number;
  count: number;
}
