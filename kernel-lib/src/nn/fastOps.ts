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
 *  - convolution + bias (+ ReLU): three tape entries and tfjs' add gradient (a reshape and sum
 *    per use); {@link nnConv3dBiasRelu} is one kernel (Conv3D, BiasAdd, Relu) with one gradient
 *    entry whose input gradient is computed only when needed.
 *  - nearest x2 upsampling: stack + reshape records Pack/Unpack per axis; {@link nnUpsample2}
 *    is one Tile forward and three sums backward.
 *  - the decoder's lift, a 3x3x3 convolution of the upsampled tensor: {@link nnUpsampleConv3dRelu}
 *    convolves the low-resolution tensor with eight 2x2x2 parity kernels instead (same values,
 *    about 3x fewer multiply-adds).
 */
import type { Tensor } from "@tensorflow/tfjs-core";
import type { Tf } from "./backend.js";
import { expectedError } from "../util/checks.js";
import { nnConv3d } from "./conv.js";

type Pad = "same" | "valid";

/** The part of tfjs-node's NodeJSKernelBackend used here (it executes one TensorFlow eager op). */
interface NativeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_INT: number; TF_ATTR_STRING: number; TF_FLOAT: number };
  executeSingleInput(name: string, input: Tensor): Tensor;
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

/** The attribute `T = float32` that TensorFlow's float kernels take. */
export const float32Attr = (native: NativeBackend) => ({
  name: "T",
  type: native.binding.TF_ATTR_TYPE,
  value: native.binding.TF_FLOAT,
});

/**
 * TensorFlow's ReluGrad(dy, features): dy where features > 0, else 0 (float32 only).
 * @throws when the backend is not tfjs-node's.
 */
