import { describe, expect, it } from "vitest";
import type { Tensor } from "@tensorflow/tfjs-core";
import {
  createUNet,
  getNnBackend,
  maskedCrossEntropyFromLogits,
  nativeBackend,
  nnConv3dBiasRelu,
  nnMaxPool2,
  nnRelu,
  nnUpsample2,
  nnUpsampleConv3dRelu,
  type NnBackend,
  type Tf,
} from "../../kernel-lib/src/nn/index.js";

async function native(): Promise<NnBackend | string> {
  try {
    return await getNnBackend({ backend: "tensorflow", log: false });
  } catch (error) {
    return (error as Error).message;
  }
}
const skipped = (reason: string) =>
  console.log(`skipped: the tensorflow backend is unavailable (${reason})`);

/** The values as numbers, -0 read as 0 (toEqual tells them apart; a product 0 * -r is -0). */
const plain = (a: ArrayLike<number>) => Array.from(a, (v) => v + 0);

/** Deterministic values in [-1, 1) with a share of exact zeros (ReLU ties). */
function values(n: number, seed: number, zeros = 0): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    out[i] = u < zeros ? 0 : 2 * u - 1;
  }
  return out;
}

/** A permutation of 0..n-1 scaled to distinct floats (no ties in any window). */
function distinct(n: number, seed: number): Float32Array {
  const v = values(n, seed);
  const order = Array.from(v.keys()).sort((a, b) => v[a]! - v[b]!);
  const out = new Float32Array(n);
  order.forEach((idx, rank) => (out[idx] = rank / n - 0.5));
  return out;
}

/** 2x2x2 max pooling of [1, d, h, w, c] by hand, with the flat index of each window's maximum. */
function poolByHand(x: Float32Array, [d, h, w, c]: number[]) {
  const out = new Float32Array((d * h * w * c) / 8);
  const arg = new Int32Array(out.length);
  let o = 0;
  for (let z = 0; z < d; z += 2)
    for (let y = 0; y < h; y += 2)
      for (let xx = 0; xx < w; xx += 2)
        for (let ch = 0; ch < c; ch++, o++) {
          let best = -Infinity;
          for (let dz = 0; dz < 2; dz++)
            for (let dy = 0; dy < 2; dy++)
              for (let dx = 0; dx < 2; dx++) {
                const i = (((z + dz) * h + y + dy) * w + xx + dx) * c + ch;
                if (x[i]! > best) {
                  best = x[i]!;
                  arg[o] = i;
                }
              }
          out[o] = best;
        }
  return { out, arg };
}

describe("nnRelu", () => {
  it("tensorflow backend: tf.relu's values; gradient r where x > 0, else 0 (x = 0 included)", async () => {
    const backend = await native();
    if (typeof backend === "string") return skipped(backend);
    const { tf } = backend;
    expect(nativeBackend(tf)).toBeDefined();
    const shape = [2, 4, 6, 8, 3];
    const n = shape.reduce((a, b) => a * b, 1);
    const xv = values(n, 3, 0.2);
    const rv = values(n, 4);
    const x = tf.tensor(xv, shape);
    const r = tf.tensor(rv, shape);
    expect(plain(nnRelu(tf, x).dataSync())).toEqual(Array.from(xv, (v) => Math.max(v, 0)));
    const g = tf
      .grad((t: Tensor) => tf.sum(tf.mul(r, nnRelu(tf, t))))(x)
      .dataSync();
    expect(plain(g)).toEqual(Array.from(xv, (v, i) => (v > 0 ? rv[i]! : 0)));
    // also through a second use of the same output (gradients of both uses add up)
    const g2 = tf
      .grad((t: Tensor) => {
        const y = nnRelu(tf, t);
        return tf.sum(tf.add(tf.mul(r, y), tf.square(y)));
      })(x)
      .dataSync();
    xv.forEach((v, i) => expect(g2[i]).toBeCloseTo(v > 0 ? rv[i]! + 2 * v : 0, 6));
  });

  it("is tf.relu on the cpu backend", async () => {
    const { tf } = await getNnBackend({ backend: "cpu", log: false });
    expect(nativeBackend(tf)).toBeUndefined();
    const x = tf.tensor([-1, 0, 2]);
    expect(Array.from(nnRelu(tf, x).dataSync())).toEqual([0, 0, 2]);
  });
});

