import { describe, expect, it } from "vitest";
import type { Tensor } from "@tensorflow/tfjs-core";
import {
  createTrainer,
  createUNet,
  getNnBackend,
  maskedTargets,
  type Tf,
} from "../../kernel-lib/src/nn/index.js";

/**
 * A synthetic grain image like Paper 2's task: a ball (interior, class 1) with a dark shell
 * (boundary, class 0) on a bright background (class 2), plus seeded noise; labels only on a
 * few slices (the rest unlabelled, -1), as in the paper's four hand-labelled slices.
 */
function ballCrop(tf: Tf, dims: 2 | 3, n: number) {
  const shape = dims === 3 ? [n, n, n] : [n, n];
  const size = n ** dims;
  const image = new Float32Array(size);
  const labels = new Int32Array(size);
  let state = 12345;
  const noise = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.2;
  const c = (n - 1) / 2;
  for (let i = 0; i < size; i++) {
    const x = i % n;
    const y = Math.floor(i / n) % n;
    const z = dims === 3 ? Math.floor(i / (n * n)) : c;
    const r = Math.hypot(x - c, y - c, z - c);
    const cls = r < n * 0.3 ? 1 : r < n * 0.38 ? 0 : 2;
    image[i] = (cls === 0 ? 0.1 : cls === 1 ? 0.6 : 0.9) + noise();
    const labelled = dims === 2 ? y % 4 === 0 : z % 8 === 4;
    labels[i] = labelled ? cls : -1;
  }
  const input = tf.tensor(image, [1, ...shape, 1]);
  const { target, mask, labelled } = maskedTargets(tf, labels, [1, ...shape], 3);
  return { input, target, mask, labelled };
}

function train(tf: Tf, dims: 2 | 3, n: number, netOptions: Parameters<typeof createUNet>[1]) {
  const net = createUNet(tf, { dims, ...netOptions, seed: 1 });
  const trainer = createTrainer(tf, net, { learningRate: 1e-3 });
  const { input, target, mask, labelled } = ballCrop(tf, dims, n);
  expect(labelled).toBeGreaterThan(0);
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) losses.push(trainer.step(input, target, mask));
  // the loss after the three updates
  const after = tf.tidy(() => {
    const logits = net.apply(input);
    const m = tf.reshape(mask, [...mask.shape, 1]);
    const ce = tf.sum(tf.mul(tf.mul(target, tf.logSoftmax(logits)), m));
    return -ce.dataSync()[0] / tf.sum(mask).dataSync()[0];
  });
  [input, target, mask].forEach((t: Tensor) => t.dispose());
  trainer.dispose();
  net.dispose();
  return { losses, after };
}

const native = await getNnBackend({ backend: "tensorflow", log: false }).catch(
  (error: Error) => error,
);

describe("U-Net training smoke test (3 Adam steps, masked loss)", () => {
  it.skipIf(native instanceof Error)(
    "3D U-Net (8/16/32 -> 64 filters) on a 32^3 crop, native TensorFlow",
    async () => {
      const { tf } = await getNnBackend({ backend: "tensorflow", log: false });
      const { losses, after } = train(tf, 3, 32, {});
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[2]).toBeLessThan(losses[0]);
      expect(after).toBeLessThan(losses[0]);
    },
  );

  if (native instanceof Error)
    console.log(
      `skipped the 3D training smoke test: the native TensorFlow backend is unavailable (${native.message}); run npm run setup`,
    );

  for (const name of ["wasm", "cpu"] as const) {
    it(`tiny 2D U-Net (depth 2, 4 filters) on a 32^2 crop, ${name} backend`, async () => {
      const { tf } = await getNnBackend({ backend: name, log: false });
      const { losses, after } = train(tf, 2, 32, {
        depth: 2,
        baseFilters: 4,
        upsampling: "transposed",
      });
      expect(losses[2]).toBeLessThan(losses[0]);
      expect(after).toBeLessThan(losses[0]);
    });
  }
});
