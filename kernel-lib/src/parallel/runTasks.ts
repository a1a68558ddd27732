import { checkPositiveInt, expectedError } from "../util/checks.js";
import { getPool, getThreads } from "./pool.js";

/** Options of {@link runTasks}. */
export interface RunTasksOptions<R> {
  /** Compiled worker module (file URL or path) whose default export runs one task. */
  filename: string;
  /** Most tasks in flight at once (capped by the pool size). @default the pool size */
  threads?: number;
  /** Called in the calling thread after each task, with its index and result. */
  onDone?: (index: number, result: R) => void;
}

/**
 * Run independent tasks (structured-cloneable messages) on the shared worker pool, at most
 * `threads` at a time; results come back in task order. For work that is not a blockwise map
 * over a volume (e.g. one random-forest tree per task); volumes go through `mapBlocks`.
 * The first failure (of a task or of `onDone`) rejects; tasks not yet started are not run.
 * @param tasks - The task messages, in order.
 * @param options - `filename` (required), `threads`, `onDone`.
 * @returns The results, in task order.
 * @throws TypeError when `tasks` is not an array or `filename` not a string; RangeError when
 *   `threads` is not a positive integer.
 */
export async function runTasks<T, R>(
  tasks: readonly T[],
  options: RunTasksOptions<R>,
): Promise<R[]> {
  if (!Array.isArray(tasks)) throw expectedError("tasks", "an array of tasks", tasks, TypeError);
  if (typeof options?.filename !== "string")
    throw expectedError(
      "filename",
      "a worker module path or file URL",
      options?.filename,
      TypeError,
    );
  const threads = checkPositiveInt(options.threads ?? getThreads(), "threads");
  const results: R[] = new Array<R>(tasks.length);
  const maxInFlight = Math.min(threads, getThreads());
  return new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    let done = 0;
    let failed = false;
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      reject(error as Error);
    };
    const launch = (): void => {
      while (!failed && running < maxInFlight && next < tasks.length) {
        const i = next++;
        running++;
        (getPool().run(tasks[i], { filename: options.filename }) as Promise<R>).then(
          (r) => {
            running--;
            done++;
            results[i] = r;
            try {
              options.onDone?.(i, r);
            } catch (error) {
              fail(error);
              return;
            }
            if (done === tasks.length) resolve(results);
            else launch();
          },
          (error: unknown) => {
            running--;
            fail(error);
          },
        );
      }
    };
    if (tasks.length === 0) resolve(results);
    else launch();
  });
}
