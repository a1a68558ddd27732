/**
 * Distributed blockwise runner: the `cluster` option of `mapBlocks` /
 * `forEachBlock`. The driver (the notebook) writes the inputs to OME-Zarr
 * stores in a shared folder, enqueues one BullMQ job per block on Redis and
 * reads the outputs back; `tomolab-worker` processes on any number of
 * machines run the blocks through the same `runBlock` code path as the
 * local pool (on their own worker-thread pool), reading the padded block
 * from the input stores and writing the core, chunk-aligned, to the output
 * stores (atomic chunk writes, so a re-run block never corrupts output).
 * @module
 */
import { promises as fsp } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import v8 from "node:v8";
import { Queue, QueueEvents, Worker, type ConnectionOptions, type Job as BullJob } from "bullmq";
import { Redis } from "ioredis";
import type { DType, Shape3, Volume, VoxelArray } from "../volume/types.js";
import { allocate, dtypeOf } from "../volume/dtype.js";
import { createZarr, openZarr, writeZarr, type ZarrVolume } from "../io/zarr.js";
import { checkPositiveInt } from "../util/checks.js";
import { checkCluster, DEFAULT_QUEUE, redisOptions } from "./clusterOptions.js";
import { paddedSourceBox } from "./boundary.js";
import { planBlocks, type Block } from "./blocks.js";
import { getPool, setThreads } from "./pool.js";
import { isShared } from "./shared.js";
import type { BlockTask, BoundaryMode, ClusterOptions, KernelRef } from "./types.js";

export { CLUSTER_BLOCK, DEFAULT_QUEUE } from "./clusterOptions.js";

/** What a worker needs to run one block (a BullMQ job's data). @internal */
export interface ClusterBlockJob {
  run: string;
  kernel: { module: string; name: string };
  /** File of the kernel's params (v8-serialised), or null for none. */
  params: string | null;
  inputs: string[];
  outputs: string[];
  volumeShape: Shape3;
  origin: Shape3;
  shape: Shape3;
  halo: Shape3;
  mode: BoundaryMode;
  /** As a string so NaN and infinities survive JSON. */
  cval: string;
  index: number;
  count: number;
}

/** Per-block figures a worker reports (the job's return value). */
export interface ClusterBlockStats {
  index: number;
  /** Milliseconds reading the padded block from the input stores. */
  readMs: number;
  /** Milliseconds running the kernel (on the worker's thread pool). */
  computeMs: number;
  /** Milliseconds writing the core to the output stores. */
  writeMs: number;
  /**
   * CPU milliseconds of the worker process (all its threads) in each phase:
   * with `--concurrency 1`, this block's own cost, independent of other load
   * on the machine.
   */
  readCpuMs: number;
  computeCpuMs: number;
  writeCpuMs: number;
  /** Voxel bytes read (padded boxes, uncompressed) and written (cores). */
  bytesRead: number;
  bytesWritten: number;
  /** Host name and pid of the worker. */
  worker: string;
}

/** Reject after `ms` with `message` unless `promise` settles first. */
function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

type Walk = (value: unknown) => unknown;