describe("nnMaxPool2", () => {
  const shape = [1, 6, 4, 8, 3];
  const n = shape.reduce((a, b) => a * b, 1);

  it("tensorflow backend, 3D: values of tf.maxPool3d and of a by-hand pooling (ties included)", async () => {
    const backend = await native();
    if (typeof backend === "string") return skipped(backend);
    const { tf } = backend;
    const xv = Float32Array.from(values(n, 5, 0.3), (v) => Math.max(v, 0)); // ReLU-like: tied zeros
    const x = tf.tensor(xv, shape);
    const got = nnMaxPool2(tf, x, 3);
    expect(got.shape).toEqual([1, 3, 2, 4, 3]);
    expect(Array.from(got.dataSync())).toEqual(
      Array.from((tf.maxPool3d(x as never, 2, 2, "valid") as Tensor).dataSync()),
    );
    expect(Array.from(got.dataSync())).toEqual(Array.from(poolByHand(xv, shape.slice(1)).out));
  });

  it("tensorflow backend, 3D: the gradient puts dy on each window's maximum (tie-free input)", async () => {
    const backend = await native();
    if (typeof backend === "string") return skipped(backend);
    const { tf } = backend;
    const xv = distinct(n, 6);
    const { arg } = poolByHand(xv, shape.slice(1));
    const rv = values(arg.length, 7);
    const r = tf.tensor(rv, [1, 3, 2, 4, 3]);
    const f = (pool: (t: Tensor) => Tensor) =>
      tf
        .grad((t: Tensor) => tf.sum(tf.mul(r, pool(t))))(tf.tensor(xv, shape))
        .dataSync();
    const want = new Float32Array(n);
    arg.forEach((i, o) => (want[i] = rv[o]!));
    expect(plain(f((t) => nnMaxPool2(tf, t, 3)))).toEqual(plain(want));
    // the same as TensorFlow's MaxPool3DGrad
    expect(plain(f((t) => tf.maxPool3d(t as never, 2, 2, "valid")))).toEqual(plain(want));
  });

  it("2D and other backends: tf.maxPool / tf.maxPool3d; odd sizes refused", async () => {
    const { tf } = await getNnBackend({ backend: "cpu", log: false });
    const xv = values(n, 8);
    const x = tf.tensor(xv, shape);
    expect(Array.from(nnMaxPool2(tf, x, 3).dataSync())).toEqual(
      Array.from(poolByHand(xv, shape.slice(1)).out),
    );
    const x2 = tf.tensor(xv, [6, 4, 8, 3]);
    expect(Array.from(nnMaxPool2(tf, x2, 2).dataSync())).toEqual(
      Array.from((tf.maxPool(x2 as never, 2, 2, "valid") as Tensor).dataSync()),
    );
    expect(() => nnMaxPool2(tf, tf.zeros([1, 4, 3, 4, 1]), 3)).toThrow(
      /`x.shape\[2\]` must be an even size, received 3/,
    );
  });
});

describe("U-Net with the fast ops", () => {
  it("3D loss and gradients on tensorflow equal the cpu backend's (plain tfjs ops there)", async () => {
    const backend = await native();
    if (typeof backend === "string") return skipped(backend);
    const options = { dims: 3, depth: 2, baseFilters: 2, seed: 4 } as const;
    const shape = [1, 8, 8, 8, 1];
    const xv = values(8 ** 3, 9);
    const labels = Array.from(values(8 ** 3, 10), (v) => Math.floor((v + 1) * 1.5));
    const run = (tf: Tf, weights?: Float32Array[]) => {
      const net = createUNet(tf, options);
      if (weights) net.variables.forEach((v, i) => v.assign(tf.tensor(weights[i]!, v.shape)));
      const x = tf.tensor(xv, shape);
      const y = tf.oneHot(tf.tensor(labels, [1, 8, 8, 8], "int32"), 3);
      const m = tf.ones([1, 8, 8, 8]);
      const { value, grads } = tf.variableGrads(
        () => maskedCrossEntropyFromLogits(tf, y, net.apply(x), m) as never,
        net.variables,
      );
      const out = {
        loss: value.dataSync()[0]!,
        grads: net.variables.map((v) => Float32Array.from(grads[v.name]!.dataSync())),
        weights: net.variables.map((v) => Float32Array.from(v.dataSync())),
      };
      net.dispose();
      return out;
    };
    const cpu = run((await getNnBackend({ backend: "cpu", log: false })).tf);
    const tfn = run((await getNnBackend({ backend: "tensorflow", log: false })).tf, cpu.weights);
    expect(tfn.loss).toBeCloseTo(cpu.loss, 5);
    cpu.grads.forEach((g, i) => {
      const scale = Math.max(...Array.from(g, Math.abs));
      g.forEach((v, j) =>
        expect(Math.abs(tfn.grads[i]![j]! - v)).toBeLessThan(1e-4 * scale + 1e-7),
      );
    });
  });
});

