// Benchmark: random forest training and prediction, tomolab against
// scikit-learn's RandomForestClassifier(100, n_jobs=2) and vigra's
// RandomForest (ilastik's engine), on the same data: the 61 default ilastik
// features of the SE2 channel of the fibsem-nmc-small sample (48x96x96),
// truth classes 1-3. Training rows are drawn from the upper half (z < 24),
// test rows are the lower half; prediction is timed on 262,144 rows (one
// 512x512 slice worth). Each side prints its test accuracy (tomolab on
// stderr, the reference in its name). One more prediction case uses the 183
// features of Paper 1's method 3.5 (the 61 of each of SE2, InLens and
// SE2 - InLens, `paper1FeatureSpec("3.5")`) on the same rows. The `pipeline`
// case segments a whole 256^3 two-detector volume block by block (features
// and prediction, `predictVolume`) against ilastik's way with vigra (see
// pipelineCase below); its reference is timed once per round.
// Run: npm run bench -- forest [--case <case>] [--runs N] [--rounds R]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  predictProbaParallel,
  predictVolume,
  trainForest,
} from "../../kernel-lib/dist/classify/index.js";
import {
  computeFeatures,
  featureHalo,
  featureSpec,
  featuresAtLabels,
} from "../../kernel-lib/dist/features/index.js";
import { closePool, getThreads } from "../../kernel-lib/dist/parallel/index.js";
import { paper1FeatureSpec } from "../../kernel-lib/dist/papers/paper1/forests.js";
import { fibsemSample, loadSample } from "../../kernel-lib/dist/synth/index.js";
import { runBenchmark } from "./harness.mjs";

const DIR = path.join(os.tmpdir(), "tomolab-bench-forest");
const DATA = path.join(DIR, "nmc-small-se2");
/** Paper 1 method 3.5: features of SE2, InLens and SE2 - InLens (183 columns). */
const DATA_35 = path.join(DIR, "nmc-small-m35");
const SIZES = { [DATA]: [20000, 100000], [DATA_35]: [20000] };
const PREDICT_ROWS = 262144;

function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** The feature stack of one data set, pixel-major (`layout: "samples"`). */
function features(data, sample) {
  if (data === DATA_35) {
    const inputs = { SE2: sample.se2, InLens: sample.inlens };
    return computeFeatures(inputs, paper1FeatureSpec("3.5"), { layout: "samples" });
  }
  return computeFeatures(sample.se2, featureSpec(), { layout: "samples" });
}

/** Write the feature matrix, labels and row sets of the data set `data` once (untimed). */
async function prepare(data) {
  if (existsSync(`${data}.json`)) return;
  mkdirSync(path.dirname(data), { recursive: true });
  const sample = await loadSample("fibsem-nmc-small");
  const f = await features(data, sample);
  const F = f.channels.length;
  const [nz, ny, nx] = sample.se2.shape;
  const half = (nz >> 1) * ny * nx;
  const n = nz * ny * nx;
  writeFileSync(`${data}.X.bin`, Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength));
  writeFileSync(`${data}.y.bin`, Buffer.from(sample.truth.data));
  const rnd = lcg(7);
  // training rows: a random subset of the upper half, without replacement
  const upper = Int32Array.from({ length: half }, (_, i) => i);
  for (let i = half - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [upper[i], upper[j]] = [upper[j], upper[i]];
  }
  for (const size of SIZES[data]) writeFileSync(`${data}.train${size}.bin`, upper.slice(0, size));
  const test = Int32Array.from({ length: n - half }, (_, i) => half + i);
  writeFileSync(`${data}.test.bin`, test);
  const predict = Int32Array.from({ length: PREDICT_ROWS }, (_, i) => (half + i) % n);
  writeFileSync(`${data}.predict.bin`, predict);
  writeFileSync(`${data}.json`, JSON.stringify({ nFeatures: F, shape: sample.se2.shape }));
}

