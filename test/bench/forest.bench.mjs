// Benchmark: random forest training and prediction, tomolab against
// scikit-learn's RandomForestClassifier(100, n_jobs=2) and vigra's
// RandomForest (ilastik's engine), on the same data: the 61 default ilastik
// features of the SE2 channel of the fibsem-nmc-small sample (48x96x96),
// truth classes 1-3. Training rows are drawn from the upper half (z < 24),
// test rows are the lower half; prediction is timed on 262,144 rows (one
// 512x512 slice worth). Each side prints its test accuracy (tomolab on
// stderr, the reference in its name).
// Run: npm run bench -- forest [--case <case>] [--runs N] [--rounds R]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { predictProbaParallel, trainForest } from "../../kernel-lib/dist/classify/index.js";
import { computeFeatures, featureSpec } from "../../kernel-lib/dist/features/index.js";
import { closePool, getThreads } from "../../kernel-lib/dist/parallel/index.js";
import { loadSample } from "../../kernel-lib/dist/synth/index.js";
import { runBenchmark } from "./harness.mjs";

const DATA = path.join(os.tmpdir(), "tomolab-bench-forest", "nmc-small-se2");
const SIZES = [20000, 100000];
const PREDICT_ROWS = 262144;

function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Write the feature matrix, labels and row sets once (untimed). */
async function prepare() {
  if (existsSync(`${DATA}.json`)) return;
  mkdirSync(path.dirname(DATA), { recursive: true });
  const sample = await loadSample("fibsem-nmc-small");
  const spec = featureSpec();
  const f = await computeFeatures(sample.se2, spec, { layout: "samples" });
  const F = f.channels.length;
  const [nz, ny, nx] = sample.se2.shape;
  const half = (nz >> 1) * ny * nx;
  const n = nz * ny * nx;
  writeFileSync(`${DATA}.X.bin`, Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength));
  writeFileSync(`${DATA}.y.bin`, Buffer.from(sample.truth.data));
  const rnd = lcg(7);
  // training rows: a random subset of the upper half, without replacement
  const upper = Int32Array.from({ length: half }, (_, i) => i);
  for (let i = half - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [upper[i], upper[j]] = [upper[j], upper[i]];
  }
  for (const size of SIZES) writeFileSync(`${DATA}.train${size}.bin`, upper.slice(0, size));
  const test = Int32Array.from({ length: n - half }, (_, i) => half + i);
  writeFileSync(`${DATA}.test.bin`, test);
  const predict = Int32Array.from({ length: PREDICT_ROWS }, (_, i) => (half + i) % n);
  writeFileSync(`${DATA}.predict.bin`, predict);
  writeFileSync(`${DATA}.json`, JSON.stringify({ nFeatures: F, shape: sample.se2.shape }));
}

function load(size) {
  const meta = JSON.parse(readFileSync(`${DATA}.json`, "utf8"));
  const F = meta.nFeatures;
  const b = readFileSync(`${DATA}.X.bin`);
  const X = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const y = new Uint8Array(readFileSync(`${DATA}.y.bin`));
  const ints = (name) => {
    const r = readFileSync(`${DATA}.${name}.bin`);
    return new Int32Array(r.buffer.slice(r.byteOffset, r.byteOffset + r.byteLength));
  };
  const rows = (idx) => {
    const out = new Float32Array(idx.length * F);
    idx.forEach((i, k) => out.set(X.subarray(i * F, (i + 1) * F), k * F));
    return out;
  };
  const train = ints(`train${size}`);
  const test = ints("test");
  return {
    F,
    Xtr: rows(train),
    ytr: Uint8Array.from(train, (i) => y[i]),
    Xte: rows(test),
    yte: Uint8Array.from(test, (i) => y[i]),
    Xp: rows(ints("predict")),
  };
}

function report(what, forest, d) {
  if (!process.argv.includes("--child")) return;
  const pred = forest.predict(d.Xte);
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === d.yte[i]) ok++;
  process.stderr.write(
    `[forest ${what}] tomolab test acc ${(ok / pred.length).toFixed(4)}, oob error ${forest.oobError?.toFixed(4)}\n`,
  );
}

const threads = String(Math.min(2, getThreads()));
const trainCase = (size, tool) => ({
  case: `train ${size / 1000}k x 61 vs ${tool}`,
  setup: async () => ({ d: load(size), forest: undefined }),
  run: async (s) => {
    s.forest = await trainForest(s.d.Xtr, s.d.ytr, s.d.F, { trees: 100 });
  },
  teardown: async (s) => {
    report(`train ${size}`, s.forest, s.d);
    await closePool();
  },
  reference: [
    "--data",
    DATA,
    "--op",
    "train",
    "--tool",
    tool,
    "--n",
    String(size),
    "--threads",
    threads,
  ],
});
const predictCase = (tool) => ({
  case: `predict 262k rows (forest of 20k) vs ${tool}`,
  setup: async () => {
    const d = load(20000);
    const forest = await trainForest(d.Xtr, d.ytr, d.F, { trees: 100, seed: 1 });
    report("predict", forest, d);
    await predictProbaParallel(forest, d.Xp.subarray(0, 65536 * d.F)); // warm the workers
    return { d, forest };
  },
  run: ({ d, forest }) => predictProbaParallel(forest, d.Xp),
  teardown: () => closePool(),
  reference: [
    "--data",
    DATA,
    "--op",
    "predict",
    "--tool",
    tool,
    "--n",
    "20000",
    "--threads",
    threads,
  ],
});

if (!process.argv.includes("--child")) {
  console.log(`tomolab threads: ${getThreads()}`);
  await prepare();
}
await runBenchmark(import.meta.url, {
  name: "forest",
  runs: 3,
  cases: [
    trainCase(20000, "sklearn"),
    trainCase(20000, "vigra"),
    predictCase("sklearn"),
    predictCase("vigra"),
    trainCase(100000, "sklearn"),
    trainCase(100000, "vigra"),
  ],
});
