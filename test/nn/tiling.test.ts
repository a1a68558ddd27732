import { describe, expect, it } from "vitest";
import {
  createUNet,
  getNnBackend,
  predictUNet,
  tileAxis,
  type UNetModel,
  type UNetOptions,
} from "../../kernel-lib/src/nn/index.js";
import { fromFunction } from "../../kernel-lib/src/volume/create.js";
import type { Shape3 } from "../../kernel-lib/src/volume/types.js";

const { tf } = await getNnBackend({ backend: "cpu", log: false });

/** An untrained U-Net with random (seeded) weights as a model. */
function randomModel(options: UNetOptions): UNetModel {
  const net = createUNet(tf, { classes: 3, ...options });
  return {
    net,
    tf,
    // a small scale gives large activations, so the random net is far from uniform
    normalization: { method: "zscore", offset: 0.5, scale: 0.01 },
    classNames: ["a", "b", "c"],
    training: {} as UNetModel["training"],
    dispose: () => net.dispose(),
  };
}

const image = (shape: Shape3) =>
  fromFunction(
    shape,
    (z, y, x) => 0.5 + 0.3 * Math.sin(0.37 * x + 0.21 * y + 0.5 * z) + 0.1 * Math.cos(x * y * 0.05),
  );

const maxDiff = (a: Float32Array, b: Float32Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe("tileAxis", () => {
  it("windows of neighbouring tiles sum to 1 in the overlap; all tiles on the 2^depth grid", () => {
    const t = tileAxis(100, 32, 12, 2, 4);
    expect(t.margin).toBe(6);
    const stride = t.origins[1]! - t.origins[0]!;
    expect(stride).toBe(20);
    for (const o of t.origins) expect((((o + 6) % 4) + 4) % 4).toBe(0);
    // covers [-margin, n + margin)
    expect(t.origins[0]).toBe(-6);
    expect(t.origins.at(-1)! + t.size).toBeGreaterThanOrEqual(106);
    // interior voxels (away from the first/last tile) have total weight 1
    for (let p = 20; p < 80; p++) expect(t.norm[p]).toBeCloseTo(1, 6);
    for (let p = 0; p < 100; p++) expect(t.norm[p]).toBeGreaterThan(0);
    // halo: the first 2 and last 2 tile voxels get weight 0
    expect([t.window[0], t.window[1], t.window[30], t.window[31]]).toEqual([0, 0, 0, 0]);
  });

  it("one tile when the padded axis fits, length rounded up to 2^depth", () => {
    const t = tileAxis(9, 64, 4, 1, 8);
    expect(t.origins).toEqual([-2]);
    expect(t.size).toBe(16);
    expect(() => tileAxis(100, 16, 14, 2, 8)).toThrow(/overlap/);
    expect(() => tileAxis(100, 32, 16, 8, 4)).toThrow(/halo/);
  });
});

describe("predictUNet tiling", () => {
  it("2D: tiled with halo >= receptive radius equals one untiled tile; halo 0 differs", async () => {
    // depth 1, 3x3 convs: the receptive radius is 14 pixels (2 + 2 x (1 + 4) + 2, see unet.ts).
    const model = randomModel({ dims: 2, depth: 1, baseFilters: 2, seed: 3 });
    const vol = image([1, 75, 61]);
    const whole = await predictUNet(model, vol, { tile: 256, overlap: 40, halo: 16 });
    expect(whole.tiles).toBe(1);
    const tiled = await predictUNet(model, vol, { tile: 64, overlap: 40, halo: 16, batch: 3 });
    expect(tiled.tiles).toBeGreaterThan(4);
    for (let c = 0; c < 3; c++)
      expect(maxDiff(tiled.probabilities[c]!.data, whole.probabilities[c]!.data)).toBeLessThan(
        2e-6,
      );
    // without the halo the tile borders' zero padding shows: the comparison is sensitive
    const noHalo = await predictUNet(model, vol, { tile: 64, overlap: 40, halo: 0 });
    expect(maxDiff(noHalo.probabilities[0]!.data, whole.probabilities[0]!.data)).toBeGreaterThan(
      1e-4,
    );
    // probabilities sum to 1, labels are the argmax codes 1..3
    const p = tiled.probabilities.map((v) => v.data);
    for (let i = 0; i < p[0]!.length; i += 37) {
      expect(p[0]![i]! + p[1]![i]! + p[2]![i]!).toBeCloseTo(1, 5);
      const best = [0, 1, 2].reduce((b, c) => (p[c]![i]! > p[b]![i]! ? c : b), 0);
      expect(tiled.labels.data[i]).toBe(best + 1);
    }
    expect(tiled.byClass.b).toBe(tiled.probabilities[1]);
    model.dispose();
  });

  it("3D volume smaller than a tile, lengths not divisible by 2^depth: reflect padding as tf.mirrorPad", async () => {
    const model = randomModel({ dims: 3, depth: 2, baseFilters: 2, seed: 4 });
    const shape: Shape3 = [9, 11, 10];
    const vol = image(shape);
    const out = await predictUNet(model, vol, { tile: 32, overlap: 4 });
    expect(out.tiles).toBe(1);
    expect(out.tileShape).toEqual([16, 16, 16]);
    // reference: normalise, reflect-pad by the margin 2 in front and up to 16 behind, run, crop
    const ref = tf.tidy(() => {
      const x = tf.div(tf.sub(tf.tensor(vol.data, [1, ...shape, 1]), 0.5), 0.01);
      const padded = tf.mirrorPad(
        x,
        [
          [0, 0],
          [2, 5],
          [2, 3],
          [2, 4],
          [0, 0],
        ],
        "reflect",
      );
      return tf.slice(model.net.predict(padded), [0, 2, 2, 2, 0], [1, ...shape, 3]).dataSync();
    });
    let m = 0;
    for (let i = 0; i < out.probabilities[0]!.data.length; i++)
      for (let c = 0; c < 3; c++)
        m = Math.max(m, Math.abs(out.probabilities[c]!.data[i]! - ref[i * 3 + c]!));
    expect(m).toBeLessThan(1e-5); // float32 rounding of the normalisation (tf) vs float64 (predictUNet)
    expect(out.probabilities[0]!.shape).toEqual(shape);
    model.dispose();
  });

  it("a 2D model runs slice by slice on a 3D volume; abort stops it", async () => {
    const model = randomModel({ dims: 2, depth: 1, baseFilters: 2, seed: 5 });
    const vol = image([3, 20, 18]);
    const out = await predictUNet(model, vol, { tile: 32, overlap: 8 });
    expect(out.tiles).toBe(3);
    const one = await predictUNet(
      model,
      { ...vol, data: vol.data.slice(20 * 18, 2 * 20 * 18), shape: [1, 20, 18] },
      { tile: 32, overlap: 8 },
    );
    expect(
      maxDiff(out.probabilities[2]!.data.slice(360, 720), one.probabilities[2]!.data),
    ).toBeLessThan(1e-7);
    const controller = new AbortController();
    controller.abort(new Error("stop here"));
    await expect(predictUNet(model, vol, { signal: controller.signal })).rejects.toThrow(
      "stop here",
    );
    model.dispose();
  });
});
