/**
 * Checks and defaults of the `cluster` option, without loading BullMQ (so
 * `mapBlocks` checks its options before any cluster code is loaded).
 * @module
 */
import type { RedisOptions } from "ioredis";
import type { Shape3 } from "../volume/types.js";
import { checkPositiveInt, expectedError } from "../util/checks.js";
import type { ClusterOptions } from "./types.js";

/** Default queue name of the driver and the workers. */
export const DEFAULT_QUEUE = "tomolab";
/** Default block (= chunk) shape of a cluster job, clipped to the volume: 2^21 voxels, as the local default. */
export const CLUSTER_BLOCK: Shape3 = [128, 128, 128];

/** Connection options of a Redis URL, with the fail-fast settings tomolab uses. @internal */
export function redisOptions(
  url: string,
  timeout: number,
  role: "command" | "blocking" | "worker",
): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw expectedError("cluster.redis", "a URL redis://host:port", url, TypeError);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:")
    throw expectedError("cluster.redis", "a URL redis://host:port (or rediss://)", url, TypeError);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw expectedError(
      "cluster.redis",
      "a database number after the port (redis://host:port/0)",
      url,
    );
  const opts: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    db,
    connectTimeout: timeout,
    // Lost connection: commands fail at once instead of queueing forever.
    enableOfflineQueue: role === "worker",
    lazyConnect: false,
    // The driver retries for about `timeout` (its heartbeat then fails the
    // job); workers keep trying (their own watchdog decides when to exit).
    retryStrategy: (times: number) =>
      role === "worker" ? 1000 : times * 200 > timeout ? null : 200,
  };
  if (u.username) opts.username = decodeURIComponent(u.username);
  if (u.password) opts.password = decodeURIComponent(u.password);
  if (u.protocol === "rediss:") opts.tls = {};
  // BullMQ's blocking connections (QueueEvents, Worker) need null.
  opts.maxRetriesPerRequest = role === "command" ? 1 : null;
  return opts;
}

/** Check the `cluster` option. @internal */
export function checkCluster(cluster: unknown): ClusterOptions {
  const c = cluster as ClusterOptions;
  if (typeof c !== "object" || c === null)
    throw expectedError("cluster", "{ redis: string, store: string, queue? }", cluster, TypeError);
  if (typeof c.redis !== "string")
    throw expectedError("cluster.redis", "a redis:// URL", c.redis, TypeError);
  redisOptions(c.redis, 1000, "command");
  if (typeof c.store !== "string" || c.store === "")
    throw expectedError("cluster.store", "a folder path every worker reaches", c.store, TypeError);
  if (
    c.queue !== undefined &&
    (typeof c.queue !== "string" || c.queue === "" || c.queue.includes(":"))
  )
    throw expectedError("cluster.queue", "a non-empty name without ':'", c.queue, TypeError);
  if (c.timeout !== undefined) checkPositiveInt(c.timeout, "cluster.timeout");
  if (c.compressor !== undefined && !["zstd", "blosc", "none"].includes(c.compressor))
    throw expectedError("cluster.compressor", '"zstd", "blosc" or "none"', c.compressor);
  if (
    c.inputs !== undefined &&
    (!Array.isArray(c.inputs) || !c.inputs.every((p) => typeof p === "string"))
  )
    throw expectedError("cluster.inputs", "an array of OME-Zarr paths", c.inputs, TypeError);
  return c;
}
