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
 * copied to shared memory once unless they already live there; the result
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
  checkNoNaN(samples, count * f.nFeatures, "samples");
  let shared = samples;
  if (!isShared(samples)) {
    const len = count * f.nFeatures;
    shared = new Float32Array(new SharedArrayBuffer(len * 4), 0, len);
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
  await runForestTasks(tasks, threads);
  return out;
}
