import { DIST_URL } from "../../parallel/runBlock.js";
import { runTasks } from "../../parallel/runTasks.js";
import type { PredictTask, TrainTask } from "./forestWorker.js";
import type { TreeArrays } from "./buildTree.js";

/** The compiled forest worker module the pool runs our tasks with. @internal */
export const FOREST_WORKER_URL = new URL("classify/forest/forestWorker.js", DIST_URL).href;

/**
 * Run forest tasks on the shared pool, at most `threads` at a time, results in task
 * order; `onDone(i, result)` after each. @internal
 */
export function runForestTasks<T extends TrainTask | PredictTask>(
  tasks: T[],
  threads: number,
  onDone?: (i: number, result: T extends TrainTask ? TreeArrays[] : boolean) => void,
): Promise<(T extends TrainTask ? TreeArrays[] : boolean)[]> {
  return runTasks(tasks, { filename: FOREST_WORKER_URL, threads, onDone });
}
