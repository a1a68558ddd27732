/**
 * U-Net building blocks with cheaper gradients on the native `tensorflow` backend
 * (@tensorflow/tfjs-node). Same values as the plain tfjs-core ops; only the work the gradient
 * tape records differs. On other backends (wasm, cpu) they are the plain ops.
 *
 * Why (profile of one Adam step of the default 3D U-Net on a 64^3 crop, tfjs-node 4.22 on TF
 * 2.21, 2 cores):
 *  - ReLU: tfjs-core's gradient is dy * step(x), and tfjs-node's Step kernel runs four
 *    TensorFlow ops (IsNan, Greater, Fill, Select) on the full tensor; {@link nnRelu} calls
 *    TensorFlow's own ReluGrad (one op) instead.
 *  - 2x max-pooling: TensorFlow's eager MaxPool3DGrad is slow on CPU (about 80 ms of the
 *    step); {@link nnMaxPool2} pools 2x2(x2) windows as maxima over reshaped axes, whose
 *    gradient is a few element-wise ops.
 *  - nearest x2 upsampling: stack + reshape records Pack/Unpack per axis; {@link nnUpsample2}
 *    is one Tile forward and three sums backward.
 */
import type { Tensor } from "@tensorflow/tfjs-core";
import type { Tf } from "./backend.js";
import { expectedError } from "../util/checks.js";

/** The part of tfjs-node's NodeJSKernelBackend used here (it executes one TensorFlow eager op). */
interface NativeBackend {
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number };
  executeSingleOutput(
    name: string,
    attrs: { name: string; type: number; value: unknown }[],
    inputs: Tensor[],
  ): Tensor;
  executeMultipleOutputs(
    name: string,
    attrs: { name: string; type: number; value: unknown }[],
    inputs: Tensor[],
    numOutputs: number,
  ): Tensor[];
}

/** The tfjs-node backend when it is the current one and can run raw TensorFlow ops, else undefined. */
export function nativeBackend(tf: Tf): NativeBackend | undefined {
  if (tf.getBackend() !== "tensorflow") return undefined;
  const b = tf.backend() as unknown as Partial<NativeBackend>;
  return typeof b.executeSingleOutput === "function" && b.binding
    ? (b as NativeBackend)
    : undefined;
}

/**
 * TensorFlow's ReluGrad(dy, features): dy where features > 0, else 0 (float32 only).
 * @throws when the backend is not tfjs-node's.
 */
export function nativeReluGrad(tf: Tf, dy: Tensor, features: Tensor): Tensor {
  const native = nativeBackend(tf);
  if (!native) throw expectedError("backend", '"tensorflow" (tfjs-node)', tf.getBackend());
  const type = { name: "T", type: native.binding.TF_ATTR_TYPE, value: native.binding.TF_FLOAT };
  return native.executeSingleOutput("ReluGrad", [type], [dy, features]);
}

/**
 * max(x, 0) (tf.relu's values). On the tensorflow backend its gradient is TensorFlow's ReluGrad
 * of the saved output (y > 0 exactly where x > 0): one op instead of tfjs' step(x) (four ops).
 */
export function nnRelu(tf: Tf, x: Tensor): Tensor {
  if (x.dtype !== "float32" || !nativeBackend(tf)) return tf.relu(x);
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, save] = args as [Tensor, (t: Tensor[]) => void];
    const y = tf.relu(xi);
    save([y]);
    return {
      value: y,
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => [
        nativeReluGrad(tf, dy as Tensor, saved[0]!),
      ],
    };
  });
  return op(x);
}

/**
 * 2x max-pooling ("valid", stride 2) over the spatial axes of a channels-last batch
 * [b, y, x, c] or [b, z, y, x, c]: tf.maxPool / tf.maxPool3d's values. On the tensorflow
 * backend the 3D form is three maxima over the middle axis of rank-3 reshapes (z pairs, then y,
 * then x: fewer elements each time), faster than MaxPool3D forward and far cheaper backward
 * than MaxPool3DGrad (tfjs' gradient of a max is dy * (x == max)). Only in windows with several
 * equal maxima can the gradient differ from MaxPool3DGrad's (which maximum gets dy); in the
 * U-Net the pooled tensors are ReLU outputs, whose tied zeros get no gradient anyway.
 * @throws when a spatial size is odd.
 */
export function nnMaxPool2(tf: Tf, x: Tensor, dims: 2 | 3): Tensor {
  const spatial = x.shape.slice(1, 1 + dims);
  spatial.forEach((s, i) => {
    if (s % 2 !== 0) throw expectedError(`x.shape[${i + 1}]`, "an even size", s);
  });
  if (dims === 2) return tf.maxPool(x as never, 2, 2, "valid");
  if (!nativeBackend(tf)) return tf.maxPool3d(x as never, 2, 2, "valid");
  const [b, d, h, w, c] = x.shape as [number, number, number, number, number];
  return tf.tidy(() => {
    const z = tf.max(tf.reshape(x, [b * (d / 2), 2, h * w * c]), 1);
    const y = tf.max(tf.reshape(z, [(b * d * h) / 4, 2, w * c]), 1);
    const xx = tf.max(tf.reshape(y, [(b * d * h * w) / 8, 2, c]), 1);
    return tf.reshape(xx, [b, d / 2, h / 2, w / 2, c]);
  });
}

/** Nearest-neighbour x2 along each spatial axis by stacking (differentiable on every backend). */
function upsampleByStack(tf: Tf, x: Tensor, dims: 2 | 3): Tensor {
  let y = x;
  for (let axis = 1; axis <= dims; axis++) {
    const shape = y.shape.slice();
    shape[axis] *= 2;
    y = tf.reshape(tf.stack([y, y], axis + 1), shape);
  }
  return y;
}

/**
 * Nearest-neighbour x2 upsampling along each spatial axis of [b, y, x, c] or [b, z, y, x, c]
 * (every voxel becomes a 2x2(x2) block). On the tensorflow backend the 3D form is one Tile of a
 * rank-7 reshape, with the gradient (the sum over each block) as three sums over the middle
 * axis of rank-3 reshapes; elsewhere (and in 2D) stack + reshape, differentiated by tfjs.
 */
export function nnUpsample2(tf: Tf, x: Tensor, dims: 2 | 3): Tensor {
  if (dims === 2 || !nativeBackend(tf)) return upsampleByStack(tf, x, dims);
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi] = args as [Tensor];
    const [b, d, h, w, c] = xi.shape as [number, number, number, number, number];
    const tiled = tf.tile(tf.reshape(xi, [b * d, 1, h, 1, w, 1, c]), [1, 2, 1, 2, 1, 2, 1]);
    return {
      value: tf.reshape(tiled, [b, 2 * d, 2 * h, 2 * w, c]),
      gradFunc: (dy: Tensor | Tensor[]) => {
        const g = dy as Tensor;
        const z = tf.sum(tf.reshape(g, [b * d, 2, 4 * h * w * c]), 1);
        const y = tf.sum(tf.reshape(z, [b * d * h, 2, 2 * w * c]), 1);
        const xx = tf.sum(tf.reshape(y, [b * d * h * w, 2, c]), 1);
        return [tf.reshape(xx, xi.shape)];
      },
    };
  });
  return op(x);
}