/** Deep copy of JSON-like data with typed arrays mapped by `typed`. */
function mapTyped(value: unknown, typed: (a: ArrayBufferView) => ArrayBufferView): unknown {
  const walk: Walk = (v) => {
    if (ArrayBuffer.isView(v)) return typed(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value);
}

function hasShared(value: unknown): boolean {
  let found = false;
  mapTyped(value, (a) => {
    if (isShared(a)) found = true;
    return a;
  });
  return found;
}

type TypedCtor = new (buffer: ArrayBufferLike, offset?: number, length?: number) => ArrayBufferView;

function copyTyped(a: ArrayBufferView, shared: boolean): ArrayBufferView {
  const Ctor = a.constructor as TypedCtor;
  const bytes = a.byteLength;
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  new Uint8Array(buffer).set(new Uint8Array(a.buffer, a.byteOffset, bytes));
  const per = (a as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  return a instanceof DataView ? new DataView(buffer) : new Ctor(buffer, 0, bytes / per);
}

function describeBlock(block: Block, count: number): string {
  const range = (a: number) => `${block.origin[a]}..${block.origin[a]! + block.shape[a]! - 1}`;
  return `block ${block.index + 1}/${count} (z ${range(0)}, y ${range(1)}, x ${range(2)})`;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("the operation was aborted", "AbortError");
}

let runCounter = 0;

/** A checked blockwise job, as `mapBlocks` hands it over. @internal */
export interface ClusterJob {
  inputs: Volume[];
  kernel: KernelRef<unknown>;
  shape: Shape3;
  halo: Shape3;
  mode: BoundaryMode;
  cval: number;
  blockShape: Shape3;
  /** Output volumes to fill (empty for forEachBlock). */
  outputs: Volume[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  cluster: ClusterOptions;
}

/**
 * Run a checked blockwise job on the cluster: stores in a run folder under
 * `cluster.store`, one BullMQ job per block, progress from queue events,
 * outputs read back into `job.outputs`. @internal
 */
export async function runClusterJob(job: ClusterJob): Promise<void> {
  const cluster = checkCluster(job.cluster);
  const timeout = cluster.timeout ?? 5000;
  const queueName = cluster.queue ?? DEFAULT_QUEUE;
  const { signal } = job;
  signal?.throwIfAborted();
  if (job.outputs.length === 0 && hasShared(job.kernel.params)) {
    throw new TypeError(
      "`cluster`: the kernel's params hold shared-memory arrays (results written in place), which workers on other machines cannot write; give the results as mapBlocks outputs instead",
    );
  }
  if (cluster.inputs !== undefined && cluster.inputs.length !== job.inputs.length) {
    throw new RangeError(
      `\`cluster.inputs\` must name ${job.inputs.length} store(s), one per input, received ${cluster.inputs.length}`,
    );
  }
  const blocks = planBlocks(job.shape, job.blockShape);
  const total = blocks.length;
  const run = `${os.hostname()}-${process.pid}-${Date.now().toString(36)}-${++runCounter}`.replace(
    /[^A-Za-z0-9_.-]/g,
    "_",
  );
  try {
    await fsp.access(cluster.store);
  } catch {
    throw new Error(
      `\`cluster.store\`: folder ${cluster.store} does not exist (it must be shared with every worker)`,
    );
  }
  const dir = join(cluster.store, `tomolab-run-${run}`);
  await fsp.mkdir(dir);
  const compressor = cluster.compressor ?? "zstd";
  const zarrOptions = { chunks: job.blockShape, compressor, level: 1 } as const;

  const connections: Redis[] = [];
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let onAbort: (() => void) | undefined;
  const pending = new Set<string>();
  let redisLost = false;
  const idOf = (i: number) => `${run}-${i}`;
  try {
    // Inputs and outputs as OME-Zarr stores chunked like the blocks.
    const inputPaths: string[] = [];
    for (let i = 0; i < job.inputs.length; i++) {
      const given = cluster.inputs?.[i];
      if (given !== undefined) {
        const z = await openZarr(given);
        const v = job.inputs[i]!;
        if (z.shape.some((n, a) => n !== v.shape[a]) || z.dtype !== dtypeOf(v.data)) {
          throw new RangeError(
            `\`cluster.inputs[${i}]\` (${given}) is ${z.dtype} ${z.shape.join("x")}, input ${i} is ${dtypeOf(v.data)} ${v.shape.join("x")}`,
          );
        }
        inputPaths.push(given);
      } else {
        const path = join(dir, `input${i}.zarr`);
        await writeZarr(job.inputs[i]!, path, zarrOptions);
        inputPaths.push(path);
      }
    }
    const outputPaths: string[] = [];
    for (let c = 0; c < job.outputs.length; c++) {
      const path = join(dir, `output${c}.zarr`);
      const out = job.outputs[c]!;
      await createZarr(path, {
        ...zarrOptions,
        shape: job.shape,
        dtype: dtypeOf(out.data),
        spacing: out.spacing,
      });
      outputPaths.push(path);
    }
    let paramsPath: string | null = null;
    if (job.kernel.params !== undefined) {
      paramsPath = join(dir, "params.v8");
      const plain = mapTyped(job.kernel.params, (a) => (isShared(a) ? copyTyped(a, false) : a));
      await fsp.writeFile(paramsPath, v8.serialize(plain));
    }
    signal?.throwIfAborted();

    // Redis: a plain client for the heartbeat and the events stream position.
    const where = `Redis at ${cluster.redis}`;
    const ping = new Redis(redisOptions(cluster.redis, timeout, "command"));
    connections.push(ping);
    let lastError = "";
    ping.on("error", (e: Error) => (lastError = e.message));
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ping.once("ready", resolve);
        ping.once("end", () => reject(new Error(lastError || "connection closed")));
      }),
      timeout,
      `no answer within ${timeout} ms`,
    ).catch((e: Error) => {
      throw new Error(
        `cluster: cannot connect to ${where} (${e.message}); is redis-server running and reachable?`,
      );
    });
    const last = (await ping.xrevrange(`bull:${queueName}:events`, "+", "-", "COUNT", 1)) as [
      string,
      string[],
    ][];
    const lastEventId = last[0]?.[0] ?? "0-0";
    // Our own clients, so they can be cut off for sure when Redis is gone.
    const client = (role: "command" | "blocking") => {
      const r = new Redis(redisOptions(cluster.redis, timeout, role));
      r.on("error", (e: Error) => (lastError = e.message));
      connections.push(r);
      return r as unknown as ConnectionOptions;
    };
    queue = new Queue(queueName, {
      connection: client("command"),
      streams: { events: { maxLen: Math.max(10000, 8 * total) } },
    });
    events = new QueueEvents(queueName, {
      connection: client("blocking"),
      lastEventId,
    });
    queue.on("error", (e: Error) => (lastError = e.message));
    events.on("error", (e: Error) => (lastError = e.message));

    const q = queue;
    const ev = events;
    await new Promise<void>((resolve, reject) => {
      let done = 0;
      let settled = false;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        if (error === undefined) resolve();
        else reject(error);
      };
      const fail = (error: unknown, lostRedis = false) => {
        // Take the remaining jobs off the queue (if Redis is there), then report.
        if (lostRedis) redisLost = true;
        const ids = lostRedis ? [] : [...pending];
        pending.clear();
        // Then let the blocks still running end (bounded), so none writes
        // into the run folder after it is removed.
        const drain = async () => {
          await Promise.allSettled(ids.map(async (id) => q.remove(id)));
          if (lostRedis) return;
          // Blocks whose "active" event is still on its way count too.
          for (const j of await q.getActive()) {
            if (j.id !== undefined && blockOf(j.id) >= 0 && !ended.has(j.id)) running.add(j.id);
          }
          if (running.size > 0) await new Promise<void>((resolve) => (onIdle = resolve));
        };
        void withTimeout(drain(), timeout, "remove timed out")
          .catch(() => undefined)
          .finally(() => finish(error));
      };
      const blockOf = (jobId: string | undefined): number => {
        if (jobId === undefined || !jobId.startsWith(`${run}-`)) return -1;
        return Number(jobId.slice(run.length + 1));
      };
      const running = new Set<string>();
      let onIdle: (() => void) | undefined;
      const ended = new Set<string>();
      const end = (jobId: string) => {
        ended.add(jobId);
        if (running.delete(jobId) && running.size === 0) onIdle?.();
      };
      ev.on("active", ({ jobId }) => {
        if (blockOf(jobId) >= 0 && !ended.has(jobId)) running.add(jobId);
      });
      ev.on("completed", ({ jobId }) => {
        end(jobId);
        if (!pending.delete(jobId) || settled) return;
        done++;
        try {
          job.onProgress?.(done, total);
        } catch (error) {
          fail(error);
          return;
        }
        if (done === total) finish();
      });
      ev.on("failed", ({ jobId, failedReason }) => {
        end(jobId);
        const i = blockOf(jobId);
        if (i < 0 || settled || !pending.has(jobId)) return;
        pending.delete(jobId);
        fail(
          new Error(
            `${describeBlock(blocks[i]!, total)} failed on a cluster worker: ${failedReason}`,
          ),
        );
      });
      if (signal) {
        onAbort = () => fail(abortReason(signal));
        signal.addEventListener("abort", onAbort, { once: true });
      }
      // Heartbeat: a Redis that stops answering fails the job within about `timeout`.
      let silentSince = Date.now();
      let beating = false;
      heartbeat = setInterval(
        () => {
          if (beating || settled) return;
          beating = true;
          withTimeout(ping.ping(), timeout, `no answer within ${timeout} ms`)
            .then(
              () => (silentSince = Date.now()),
              (e: Error) => {
                lastError ||= e.message;
                if (Date.now() - silentSince >= timeout) {
                  fail(
                    new Error(
                      `cluster: lost the connection to ${where} (${lastError || e.message}); ${pending.size} of ${total} blocks unfinished`,
                    ),
                    true,
                  );
                }
              },
            )
            .finally(() => (beating = false));
        },
        Math.max(100, Math.min(1000, timeout / 4)),
      );

      void (async () => {
        await withTimeout(
          Promise.all([q.waitUntilReady(), ev.waitUntilReady()]),
          timeout,
          `no answer within ${timeout} ms`,
        );
        job.onProgress?.(0, total);
        const jobs = blocks.map((block) => {
          const data: ClusterBlockJob = {
            run,
            kernel: { module: job.kernel.module, name: job.kernel.name },
            params: paramsPath,
            inputs: inputPaths,
            outputs: outputPaths,
            volumeShape: job.shape,
            origin: block.origin,
            shape: block.shape,
            halo: job.halo,
            mode: job.mode,
            cval: String(job.cval),
            index: block.index,
            count: total,
          };
          pending.add(idOf(block.index));
          return {
            name: "block",
            data,
            opts: {
              jobId: idOf(block.index),
              attempts: 1,
              removeOnComplete: true,
              removeOnFail: true,
            },
          };
        });
        if (settled) return;
        await q.addBulk(jobs);
      })().catch((e: Error) =>
        fail(
          new Error(`cluster: cannot enqueue the blocks on ${where} (${lastError || e.message})`),
        ),
      );
    });

    // Read the outputs back (whole stores, chunk by chunk through zarrita).
    for (let c = 0; c < job.outputs.length; c++) {
      const z = await openZarr(outputPaths[c]!);
      const [nz, ny, nx] = job.shape;
      const v = await z.readRegion({ z0: 0, y0: 0, x0: 0, z1: nz, y1: ny, x1: nx });
      job.outputs[c]!.data.set(v.data);
    }
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    if (redisLost) {
      // Nothing to say goodbye to: cut the connections (close() would wait).
      for (const r of connections) r.disconnect();
    } else {
      const closing: Promise<void>[] = [];
      if (events) closing.push(events.close());
      if (queue) closing.push(queue.close());
      // A Redis that went away just now can keep close() waiting: bounded.
      await withTimeout(Promise.allSettled(closing), 2000, "close").catch(() => undefined);
    }
    for (const r of connections) r.disconnect();
    if (!cluster.keep) await fsp.rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- worker side

const zarrCache = new Map<string, Promise<ZarrVolume>>();
const paramsCache = new Map<string, Promise<unknown>>();
// Open stores are small; parameters can be large (a forest): keep few.
const CACHE_SIZE = new Map<unknown, number>([
  [zarrCache, 64],
  [paramsCache, 4],
]);

function cached<T>(
  cache: Map<string, Promise<T>>,
  key: string,
  load: () => Promise<T>,
): Promise<T> {
  let p = cache.get(key);
  if (p === undefined) {
    if (cache.size >= (CACHE_SIZE.get(cache) ?? 4)) cache.delete(cache.keys().next().value!);
    p = load();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/**
 * Run one block job in this process: read the padded block's source box from
 * each input store, run the kernel on the worker-thread pool (the same
 * `runBlock` as local jobs), write the core to each output store (the block
 * is chunk-aligned, so it replaces whole chunks atomically). @internal
 */
export async function runClusterBlock(
  data: ClusterBlockJob,
  worker = "",
): Promise<ClusterBlockStats> {
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const c0 = cpu();
  const t0 = performance.now();
  const params =
    data.params === null
      ? undefined
      : await cached(paramsCache, data.params, async () =>
          mapTyped(v8.deserialize(await fsp.readFile(data.params!)), (a) => copyTyped(a, true)),
        );
  const { origin, shape, halo, volumeShape, mode } = data;
  const start: Shape3 = [origin[0] - halo[0], origin[1] - halo[1], origin[2] - halo[2]];
  const padded: Shape3 = [shape[0] + 2 * halo[0], shape[1] + 2 * halo[1], shape[2] + 2 * halo[2]];
  const box = paddedSourceBox(volumeShape, start, padded, mode);
  let bytesRead = 0;
  const inputs: BlockTask["inputs"] = [];
  for (const path of data.inputs) {
    const z = await cached(zarrCache, path, () => openZarr(path));
    if (box === null) {
      inputs.push({
        data: allocate(z.dtype, 0, true),
        shape: volumeShape,
        box: { start: [0, 0, 0], shape: [0, 0, 0] },
      });
      continue;
    }
    const v = await z.readRegion({
      z0: box.start[0],
      y0: box.start[1],
      x0: box.start[2],
      z1: box.start[0] + box.shape[0],
      y1: box.start[1] + box.shape[1],
      x1: box.start[2] + box.shape[2],
    });
    const shared = allocate(z.dtype, v.data.length, true);
    shared.set(v.data);
    bytesRead += shared.byteLength;
    inputs.push({ data: shared, shape: volumeShape, box });
  }
  const outStores = await Promise.all(
    data.outputs.map((p) => cached(zarrCache, p, () => openZarr(p))),
  );
  const coreVoxels = shape[0] * shape[1] * shape[2];
  const outputs: VoxelArray[] = outStores.map((z) => allocate(z.dtype as DType, coreVoxels, true));
  const t1 = performance.now();
  const c1 = cpu();
  const task: BlockTask = {
    job: data.run,
    kernel: { module: data.kernel.module, name: data.kernel.name, params },
    inputs,
    outputs,
    outputsHoldCore: true,
    volumeShape,
    origin,
    shape,
    halo,
    mode,
    cval: Number(data.cval),
    index: data.index,
    count: data.count,
  };
  await getPool().run(task);
  const t2 = performance.now();
  const c2 = cpu();
  let bytesWritten = 0;
  for (const z of outStores) {
    // A cancelled job's run folder is removed: do not bring it back.
    await fsp.access(join(z.path, ".zattrs")).catch(() => {
      throw new Error(`output store ${z.path} is gone (job cancelled?)`);
    });
  }
  for (let c = 0; c < outStores.length; c++) {
    const z = outStores[c]!;
    await z.writeRegion([origin[0], origin[1], origin[2]], {
      data: outputs[c]!,
      shape: [...shape] as Shape3,
      spacing: [...z.spacing],
    });
    bytesWritten += outputs[c]!.byteLength;
  }
  const t3 = performance.now();
  const c3 = cpu();
  return {
    readCpuMs: c1 - c0,
    computeCpuMs: c2 - c1,
    writeCpuMs: c3 - c2,
    index: data.index,
    readMs: t1 - t0,
    computeMs: t2 - t1,
    writeMs: t3 - t2,
    bytesRead,
    bytesWritten,
    worker,
  };
}

/** Options of {@link startClusterWorker} (the `tomolab-worker` command line). */
export interface ClusterWorkerOptions {
  /** Redis URL. */
  redis: string;
  /** Queue name. @default "tomolab" */
  queue?: string;
  /** Blocks run at once (threads of this process's pool). @default 1 */
  concurrency?: number;
  /**
   * Lock duration in ms: a worker that dies (SIGKILL, lost machine) has its
   * block re-run by another worker after at most about lockMs + stalledMs.
   * @default 10000
   */
  lockMs?: number;
  /** How often workers look for stalled blocks, ms. @default lockMs / 2 */
  stalledMs?: number;
  /** Exit (code 2) after Redis has been unreachable for this many ms. @default 30000 */
  giveUpMs?: number;
  /** Log lines (`ready`, `active <job>`, `done <job>`, errors). @default console.log */
  log?: (line: string) => void;
}

/** A running worker: {@link ClusterWorker.close} finishes running blocks and disconnects. */
export interface ClusterWorker {
  readonly worker: Worker;
  /** Resolves when the worker stopped because Redis stayed unreachable (with the reason). */
  readonly lost: Promise<string>;
  close(force?: boolean): Promise<void>;
}

/**
 * Start a BullMQ worker running tomolab blocks from `options.queue` (what
 * `tomolab-worker` does). Blocks run on this process's worker-thread pool,
 * so the event loop stays free to renew job locks during long blocks.
 */
export async function startClusterWorker(options: ClusterWorkerOptions): Promise<ClusterWorker> {
  const log = options.log ?? ((line: string) => console.log(line));
  const concurrency = checkPositiveInt(options.concurrency ?? 1, "concurrency");
  const lockMs = checkPositiveInt(options.lockMs ?? 10000, "lockMs");
  const stalledMs = checkPositiveInt(
    options.stalledMs ?? Math.max(500, Math.floor(lockMs / 2)),
    "stalledMs",
  );
  const giveUpMs = checkPositiveInt(options.giveUpMs ?? 30000, "giveUpMs");
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const me = `${os.hostname()}:${process.pid}`;
  setThreads(concurrency);
  const worker = new Worker<ClusterBlockJob, ClusterBlockStats>(
    queueName,
    async (job: BullJob<ClusterBlockJob, ClusterBlockStats>) => {
      log(`active ${job.id}`);
      const stats = await runClusterBlock(job.data, me);
      log(`done ${job.id} ${(stats.readMs + stats.computeMs + stats.writeMs).toFixed(1)} ms`);
      return stats;
    },
    {
      connection: redisOptions(options.redis, 5000, "worker") as ConnectionOptions,
      concurrency,
      lockDuration: lockMs,
      stalledInterval: stalledMs,
      maxStalledCount: 2,
      autorun: false,
    },
  );
  worker.on("failed", (job, error) => log(`failed ${job?.id ?? "?"}: ${error.message}`));
  let lastError = "";
  let down = false;
  worker.on("error", (e: Error) => {
    if (e.message !== lastError) log(`redis error: ${e.message}`);
    lastError = e.message;
  });
  // Watchdog: exit cleanly when Redis stays away (never hang forever).
  const ping = new Redis(redisOptions(options.redis, 5000, "command"));
  ping.on("error", () => undefined);
  let silentSince = Date.now();
  let resolveLost!: (why: string) => void;
  const lost = new Promise<string>((r) => (resolveLost = r));
  const watchdog = setInterval(() => {
    ping.ping().then(
      () => {
        if (down) log("redis reachable again");
        down = false;
        silentSince = Date.now();
      },
      (e: Error) => {
        if (!down) log(`redis unreachable: ${lastError || e.message}`);
        down = true;
        if (Date.now() - silentSince >= giveUpMs) {
          clearInterval(watchdog);
          resolveLost(
            `lost the connection to Redis at ${options.redis} for ${giveUpMs} ms (${lastError || e.message})`,
          );
        }
      },
    );
  }, 1000);
  watchdog.unref();
  await withTimeout(worker.waitUntilReady(), giveUpMs, `no answer within ${giveUpMs} ms`).catch(
    (e: Error) => {
      clearInterval(watchdog);
      ping.disconnect();
      void worker.close(true);
      throw new Error(
        `tomolab-worker: cannot connect to Redis at ${options.redis} (${lastError || e.message})`,
      );
    },
  );
  void worker.run();
  log(`ready ${me} queue ${queueName} concurrency ${concurrency}`);
  return {
    worker,
    lost,
    async close(force = false) {
      clearInterval(watchdog);
      // With Redis gone a graceful close could wait on it: finish the running
      // blocks' kernels is all that is left to do, so close at once.
      if (down) force = true;
      await withTimeout(worker.close(force), force ? 2000 : 600000, "close").catch(() =>
        worker.disconnect(),
      );
      ping.disconnect();
    },
  };
}
