// Benchmark: the cluster runner (mapBlocks `cluster` option, BullMQ on Redis,
// tomolab-worker processes) against the in-process pool, on this machine.
// Run: npm run bench -- cluster   (needs redis-server on PATH; skips otherwise)
//
// Speed-up cannot be shown on one 2-core machine, so this measures what
// decides it: per-block overhead of the queue path vs the in-process pool
// (64^3 and 128^3 blocks), throughput with 1, 2 and 3 workers, bytes moved
// per block, the dispatch rate of the queue, and from those a projection of
// the wall time for classifying a 2048 x 1536 x 1300 two-detector volume on
// 1, 8 and 64 machines like this one. No reference tool: the harness's
// tomolab-vs-reference table does not apply, so this file writes
// results/cluster.json and prints its own tables.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { QueueEvents } from "bullmq";
import { gaussian } from "../../kernel-lib/dist/filters/index.js";
import { featureSpec } from "../../kernel-lib/dist/features/index.js";
import { planFeatures } from "../../kernel-lib/dist/features/plan.js";
import { predictVolume, trainForest } from "../../kernel-lib/dist/classify/index.js";
import { closePool } from "../../kernel-lib/dist/parallel/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(here, "../../kernel-lib/bin/tomolab-worker.mjs");
const QUEUE = `bench-${process.pid}`;

if (spawnSync("redis-server", ["--version"]).status !== 0) {
  console.log(
    "cluster benchmark skipped: redis-server not found (npm run setup installs it as root)",
  );
  process.exit(0);
}

const children = new Set();
let store;
// Whatever happens (an error included), nothing started here outlives the script.
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
  if (store) rmSync(store, { recursive: true, force: true });
});
function startProc(cmd, args, readyRe) {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${cmd} not ready:\n${out}`)), 20000);
    const onData = (b) => {
      out += b.toString();
      if (readyRe.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
  });
}
async function stopProc(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), 10000);
  await exited;
  clearTimeout(t);
}

const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const redisUrl = `redis://127.0.0.1:${port}`;
await startProc(
  "redis-server",
  ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
  /Ready to accept connections/,
);
store = mkdtempSync(path.join(os.tmpdir(), "tomolab-cluster-bench-"));
const workers = [];
async function setWorkers(n) {
  while (workers.length > n) await stopProc(workers.pop());
  while (workers.length < n)
    workers.push(
      await startProc(process.execPath, [BIN, "--redis", redisUrl, "--queue", QUEUE], /ready /),
    );
}

// Per-block figures from the workers (the jobs' return values).
const events = new QueueEvents(QUEUE, { connection: { host: "127.0.0.1", port } });
await events.waitUntilReady();
let stats = [];
let statsWaiter;
events.on("completed", ({ returnvalue }) => {
  stats.push(typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue);
  if (statsWaiter && stats.length >= statsWaiter.n) statsWaiter.resolve();
});

// Two-detector test data: smooth grains with noise, uint8 (as FIB/SEM stacks).
function detector(shape, seed, contrast) {
  const [nz, ny, nx] = shape;
  const data = new Uint8Array(nz * ny * nx);
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const g = Math.sin(x / 9) * Math.sin(y / 11) * Math.cos(z / 7);
        const v = 128 + contrast * (g > 0.15 ? 1 : -1) + 30 * (rnd() - 0.5);
        data[(z * ny + y) * nx + x] = Math.max(0, Math.min(255, Math.round(v)));
      }
  return { data, shape, spacing: [5, 4, 4] };
}

