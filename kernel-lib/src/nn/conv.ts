/**
 * 3D convolutions that are correct on every backend.
 *
 * tfjs-backend-wasm 4.22's Conv3DBackpropInputV2 kernel gives wrong values (zeros for
 * stride 2; wrong numbers for stride 1, checked against the cpu and tensorflow backends),
 * and its Conv3DBackpropFilterV2 is wrong for stride 2. The first is tf.conv3dTranspose's
 * forward pass and tf.conv3d's input gradient, the second conv3d's filter gradient. On wasm
 * these wrappers compute both from the forward Conv3D kernel, which is right there: stride-1
 * valid correlations of zero-dilated, padded tensors (see conv3dBackpropInput and
 * conv3dBackpropFilter). Elsewhere they call tf.conv3d / tf.conv3dTranspose directly.
 */
import type { Tensor } from "@tensorflow/tfjs-core";
import type { Tf } from "./backend.js";
import { ensureConvTransposeGradients } from "./gradients.js";

type Pad = "same" | "valid";
type Triple = [number, number, number];

const triple = (s: number | Triple): Triple => (typeof s === "number" ? [s, s, s] : s);

/** Backends whose Conv3DBackpropInputV2 kernel is replaced by {@link conv3dBackpropInput}. */
export const CONV3D_REBUILT_ON = new Set(["wasm"]);

/** Puts `stride - 1` zeros between neighbours along `axis` (length n -> (n - 1) * stride + 1). */
function dilate(tf: Tf, t: Tensor, axis: number, stride: number): Tensor {
  if (stride === 1) return t;
  const shape = t.shape.slice();
  const n = shape[axis];
  const expanded = [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)];
  const widths: [number, number][] = expanded.map(() => [0, 0]);
  widths[axis + 1] = [0, stride - 1];
  shape[axis] = n * stride;
  const spread = tf.reshape(tf.pad(tf.reshape(t, expanded), widths), shape);
  const keep = shape.slice();
  keep[axis] = (n - 1) * stride + 1;
  return tf.slice(
    spread,
    shape.map(() => 0),
    keep,
  );
}

/** Front and back padding of tfjs/TensorFlow's forward conv along one axis ("same": the smaller half in front). */
function forwardPadding(
  size: number,
  out: number,
  k: number,
  stride: number,
  pad: Pad,
): [number, number] {
  const total = pad === "same" ? Math.max((out - 1) * stride + k - size, 0) : 0;
  const front = Math.floor(total / 2);
  return [front, total - front];
}

/**
 * The adjoint of x -> conv3d(x, filter, strides, pad) applied to `dy` (what tfjs calls
 * conv3DBackpropInput), from forward ops only.
 * @param xShape - The shape of conv3d's input [b, d, h, w, cin] (the result's shape).
 * @param dy - [b, od, oh, ow, cout].
 * @param filter - [kd, kh, kw, cin, cout].
 */
export function conv3dBackpropInput(
  tf: Tf,
  xShape: number[],
  dy: Tensor,
  filter: Tensor,
  strides: number | Triple,
  pad: Pad,
): Tensor {
  const s = triple(strides);
  return tf.tidy(() => {
    let y = dy;
    const padding: [number, number][] = [[0, 0]];
    for (let a = 0; a < 3; a++) {
      const axis = a + 1;
      const k = filter.shape[a];
      const size = xShape[axis];
      const out = dy.shape[axis];
      const [front] = forwardPadding(size, out, k, s[a], pad);
      y = dilate(tf, y, axis, s[a]);
      const dilated = (out - 1) * s[a] + 1;
      const before = k - 1 - front;
      const after = size + k - 1 - before - dilated;
      padding.push([before, after]);
    }
    padding.push([0, 0]);
    // negative widths (a "valid" forward pass that ignored trailing inputs cannot cause these,
    // but a tiny input with a large kernel could) become slices
    const positive = padding.map(([b, a]) => [Math.max(b, 0), Math.max(a, 0)] as [number, number]);
    y = tf.pad(y, positive);
    if (padding.some(([b, a]) => b < 0 || a < 0)) {
      const begin = padding.map(([b]) => Math.max(-b, 0));
      const size = y.shape.map((n, i) => n - begin[i] - Math.max(-padding[i][1], 0));
      y = tf.slice(y, begin, size);
    }
    const flipped = tf.transpose(tf.reverse(filter, [0, 1, 2]), [0, 1, 2, 4, 3]);
    return tf.conv3d(y as never, flipped as never, 1, "valid");
  });
}

