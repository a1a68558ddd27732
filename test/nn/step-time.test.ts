// Opt-in timing (TOMOLAB_NN_BENCH=1, under the bench lock): seconds per Adam step of the
// default 3D U-Net (1 -> 8/16/32 -> 64 filters) on a 64^3 crop, on the backends listed in
// TOMOLAB_NN_BENCH_BACKENDS (default: tensorflow).
import { describe, expect, it } from "vitest";
import {
  createTrainer,
  createUNet,
  getNnBackend,
  maskedTargets,
  type NnBackendName,
} from "../../kernel-lib/src/nn/index.js";

const enabled = process.env.TOMOLAB_NN_BENCH === "1";
const backends = (process.env.TOMOLAB_NN_BENCH_BACKENDS ?? "tensorflow").split(
  ",",
) as NnBackendName[];
if (!enabled) console.log("skipped the nn step timing: set TOMOLAB_NN_BENCH=1 to run it");

describe.skipIf(!enabled)("U-Net step time, 64^3 crop", () => {
  for (const name of backends) {
    it(`${name}`, { timeout: 900_000 }, async () => {
      const { tf } = await getNnBackend({ backend: name, log: false });
      const n = 64;
      const net = createUNet(tf, { seed: 2 });
      const trainer = createTrainer(tf, net);
      const x = tf.randomUniform([1, n, n, n, 1], 0, 1, "float32", 1);
      const labels = Array.from(tf.randomUniform([n ** 3], 0, 3, "int32", 2).dataSync());
      labels.forEach((_, i) => {
        if (Math.floor(i / (n * n)) % 16 !== 0) labels[i] = -1; // 4 labelled slices
      });
      const { target, mask } = maskedTargets(tf, labels, [1, n, n, n], 3);
      const steps = name === "tensorflow" ? 5 : 1;
      trainer.step(x, target, mask); // warm-up (kernel set-up, first allocation)
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) trainer.step(x, target, mask);
      const perStep = (performance.now() - t0) / 1000 / steps;
      console.log(`nn step time ${name}: ${perStep.toFixed(3)} s per step (${steps} steps, 64^3)`);
      expect(perStep).toBeGreaterThan(0);
    });
  }
});
