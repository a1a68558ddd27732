// Benchmark: 3D Gaussian smoothing (sigma = 2, float32) against
// scipy.ndimage.gaussian_filter. Run: npm run bench -- gaussian
import { gaussian } from "../../kernel-lib/dist/filters/index.js";
import { closePool, getThreads } from "../../kernel-lib/dist/parallel/index.js";
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

const cube = (n) => ({
  case: `${n}^3 sigma 2`,
  // A plain (not shared) Float32Array, as a caller would have it: the copy
  // into shared memory is part of the timed call.
  setup: () => randomVolume(n),
  run: (volume) => gaussian(volume, 2),
  teardown: () => closePool(),
  reference: ["--size", String(n), "--sigma", "2"],
});

if (!process.argv.includes("--child")) console.log(`tomolab threads: ${getThreads()}`);
await runBenchmark(import.meta.url, { name: "gaussian", cases: [cube(256), cube(128)] });