/**
 * The filter gradient of conv3d (Conv3DBackpropFilterV2, also wrong on wasm for stride > 1):
 * dW[j, ci, co] = sum_{b, o} xpad[b, o * s + j, ci] dy[b, o, co], a stride-1 valid correlation
 * of the padded input (batch and channel axes swapped) with the stride-dilated dy.
 */
export function conv3dBackpropFilter(
  tf: Tf,
  x: Tensor,
  dy: Tensor,
  filterShape: number[],
  strides: number | Triple,
  pad: Pad,
): Tensor {
  const s = triple(strides);
  return tf.tidy(() => {
    let d = dy;
    const widths: [number, number][] = [[0, 0]];
    for (let a = 0; a < 3; a++) {
      d = dilate(tf, d, a + 1, s[a]);
      widths.push(forwardPadding(x.shape[a + 1], dy.shape[a + 1], filterShape[a], s[a], pad));
    }
    widths.push([0, 0]);
    // input [cin, D, H, W, b], filter [od', oh', ow', b, cout] -> [cin, >=kd, >=kh, >=kw, cout]
    const input = tf.transpose(tf.pad(x, widths), [4, 1, 2, 3, 0]);
    const filter = tf.transpose(d, [1, 2, 3, 0, 4]);
    const full: Tensor = tf.conv3d(input as never, filter as never, 1, "valid");
    const [kd, kh, kw] = filterShape;
    const cut = tf.slice(full, [0, 0, 0, 0, 0], [-1, kd, kh, kw, -1]);
    return tf.transpose(cut, [1, 2, 3, 0, 4]);
  });
}

/** The filter gradient on a rebuilt backend: its own kernel where right (stride 1, and much faster), else rebuilt. */
function filterGradient(
  tf: Tf,
  x: Tensor,
  dy: Tensor,
  filterShape: number[],
  strides: number | Triple,
  pad: Pad,
): Tensor {
  if (triple(strides).every((s) => s === 1))
    return tf
      .engine()
      .runKernel("Conv3DBackpropFilterV2", { x, dy }, { strides, pad, filterShape }) as Tensor;
  return conv3dBackpropFilter(tf, x, dy, filterShape, strides, pad);
}

/** tf.conv3d (channels-last, dilation 1), with a correct input gradient on every backend. */
export function nnConv3d(
  tf: Tf,
  x: Tensor,
  filter: Tensor,
  strides: number | Triple,
  pad: Pad,
): Tensor {
  if (!CONV3D_REBUILT_ON.has(tf.getBackend()))
    return tf.conv3d(x as never, filter as never, strides, pad);
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, fi, save] = args as [Tensor, Tensor, (t: Tensor[]) => void];
    save([xi, fi]);
    return {
      value: tf.conv3d(xi as never, fi as never, strides, pad),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const g = dy as Tensor;
        const [xi, fi] = saved;
        return [
          conv3dBackpropInput(tf, xi.shape, g, fi, strides, pad),
          filterGradient(tf, xi, g, fi.shape, strides, pad),
        ];
      },
    };
  });
  return op(x, filter);
}

/** tf.conv3dTranspose (filter [k.., out, in]), correct and differentiable on every backend. */
export function nnConv3dTranspose(
  tf: Tf,
  x: Tensor,
  filter: Tensor,
  outputShape: number[],
  strides: number | Triple,
  pad: Pad,
): Tensor {
  if (!CONV3D_REBUILT_ON.has(tf.getBackend())) {
    ensureConvTransposeGradients(tf);
    return tf.conv3dTranspose(x as never, filter as never, outputShape as never, strides, pad);
  }
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, fi, save] = args as [Tensor, Tensor, (t: Tensor[]) => void];
    save([xi, fi]);
    return {
      value: conv3dBackpropInput(tf, outputShape, xi, fi, strides, pad),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const g = dy as Tensor;
        const [xi, fi] = saved;
        return [
          tf.conv3d(g as never, fi as never, strides, pad),
          filterGradient(tf, g, xi, fi.shape, strides, pad),
        ];
      },
    };
  });
  return op(x, filter);
}
