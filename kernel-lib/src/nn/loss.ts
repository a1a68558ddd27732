/**
 * Masked categorical cross-entropy (Furat et al., Paper 2, Eq. 6): the loss is
 * taken only where a voxel is labelled,
 *   loss = -(1 / sum_x M(x)) * sum_x M(x) sum_k Y_k(x) log Yhat_k(x),
 * with M the label mask, Y the one-hot labels and Yhat the softmax output.
 */
import type { Tensor } from "@tensorflow/tfjs-core";
import type { Tf } from "./backend.js";
import { float32Attr, nativeBackend } from "./fastOps.js";
import { checkInteger, checkPositiveInt, expectedError } from "../util/checks.js";

/** Probabilities are clipped to [EPSILON, 1] before the log (a 0 would give -inf). */
export const CROSS_ENTROPY_EPSILON = 1e-7;

function checkShapes(target: Tensor, prediction: Tensor, mask: Tensor): void {
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(target.shape, prediction.shape))
    throw expectedError(
      "target",
      `of the prediction's shape [${prediction.shape.join(", ")}]`,
      `shape [${target.shape.join(", ")}]`,
    );
  const spatial = prediction.shape.slice(0, -1);
  const m = mask.shape;
  const ok = same(m, spatial) || (same(m.slice(0, -1), spatial) && m[m.length - 1] === 1);
  if (!ok)
    throw expectedError(
      "mask",
      `of shape [${spatial.join(", ")}] or [${[...spatial, 1].join(", ")}] (the prediction without its class axis)`,
      `shape [${m.join(", ")}]`,
    );
}

function reduceMasked(tf: Tf, perVoxel: Tensor, mask: Tensor): Tensor {
  const m = tf.cast(tf.reshape(mask, perVoxel.shape), "float32");
  // -(sum M * sum_k Y log Yhat) / sum M; 0 when nothing is labelled (0 / tiny; not divNoNan,
  // whose Equal op has no gradient).
  return tf.div(tf.sum(tf.mul(m, tf.neg(perVoxel))), tf.maximum(tf.sum(m), 1e-30));
}

/**
 * Eq. 6 on probabilities.
 * @param target - One-hot labels Y, shape [..., K] (rows of unlabelled voxels may hold anything).
 * @param prediction - Softmax output Yhat, same shape.
 * @param mask - M: 1 where labelled, 0 elsewhere; shape [...] or [..., 1].
 * @returns a scalar tensor (0 when the mask is empty).
 */
export function maskedCrossEntropy(
  tf: Tf,
  target: Tensor,
  prediction: Tensor,
  mask: Tensor,
): Tensor {
  checkShapes(target, prediction, mask);
  return tf.tidy(() => {
    const logP = tf.log(tf.clipByValue(prediction, CROSS_ENTROPY_EPSILON, 1));
    return reduceMasked(tf, tf.sum(tf.mul(target, logP), -1), mask);
  });
}

/**
 * Eq. 6 on logits (the softmax is applied inside, as log-softmax: stable for large logits).
 * Same arguments as {@link maskedCrossEntropy}, with `logits` in place of the probabilities.
 */
export function maskedCrossEntropyFromLogits(
  tf: Tf,
  target: Tensor,
  logits: Tensor,
  mask: Tensor,
): Tensor {
  checkShapes(target, logits, mask);
  return tf.tidy(() =>
    reduceMasked(tf, tf.sum(tf.mul(target, tf.logSoftmax(logits, -1)), -1), mask),
  );
}

/**
 * {@link maskedCrossEntropyFromLogits} for targets whose labelled rows are distributions (sum 1:
 * one-hot, as {@link maskedTargets} gives, or probabilities), as used by createTrainer. Same
 * value; on the tensorflow backend the per-voxel loss and its gradient softmax(z) - Y come from
 * one TensorFlow op (SoftmaxCrossEntropyWithLogits), about half the work of the tfjs ops'
 * gradient. The gradient is dL/dz = M (softmax(z) - Y) / sum M, right only where the labelled
 * rows of Y sum to 1 (the general gradient is M (softmax(z) sum_k Y_k - Y) / sum M); other
 * backends run {@link maskedCrossEntropyFromLogits}.
 */
