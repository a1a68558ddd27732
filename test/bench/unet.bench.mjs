// Benchmark: the nn module's 3D U-Net (createUNet defaults: depth 3, 1 -> 8/16/32 -> 64
// filters, 3 classes) against the same network in Keras 3 on TensorFlow CPU
// (unet.py, own venv .cache/bench-venv-unet, unet-requirements.txt), same threads
// (TF_NUM_INTRAOP_THREADS = TF_NUM_INTEROP_THREADS = TOMOLAB_BENCH_THREADS, default 2, on
// both sides):
//  - one Adam step on a 64^3 crop, batch 1 (masked cross-entropy from logits; tomolab's
//    createTrainer step against a Keras tf.function train step), after one untimed step;
//  - tiled inference of a 128^3 volume (predictUNet defaults: 64^3 tiles, overlap 16, halo 4;
//    27 tiles, 4 per network call; Keras runs the same tiles and blending windows, from
//    tileAxis, 4 tiles per tf.function call, and in a second case one per call);
//  - the wasm fallback: a few training steps (no warm-up: each takes about a minute) and one
//    64^3 tile of inference. Run them alone with `--case "train step 64^3 wasm" --runs 3 --rounds 1`.
// Run: npm run bench -- unet [--case <case>]
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runBenchmark } from "./harness.mjs";

const THREADS = process.env.TOMOLAB_BENCH_THREADS ?? "2";
process.env.TF_NUM_INTRAOP_THREADS = THREADS;
process.env.TF_NUM_INTEROP_THREADS = THREADS;
process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";

const nn = await import("../../kernel-lib/dist/nn/index.js");
const CLASSES = 3;
const tiling = { tile: 64, overlap: 16, halo: 4 };

function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomVolume(n, seed) {
  const r = lcg(seed);
  const data = new Float32Array(n * n * n);
  for (let i = 0; i < data.length; i++) data[i] = r() + r() + r() - 1.5;
  return { data, shape: [n, n, n], spacing: [1, 1, 1] };
}

async function netOn(backend) {
  const { tf } = await nn.getNnBackend({ backend, log: false });
  const net = nn.createUNet(tf, { dims: 3, classes: CLASSES, seed: 1 });
  return { tf, net };
}

function model(tf, net) {
  return {
    net,
    tf,
    normalization: { method: "none", offset: 0, scale: 1 },
    classNames: ["boundary", "interior", "background"],
    training: { steps: 0, losses: [], stepSeconds: [] },
    dispose: () => net.dispose(),
  };
}

function trainCase(backend, warm) {
  return {
    case: `train step 64^3 ${backend}`,
    async setup() {
      const { tf, net } = await netOn(backend);
      const c = 64;
      const x = tf.tensor5d(randomVolume(c, 1).data, [1, c, c, c, 1]);
      const r = lcg(2);
      const ids = new Int32Array(c * c * c).map(() => Math.floor(r() * CLASSES));
      const y = tf.oneHot(tf.tensor4d(ids, [1, c, c, c], "int32"), CLASSES);
      const m = tf.ones([1, c, c, c]);
      const trainer = nn.createTrainer(tf, net, { learningRate: 1e-3 });
      if (warm) trainer.step(x, y, m);
      return { x, y, m, trainer, net };
    },
    run: (s) => s.trainer.step(s.x, s.y, s.m),
    teardown(s) {
      s.trainer.dispose();
      s.net.dispose();
    },
    reference: ["--what", "train", "--crop", "64", "--threads", THREADS],
  };
}

function tilingFile(n, options) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tomolab-bench-unet-"));
  const a = nn.tileAxis(n, options.tile, options.overlap, options.halo, 2 ** 3);
  const axis = {
    size: a.size,
    origins: a.origins,
    margin: a.margin,
    window: [...a.window],
    norm: [...a.norm],
  };
  const file = path.join(dir, `tiling-${n}.json`);
  writeFileSync(file, JSON.stringify({ axes: [axis, axis, axis] }));
  return file;
}

function inferCase(backend, n, options, kerasBatch = 4) {
  return {
    case: `tiled inference ${n}^3 ${backend}${kerasBatch === 4 ? "" : `, Keras ${kerasBatch} tile per call`}`,
    async setup() {
      const { tf, net } = await netOn(backend);
      const m = model(tf, net);
      const volume = randomVolume(n, 3);
      if (backend === "tensorflow")
        await nn.predictUNet(m, volume, { ...options, progress: false });
      return { m, volume };
    },
    run: (s) => nn.predictUNet(s.m, s.volume, { ...options, progress: false }),
    teardown: (s) => s.m.dispose(),
    reference: [
      "--what",
      "infer",
      "--volume",
      String(n),
      "--tiling",
      tilingFile(n, options),
      "--threads",
      THREADS,
      "--batch",
      String(kerasBatch),
    ],
  };
}

await runBenchmark(import.meta.url, {
  name: "unet",
  cases: [
    trainCase("tensorflow", true),
    inferCase("tensorflow", 128, tiling),
    inferCase("tensorflow", 128, tiling, 1),
    trainCase("wasm", false),
    inferCase("wasm", 64, { tile: 64, overlap: 0, halo: 0 }),
  ],
});
