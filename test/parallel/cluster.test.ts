// Integration tests of the cluster runner: a private redis-server on a free
// loopback port and tomolab-worker processes; results must equal the
// in-process run byte for byte, also when a worker is SIGKILLed mid-run;
// a killed Redis must give a clear error within a bound.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";
import { closePool, mapBlocks, type ClusterOptions } from "../../kernel-lib/src/parallel/index.js";
import { gaussian } from "../../kernel-lib/src/filters/index.js";
import { gaussianKernel1d } from "../../kernel-lib/src/filters/gaussianKernel1d.js";
import { featureSpec, featuresAtLabels } from "../../kernel-lib/src/features/index.js";
import { predictVolume, trainForest } from "../../kernel-lib/src/classify/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(here, "../../kernel-lib/bin/tomolab-worker.mjs");
const KERNELS = path.resolve(here, "clusterKernels.mjs");
const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasRedis)
  console.warn("cluster tests skipped: redis-server not found (npm run setup installs it as root)");

const children = new Set<ChildProcess>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A child process whose stdout lines are kept and can be waited for. */
interface Proc {
  child: ChildProcess;
  lines: string[];
  /** The first line matching `re` at index >= `from` (waits up to `ms`). */
  waitFor(re: RegExp, ms: number, from?: number): Promise<string>;
  exited: Promise<number | null>;
}

function start(cmd: string, args: string[]): Proc {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.re.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  let buf = "";
  const feed = (chunk: Buffer) => {
    buf += chunk.toString();
    const parts = buf.split("\n");
    buf = parts.pop()!;
    parts.forEach(onLine);
  };
  child.stdout!.on("data", feed);
  child.stderr!.on("data", feed);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    lines,
    exited,
    waitFor(re, ms, from = 0) {
      const seen = lines.slice(from).find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`${cmd}: no line matching ${re} within ${ms} ms:\n${lines.join("\n")}`),
            ),
          ms,
        );
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
  };
}

async function startRedis(): Promise<{ proc: Proc; url: string }> {
  const port = await freePort();
  const proc = start("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
  await proc.waitFor(/Ready to accept connections/, 10000);
  return { proc, url: `redis://127.0.0.1:${port}` };
}

const QUEUE = `cluster-test-${process.pid}`;

async function startWorker(url: string, extra: string[] = []): Promise<Proc> {
  const proc = start(process.execPath, [
    BIN,
    "--redis",
    url,
    "--queue",
    QUEUE,
    "--lock-ms",
    "1500",
    "--stalled-ms",
    "500",
    ...extra,
  ]);
  await proc.waitFor(/ready /, 15000);
  return proc;
}

async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill("SIGTERM");
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), 5000);
  await proc.exited;
  clearTimeout(timer);
}

function bytes(v: Volume): Buffer {
  return Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength);
}

const shape: Shape3 = [64, 96, 96];
const n = shape[0] * shape[1] * shape[2];
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
const rnd = lcg(7);
const image = new Float32Array(n);
const labels = new Uint8Array(n);
for (let z = 0; z < shape[0]; z++)
  for (let y = 0; y < shape[1]; y++)
    for (let x = 0; x < shape[2]; x++) {
      const i = (z * shape[1] + y) * shape[2] + x;
      const inside = (z - 32) ** 2 + (y - 48) ** 2 + (x - 40) ** 2 < 500;
      image[i] = (inside ? 0.7 : 0.3) + 0.3 * (rnd() - 0.5);
      if (z % 8 === 3 && x % 7 === 0 && y % 3 === 0) labels[i] = inside ? 2 : 1;
    }
const volume: Volume<Float32Array> = { data: image, shape, spacing: [5, 4, 4] };
const blockShape: Shape3 = [32, 32, 32]; // 2 x 3 x 3 = 18 blocks