export function nativeReluGrad(tf: Tf, dy: Tensor, features: Tensor): Tensor {
  const native = nativeBackend(tf);
  if (!native) throw expectedError("backend", '"tensorflow" (tfjs-node)', tf.getBackend());
  return native.executeSingleOutput("ReluGrad", [float32Attr(native)], [dy, features]);
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

/** Kernel name of {@link nnConv3dBiasRelu}'s fused op (registered for the tensorflow backend only). */
export const CONV3D_BIAS_RELU_KERNEL = "TomolabConv3DBiasRelu";

function ensureConv3dBiasRelu(tf: Tf): void {
  if (tf.getKernel(CONV3D_BIAS_RELU_KERNEL, "tensorflow") === undefined)
    tf.registerKernel({
      kernelName: CONV3D_BIAS_RELU_KERNEL,
      backendName: "tensorflow",
      kernelFunc: ({ inputs, backend, attrs }) => {
        const native = backend as unknown as NativeBackend;
        const { x, filter, bias } = inputs as unknown as Record<string, Tensor>;
        const b = native.binding;
        const type = float32Attr(native);
        const ones = [1, 1, 1, 1, 1];
        const format = { name: "data_format", type: b.TF_ATTR_STRING, value: "NDHWC" };
        const conv = native.executeSingleOutput(
          "Conv3D",
          [
            type,
            { name: "strides", type: b.TF_ATTR_INT, value: ones },
            {
              name: "padding",
              type: b.TF_ATTR_STRING,
              value: (attrs as { pad: Pad }).pad === "valid" ? "VALID" : "SAME",
            },
            format,
            { name: "dilations", type: b.TF_ATTR_INT, value: ones },
          ],
          [x!, filter!],
        );
        const biased = native.executeSingleOutput(
          "BiasAdd",
          [type, { ...format, value: "NHWC" }],
          [conv, bias!],
        );
        conv.dispose();
        if (!(attrs as { relu: boolean }).relu) return biased;
        const out = native.executeSingleInput("Relu", biased);
        biased.dispose();
        return out;
      },
    });
  if (tf.getGradient(CONV3D_BIAS_RELU_KERNEL) === undefined)
    tf.registerGradient({
      kernelName: CONV3D_BIAS_RELU_KERNEL,
      inputsToSave: ["x", "filter"],
      outputsToSave: [true],
      gradFunc: (dy, saved, attrs) => {
        const [x, filter, y] = saved as [Tensor, Tensor, Tensor];
        const g = (attrs as { relu: boolean }).relu
          ? nativeReluGrad(tf, dy as Tensor, y)
          : (dy as Tensor);
        const conv = { strides: 1, pad: (attrs as { pad: Pad }).pad };
        return {
          x: () =>
            tf
              .engine()
              .runKernel(
                "Conv3DBackpropInputV2",
                { dy: g, filter },
                { ...conv, inputShape: x.shape },
              ) as Tensor,
          filter: () =>
            tf
              .engine()
              .runKernel(
                "Conv3DBackpropFilterV2",
                { x, dy: g },
                { ...conv, filterShape: filter.shape },
              ) as Tensor,
          bias: () => tf.sum(g, [0, 1, 2, 3]),
        };
      },
    });
}

/**
 * relu(conv3d(x, filter, 1, pad) + bias) (pad "same" unless given), or without the ReLU: the U-Net's 3D convolution
 * (channels-last x [b, z, y, x, cin], filter [kz, ky, kx, cin, cout], bias [cout]). On the
 * tensorflow backend one registered kernel ({@link CONV3D_BIAS_RELU_KERNEL}: Conv3D, BiasAdd,
 * Relu) with one gradient (ReluGrad, then the input gradient only where needed, the filter
 * gradient and the bias sum); elsewhere nnConv3d + add (+ relu).
 */
export function nnConv3dBiasRelu(
  tf: Tf,
  x: Tensor,
  filter: Tensor,
  bias: Tensor,
  relu: boolean,
  pad: Pad = "same",
): Tensor {
  if (!nativeBackend(tf) || x.dtype !== "float32") {
    const y = tf.add(nnConv3d(tf, x, filter, 1, pad), bias);
    return relu ? tf.relu(y) : y;
  }
  if (x.rank !== 5 || filter.rank !== 5 || bias.rank !== 1)
    throw expectedError(
      "x, filter, bias",
      "ranks 5, 5 and 1",
      `ranks ${x.rank}, ${filter.rank}, ${bias.rank}`,
    );
  ensureConv3dBiasRelu(tf);
  return tf
    .engine()
    .runKernel(CONV3D_BIAS_RELU_KERNEL, { x, filter, bias }, { relu, pad }) as Tensor;
}

/**
 * The 0/1 matrix [64, 27] taking a 3x3x3 kernel to the 2x2x2 kernels of the eight output
 * parities of "3x3x3 same convolution after nearest x2 upsampling". Along one axis, output
 * 2i + a of the convolution of up(x) with taps w0, w1, w2 is
 *   a = 0: w0 x[i-1] + (w1 + w2) x[i],   a = 1: (w0 + w1) x[i] + w2 x[i+1],
 * a 2-tap kernel over (x[i+a-1], x[i+a]): taps {0} and {1, 2} for a = 0, {0, 1} and {2} for
 * a = 1. Rows are (az, ay, ax, tz, ty, tx), columns (kz, ky, kx).
 */
function parityTaps(): Float32Array {
  const taps = [
    [[0], [1, 2]],
    [[0, 1], [2]],
  ];
  const m = new Float32Array(64 * 27);
  for (let p = 0; p < 8; p++)
    for (let t = 0; t < 8; t++) {
      const a = [p >> 2, (p >> 1) & 1, p & 1];
      const tt = [t >> 2, (t >> 1) & 1, t & 1];
      for (const kz of taps[a[0]!]![tt[0]!]!)
        for (const ky of taps[a[1]!]![tt[1]!]!)
          for (const kx of taps[a[2]!]![tt[2]!]!) m[(p * 8 + t) * 27 + (kz * 3 + ky) * 3 + kx] = 1;
    }
  return m;
}

/**
 * Interleaves the eight parity outputs: c [b, n+1, n+1, n+1, 8 * f] (channel block
 * p = 4 az + 2 ay + ax) to out [b, 2n, 2n, 2n, f] with
 * out[2i + az, 2j + ay, 2k + ax] = c[i + az, j + ay, k + ax, block p]. Pure data movement, with
 * its adjoint (the inverse permutation, zero-padded back to c's shape) as the gradient.
 */
function interleaveParities(tf: Tf, c: Tensor): Tensor {
  const [b, d1, h1, w1, c8] = c.shape as [number, number, number, number, number];
  const [d, h, w, f] = [d1 - 1, h1 - 1, w1 - 1, c8 / 8];
  const parity = (p: number) => [p >> 2, (p >> 1) & 1, p & 1] as const;
  const op = tf.customGrad((...args: unknown[]) => {
    const [ci] = args as [Tensor];
    const blocks: Tensor[] = [];
    for (let p = 0; p < 8; p++)
      blocks.push(tf.slice(ci, [0, ...parity(p), p * f], [b, d, h, w, f]));
    const stacked = tf.reshape(tf.stack(blocks), [2, 2, 2, b, d, h, w, f]);
    const value = tf.reshape(tf.transpose(stacked, [3, 4, 0, 5, 1, 6, 2, 7]), [
      b,
      2 * d,
      2 * h,
      2 * w,
      f,
    ]);
    return {
      value,
      gradFunc: (dy: Tensor | Tensor[]) => {
        const g = tf.reshape(dy as Tensor, [b, d, 2, h, 2, w, 2, f]);
        const parts = tf.unstack(
          tf.reshape(tf.transpose(g, [2, 4, 6, 0, 1, 3, 5, 7]), [8, b, d, h, w, f]),
        );
        const padded = parts.map((t, p) =>
          tf.pad(t, [[0, 0], ...parity(p).map((v) => [v, 1 - v] as [number, number]), [0, 0]]),
        );
        return [tf.concat(padded, 4)];
      },
    };
  });
  return op(c);
}

/**
 * relu(conv3d(up2(x), filter, 1, "same") + bias) with up2 the nearest x2 upsampling and a 3x3x3
 * filter [3, 3, 3, cin, f]: the U-Net's "upsample" lift. On the tensorflow backend without
 * forming up2(x): each of the eight output parities is a 2x2x2 convolution of x (kernels from
 * {@link parityTaps}: sums of the filter's taps), all eight as one valid convolution of x
 * padded by 1 with 8 f output channels (about 3x fewer multiply-adds than the 3x3x3
 * convolution on the upsampled grid), then interleaved. Elsewhere the plain ops.
 */
export function nnUpsampleConv3dRelu(tf: Tf, x: Tensor, filter: Tensor, bias: Tensor): Tensor {
  if (!nativeBackend(tf) || x.dtype !== "float32" || x.rank !== 5)
    return nnConv3dBiasRelu(tf, nnUpsample2(tf, x, 3), filter, bias, true);
  const [k0, k1, k2, cin, f] = filter.shape as number[];
  if (k0 !== 3 || k1 !== 3 || k2 !== 3 || cin !== x.shape[4])
    throw expectedError(
      "filter",
      `shape [3, 3, 3, ${x.shape[4]}, f]`,
      `shape [${filter.shape.join(", ")}]`,
    );
  return tf.tidy(() => {
    const m = tf.tensor2d(parityTaps(), [64, 27]);
    // [64 = (parity, tap), cin * f] -> [tap, cin, parity, f] -> [2, 2, 2, cin, 8 f]
    const t = tf.matMul(m, tf.reshape(filter, [27, cin! * f!]));
    const k = tf.reshape(tf.transpose(tf.reshape(t, [8, 8, cin!, f!]), [1, 2, 0, 3]), [
      2,
      2,
      2,
      cin!,
      8 * f!,
    ]);
    const padded = tf.pad(x, [
      [0, 0],
      [1, 1],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    // the bias once per parity block (add: its gradient is one sum; tile's is 8 slices)
    const bias8 = tf.reshape(tf.add(tf.zeros([8, f!]), bias), [8 * f!]);
    const c = nnConv3dBiasRelu(tf, padded, k, bias8, true, "valid");
    return interleaveParities(tf, c);
  });
}
