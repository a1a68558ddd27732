/**
 * U-Net (Ronneberger et al.; 3D form of Cicek et al., as used in Paper 2) written on
 * tfjs-core ops with explicit variables, so it trains with `tf.train.adam` and runs
 * on any backend (no tfjs-layers).
 *
 * Layout channels-last: 2D input [batch, y, x, channels], 3D [batch, z, y, x, channels].
 * Per level two 3x3(x3) "same" convolutions with ReLU; 2x max-pooling down; up by
 * nearest-neighbour x2 followed by a 3x3(x3) convolution ("upsample") or by a 2x2(x2)
 * stride-2 transposed convolution ("transposed"; gradient from ./gradients.ts); skip
 * connections by concatenation; a final 1x1(x1) convolution to `classes` logits. Spatial
 * sizes must be multiples of 2^depth. 3D convolutions go through ./conv.ts (correct on wasm).
 */
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import type { Tf } from "./backend.js";
import { createRng } from "../stats/random.js";
import { nnConv3d, nnConv3dTranspose } from "./conv.js";
import {
  nnConv3dBiasRelu,
  nnMaxPool2,
  nnRelu,
  nnUpsample2,
  nnUpsampleConv3dRelu,
} from "./fastOps.js";
import {
  checkOneOf,
  checkOptions,
  checkPositiveInt,
  checkSeed,
  expectedError,
} from "../util/checks.js";

export interface UNetOptions {
  /** 2 or 3 spatial dimensions. @default 3 */
  dims?: 2 | 3;
  /** Number of pooling steps (levels below the top). @default 3 */
  depth?: number;
  /** Filters at the top level; doubled per level down (8 -> 8/16/32, 64 at the bottom for depth 3). @default 8 */
  baseFilters?: number;
  /** Input channels. @default 1 */
  inChannels?: number;
  /** Output classes (Paper 2: boundary, interior, background). @default 3 */
  classes?: number;
  /** How the decoder goes up a level. @default "upsample" */
  upsampling?: "upsample" | "transposed";
  /** Seed of the He-normal weight initialisation. @default 0 */
  seed?: number;
}

export interface UNet {
  readonly options: Required<UNetOptions>;
  /** The trainable variables (kernels and biases), in creation order. */
  readonly variables: Variable[];
  /** Number of trainable parameters. */
  readonly parameterCount: number;
  /** Logits, shape of the input with `classes` channels. */
  apply(input: Tensor): Tensor;
  /** Class probabilities (softmax over the last axis). */
  predict(input: Tensor): Tensor;
  /** Frees the variables. */
  dispose(): void;
}

interface Conv {
  kernel: Variable;
  bias: Variable;
}

const KEYS = ["dims", "depth", "baseFilters", "inChannels", "classes", "upsampling", "seed"];