describe("nnUpsample2", () => {
  it("tensorflow backend, 3D: each voxel becomes a 2x2x2 block; gradient the sum over each block", async () => {
    const backend = await native();
    if (typeof backend === "string") return skipped(backend);
    const { tf } = backend;
    const [d, h, w, c] = [2, 3, 4, 5];
    const xv = values(d * h * w * c, 11);
    const x = tf.tensor(xv, [1, d, h, w, c]);
    const up = nnUpsample2(tf, x, 3);
    expect(up.shape).toEqual([1, 2 * d, 2 * h, 2 * w, c]);
    const uv = up.dataSync();
    const rv = values(uv.length, 12);
    const want = new Float32Array(uv.length);
    const wantGrad = new Float64Array(xv.length);
    for (let z = 0; z < 2 * d; z++)
      for (let y = 0; y < 2 * h; y++)
        for (let xx = 0; xx < 2 * w; xx++)
          for (let ch = 0; ch < c; ch++) {
            const o = ((z * 2 * h + y) * 2 * w + xx) * c + ch;
            const i = (((z >> 1) * h + (y >> 1)) * w + (xx >> 1)) * c + ch;
            want[o] = xv[i]!;
            wantGrad[i] += rv[o]!;
          }
    expect(Array.from(uv)).toEqual(Array.from(want));
    const r = tf.tensor(rv, up.shape);
    const g = tf
      .grad((t: Tensor) => tf.sum(tf.mul(r, nnUpsample2(tf, t, 3))))(x)
      .dataSync();
    wantGrad.forEach((v, i) => expect(g[i]).toBeCloseTo(v, 5));
  });

  it("2D and the cpu backend: the same blocks", async () => {
    const { tf } = await getNnBackend({ backend: "cpu", log: false });
    const x = tf.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(Array.from(nnUpsample2(tf, x, 2).dataSync())).toEqual([
      1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4,
    ]);
    const x3 = tf.tensor([1, 2], [1, 2, 1, 1, 1]);
    expect(Array.from(nnUpsample2(tf, x3, 3).dataSync())).toEqual([
      1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2,
    ]);
  });
});

