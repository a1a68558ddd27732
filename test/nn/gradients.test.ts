import { describe, expect, it } from "vitest";
import type { Tensor } from "@tensorflow/tfjs-core";
import {
  CONV3D_TRANSPOSE_KERNEL,
  ensureConvTransposeGradients,
  getNnBackend,
  type NnBackendName,
  type Tf,
} from "../../kernel-lib/src/nn/index.js";

/**
 * Checks the registered gradient of tf.conv3dTranspose against central finite differences
 * of f(x, W) = sum(R * conv3dTranspose(x, W)). f is linear in x and in W, so the
 * differences are exact up to float32 rounding (a step of 0.5 keeps that small).
 */
function checkGradient(tf: Tf, pad: "same" | "valid", stride: number) {
  let seed = 11;
  const rand = (shape: number[]) => tf.randomUniform(shape, -1, 1, "float32", seed++);
  const x = rand([1, 2, 3, 2, 2]);
  const w = rand([2, 2, 2, 3, 2]); // [k, k, k, out, in]
  const outSpatial = [2, 3, 2].map((s) => (pad === "same" ? s * stride : (s - 1) * stride + 2));
  const outShape = [1, ...outSpatial, 3] as [number, number, number, number, number];
  const r = rand(outShape);
  const f = (xx: Tensor, ww: Tensor) =>
    tf.sum(tf.mul(r, tf.conv3dTranspose(xx as never, ww as never, outShape, stride, pad)));
  const [gx, gw] = tf.grads((a: Tensor, b: Tensor) => f(a, b))([x, w]);
  const eps = 0.5;
  const numeric = (which: 0 | 1): number[] => {
    const base = which === 0 ? x : w;
    const values = base.dataSync();
    const out: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const plus = Float32Array.from(values);
      const minus = Float32Array.from(values);
      plus[i] += eps;
      minus[i] -= eps;
      const at = (v: Float32Array) => {
        const t = tf.tensor(v, base.shape);
        const y = which === 0 ? f(t, w) : f(x, t);
        return y.dataSync()[0];
      };
      out.push((at(plus) - at(minus)) / (2 * eps));
    }
    return out;
  };
  const close = (got: ArrayLike<number>, want: number[]) => {
    expect(got.length).toBe(want.length);
    const scale = Math.max(...want.map(Math.abs));
    for (let i = 0; i < want.length; i++)
      expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4 * scale + 1e-5);
  };
  close(gx.dataSync(), numeric(0));
  close(gw.dataSync(), numeric(1));
}

async function backendOrReason(name: NnBackendName) {
  try {
    return await getNnBackend({ backend: name, log: false });
  } catch (error) {
    return (error as Error).message;
  }
}

describe("conv3dTranspose gradient", () => {
  it("is registered once (idempotent) under tfjs-core's kernel name", async () => {
    const { tf } = await getNnBackend({ backend: "cpu", log: false });
    ensureConvTransposeGradients(tf);
    const first = tf.getGradient(CONV3D_TRANSPOSE_KERNEL);
    expect(first).toBeDefined();
    ensureConvTransposeGradients(tf);
    expect(tf.getGradient(CONV3D_TRANSPOSE_KERNEL)).toBe(first);
  });

  for (const name of ["cpu", "tensorflow"] as const) {
    for (const [pad, stride] of [
      ["same", 2],
      ["valid", 2],
      ["same", 1],
    ] as const) {
      it(`matches finite differences on ${name} (pad ${pad}, stride ${stride})`, async (ctx) => {
        const backend = await backendOrReason(name);
        if (typeof backend === "string") {
          console.log(`skipped: the ${name} backend is unavailable (${backend})`);
          ctx.skip();
          return;
        }
        ensureConvTransposeGradients(backend.tf);
        checkGradient(backend.tf, pad, stride);
      });
    }
  }
});