describe.skipIf(!hasRedis)("cluster runner (BullMQ on a private redis-server)", () => {
  let redis: { proc: Proc; url: string };
  let workers: Proc[] = [];
  let store: string;
  let cluster: ClusterOptions;

  beforeAll(async () => {
    store = mkdtempSync(path.join(os.tmpdir(), "tomolab-cluster-"));
    redis = await startRedis();
    workers = await Promise.all([0, 1, 2].map(() => startWorker(redis.url)));
    cluster = { redis: redis.url, store, queue: QUEUE, timeout: 2000 };
  }, 30000);

  afterAll(async () => {
    await Promise.all(
      [...children].map((child) => {
        const proc = { child, exited: new Promise((r) => child.once("exit", r)) } as Proc;
        return stop(proc);
      }),
    );
    await closePool();
    if (store) rmSync(store, { recursive: true, force: true });
  }, 20000);

  it("blockwise Gaussian equals the in-process run byte for byte, with progress", async () => {
    const local = await gaussian(volume, [1.2, 1.5, 1.5], { threads: 1 });
    const progress: [number, number][] = [];
    const remote = await gaussian(volume, [1.2, 1.5, 1.5], {
      cluster,
      blockShape,
      onProgress: (d, t) => progress.push([d, t]),
    });
    expect(remote.shape).toEqual(shape);
    expect(remote.spacing).toEqual(volume.spacing);
    expect(bytes(remote).equals(bytes(local))).toBe(true);
    expect(progress[0]).toEqual([0, 18]);
    expect(progress.at(-1)).toEqual([18, 18]);
    expect(progress.map((p) => p[0])).toEqual(Array.from({ length: 19 }, (_, i) => i));
    expect(readdirSync(store)).toEqual([]); // run folder removed
    // the blocks were spread over the workers
    const busy = workers.filter((w) =>
      w.lines.some((l) => / done /.test(l) || /^tomolab-worker: done/.test(l)),
    );
    expect(busy.length).toBeGreaterThanOrEqual(2);
  }, 30000);

  it("feature + forest prediction equals the in-process run byte for byte", async () => {
    const spec = featureSpec({
      filters: { GaussianSmoothing: [0.7, 1.6], GaussianGradientMagnitude: [1.0] },
    });
    const train = await featuresAtLabels(
      volume,
      { data: labels, shape, spacing: volume.spacing },
      spec,
      { threads: 1 },
    );
    const forest = await trainForest(train.samples, train.labels, train.channels.length, {
      trees: 8,
      seed: 3,
      threads: 1,
    });
    const local = await predictVolume(forest, volume, spec, {
      threads: 1,
      blockShape,
      uncertainty: true,
    });
    const remote = await predictVolume(forest, volume, spec, {
      cluster,
      blockShape,
      uncertainty: true,
    });
    expect(bytes(remote.labels).equals(bytes(local.labels))).toBe(true);
    expect(bytes(remote.uncertainty!).equals(bytes(local.uncertainty!))).toBe(true);
    // a real segmentation, not a constant
    const twos = local.labels.data.reduce((s, v) => s + (v === 2 ? 1 : 0), 0);
    expect(twos).toBeGreaterThan(n * 0.02);
    expect(twos).toBeLessThan(n * 0.5);
  }, 30000);

  it("a kernel that throws rejects with the worker's message and the block", async () => {
    const small: Volume<Float32Array> = {
      data: image.subarray(0, 32 * 32 * 96),
      shape: [32, 32, 96],
      spacing: [1, 1, 1],
    };
    const run = mapBlocks(
      small,
      { module: KERNELS, name: "failAt", params: { failAt: 1 } },
      {
        cluster,
        blockShape,
      },
    );
    await expect(run).rejects.toThrow(
      /block 2\/3 \(z 0\.\.31, y 0\.\.31, x 32\.\.63\) failed on a cluster worker: boom in block 1/,
    );
    expect(readdirSync(store)).toEqual([]);
  }, 20000);

  it("cancelling removes the remaining jobs from the queue", async () => {
    const w = Array.from(gaussianKernel1d(1, 0, 4));
    const controller = new AbortController();
    const run = mapBlocks(
      volume,
      { module: KERNELS, name: "slowSeparable", params: { kernels: [w, w, w], delayMs: 300 } },
      {
        cluster,
        blockShape,
        halo: 4,
        signal: controller.signal,
        onProgress: (d) => {
          if (d === 1) controller.abort();
        },
      },
    );
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    const queue = new Queue(QUEUE, {
      connection: { host: "127.0.0.1", port: Number(new URL(redis.url).port) },
    });
    try {
      const counts = await queue.getJobCounts("wait", "prioritized", "delayed");
      expect(counts).toEqual({ wait: 0, prioritized: 0, delayed: 0 });
      // the blocks that were running ended before the run folder was removed
      const active = await queue.getJobCounts("active");
      expect(active.active).toBe(0);
      expect(readdirSync(store)).toEqual([]);
    } finally {
      await queue.close();
    }
  }, 20000);

  it("a worker SIGKILLed mid-block: its block is re-run, the result is identical", async () => {
    const w = Array.from(gaussianKernel1d(1.5, 0, 6));
    const kernel = {
      module: KERNELS,
      name: "slowSeparable",
      params: { kernels: [w, w, w], delayMs: 250 },
    };
    const local = await mapBlocks(
      volume,
      { ...kernel, params: { ...kernel.params, delayMs: 0 } },
      {
        threads: 1,
        halo: 6,
        blockShape,
      },
    );
    const victim = workers[0]!;
    const before = victim.lines.length;
    const run = mapBlocks(volume, kernel, { cluster, blockShape, halo: 6 });
    const line = await victim.waitFor(/active /, 10000, before);
    const jobId = line.split("active ")[1]!.trim();
    victim.child.kill("SIGKILL");
    expect(await victim.exited).toBeNull(); // killed by the signal
    const [remote] = await run;
    expect(bytes(remote!).equals(bytes(local[0]!))).toBe(true);
    // the killed worker's block ran again on another worker
    const rerun = workers.slice(1).some((p) => p.lines.some((l) => l.endsWith(`active ${jobId}`)));
    expect(rerun).toBe(true);
  }, 40000);

  it("a killed Redis fails the job with a clear error within a bound", async () => {
    const own = await startRedis();
    const worker = await startWorker(own.url, ["--give-up-ms", "2000"]);
    const w = Array.from(gaussianKernel1d(1, 0, 4));
    const t0 = { t: 0 };
    const run = mapBlocks(
      volume,
      { module: KERNELS, name: "slowSeparable", params: { kernels: [w, w, w], delayMs: 200 } },
      {
        cluster: { ...cluster, redis: own.url },
        blockShape,
        halo: 4,
        onProgress: (d) => {
          if (d === 1) {
            t0.t = performance.now();
            own.proc.child.kill("SIGKILL");
          }
        },
      },
    );
    await expect(run).rejects.toThrow(/lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+/);
    const waited = performance.now() - t0.t;
    expect(waited).toBeLessThan(8000);
    // the worker gives up too (exit code 2), with a clear message
    expect(await worker.exited).toBe(2);
    expect(worker.lines.join("\n")).toMatch(/lost the connection to Redis/);
    expect(readdirSync(store)).toEqual([]);
  }, 30000);
});

