import { describe, expect, it } from "vitest";
import type { Tensor } from "@tensorflow/tfjs-core";
import {
  getNnBackend,
  maskedCrossEntropy,
  maskedCrossEntropyFromLogits,
  maskedSoftmaxCrossEntropy,
  maskedTargets,
} from "../../kernel-lib/src/nn/index.js";

// The plain JavaScript backend: exact enough and always present.
const { tf } = await getNnBackend({ backend: "cpu", log: false });

const scalar = (t: { dataSync(): ArrayLike<number> }) => t.dataSync()[0];

describe("maskedCrossEntropy (Paper 2, Eq. 6)", () => {
  // Three voxels, three classes; voxel 1 is unlabelled (mask 0) and has a terrible prediction
  // that must not count.
  const probs = [0.5, 0.25, 0.25, 0.01, 0.01, 0.98, 0.1, 0.1, 0.8];
  const onehot = [1, 0, 0, 1, 0, 0, 0, 0, 1];
  const mask = [1, 0, 1];
  // By hand: -(1/2) * (log 0.5 + log 0.8) = (0.693147 + 0.223144) / 2
  const expected = -(Math.log(0.5) + Math.log(0.8)) / 2;

  it("averages -sum_k Y_k log Yhat_k over the labelled voxels only", () => {
    const loss = maskedCrossEntropy(
      tf,
      tf.tensor(onehot, [1, 3, 3]),
      tf.tensor(probs, [1, 3, 3]),
      tf.tensor(mask, [1, 3]),
    );
    expect(expected).toBeCloseTo(0.458145, 5);
    expect(scalar(loss)).toBeCloseTo(expected, 6);
    // a mask with a trailing channel axis gives the same
    const loss1 = maskedCrossEntropy(
      tf,
      tf.tensor(onehot, [1, 3, 3]),
      tf.tensor(probs, [1, 3, 3]),
      tf.tensor(mask, [1, 3, 1]),
    );
    expect(scalar(loss1)).toBeCloseTo(expected, 6);
  });

  it("from logits equals the loss on their softmax (logits = log p + any per-voxel shift)", () => {
    const shift = [3, -2, 7];
    const logits = probs.map((p, i) => Math.log(p) + shift[Math.floor(i / 3)]);
    const loss = maskedCrossEntropyFromLogits(
      tf,
      tf.tensor(onehot, [3, 3]),
      tf.tensor(logits, [3, 3]),
      tf.tensor(mask, [3]),
    );
    expect(scalar(loss)).toBeCloseTo(expected, 5);
  });

  it("is 0 when nothing is labelled, and counts an unlabelled voxel once it is labelled", () => {
    const t = tf.tensor(onehot, [3, 3]);
    const p = tf.tensor(probs, [3, 3]);
    expect(scalar(maskedCrossEntropy(tf, t, p, tf.zeros([3])))).toBe(0);
    const all = -(Math.log(0.5) + Math.log(0.01) + Math.log(0.8)) / 3;
    expect(scalar(maskedCrossEntropy(tf, t, p, tf.ones([3])))).toBeCloseTo(all, 5);
  });

  it("clips probability 0 instead of returning infinity", () => {
    const loss = maskedCrossEntropy(
      tf,
      tf.tensor([1, 0], [1, 2]),
      tf.tensor([0, 1], [1, 2]),
      tf.ones([1]),
    );
    expect(scalar(loss)).toBeCloseTo(-Math.log(1e-7), 3);
  });

  it("refuses shapes that do not match, naming expected and received", () => {
    const t = tf.zeros([2, 4, 3]);
    expect(() => maskedCrossEntropy(tf, t, tf.zeros([2, 4, 2]), tf.ones([2, 4]))).toThrow(
      /`target` must be of the prediction's shape \[2, 4, 2\], received .*\[2, 4, 3\]/,
    );
    expect(() => maskedCrossEntropy(tf, t, t, tf.ones([2, 3]))).toThrow(
      /`mask` must be of shape \[2, 4\] or \[2, 4, 1\].*received .*\[2, 3\]/,
    );
  });
});

