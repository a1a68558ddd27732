export type {
  BoundaryMode,
  KernelRef,
  BlockContext,
  BlockInput,
  BlockOutput,
  BlockKernel,
  ParallelOptions,
  ClusterOptions,
} from "./types.js";
export { BOUNDARY_MODES } from "./types.js";
export {
  mapBlocks,
  forEachBlock,
  type MapBlocksOptions,
  type ForEachBlockOptions,
} from "./mapBlocks.js";
export { parallelOptions, runsInline, INLINE_BELOW } from "./options.js";
// Types only: the cluster runner (BullMQ) loads on first use of the `cluster`
// option; workers import dist/parallel/cluster.js (see bin/tomolab-worker.mjs).
export type { ClusterBlockStats, ClusterWorkerOptions, ClusterWorker } from "./cluster.js";
export { CLUSTER_BLOCK, DEFAULT_QUEUE } from "./clusterOptions.js";
export { getThreads, setThreads, closePool } from "./pool.js";
export { runTasks, type RunTasksOptions } from "./runTasks.js";
export { toShared, isShared } from "./shared.js";
export { boundaryIndex, checkBoundary } from "./boundary.js";
export { defaultBlockShape, planBlocks, type Block } from "./blocks.js";
