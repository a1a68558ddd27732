import { getThreads } from "../../parallel/pool.js";
import { isShared } from "../../parallel/shared.js";
import type { PredictTask } from "./forestWorker.js";
import { checkNonNegativeInt, checkPositiveInt } from "../../util/checks.js";
import {
  checkForest,
  checkNoNaN,
  resolveRows,
  type PredictOptions,
  type RandomForest,
} from "./model.js";
import { runForestTasks } from "./workerPool.js";

/**
 * The shared buffer rows are copied into, kept between calls (a fresh one
 * of 64-192 MB costs more in page faults than the copy itself) and dropped
 * after a second without use.
 */
let kept: { buffer: SharedArrayBuffer; busy: boolean; timer?: ReturnType<typeof setTimeout> } | undefined;

function acquireCopy(bytes: number): SharedArrayBuffer {
  if (kept && !kept.busy && kept.buffer.byteLength >= bytes) {
    clearTimeout(kept.timer);
    kept.busy = true;
    return kept.buffer;
  }
  const buffer = new SharedArrayBuffer(Math.max(4, bytes));
  if (!kept?.busy) kept = { buffer, busy: true };
  return buffer;
}

function releaseCopy(buffer: SharedArrayBuffer): void {
  const k = kept;
  if (k?.buffer !== buffer) return;
  k.busy = false;
  k.timer = setTimeout(() => {
    if (kept === k && !k.busy) kept = undefined;
  }, 1000);
  k.timer.unref?.();
}

/** Options of {@link predictProbaParallel}. */
export interface PredictParallelOptions extends PredictOptions {
  /** Worker threads (the shared pool); 1 predicts in this thread. @default the pool size */
  threads?: number;
  /** Rows below which prediction runs in this thread (workers would cost more than they save). @default 16384 */
  minRowsPerThread?: number;
}

/**
 * {@link RandomForest.predictProba} split by rows over the worker pool, for
 * large inputs (e.g. a whole 512 x 512 slice of features). The samples are
 * copied to shared memory once unless they already live there (the copy's
 * buffer is reused by the next call within a second); the result
 * equals `forest.predictProba(samples, options)` exactly.
 * @param forest - A trained or restored forest.
 * @param samples - Rows in `layout` (see {@link PredictOptions}).
 * @returns `count x classes.length` probabilities, row-major.
 * @example
 * ```ts
 * const stack = await computeFeatures(inputs, spec, { region: { origin: [z, 0, 0], shape: [1, ny, nx] } });
 * const proba = await predictProbaParallel(forest, stack.data, { layout: "channels" });
 * ```
 */
export async function predictProbaParallel(
  forest: RandomForest,
  samples: Float32Array,
  options: PredictParallelOptions = {},
): Promise<Float32Array> {
  const f = checkForest(forest);
  const { layout, count } = resolveRows(samples, f.nFeatures, options);
  const threads = checkPositiveInt(options.threads ?? getThreads(), "threads");
  const minRows = checkNonNegativeInt(options.minRowsPerThread ?? 16384, "minRowsPerThread");
  const chunks = Math.min(threads * 4, Math.floor(count / Math.max(1, minRows)));
  if (threads === 1 || chunks < 2) return f.predictProba(samples, { layout, count });
  let shared = samples;
  let copy: SharedArrayBuffer | undefined;
  if (!isShared(samples)) {
    const len = count * f.nFeatures;
    copy = acquireCopy(len * 4);
    shared = new Float32Array(copy, 0, len);
    shared.set(samples.subarray(0, len));
  }
  const K = f.classes.length;
  const out = new Float32Array(new SharedArrayBuffer(Math.max(1, count * K) * 4), 0, count * K);
  const packed = f.sharedPacked();
  const tasks: PredictTask[] = [];
  for (let c = 0; c < chunks; c++) {
    const from = Math.floor((c * count) / chunks);
    const to = Math.floor(((c + 1) * count) / chunks);
    tasks.push({ op: "predict", forest: packed, samples: shared, layout, count, from, to, out });
  }
  let nan: boolean[];
  try {
    nan = await runForestTasks(tasks, threads);
  } finally {
    if (copy) releaseCopy(copy);
  }
  // the workers' walks found NaN (a pass over their rows in WebAssembly): the scan names its index
  if (nan.some((x) => x)) checkNoNaN(samples, count * f.nFeatures, "samples");
  return out;
}
