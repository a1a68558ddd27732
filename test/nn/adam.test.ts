import { describe, expect, it } from "vitest";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import {
  createFlatAdam,
  createTrainer,
  createUNet,
  getNnBackend,
  maskedCrossEntropyFromLogits,
  type NnBackendName,
  type Tf,
} from "../../kernel-lib/src/nn/index.js";

async function backendOrReason(name: NnBackendName) {
  try {
    return await getNnBackend({ backend: name, log: false });
  } catch (error) {
    return (error as Error).message;
  }
}

/** Largest |a - b| relative to the largest |b| (plus an absolute floor). */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number) {
  expect(a.length).toBe(b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++)
    expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(rel * scale + 1e-9);
}

for (const name of ["cpu", "tensorflow"] as const) {
  describe(`createFlatAdam (${name} backend)`, () => {
    it("matches tf.train.adam over 6 steps on variables of several shapes", async () => {
      const backend = await backendOrReason(name);
      if (typeof backend === "string")
        return console.log(`skipped: the ${name} backend is unavailable (${backend})`);
      const tf: Tf = backend.tf;
      const shapes = [[3, 3, 3, 2, 4], [4], [1, 1, 1, 4, 3], [3], [7, 5]];
      const init = shapes.map((s, i) => tf.randomNormal(s, 0, 1, "float32", 20 + i));
      const a = init.map((t) => tf.variable(t.clone()));
      const b = init.map((t) => tf.variable(t.clone()));
      const options = { learningRate: 0.01, beta1: 0.8, beta2: 0.99 };
      const ref = tf.train.adam(options.learningRate, options.beta1, options.beta2);
      const flat = createFlatAdam(tf, b, options);
      for (let step = 0; step < 6; step++) {
        // gradients of very different sizes per variable (Adam's per-element scaling matters)
        const grads = shapes.map((s, i) =>
          tf.mul(tf.randomNormal(s, 0, 1, "float32", 100 * step + i), 10 ** (i - 2)),
        );
        const named: Record<string, Tensor> = {};
        a.forEach((v, i) => (named[v.name] = grads[i]!));
        ref.applyGradients(named as Parameters<typeof ref.applyGradients>[0]);
        flat.apply(grads);
        grads.forEach((g) => g.dispose());
      }
      expect(flat.iterations).toBe(6);
      a.forEach((v, i) => {
        // the variables moved (6 steps of about lr each), and both optimizers agree
        const moved = tf.max(tf.abs(tf.sub(v, init[i]!))).dataSync()[0]!;
        expect(moved).toBeGreaterThan(0.02);
        expectClose(b[i]!.dataSync(), v.dataSync(), 2e-6);
      });
      const before = tf.memory().numTensors;
      flat.dispose();
      expect(tf.memory().numTensors).toBe(before - 4);
      ref.dispose();
      [...a, ...b, ...init].forEach((t) => t.dispose());
    });
  });
}

describe("createFlatAdam input checks", () => {
  it("refuses a wrong number or shape of gradients and bad options", async () => {
    const { tf } = await getNnBackend({ backend: "cpu", log: false });
    const v: Variable = tf.variable(tf.zeros([2, 3]));
    const opt = createFlatAdam(tf, [v]);
    expect(() => opt.apply([])).toThrow(/`grads` must be 1 tensors, received "?0"?/);
    expect(() => opt.apply([tf.zeros([3, 2])])).toThrow(
      /`grads\[0\]` must be shape \[2, 3\], received "?shape \[3, 2\]"?/,
    );
    expect(() => createFlatAdam(tf, [v], { beta1: 1 })).toThrow(/`options.beta1`/);
    opt.dispose();
    v.dispose();
  });
});

describe("createTrainer (flat Adam)", () => {
  it("gives the losses and weights of tf.train.adam's minimize on a small 3D U-Net", async () => {
    const backend = await backendOrReason("tensorflow");
    const tf: Tf =
      typeof backend === "string" ? (await getNnBackend({ backend: "cpu" })).tf : backend.tf;
    const options = { dims: 3, depth: 1, baseFilters: 2, seed: 5 } as const;
    const x = tf.randomNormal([1, 8, 8, 8, 1], 0, 1, "float32", 1);
    const y = tf.oneHot(tf.randomUniform([1, 8, 8, 8], 0, 3, "int32", 2), 3);
    const m = tf.ones([1, 8, 8, 8]);
    const netA = createUNet(tf, options);
    const netB = createUNet(tf, options);
    const ref = tf.train.adam(1e-2);
    const trainer = createTrainer(tf, netB, { learningRate: 1e-2 });
    const lossesA: number[] = [];
    const lossesB: number[] = [];
    for (let i = 0; i < 4; i++) {
      const cost = ref.minimize(
        () => maskedCrossEntropyFromLogits(tf, y, netA.apply(x), m) as never,
        true,
        netA.variables,
      )!;
      lossesA.push(cost.dataSync()[0]!);
      cost.dispose();
      lossesB.push(trainer.step(x, y, m));
    }
    expectClose(lossesB, lossesA, 1e-5);
    expect(lossesA[3]).toBeLessThan(lossesA[0]!);
    netA.variables.forEach((v, i) =>
      expectClose(netB.variables[i]!.dataSync(), v.dataSync(), 1e-4),
    );
    trainer.dispose();
    ref.dispose();
    netA.dispose();
    netB.dispose();
  });
});