describe("nnConv3dBiasRelu", () => {
  for (const relu of [true, false]) {
    it(`tensorflow backend (relu ${relu}): values and x/filter/bias gradients of the tfjs ops`, async () => {
      const backend = await native();
      if (typeof backend === "string") return skipped(backend);
      const { tf } = backend;
      const x = tf.tensor(values(2 * 4 * 5 * 6 * 3, 13), [2, 4, 5, 6, 3]);
      const w = tf.tensor(values(27 * 3 * 4, 14), [3, 3, 3, 3, 4]);
      const b = tf.tensor([0.3, -0.2, 0, 0.1]);
      const r = tf.tensor(values(2 * 4 * 5 * 6 * 4, 15), [2, 4, 5, 6, 4]);
      const plain = (xx: Tensor, ww: Tensor, bb: Tensor) => {
        const y = tf.add(tf.conv3d(xx as never, ww as never, 1, "same"), bb);
        return relu ? tf.relu(y) : y;
      };
      const fused = (xx: Tensor, ww: Tensor, bb: Tensor) => nnConv3dBiasRelu(tf, xx, ww, bb, relu);
      const want = plain(x, w, b).dataSync();
      const got = fused(x, w, b).dataSync();
      want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
      if (relu) expect(Array.from(got).filter((v) => v === 0).length).toBeGreaterThan(100);
      const loss = (f: typeof plain) => (xx: Tensor, ww: Tensor, bb: Tensor) =>
        tf.sum(tf.mul(r, f(xx, ww, bb)));
      const gp = tf.grads(loss(plain))([x, w, b]);
      const gf = tf.grads(loss(fused))([x, w, b]);
      gp.forEach((g, k) => {
        const a = g.dataSync();
        const c = gf[k]!.dataSync();
        expect(gf[k]!.shape).toEqual(g.shape);
        a.forEach((v, i) => expect(c[i]).toBeCloseTo(v, 4));
      });
      // only the filter: no input gradient is needed (and none computed)
      const gw = tf
        .grad((ww: Tensor) => loss(fused)(x, ww, b))(w)
        .dataSync();
      gp[1]!.dataSync().forEach((v, i) => expect(gw[i]).toBeCloseTo(v, 4));
    });
  }

  it("is conv3d + bias (+ relu) on the cpu backend", async () => {
    const { tf } = await getNnBackend({ backend: "cpu", log: false });
    const x = tf.tensor([1, -2, 3, -4, 5, -6, 7, -8], [1, 2, 2, 2, 1]);
    const w = tf.ones([1, 1, 1, 1, 1]);
    expect(Array.from(nnConv3dBiasRelu(tf, x, w, tf.tensor([1]), true).dataSync())).toEqual([
      2, 0, 4, 0, 6, 0, 8, 0,
    ]);
    expect(Array.from(nnConv3dBiasRelu(tf, x, w, tf.tensor([1]), false).dataSync())).toEqual([
      2, -1, 4, -3, 6, -5, 8, -7,
    ]);
  });
});

describe("nnUpsampleConv3dRelu", () => {
  it("tensorflow backend: values and x/filter/bias gradients of relu(conv3d(up2(x)) + b)", async () => {
    const backend = await native();
    if (typeof backend === "string") return skipped(backend);
    const { tf } = backend;
    const xShape = [2, 3, 2, 4, 3];
    const x = tf.tensor(values(2 * 3 * 2 * 4 * 3, 16), xShape);
    const w = tf.tensor(values(27 * 3 * 5, 17), [3, 3, 3, 3, 5]);
    const b = tf.tensor([0.2, -0.1, 0, 0.05, -0.3]);
    const r = tf.tensor(values(2 * 6 * 4 * 8 * 5, 18), [2, 6, 4, 8, 5]);
    // the reference: the plain tfjs ops on the upsampled grid (stack-based nearest x2)
    const up = (t: Tensor) => {
      let y = t;
      for (let axis = 1; axis <= 3; axis++) {
        const shape = y.shape.slice();
        shape[axis] *= 2;
        y = tf.reshape(tf.stack([y, y], axis + 1), shape);
      }
      return y;
    };
    const plain = (xx: Tensor, ww: Tensor, bb: Tensor) =>
      tf.relu(tf.add(tf.conv3d(up(xx) as never, ww as never, 1, "same"), bb));
    const fast = (xx: Tensor, ww: Tensor, bb: Tensor) => nnUpsampleConv3dRelu(tf, xx, ww, bb);
    const want = plain(x, w, b);
    const got = fast(x, w, b);
    expect(got.shape).toEqual([2, 6, 4, 8, 5]);
    const wv = want.dataSync();
    const gv = got.dataSync();
    wv.forEach((v, i) => expect(gv[i]).toBeCloseTo(v, 5));
    expect(Array.from(gv).filter((v) => v > 0).length).toBeGreaterThan(gv.length / 4);
    const loss = (f: typeof plain) => (xx: Tensor, ww: Tensor, bb: Tensor) =>
      tf.sum(tf.mul(r, f(xx, ww, bb)));
    const gp = tf.grads(loss(plain))([x, w, b]);
    const gf = tf.grads(loss(fast))([x, w, b]);
    gp.forEach((g, k) => {
      expect(gf[k]!.shape).toEqual(g.shape);
      const c = gf[k]!.dataSync();
      g.dataSync().forEach((v, i) => expect(c[i]).toBeCloseTo(v, 4));
    });
  });
});