function load(size, data) {
  const meta = JSON.parse(readFileSync(`${data}.json`, "utf8"));
  const F = meta.nFeatures;
  const b = readFileSync(`${data}.X.bin`);
  const X = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const y = new Uint8Array(readFileSync(`${data}.y.bin`));
  const ints = (name) => {
    const r = readFileSync(`${data}.${name}.bin`);
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

/**
 * The `pipeline` case: a whole 256^3 two-detector volume (SE2 + InLens of
 * `fibsemSample({ shape: [256, 256, 256], seed: 3 })`, the simulator on an
 * NMC phantom), its 122 ilastik features (61 per detector, `featureSpec`
 * defaults) and their prediction block by block with `predictVolume`, by a
 * forest of 100 trees trained on the sample's brush strokes (12,000 voxels,
 * `featuresAtLabels`). The reference (forest.py `--op pipeline`) does
 * ilastik's computation: vigra filters on each block plus the features'
 * halo, vigra RandomForest on the block's features, two blocks at a time.
 */
const PIPE = path.join(DIR, "pipeline256");
const PIPE_SHAPE = [256, 256, 256];
const PIPE_SPEC = featureSpec({ inputs: ["SE2", "InLens"] });
/** Block (core) shape of both sides; `TOMOLAB_BENCH_PIPELINE_BLOCK=z,y,x` overrides it. */
const PIPE_BLOCK = (process.env.TOMOLAB_BENCH_PIPELINE_BLOCK ?? "64,128,128")
  .split(",")
  .map(Number);

/** Write the 256^3 sample's inputs, truth and brush strokes once (untimed). */
function preparePipeline() {
  if (existsSync(`${PIPE}.json`)) return;
  mkdirSync(DIR, { recursive: true });
  const s = fibsemSample({ shape: PIPE_SHAPE, seed: 3 });
  for (const [name, v] of [
    ["se2", s.se2],
    ["inlens", s.inlens],
    ["truth", s.truth],
    ["strokes", s.labels],
  ])
    writeFileSync(`${PIPE}.${name}.u8`, v.data);
  writeFileSync(`${PIPE}.json`, JSON.stringify({ shape: PIPE_SHAPE }));
}

function loadPipeline() {
  const vol = (name) => ({
    data: new Uint8Array(readFileSync(`${PIPE}.${name}.u8`)),
    shape: [...PIPE_SHAPE],
    spacing: [10, 10, 10],
  });
  return { se2: vol("se2"), inlens: vol("inlens"), truth: vol("truth"), strokes: vol("strokes") };
}

const pipelineCase = () => ({
  case: `pipeline 256^3 x 2 detectors (122 features, blocks ${PIPE_BLOCK.join("x")}) vs vigra`,
  data: PIPE,
  setup: async () => {
    const v = loadPipeline();
    const inputs = { SE2: v.se2, InLens: v.inlens };
    const train = await featuresAtLabels(inputs, v.strokes, PIPE_SPEC);
    const forest = await trainForest(train.samples, train.labels, train.channels.length, {
      trees: 100,
      seed: 1,
    });
    return { v, inputs, forest, labels: undefined };
  },
  run: async (s) => {
    s.labels = undefined;
    globalThis.gc?.();
    s.labels = (
      await predictVolume(s.forest, s.inputs, PIPE_SPEC, { blockShape: PIPE_BLOCK })
    ).labels;
  },
  teardown: async (s) => {
    await closePool();
    if (!process.argv.includes("--child")) return;
    const t = s.v.truth.data;
    const p = s.labels.data;
    let ok = 0;
    for (let i = 0; i < t.length; i++) if (p[i] === t[i]) ok++;
    writeFileSync(`${PIPE}.tomolab-labels.u8`, p);
    process.stderr.write(
      `[forest pipeline] tomolab: ${s.forest.nFeatures} features, accuracy against the truth ${(ok / t.length).toFixed(4)}\n`,
    );
  },
  reference: [
    "--data",
    PIPE,
    "--op",
    "pipeline",
    "--tool",
    "vigra",
    "--threads",
    threads,
    "--block",
    PIPE_BLOCK.join(","),
    "--halo",
    featureHalo(PIPE_SPEC, PIPE_SHAPE).join(","),
  ],
});

const threads = String(Math.min(2, getThreads()));
const trainCase = (size, tool) => ({
  case: `train ${size / 1000}k x 61 vs ${tool}`,
  setup: async () => ({ d: load(size, DATA), forest: undefined }),
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
const predictCase = (tool, data = DATA) => ({
  case:
    data === DATA
      ? `predict 262k rows (forest of 20k) vs ${tool}`
      : `predict 262k rows x 183 (method 3.5, forest of 20k) vs ${tool}`,
  data,
  setup: async () => {
    const d = load(20000, data);
    const forest = await trainForest(d.Xtr, d.ytr, d.F, { trees: 100, seed: 1 });
    report(`predict x ${d.F}`, forest, d);
    await predictProbaParallel(forest, d.Xp.subarray(0, 65536 * d.F)); // warm the workers
    return { d, forest };
  },
  run: ({ d, forest }) => predictProbaParallel(forest, d.Xp),
  teardown: () => closePool(),
  reference: [
    "--data",
    data,
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

const cases = [
  trainCase(20000, "sklearn"),
  trainCase(20000, "vigra"),
  predictCase("sklearn"),
  predictCase("vigra"),
  trainCase(100000, "sklearn"),
  trainCase(100000, "vigra"),
  predictCase("sklearn", DATA_35),
  pipelineCase(),
];
if (!process.argv.includes("--child")) {
  console.log(`tomolab threads: ${getThreads()}`);
  const i = process.argv.indexOf("--case");
  const only = i >= 0 ? process.argv[i + 1] : undefined;
  // Write only the data sets of the cases that will run.
  const sets = new Set(
    cases.filter((c) => only === undefined || c.case === only).map((c) => c.data ?? DATA),
  );
  for (const set of sets) {
    if (set === PIPE) preparePipeline();
    else await prepare(set);
  }
}
await runBenchmark(import.meta.url, { name: "forest", runs: 3, cases });