describe("maskedTargets", () => {
  it("one-hot rows where labelled, zero rows and mask 0 where unlabelled", () => {
    const { target, mask, labelled } = maskedTargets(tf, [0, -1, 2, 1], [1, 4], 3);
    expect(target.shape).toEqual([1, 4, 3]);
    expect(Array.from(target.dataSync())).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0]);
    expect(Array.from(mask.dataSync())).toEqual([1, 0, 1, 1]);
    expect(labelled).toBe(3);
  });

  it("refuses labels outside the classes and a length that does not fit the shape", () => {
    expect(() => maskedTargets(tf, [0, 3], [2], 3)).toThrow(
      /`labels\[1\]` must be an integer in 0..2 or -1 \(unlabelled\), received 3/,
    );
    expect(() => maskedTargets(tf, [0, 1, 2], [2, 2], 3)).toThrow(
      /`labels` must be of length 4 .*received .*length 3/,
    );
  });
});

describe("maskedSoftmaxCrossEntropy (fused TensorFlow op on the tensorflow backend)", () => {
  // logits [1, 4, 5, 3]: one-hot targets, a mask with unlabelled voxels (as maskedTargets gives)
  const logits = Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.7) * 4);
  const labels = Array.from({ length: 20 }, (_, i) => (i % 7 === 3 ? -1 : (i * 5) % 3));
  // By hand from the definition: -(1/sum M) sum_labelled log softmax(z)_label, and its gradient
  // M (softmax(z) - Y) / sum M.
  let total = 0;
  let count = 0;
  const grad = new Array<number>(60).fill(0);
  const labelled = labels.filter((l) => l >= 0).length;
  labels.forEach((l, v) => {
    if (l < 0) return;
    const z = logits.slice(3 * v, 3 * v + 3);
    const top = Math.max(...z);
    const sum = z.reduce((a, b) => a + Math.exp(b - top), 0);
    total -= z[l]! - top - Math.log(sum);
    count++;
    z.forEach(
      (zk, k) => (grad[3 * v + k] = (Math.exp(zk - top) / sum - (k === l ? 1 : 0)) / labelled),
    );
  });
  const expected = total / count;

  for (const name of ["tensorflow", "cpu"] as const) {
    it(`${name}: the value and gradient by hand, and the tfjs ops' (maskedCrossEntropyFromLogits)`, async () => {
      let backend;
      try {
        backend = await getNnBackend({ backend: name, log: false });
      } catch (error) {
        return console.log(
          `skipped: the ${name} backend is unavailable (${(error as Error).message})`,
        );
      }
      const t = backend.tf;
      try {
        const { target, mask } = maskedTargets(t, labels, [1, 4, 5], 3);
        const z = t.tensor(logits, [1, 4, 5, 3]);
        const fused = (x: Tensor) => maskedSoftmaxCrossEntropy(t, target, x, mask);
        const plain = (x: Tensor) => maskedCrossEntropyFromLogits(t, target, x, mask);
        expect(fused(z).dataSync()[0]).toBeCloseTo(expected, 5);
        expect(fused(z).dataSync()[0]).toBeCloseTo(plain(z).dataSync()[0]!, 6);
        const g = t.grad(fused)(z).dataSync();
        const gPlain = t.grad(plain)(z).dataSync();
        grad.forEach((v, i) => {
          expect(g[i]).toBeCloseTo(v, 6);
          expect(g[i]).toBeCloseTo(gPlain[i]!, 6);
        });
        // a mask of shape [..., 1], and an empty mask: loss 0, gradient 0
        const m1 = t.reshape(mask, [1, 4, 5, 1]);
        expect(maskedSoftmaxCrossEntropy(t, target, z, m1).dataSync()[0]).toBeCloseTo(expected, 5);
        const empty = t.zeros([1, 4, 5]);
        const zero = (x: Tensor) => maskedSoftmaxCrossEntropy(t, target, x, empty);
        expect(zero(z).dataSync()[0]).toBe(0);
        expect(Array.from(t.grad(zero)(z).dataSync()).every((v) => v === 0)).toBe(true);
        expect(() => maskedSoftmaxCrossEntropy(t, target, z, t.zeros([1, 4, 4]))).toThrow(/`mask`/);
      } finally {
        await getNnBackend({ backend: "cpu", log: false });
      }
    });
  }
});
