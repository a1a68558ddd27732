import { getPool, getThreads } from "../../parallel/pool.js";
import { DIST_URL } from "../../parallel/runBlock.js";
import type { PredictTask, TrainTask } from "./forestWorker.js";
import type { TreeArrays } from "./buildTree.js";

/** The compiled forest worker module the pool runs our tasks with. @internal */
export const FOREST_WORKER_URL = new URL("classify/forest/forestWorker.js", DIST_URL).href;

/**
 * Run tasks on the shared pool, at most `threads` at a time, results in task
 * order; `onDone(i, result)` after each. @internal
 */
export function runForestTasks<T extends TrainTask | PredictTask>(
  tasks: T[],
  threads: number,
  onDone?: (i: number, result: T extends TrainTask ? TreeArrays[] : null) => void,
): Promise<(T extends TrainTask ? TreeArrays[] : null)[]> {
  type R = T extends TrainTask ? TreeArrays[] : null;
  const results: R[] = new Array<R>(tasks.length);
  const maxInFlight = Math.max(1, Math.min(threads, getThreads()));
  return new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    let done = 0;
    let failed = false;
    const launch = () => {
      while (!failed && running < maxInFlight && next < tasks.length) {
        const i = next++;
        running++;
        (getPool().run(tasks[i], { filename: FOREST_WORKER_URL }) as Promise<R>).then(
          (r) => {
            running--;
            done++;
            results[i] = r;
            try {
              onDone?.(i, r);
            } catch (error) {
              failed = true;
              reject(error as Error);
              return;
            }
            if (done === tasks.length) resolve(results);
            else launch();
          },
          (error: unknown) => {
            running--;
            if (!failed) {
              failed = true;
              reject(error as Error);
            }
          },
        );
      }
    };
    if (tasks.length === 0) resolve(results);
    else launch();
  });
}
