/**
 * Adam (Kingma & Ba) over all variables at once: tf.train.adam's update, computed on one flat
 * vector instead of variable by variable.
 *
 * tfjs' AdamOptimizer runs about 12 ops per variable (36 variables in the default U-Net: some 430
 * small TensorFlow calls, about 17 ms of a 0.35 s step on the tensorflow backend). Here the
 * gradients are concatenated, the moments live in two flat vectors, the step is a dozen ops on
 * that vector, and it is split back: about 3 ops per variable. Same formula and op order as
 * tfjs-core 4.22's AdamOptimizer.applyGradients:
 *   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
 *   w = w - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps),
 * with b1^t, b2^t kept as float32 scalars multiplied once per step as there, so the results agree
 * with tf.train.adam to float32 rounding (test/nn/adam.test.ts).
 */
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import type { Tf } from "./backend.js";
import { checkOptions, checkPositive, expectedError } from "../util/checks.js";

export interface FlatAdamOptions {
  /** @default 1e-3 */
  learningRate?: number;
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default the backend's epsilon (1e-7 for float32), as tf.train.adam */
  epsilon?: number;
}

export interface FlatAdam {
  /** Steps taken. */
  readonly iterations: number;
  /** One update of every variable; `grads[i]` is the gradient of `variables[i]` (same shape). */
  apply(grads: Tensor[]): void;
  /** Frees the moment estimates (not the variables). */
  dispose(): void;
}

/** A flat Adam optimizer for `variables` (moments created on the first step, zero). */
export function createFlatAdam(tf: Tf, variables: Variable[], options?: FlatAdamOptions): FlatAdam {
  const o = checkOptions(options, "options", ["learningRate", "beta1", "beta2", "epsilon"]);
  const lr = checkPositive(o.learningRate ?? 1e-3, "options.learningRate");
  const beta = (v: number | undefined, fallback: number, name: string) => {
    const b = v ?? fallback;
    if (!(b >= 0 && b < 1)) throw expectedError(name, "a number in [0, 1)", b);
    return b;
  };
  const b1 = beta(o.beta1, 0.9, "options.beta1");
  const b2 = beta(o.beta2, 0.999, "options.beta2");
  const eps = o.epsilon ?? tf.backend().epsilon();
  checkPositive(eps, "options.epsilon");
  const sizes = variables.map((v) => v.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  let state: { m: Variable; v: Variable; acc1: Variable; acc2: Variable } | undefined;
  let iterations = 0;
  return {
    get iterations() {
      return iterations;
    },
    apply(grads) {
      if (grads.length !== variables.length)
        throw expectedError("grads", `${variables.length} tensors`, `${grads.length}`);
      grads.forEach((g, i) => {
        const want = variables[i]!.shape;
        if (g.shape.length !== want.length || g.shape.some((s, j) => s !== want[j]))
          throw expectedError(
            `grads[${i}]`,
            `shape [${want.join(", ")}]`,
            `shape [${g.shape.join(", ")}]`,
          );
      });
      // (a variable outlives the tidy scope that frees its initial tensor)
      const keep = (t: () => Tensor): Variable => tf.tidy(() => tf.variable(t(), false));
      state ??= {
        m: keep(() => tf.zeros([total])),
        v: keep(() => tf.zeros([total])),
        acc1: keep(() => tf.scalar(b1)),
        acc2: keep(() => tf.scalar(b2)),
      };
      const s = state;
      tf.tidy(() => {
        // (rank-1 tensors, the biases, need no reshape: one TensorFlow call fewer each)
        const g = tf.concat(grads.map((t) => (t.rank === 1 ? t : tf.reshape(t, [-1]))));
        const m = tf.add(tf.mul(s.m, b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(g), 1 - b2));
        const mHat = tf.div(m, tf.sub(1, s.acc1));
        const vHat = tf.div(v, tf.sub(1, s.acc2));
        const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), eps)), -lr);
        s.m.assign(m);
        s.v.assign(v);
        const pieces = tf.split(step, sizes);
        variables.forEach((w, i) => {
          const piece = w.rank === 1 ? pieces[i]! : tf.reshape(pieces[i]!, w.shape);
          w.assign(tf.add(piece, w));
        });
        s.acc1.assign(tf.mul(s.acc1, b1));
        s.acc2.assign(tf.mul(s.acc2, b2));
      });
      iterations++;
    },
    dispose() {
      if (!state) return;
      Object.values(state).forEach((t) => t.dispose());
      state = undefined;
    },
  };
}