export function maskedSoftmaxCrossEntropy(
  tf: Tf,
  target: Tensor,
  logits: Tensor,
  mask: Tensor,
): Tensor {
  const native = nativeBackend(tf);
  if (!native || logits.dtype !== "float32")
    return maskedCrossEntropyFromLogits(tf, target, logits, mask);
  checkShapes(target, logits, mask);
  const classes = logits.shape[logits.rank - 1]!;
  const type = float32Attr(native);
  const op = tf.customGrad((...args: unknown[]) => {
    const [z, save] = args as [Tensor, (t: Tensor[]) => void];
    const rows = tf.reshape(z, [-1, classes]);
    const labels = tf.reshape(tf.cast(target, "float32"), [-1, classes]);
    const [perVoxel, backprop] = native.executeMultipleOutputs(
      "SoftmaxCrossEntropyWithLogits",
      [type],
      [rows, labels],
      2,
    ) as [Tensor, Tensor];
    const m = tf.reshape(tf.cast(mask, "float32"), [-1]);
    const denom = tf.maximum(tf.sum(m), 1e-30);
    save([backprop, m, denom]);
    return {
      value: tf.div(tf.sum(tf.mul(m, perVoxel)), denom),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const [b, mm, d] = saved as [Tensor, Tensor, Tensor];
        const weight = tf.reshape(tf.div(tf.mul(mm, dy as Tensor), d), [-1, 1]);
        return [tf.reshape(tf.mul(b, weight), z.shape)];
      },
    };
  });
  return op(logits);
}

/** One-hot targets and the label mask for Eq. 6, made from an integer label array. */
export interface MaskedTargets {
  /** One-hot Y, shape [...shape, classes] (all zero where unlabelled). */
  target: Tensor;
  /** M, shape [...shape]: 1 where labelled. */
  mask: Tensor;
  /** Number of labelled voxels (sum of M). */
  labelled: number;
}

/**
 * Targets from labels: class `k` in 0..classes-1 where labelled, `unlabelled` elsewhere.
 * @param labels - One label per voxel (row-major in `shape`).
 * @param shape - The tensor shape of the labels, e.g. [1, z, y, x] for a batch of one.
 * @param unlabelled - The value marking voxels without a label. @default -1
 */
export function maskedTargets(
  tf: Tf,
  labels: ArrayLike<number>,
  shape: readonly number[],
  classes: number,
  unlabelled = -1,
): MaskedTargets {
  checkPositiveInt(classes, "classes");
  checkInteger(unlabelled, "unlabelled");
  const size = shape.reduce((a, b) => a * b, 1);
  if (labels.length !== size)
    throw expectedError(
      "labels",
      `of length ${size} (the product of shape [${shape.join(", ")}])`,
      `length ${labels.length}`,
    );
  const ids = new Int32Array(size);
  const mask = new Float32Array(size);
  let labelled = 0;
  for (let i = 0; i < size; i++) {
    const v = labels[i];
    if (v === unlabelled) {
      ids[i] = -1; // tf.oneHot gives an all-zero row for -1
      continue;
    }
    if (!Number.isInteger(v) || v < 0 || v >= classes)
      throw expectedError(
        `labels[${i}]`,
        `an integer in 0..${classes - 1} or ${unlabelled} (unlabelled)`,
        v,
      );
    ids[i] = v;
    mask[i] = 1;
    labelled++;
  }
  return tf.tidy(() => ({
    target: tf.cast(tf.oneHot(tf.tensor(ids, [...shape], "int32"), classes), "float32"),
    mask: tf.tensor(mask, [...shape], "float32"),
    labelled,
  }));
}
