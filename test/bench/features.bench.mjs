// Benchmark: all 61 ilastik features of one float32 channel (featureSpec()
// defaults) on 128^3 and 256^3 cubes, tomolab (all pool threads, region by
// region through featureBlocks, as prediction would consume them) against
// vigra's filters doing ilastik's computations (test/bench/features.py).
// Run: npm run bench -- features [--case <case>] [--runs N] [--rounds R]
import {
  computeFeatures,
  featureBlocks,
  featureSpec,
} from "../../kernel-lib/dist/features/index.js";
import { closePool, getThreads, toShared } from "../../kernel-lib/dist/parallel/index.js";
import { runBenchmark } from "./harness.mjs";

function randomVolume(n) {
  const data = new Float32Array(n * n * n);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32;
  }
  return { data, shape: [n, n, n], spacing: [1, 1, 1] };
}

const spec = featureSpec();

/**
 * The volume lives in shared memory (as a loaded stack would); each run walks
 * it region by region (whole planes, ~2^21 voxels per region, the default)
 * and reads the features, as a predictor would. Peak memory target:
 * < 1.5 x (input + one region's features).
 */
const cube = (n, threads) => ({
  case: `${n}^3 61 features${threads === 1 ? " (vigra 1 thread)" : ""}`,
  setup: async () => {
    const volume = toShared(randomVolume(n));
    // warm the pool and the kernels' WebAssembly memory
    await computeFeatures(volume, spec, { region: { origin: [0, 0, 0], shape: [8, n, n] } });
    // one region buffer for all runs, as a long-lived kernel would keep it
    return { volume, buffers: {} };
  },
  run: async ({ volume, buffers }) => {
    let sum = 0;
    let regionMB = 0;
    for await (const f of featureBlocks(volume, spec, { buffers })) {
      regionMB = f.data.byteLength / 2 ** 20;
      for (let i = 0; i < f.data.length; i += 4096) sum += f.data[i];
    }
    if (!Number.isFinite(sum)) throw new Error("non-finite features");
    if (process.argv.includes("--child"))
      process.stderr.write(
        `[features ${n}^3] region features ${regionMB.toFixed(0)} MB, input ${((n ** 3 * 4) / 2 ** 20).toFixed(0)} MB\n`,
      );
  },
  teardown: () => closePool(),
  reference: ["--size", String(n), "--threads", String(threads)],
});

if (!process.argv.includes("--child")) console.log(`tomolab threads: ${getThreads()}`);
await runBenchmark(import.meta.url, {
  name: "features",
  runs: 3,
  cases: [cube(256, 2), cube(128, 2), cube(128, 1)],
});