// Osenberg et al. 3.5: SE2, InLens and their difference x 61 ilastik features = 183 channels.
// TOMOLAB_CLUSTER_BENCH_SMOKE=1: everything 4x smaller per axis and a small
// spec, to check this script quickly (numbers meaningless).
const SMOKE = process.env.TOMOLAB_CLUSTER_BENCH_SMOKE === "1";
const sh = (shape) => shape.map((v) => (SMOKE ? Math.max(4, v / 4) : v));
const spec = featureSpec(
  SMOKE
    ? { inputs: ["SE2", "InLens"], filters: { GaussianSmoothing: [1] } }
    : { inputs: ["SE2", "InLens", { name: "SE2 - InLens", difference: ["SE2", "InLens"] }] },
);
const C = planFeatures(spec, [256, 256, 256]).channels.length;
const halo = planFeatures(spec, [256, 256, 256]).halo;
const X = new Float32Array(400 * C);
let s0 = 7;
for (let i = 0; i < X.length; i++)
  X[i] = (s0 = (Math.imul(s0, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const forest = await trainForest(
  X,
  Array.from({ length: 400 }, (_, i) => 1 + (i % 2)),
  C,
  {
    trees: 100,
    seed: 1,
    threads: 1,
  },
);

const mean = (a) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
function duBytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? duBytes(p) : statSync(p).size;
  }
  return total;
}

/** One cluster run of `n` blocks: wall time, block phase (progress 0 -> total), worker stats. */
async function clusterRun(n, fn) {
  stats = [];
  let tBlocks0 = 0;
  let tBlocks1 = 0;
  const t0 = performance.now();
  await fn((done, total) => {
    if (done === 0) tBlocks0 = performance.now();
    if (done === total) tBlocks1 = performance.now();
  });
  const wall = performance.now() - t0;
  // this listener may see the last "completed" events just after the driver's did
  if (stats.length < n) await new Promise((resolve) => (statsWaiter = { n, resolve }));
  statsWaiter = undefined;
  return { wall, blocksMs: tBlocks1 - tBlocks0, stats: stats.slice(0, n) };
}

const rows = [];
const inputs = (shape) => ({ SE2: detector(shape, 1, 40), InLens: detector(shape, 2, 25) });

async function overheadCase(label, shape, block, run, kernelName) {
  const n = shape.map((v, a) => Math.ceil(v / block[a])).reduce((x, y) => x * y);
  // in-process pool, one thread (as one worker with concurrency 1); warm (see below)
  const load0 = os.loadavg()[0];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run({ threads: 1, inline: false, blockShape: block });
  const local = performance.now() - t0;
  const cpuL = process.cpuUsage(cpu0);
  const localCpu = (cpuL.user + cpuL.system) / 1000;
  const c = await clusterRun(n, (onProgress) =>
    run({
      cluster: { redis: redisUrl, store, queue: QUEUE, keep: true },
      blockShape: block,
      onProgress,
    }),
  );
  const runDir = readdirSync(store).map((d) => path.join(store, d));
  let storeIn = 0;
  let storeOut = 0;
  for (const d of runDir) {
    for (const e of readdirSync(d)) {
      if (!e.endsWith(".zarr")) continue;
      const b = duBytes(path.join(d, e));
      if (e.startsWith("input")) storeIn += b;
      else if (e.startsWith("output")) storeOut += b;
    }
    rmSync(d, { recursive: true, force: true });
  }
  const s = c.stats;
  const compute = mean(s.map((x) => x.computeMs));
  const read = mean(s.map((x) => x.readMs));
  const write = mean(s.map((x) => x.writeMs));
  const queue = c.blocksMs / n - (compute + read + write);
  const cpuOf = (k) => mean(s.map((x) => x[k]));
  const row = {
    case: label,
    kernel: kernelName,
    blocks: n,
    voxels: shape.reduce((x, y) => x * y),
    local_ms_per_block: local / n,
    cluster_ms_per_block: c.wall / n,
    compute_ms: compute,
    store_read_ms: read,
    store_write_ms: write,
    queue_ms: queue,
    local_cpu_ms_per_block: localCpu / n,
    compute_cpu_ms: cpuOf("computeCpuMs"),
    store_read_cpu_ms: cpuOf("readCpuMs"),
    store_write_cpu_ms: cpuOf("writeCpuMs"),
    load_average: [load0, os.loadavg()[0]],
    staging_ms_per_block: (c.wall - c.blocksMs) / n,
    queue_pct_of_compute: (100 * queue) / compute,
    total_overhead_pct: (100 * (c.wall - local)) / local,
    voxel_bytes_read: mean(s.map((x) => x.bytesRead)),
    voxel_bytes_written: mean(s.map((x) => x.bytesWritten)),
    store_bytes_in_per_block: storeIn / n,
    store_bytes_out_per_block: storeOut / n,
  };
  rows.push(row);
  console.log(
    `${label}: local ${row.local_ms_per_block.toFixed(1)} ms/block, cluster ${row.cluster_ms_per_block.toFixed(1)} ms/block ` +
      `(compute ${compute.toFixed(1)}, read ${read.toFixed(1)}, write ${write.toFixed(1)}, queue ${queue.toFixed(2)}, ` +
      `staging ${row.staging_ms_per_block.toFixed(1)})`,
  );
  return row;
}

const predict = (vols) => (opts) => predictVolume(forest, vols, spec, opts);
const smooth = (vol) => (opts) => gaussian(vol, 2, opts);

// Warm-up on small volumes: kernel modules loaded in the local pool thread and the worker's.
await setWorkers(1);
const clusterOpts = { cluster: { redis: redisUrl, store, queue: QUEUE } };
const small = inputs([40, 40, 40]); // >= 40 voxels: the full channel count
const gsmall = { data: new Float32Array(40 ** 3), shape: [40, 40, 40], spacing: [1, 1, 1] };
for (const opts of [{ threads: 1, inline: false }, clusterOpts]) {
  await predictVolume(forest, small, spec, opts);
  await gaussian(gsmall, 2, opts);
}

const t64 = await overheadCase(
  "classify 64^3",
  sh([128, 128, 128]),
  sh([64, 64, 64]),
  predict(inputs(sh([128, 128, 128]))),
  `predict, ${C} features, 100 trees`,
);
const t128 = await overheadCase(
  "classify 128^3",
  sh([128, 128, 256]),
  sh([128, 128, 128]),
  predict(inputs(sh([128, 128, 256]))),
  `predict, ${C} features, 100 trees`,
);
const g = detector(sh([256, 256, 256]), 3, 40);
const gv = { data: Float32Array.from(g.data), shape: g.shape, spacing: g.spacing };
await overheadCase(
  "gaussian 64^3",
  gv.shape,
  sh([64, 64, 64]),
  smooth(gv),
  "gaussian sigma 2 (float32)",
);
await overheadCase(
  "gaussian 128^3",
  gv.shape,
  sh([128, 128, 128]),
  smooth(gv),
  "gaussian sigma 2 (float32)",
);

// Throughput with 1, 2, 3 workers (classification, 64^3 blocks, 16 blocks).
const tp = [];
const tpVols = inputs(sh([128, 128, 256]));
for (const w of [1, 2, 3]) {
  await setWorkers(w);
  const c = await clusterRun(16, (onProgress) =>
    predictVolume(forest, tpVols, spec, {
      cluster: { redis: redisUrl, store, queue: QUEUE },
      blockShape: sh([64, 64, 64]),
      onProgress,
    }),
  );
  const perWorker = {};
  for (const x of c.stats) perWorker[x.worker] = (perWorker[x.worker] ?? 0) + 1;
  tp.push({
    workers: w,
    blocks: 16,
    wall_s: c.wall / 1000,
    blocks_per_s: 16 / (c.blocksMs / 1000),
    speedup: 0,
    blocks_per_worker: Object.values(perWorker).join("/"),
  });
}
for (const r of tp) r.speedup = r.blocks_per_s / tp[0].blocks_per_s;

// Dispatch rate: tiny blocks (16^3, 512 of them), so the queue dominates.
await setWorkers(2);
const tiny = {
  data: new Float32Array(sh([128, 128, 128]).reduce((x, y) => x * y)),
  shape: sh([128, 128, 128]),
  spacing: [1, 1, 1],
};
const d = await clusterRun(512, (onProgress) =>
  gaussian(tiny, 0.5, {
    cluster: { redis: redisUrl, store, queue: QUEUE },
    blockShape: sh([16, 16, 16]),
    onProgress,
  }),
);
const dispatch = {
  blocks: 512,
  blocks_per_s: 512 / (d.blocksMs / 1000),
  worker_busy_ms: mean(d.stats.map((x) => x.readMs + x.computeMs + x.writeMs)),
};

// Projection: 2048 x 1536 x 1300, two detectors (uint8), 64^3 and 128^3 blocks,
// from the measured per-block times (1 worker) and the 2-worker speed-up.
const big = [1300, 1536, 2048];
const voxels = big.reduce((x, y) => x * y);
const perMachine = tp[1].speedup; // two workers on a 2-core machine
const projection = [];
for (const [edge, t] of [
  [64, t64],
  [128, t128],
]) {
  const nBlocks = big.map((v) => Math.ceil(v / edge)).reduce((x, y) => x * y);
  // "wall": as measured here (a shared, loaded machine; 2-worker speed-up as
  // measured); "cpu": the blocks' CPU time, 2 blocks at once (2 cores), i.e.
  // a machine like this one doing nothing else.
  for (const basis of ["wall", "cpu"]) {
    const blockMs =
      basis === "wall"
        ? t.compute_ms + t.store_read_ms + t.store_write_ms + t.queue_ms
        : t.compute_cpu_ms + t.store_read_cpu_ms + t.store_write_cpu_ms + t.queue_ms;
    const parallel = basis === "wall" ? perMachine : 2;
    // Driver staging (inputs to OME-Zarr, outputs back) scales with the voxels, done once.
    const stagingS = (((t.staging_ms_per_block * t.blocks) / t.voxels) * voxels) / 1000;
    // voxel bytes (uncompressed): an upper bound of what crosses the shared filesystem
    const perBlockBytes = t.voxel_bytes_read + t.voxel_bytes_written;
    for (const m of [1, 8, 64]) {
      const slots = m * parallel;
      const blocksS = (Math.ceil(nBlocks / slots) * blockMs) / 1000;
      projection.push({
        block: `${edge}^3`,
        basis,
        machines: m,
        blocks: nBlocks,
        block_ms: blockMs,
        block_phase_h: blocksS / 3600,
        staging_h: stagingS / 3600,
        total_h: (blocksS + stagingS) / 3600,
        store_MB_per_s: (slots * perBlockBytes) / (blockMs / 1000) / 1e6,
        queue_jobs_per_s: slots / (blockMs / 1000),
      });
    }
  }
}

await Promise.all(workers.splice(0).map(stopProc));
await events.close();
await closePool();
for (const c of [...children]) await stopProc(c);
rmSync(store, { recursive: true, force: true });

const f = (x, d = 1) => Number(x.toFixed(d));
console.log("\nper-block cost, queue vs in-process pool (1 worker / 1 pool thread)");
console.table(
  rows.map((r) => ({
    case: r.case,
    "local ms/block": f(r.local_ms_per_block),
    "cluster ms/block": f(r.cluster_ms_per_block),
    "compute ms": f(r.compute_ms),
    "store read ms": f(r.store_read_ms),
    "store write ms": f(r.store_write_ms),
    "queue ms": f(r.queue_ms, 2),
    "local CPU ms": f(r.local_cpu_ms_per_block),
    "compute CPU ms": f(r.compute_cpu_ms),
    "store CPU ms r/w": `${f(r.store_read_cpu_ms)}/${f(r.store_write_cpu_ms)}`,
    load: r.load_average.map((x) => f(x)).join("->"),
    "queue % of compute": f(r.queue_pct_of_compute, 2),
    "staging ms/block": f(r.staging_ms_per_block),
    "total overhead %": f(r.total_overhead_pct),
    "MB read/block": f(r.voxel_bytes_read / 1e6, 2),
    "MB written/block": f(r.voxel_bytes_written / 1e6, 2),
    "store MB in/out per block": `${f(r.store_bytes_in_per_block / 1e6, 2)}/${f(r.store_bytes_out_per_block / 1e6, 2)}`,
  })),
);
console.log("throughput (classify, 64^3 blocks)");
console.table(
  tp.map((r) => ({
    ...r,
    wall_s: f(r.wall_s, 2),
    blocks_per_s: f(r.blocks_per_s, 3),
    speedup: f(r.speedup, 2),
  })),
);
console.log(
  `dispatch: ${f(dispatch.blocks_per_s)} blocks/s with 2 workers on 16^3 blocks (worker busy ${f(dispatch.worker_busy_ms, 2)} ms/block)`,
);
console.log(
  `projection: 2048x1536x1300 two detectors, ${f(perMachine, 2)} blocks at once per machine (2-worker speed-up)`,
);
console.table(
  projection.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "number" ? f(v, 2) : v])),
  ),
);

const result = {
  name: "cluster",
  machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}`,
  features: C,
  halo,
  rows,
  throughput: tp,
  dispatch,
  projection: { volume: big, per_machine: perMachine, rows: projection },
};
const dir = path.join(here, "results");
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "cluster.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), path.join(dir, "cluster.json"))}`);
process.exit(0);
