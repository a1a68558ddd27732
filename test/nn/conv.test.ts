import { describe, expect, it } from "vitest";
import type { Tensor } from "@tensorflow/tfjs-core";
import {
  nnConv3d,
  conv3dBackpropFilter,
  conv3dBackpropInput,
  nnConv3dTranspose,
  getNnBackend,
  type Tf,
} from "../../kernel-lib/src/nn/index.js";

const CASES = [
  { k: 3, s: 1, pad: "same", x: [1, 4, 5, 3, 2] },
  { k: 2, s: 2, pad: "same", x: [1, 4, 6, 4, 2] },
  { k: 3, s: 2, pad: "same", x: [1, 5, 4, 3, 2] },
  { k: 2, s: 2, pad: "valid", x: [1, 5, 4, 4, 2] },
  { k: 3, s: 1, pad: "valid", x: [1, 4, 4, 5, 2] },
] as const;

function maxDiff(tf: Tf, a: Tensor, b: Tensor) {
  expect(a.shape).toEqual(b.shape);
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
}

/** The input gradient of sum(R * conv3d(x, w)) (= conv3DBackpropInput(R)) as tfjs' cpu kernels give it. */
function reference(tf: Tf, c: (typeof CASES)[number]) {
  const x = tf.randomUniform([...c.x], -1, 1, "float32", 1);
  const w = tf.randomUniform([c.k, c.k, c.k, 2, 3], -1, 1, "float32", 2);
  const y: Tensor = tf.conv3d(x as never, w as never, c.s, c.pad);
  const r = tf.randomUniform(y.shape, -1, 1, "float32", 3);
  const [gx, gw] = tf.grads((a: Tensor, b: Tensor) =>
    tf.sum(tf.mul(r, tf.conv3d(a as never, b as never, c.s, c.pad))),
  )([x, w]);
  return { x, w, r, gx, gw };
}

describe("conv3dBackpropInput and conv3dBackpropFilter from forward ops", () => {
  for (const c of CASES) {
    it(`equal the cpu kernels' conv3d input and filter gradients (k ${c.k}, stride ${c.s}, ${c.pad})`, async () => {
      const { tf } = await getNnBackend({ backend: "cpu", log: false });
      const { x, w, r, gx, gw } = reference(tf, c);
      const mine = conv3dBackpropInput(tf, x.shape, r, w, c.s, c.pad);
      expect(maxDiff(tf, mine, gx)).toBeLessThan(1e-4);
      const filter = conv3dBackpropFilter(tf, x, r, w.shape, c.s, c.pad);
      expect(maxDiff(tf, filter, gw)).toBeLessThan(1e-4);
    });
  }
});

describe("nnConv3d and nnConv3dTranspose on wasm (whose Conv3DBackpropInputV2 kernel is wrong)", () => {
  for (const c of CASES) {
    it(`match the cpu backend's values and gradients (k ${c.k}, stride ${c.s}, ${c.pad})`, async () => {
      const cpu = (await getNnBackend({ backend: "cpu", log: false })).tf;
      const ref = reference(cpu, c);
      const outputs = {
        y: cpu.conv3d(ref.x as never, ref.w as never, c.s, c.pad) as Tensor,
        t: cpu.conv3dTranspose(
          ref.r as never,
          ref.w as never,
          ref.x.shape as never,
          c.s,
          c.pad,
        ) as Tensor,
      };
      const want = {
        gx: ref.gx.arraySync(),
        gw: ref.gw.arraySync(),
        y: outputs.y.arraySync(),
        t: outputs.t.arraySync(),
      };
      const { tf } = await getNnBackend({ backend: "wasm", log: false });
      const x = tf.tensor(ref.x.arraySync() as never) as Tensor;
      const w = tf.tensor(ref.w.arraySync() as never) as Tensor;
      const r = tf.tensor(ref.r.arraySync() as never) as Tensor;
      const [gx, gw] = tf.grads((a: Tensor, b: Tensor) =>
        tf.sum(tf.mul(r, nnConv3d(tf, a, b, c.s, c.pad))),
      )([x, w]);
      expect(maxDiff(tf, gx, tf.tensor(want.gx as never))).toBeLessThan(1e-4);
      expect(maxDiff(tf, gw, tf.tensor(want.gw as never))).toBeLessThan(1e-4);
      expect(maxDiff(tf, nnConv3d(tf, x, w, c.s, c.pad), tf.tensor(want.y as never))).toBeLessThan(
        1e-4,
      );
      const t = nnConv3dTranspose(tf, r, w, x.shape, c.s, c.pad);
      expect(maxDiff(tf, t, tf.tensor(want.t as never))).toBeLessThan(1e-4);
      // the transposed conv's own gradients: d/dr sum(x * T(r)) = conv3d(x, w); d/dw = that of sum(r * conv3d(x, w))
      const [gr, gw2] = tf.grads((a: Tensor, b: Tensor) =>
        tf.sum(tf.mul(x, nnConv3dTranspose(tf, a, b, x.shape, c.s, c.pad))),
      )([r, w]);
      expect(maxDiff(tf, gr, tf.tensor(want.y as never))).toBeLessThan(1e-4);
      expect(maxDiff(tf, gw2, tf.tensor(want.gw as never))).toBeLessThan(1e-4);
    });
  }
});
