/**
 * The gradient of the 3D transposed convolution, which tfjs-core 4.22 lacks on every backend
 * (its kernel, Conv3DBackpropInputV2, has no registered gradient; the 2D one has).
 *
 * A transposed convolution y = T_W(x) is the adjoint of the linear map u -> conv3d(u, W)
 * (same strides and padding). For an upstream gradient g = dL/dy:
 *  - dL/dx = conv3d(g, W): the adjoint of the adjoint;
 *  - dL/dW: L is <g, T_W(x)> = <conv3d(g, W), x> locally, so dL/dW is the filter
 *    gradient of conv3d with input g and output gradient x, i.e.
 *    Conv3DBackpropFilterV2(x = g, dy = x).
 * The test compares both against central finite differences.
 */
import type { Tensor } from "@tensorflow/tfjs-core";
import type { Tf } from "./backend.js";

/** Kernel name of tf.conv3dTranspose's op (tfjs-core kernel_names). */
export const CONV3D_TRANSPOSE_KERNEL = "Conv3DBackpropInputV2";

/** Registers the gradient of tf.conv3dTranspose unless one is registered already (idempotent). */
export function ensureConvTransposeGradients(tf: Tf): void {
  if (tf.getGradient(CONV3D_TRANSPOSE_KERNEL) !== undefined) return;
  tf.registerGradient({
    kernelName: CONV3D_TRANSPOSE_KERNEL,
    inputsToSave: ["dy", "filter"],
    gradFunc: (upstream, saved, attrs) => {
      const g = upstream as Tensor;
      const [x, filter] = saved as [Tensor, Tensor];
      const { strides, pad } = attrs as unknown as {
        strides: [number, number, number] | number;
        pad: "valid" | "same";
      };
      return {
        dy: () => tf.conv3d(g as never, filter as never, strides, pad),
        filter: () =>
          tf
            .engine()
            .runKernel(
              "Conv3DBackpropFilterV2",
              { x: g, dy: x },
              { strides, pad, filterShape: filter.shape },
            ) as Tensor,
      };
    },
  });
}
