/**
 * Entry point of the pool's worker threads (always run compiled, from
 * `dist/parallel/worker.js`): runs one block per task.
 * @internal
 */
import v8 from "node:v8";
import vm from "node:vm";
import { runBlock } from "./runBlock.js";
import type { BlockTask } from "./types.js";

/**
 * Each task brings its own handles on the job's shared buffers. A worker
 * allocates little, so its garbage collector rarely runs and those handles
 * would keep every finished job's volumes alive. So a worker collects its
 * garbage (a full GC of a small heap, about a millisecond) when it has been
 * idle for a moment, and when a new job starts after jobs that referenced
 * at least GC_BYTES of buffers.
 */
const IDLE_GC_MS = 100;
const GC_BYTES = 32 * 2 ** 20;

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
    if (retainedBytes >= GC_BYTES) idleCollect();
    lastJob = task.job;
    for (const input of task.inputs) retainedBytes += input.data.byteLength;
    for (const output of task.outputs) retainedBytes += output.byteLength;
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
