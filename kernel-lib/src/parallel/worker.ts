/**
 * Entry point of the pool's worker threads (always run compiled, from
 * `dist/parallel/worker.js`): runs one block per task.
 * @internal
 */
import v8 from "node:v8";
import vm from "node:vm";
import { runBlock } from "./runBlock.js";
import type { BlockTask } from "./types.js";
import { retainLimitBytes, taskBufferBytes } from "./workerMemory.js";

/**
 * Each task brings its own handles on the job's shared buffers. A worker
 * allocates little, so its garbage collector rarely runs and those handles
 * would keep every finished job's volumes alive. So a worker collects its
 * garbage when it has been idle for a moment, and when a new job starts
 * after jobs that referenced at least {@link retainLimitBytes} of buffers
 * (counted with {@link taskBufferBytes}, once per job). Collecting at every
 * job change instead (as before, from 32 MiB on) cost a 256^3 distance
 * transform 8 % on two cores: 5-15 ms of collection at the start of its
 * first pass, and the freeing of the last job's buffers slowing the other
 * worker's blocks.
 */
const IDLE_GC_MS = 100;
const RETAIN_BYTES = retainLimitBytes();

function findGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

const collect = findGc();
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let lastJob: string | undefined;
let retainedBytes = 0; // buffers of earlier jobs that garbage may still hold

function idleCollect(): void {
  collect?.();
  retainedBytes = 0;
}

export default async function work(task: BlockTask): Promise<void> {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  if (task.job !== lastJob) {
    if (retainedBytes >= RETAIN_BYTES) idleCollect();
    lastJob = task.job;
    retainedBytes += taskBufferBytes(task);
  }
  try {
    await runBlock(task);
  } finally {
    if (collect !== undefined) {
      idleTimer = setTimeout(idleCollect, IDLE_GC_MS);
      idleTimer.unref();
    }
  }
}