describe("cluster option errors (no Redis needed)", () => {
  const small: Volume<Float32Array> = {
    data: new Float32Array(8 * 8 * 8),
    shape: [8, 8, 8],
    spacing: [1, 1, 1],
  };
  const kernel = { module: KERNELS, name: "failAt", params: { failAt: -1 } };
  let store: string;
  beforeAll(() => {
    store = mkdtempSync(path.join(os.tmpdir(), "tomolab-cluster-opts-"));
  });
  afterAll(() => rmSync(store, { recursive: true, force: true }));

  it("names the bad field", async () => {
    await expect(
      mapBlocks(small, kernel, { cluster: { redis: "http://h:1", store } }),
    ).rejects.toThrow(/`cluster.redis`.*redis:\/\/host:port/);
    await expect(
      mapBlocks(small, kernel, { cluster: { redis: "redis://127.0.0.1:1", store: "" } }),
    ).rejects.toThrow(/`cluster.store`/);
    await expect(
      mapBlocks(small, kernel, {
        cluster: { redis: "redis://127.0.0.1:1", store, queue: "a:b" },
      }),
    ).rejects.toThrow(/`cluster.queue`/);
    await expect(
      mapBlocks(small, kernel, {
        cluster: { redis: "redis://127.0.0.1:1", store: path.join(store, "missing") },
      }),
    ).rejects.toThrow(/does not exist/);
  });

  it("forEachBlock with results in shared memory is refused", async () => {
    const { forEachBlock } = await import("../../kernel-lib/src/parallel/index.js");
    const shared = new Float32Array(new SharedArrayBuffer(16));
    await expect(
      forEachBlock(
        small,
        { module: KERNELS, name: "failAt", params: { out: shared } },
        {
          cluster: { redis: "redis://127.0.0.1:1", store },
        },
      ),
    ).rejects.toThrow(/shared-memory arrays/);
  });

  it("an unreachable Redis is a clear error within the timeout, not a hang", async () => {
    const port = await freePort(); // nothing listens there
    const t0 = performance.now();
    await expect(
      mapBlocks(small, kernel, {
        cluster: { redis: `redis://127.0.0.1:${port}`, store, timeout: 1000 },
      }),
    ).rejects.toThrow(new RegExp(`cannot connect to Redis at redis://127.0.0.1:${port}`));
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(readdirSync(store)).toEqual([]);
  });
});