/** Builds a U-Net with fresh He-normal weights (zero biases). */
export function createUNet(tf: Tf, options?: UNetOptions): UNet {
  const o = checkOptions(options, "options", KEYS);
  const opts: Required<UNetOptions> = {
    dims: checkOneOf(o.dims ?? 3, "options.dims", [2, 3] as const),
    depth: checkPositiveInt(o.depth ?? 3, "options.depth"),
    baseFilters: checkPositiveInt(o.baseFilters ?? 8, "options.baseFilters"),
    inChannels: checkPositiveInt(o.inChannels ?? 1, "options.inChannels"),
    classes: checkPositiveInt(o.classes ?? 3, "options.classes"),
    upsampling: checkOneOf(o.upsampling ?? "upsample", "options.upsampling", [
      "upsample",
      "transposed",
    ] as const),
    seed: checkSeed(o.seed ?? 0, "options.seed"),
  };
  const { dims, depth, baseFilters, inChannels, classes, upsampling } = opts;
  const variables: Variable[] = [];
  // One op seed per kernel from a seeded generator, never 0: tfjs treats seed 0 as "no seed"
  // (Math.random), which made the first kernel of a seed-0 net differ from run to run.
  const seeds = createRng(opts.seed);
  let count = 0;
  /**
   * He-normal kernel and zero bias of a convolution cin -> cout; a transposed one stores its
   * kernel as [size.., cout, cin] (tfjs' layout) and, stride = size, each output sees cin inputs.
   */
  const conv = (size: number, cin: number, cout: number, transposed = false): Conv => {
    const shape = [...Array<number>(dims).fill(size), ...(transposed ? [cout, cin] : [cin, cout])];
    const fanIn = transposed ? cin : size ** dims * cin;
    const kernel = tf.variable(
      tf.truncatedNormal(shape, 0, Math.sqrt(2 / fanIn), "float32", seeds.uint32() + 1),
    );
    const bias = tf.variable(tf.zeros([cout]));
    variables.push(kernel, bias);
    count += kernel.size + bias.size;
    return { kernel, bias };
  };
  const filters = (level: number) => baseFilters * 2 ** level;
  // Encoder levels 0..depth-1, bottom level `depth`, decoder levels depth-1..0.
  const down: [Conv, Conv][] = [];
  let cin = inChannels;
  for (let level = 0; level <= depth; level++) {
    down.push([conv(3, cin, filters(level)), conv(3, filters(level), filters(level))]);
    cin = filters(level);
  }
  const up: { lift: Conv; convs: [Conv, Conv] }[] = [];
  for (let level = depth - 1; level >= 0; level--) {
    const f = filters(level);
    const lift =
      upsampling === "transposed"
        ? conv(2, filters(level + 1), f, true)
        : conv(3, filters(level + 1), f);
    up.push({ lift, convs: [conv(3, 2 * f, f), conv(3, f, f)] });
  }
  const head = conv(1, baseFilters, classes);

  /**
   * 2D convolutions as 3D ones over a depth-1 volume where the backend has no 2D filter
   * gradient (wasm lacks Conv2DBackpropFilter): same result, trainable everywhere.
   */
  const as3d = () =>
    dims === 2 && tf.getKernel("Conv2DBackpropFilter", tf.getBackend()) === undefined;
  const lift3d = (t: Tensor) => tf.reshape(t, [t.shape[0], 1, ...t.shape.slice(1)]);
  const drop3d = (t: Tensor) => tf.reshape(t, [t.shape[0], ...t.shape.slice(2)]);
  const convolve = (x: Tensor, c: Conv): Tensor => {
    let y: Tensor;
    if (dims === 3) y = nnConv3d(tf, x, c.kernel, 1, "same");
    else if (as3d()) y = drop3d(nnConv3d(tf, lift3d(x), tf.expandDims(c.kernel, 0), 1, "same"));
    else y = tf.conv2d(x as never, c.kernel as never, 1, "same");
    return tf.add(y, c.bias);
  };
  // ReLU and pooling from ./fastOps.ts: tf.relu / tf.maxPool(3d)'s values, cheaper gradients
  // on the tensorflow backend.
  const relu = (x: Tensor) => nnRelu(tf, x);
  /** relu(convolve(x, c)); in 3D one fused kernel on the tensorflow backend (./fastOps.ts). */
  const convolveRelu = (x: Tensor, c: Conv): Tensor =>
    dims === 3 ? nnConv3dBiasRelu(tf, x, c.kernel, c.bias, true) : relu(convolve(x, c));
  const block = (x: Tensor, pair: [Conv, Conv]) => convolveRelu(convolveRelu(x, pair[0]), pair[1]);
  const pool = (x: Tensor): Tensor => nnMaxPool2(tf, x, dims);
  /** Nearest-neighbour x2 along each spatial axis (./fastOps.ts). */
  const upsample = (x: Tensor): Tensor => nnUpsample2(tf, x, dims);
  const lift = (x: Tensor, c: Conv, f: number): Tensor => {
    if (upsampling === "upsample")
      return dims === 3
        ? nnUpsampleConv3dRelu(tf, x, c.kernel, c.bias)
        : convolveRelu(upsample(x), c);
    const outShape = [x.shape[0], ...x.shape.slice(1, 1 + dims).map((s) => 2 * s), f];
    let y: Tensor;
    if (dims === 3) y = nnConv3dTranspose(tf, x, c.kernel, outShape, 2, "same");
    else if (as3d()) {
      const shape3d = [outShape[0], 1, ...outShape.slice(1)];
      const k = tf.expandDims(c.kernel, 0);
      y = drop3d(nnConv3dTranspose(tf, lift3d(x), k, shape3d, [1, 2, 2], "same"));
    } else y = tf.conv2dTranspose(x as never, c.kernel as never, outShape as never, 2, "same");
    return relu(tf.add(y, c.bias));
  };

  const checkInput = (input: Tensor) => {
    const rank = dims + 2;
    if (input.rank !== rank || input.shape[rank - 1] !== inChannels)
      throw expectedError(
        "input",
        `a rank-${rank} tensor [batch, ${dims === 3 ? "z, " : ""}y, x, ${inChannels}]`,
        `shape [${input.shape.join(", ")}]`,
      );
    const step = 2 ** depth;
    input.shape.slice(1, 1 + dims).forEach((s, i) => {
      if (s % step !== 0)
        throw expectedError(`input.shape[${i + 1}]`, `a multiple of 2^depth = ${step}`, s);
    });
  };

  const apply = (input: Tensor): Tensor => {
    checkInput(input);
    return tf.tidy(() => {
      const skips: Tensor[] = [];
      let x = input;
      for (let level = 0; level < depth; level++) {
        x = block(x, down[level]);
        skips.push(x);
        x = pool(x);
      }
      x = block(x, down[depth]);
      up.forEach((stage, i) => {
        const level = depth - 1 - i;
        x = lift(x, stage.lift, filters(level));
        x = block(tf.concat([skips[level], x], -1), stage.convs);
      });
      return dims === 3
        ? nnConv3dBiasRelu(tf, x, head.kernel, head.bias, false)
        : convolve(x, head);
    });
  };

  return {
    options: opts,
    variables,
    parameterCount: count,
    apply,
    predict: (input) => tf.tidy(() => tf.softmax(apply(input), -1)),
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}
