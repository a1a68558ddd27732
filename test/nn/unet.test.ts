import { describe, expect, it } from "vitest";
import { createUNet, getNnBackend } from "../../kernel-lib/src/nn/index.js";

const { tf } = await getNnBackend({ backend: "cpu", log: false });

/** Parameters of the net by hand: two 3^d convs per level, lift conv, 1x1 head (kernels + biases). */
function expectedParameters(
  dims: number,
  depth: number,
  base: number,
  cin: number,
  classes: number,
  transposed: boolean,
) {
  const k3 = 3 ** dims;
  const conv = (k: number, a: number, b: number) => k * a * b + b;
  const f = (l: number) => base * 2 ** l;
  let n = 0;
  let c = cin;
  for (let l = 0; l <= depth; l++) {
    n += conv(k3, c, f(l)) + conv(k3, f(l), f(l));
    c = f(l);
  }
  for (let l = depth - 1; l >= 0; l--) {
    n += transposed ? conv(2 ** dims, f(l + 1), f(l)) : conv(k3, f(l + 1), f(l));
    n += conv(k3, 2 * f(l), f(l)) + conv(k3, f(l), f(l));
  }
  return n + conv(1, base, classes);
}

describe("createUNet", () => {
  for (const dims of [2, 3] as const) {
    for (const upsampling of ["upsample", "transposed"] as const) {
      it(`${dims}D (${upsampling}): logits and probabilities have the input's size and 3 classes`, () => {
        const net = createUNet(tf, { dims, depth: 2, baseFilters: 2, upsampling, seed: 3 });
        const shape = dims === 3 ? [1, 8, 4, 12, 1] : [2, 8, 12, 1];
        const x = tf.randomNormal(shape, 0, 1, "float32", 5);
        const logits = net.apply(x);
        expect(logits.shape).toEqual([...shape.slice(0, -1), 3]);
        const p = net.predict(x);
        const sums = tf.sum(p, -1).dataSync();
        for (const s of sums) expect(s).toBeCloseTo(1, 5);
        expect(net.parameterCount).toBe(
          expectedParameters(dims, 2, 2, 1, 3, upsampling === "transposed"),
        );
        expect(net.parameterCount).toBe(net.variables.reduce((a, v) => a + v.size, 0));
        net.dispose();
      });
    }
  }

  it("the paper-sized default (depth 3, 8 filters: 8/16/32 -> 64) builds with the expected size", () => {
    const net = createUNet(tf);
    expect(net.options).toMatchObject({
      dims: 3,
      depth: 3,
      baseFilters: 8,
      classes: 3,
      upsampling: "upsample",
    });
    expect(net.parameterCount).toBe(expectedParameters(3, 3, 8, 1, 3, false));
    net.dispose();
  });

  it("is deterministic for a seed", () => {
    const a = createUNet(tf, { dims: 2, depth: 1, baseFilters: 2, seed: 9 });
    const b = createUNet(tf, { dims: 2, depth: 1, baseFilters: 2, seed: 9 });
    expect(Array.from(a.variables[0].dataSync())).toEqual(Array.from(b.variables[0].dataSync()));
    a.dispose();
    b.dispose();
    // also for the default seed 0 (tfjs reads an op seed of 0 as "unseeded")
    const c = createUNet(tf, { dims: 2, depth: 1, baseFilters: 2 });
    const d = createUNet(tf, { dims: 2, depth: 1, baseFilters: 2, seed: 0 });
    c.variables.forEach((v, i) =>
      expect(Array.from(v.dataSync())).toEqual(Array.from(d.variables[i]!.dataSync())),
    );
    c.dispose();
    d.dispose();
  });

  it("refuses inputs of the wrong rank, channels or size, and bad options", () => {
    const net = createUNet(tf, { dims: 3, depth: 2, baseFilters: 2 });
    expect(() => net.apply(tf.zeros([1, 8, 8, 1]))).toThrow(
      /`input` must be a rank-5 tensor \[batch, z, y, x, 1\], received .*\[1, 8, 8, 1\]/,
    );
    expect(() => net.apply(tf.zeros([1, 8, 6, 8, 1]))).toThrow(
      /`input.shape\[2\]` must be a multiple of 2\^depth = 4, received 6/,
    );
    expect(() => createUNet(tf, { dims: 4 as never })).toThrow(/`options.dims` must be 2 or 3/);
    expect(() => createUNet(tf, { filters: 3 } as never)).toThrow(
      /`options.filters` is not an option/,
    );
    net.dispose();
  });
});
