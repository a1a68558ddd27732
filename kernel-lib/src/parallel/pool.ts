import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { checkPositiveInt } from "../util/checks.js";
import { DIST_URL } from "./runBlock.js";

/** URL of the worker entry point (compiled). */
export const WORKER_URL = new URL("parallel/worker.js", DIST_URL);

let threads: number | undefined; // resolved on first use, so a bad TOMOLAB_THREADS fails the first parallel call, not the import
let pool: Piscina | undefined;

function defaultThreads(): number {
  const env = process.env["TOMOLAB_THREADS"];
  if (env !== undefined && env.trim() !== "") {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1) return n;
    throw new RangeError(`TOMOLAB_THREADS must be a positive integer, received "${env}"`);
  }
  return typeof os.availableParallelism === "function"
    ? os.availableParallelism()
    : os.cpus().length;
}

/**
 * The shared worker pool, created on first use with {@link getThreads}
 * threads. Idle workers do not keep the process alive, so scripts exit when
 * their work is done; a long-lived kernel keeps the workers warm.
 * @internal
 */
export function getPool(): Piscina {
  if (pool === undefined) {
    if (!existsSync(fileURLToPath(WORKER_URL))) {
      throw new Error(
        `the worker entry ${fileURLToPath(WORKER_URL)} is missing: build kernel-lib first (npm run build --workspace kernel-lib)`,
      );
    }
    const n = getThreads();
    pool = new Piscina({
      filename: WORKER_URL.href,
      minThreads: n,
      maxThreads: n,
      idleTimeout: Infinity,
      // One block at a time per worker: blocks are large and CPU-bound.
      concurrentTasksPerWorker: 1,
    });
  }
  return pool;
}

/** Number of worker threads the shared pool uses (`TOMOLAB_THREADS` or the number of cores, unless {@link setThreads} changed it). */
export function getThreads(): number {
  threads ??= defaultThreads();
  return threads;
}

/**
 * Set the number of worker threads. The current pool (if any) finishes its
 * queued work and closes; the next parallel job starts a new one.
 * @param n - Positive integer.
 */
export function setThreads(n: number): void {
  checkPositiveInt(n, "threads");
  if (n === threads) return;
  threads = n;
  const old = pool;
  pool = undefined;
  if (old) void old.close();
}

/** Close the shared pool, waiting for running work; the next parallel job starts a new one. */
export async function closePool(): Promise<void> {
  const old = pool;
  pool = undefined;
  if (old) await old.close();
}
