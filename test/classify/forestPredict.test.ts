import { afterAll, describe, expect, it } from "vitest";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";
import { closePool } from "../../kernel-lib/src/parallel/index.js";
import {
  computeFeatures,
  featureSpec,
  featuresAtLabels,
} from "../../kernel-lib/src/features/index.js";
import {
  forestFromJSON,
  permutationImportance,
  predictProbaParallel,
  predictVolume,
  trainForest,
} from "../../kernel-lib/src/classify/index.js";
import { loadFixture } from "../fixtures/forest/fixture.js";

afterAll(() => closePool());

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe("permutationImportance", () => {
  it("is ~0 for a noise feature and clearly > 0 for the informative one", async () => {
    const rnd = lcg(4);
    const n = 1500;
    const X = new Float32Array(n * 3);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < 3; f++) X[i * 3 + f] = rnd();
      // class from feature 1 only (with 5% noise); features 0 and 2 are noise
      y[i] = (X[i * 3 + 1]! > 0.5 ? 2 : 1) + (rnd() < 0.05 ? (y[i] === 2 ? -1 : 0) : 0);
    }
    const forest = await trainForest(X.subarray(0, 1000 * 3), y.subarray(0, 1000), 3, {
      trees: 30,
      seed: 2,
      threads: 1,
    });
    const r = permutationImportance(forest, X.subarray(1000 * 3), y.subarray(1000), 3, {
      repeats: 5,
      seed: 1,
    });
    expect(r.overall[1]).toBeGreaterThan(0.3);
    expect(Math.abs(r.overall[0]!)).toBeLessThan(0.02);
    expect(Math.abs(r.overall[2]!)).toBeLessThan(0.02);
    expect(Object.keys(r.perClass).map(Number)).toEqual([1, 2]);
    expect(r.perClass[1]![1]).toBeGreaterThan(0.2);
    expect(r.perClass[2]![1]).toBeGreaterThan(0.2);
  });

  it("matches sklearn.inspection.permutation_importance on the sklearn-equal tree", async () => {
    const fx = loadFixture("exact_full");
    const forest = await trainForest(fx.f32("X"), fx.i32("y"), fx.meta.nFeatures, {
      trees: 1,
      bins: 0,
      bootstrap: false,
      maxFeatures: "all",
      threads: 1,
    });
    const ref = fx.meta["permutation"] as { mean: number[]; std: number[]; repeats: number };
    const r = permutationImportance(forest, fx.f32("Xv"), fx.i32("yv"), fx.meta.nFeatures, {
      repeats: 200,
      seed: 5,
    });
    // Different shuffles: the means agree within a few standard errors of 200 repeats.
    for (let f = 0; f < ref.mean.length; f++) {
      const se = Math.sqrt(2 / ref.repeats) * ref.std[f]! + 1e-3;
      expect(Math.abs(r.overall[f]! - ref.mean[f]!)).toBeLessThan(5 * se);
    }
    // sklearn's: features 3, 4 are unused by the boxes -> exactly 0 if the tree does not split on them
    expect(r.overall[0]).toBeGreaterThan(0.1);
    // and the spread of the shuffles agrees with sklearn's importances_std (within 40 %:
    // the std of a std estimate over 200 shuffles is about 5 %, plus the shuffles' difference)
    for (let f = 0; f < ref.std.length; f++) {
      if (ref.std[f]! < 1e-3) expect(r.overallStd[f]).toBeLessThan(2e-3);
      else expect(Math.abs(r.overallStd[f]! / ref.std[f]! - 1)).toBeLessThan(0.4);
    }
  });

  it("shuffles a group jointly: duplicated informative columns hide each other alone, not together", async () => {
    const rnd = lcg(9);
    const n = 1600;
    const X = new Float32Array(n * 3);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = rnd();
      X[i * 3] = v;
      X[i * 3 + 1] = v; // an exact copy of column 0
      X[i * 3 + 2] = rnd();
      y[i] = v > 0.5 ? 2 : 1;
    }
    const forest = await trainForest(X.subarray(0, 1000 * 3), y.subarray(0, 1000), 3, {
      trees: 40,
      seed: 3,
      threads: 1,
    });
    const r = permutationImportance(forest, X.subarray(1000 * 3), y.subarray(1000), 3, {
      repeats: 4,
      seed: 2,
      groups: { signal: [0, 1], noise: [2] },
      groupRepeats: 10,
    });
    // alone, each copy is partly replaced by the other; together nothing replaces them:
    // the class is then a coin flip (accuracy drop about 0.5)
    const g = r.groups!;
    expect(g.names).toEqual(["signal", "noise"]);
    expect(g.repeats).toBe(10);
    expect(g.overall[0]).toBeGreaterThan(0.4);
    expect(g.overall[0]).toBeGreaterThan(Math.max(r.overall[0]!, r.overall[1]!) + 0.1);
    expect(Math.abs(g.overall[1]!)).toBeLessThan(0.02);
    expect(g.perClass[1]![0]).toBeGreaterThan(0.3);
    expect(g.perClassStd[1]![0]).toBeGreaterThan(0);
    expect(g.perClassStd[1]![0]).toBeLessThan(g.perClass[1]![0]!);
    expect(r.repeats).toBe(4);
  });

  it("has zero spread with one shuffle and rejects malformed groups", async () => {
    const X = new Float32Array([0, 1, 0.2, 0.9, 0.1, 0.8, 0.3, 0.7]);
    const y = new Int32Array([1, 2, 1, 2]);
    const forest = await trainForest(X, y, 2, { trees: 3, seed: 1, threads: 1 });
    const r = permutationImportance(forest, X, y, 2, { repeats: 1, seed: 1 });
    expect(Array.from(r.overallStd)).toEqual([0, 0]);
    expect(Array.from(r.perClassStd[1]!)).toEqual([0, 0]);
    expect(() => permutationImportance(forest, X, y, 2, { groups: { a: [] } })).toThrow(
      /options\.groups\["a"\].*non-empty array/,
    );
    expect(() => permutationImportance(forest, X, y, 2, { groups: { a: [0, 2] } })).toThrow(
      /column indices in \[0, 1\]/,
    );
    expect(() => permutationImportance(forest, X, y, 2, { groups: { a: [1, 1] } })).toThrow(
      /lists column 1 twice/,
    );
    expect(() => permutationImportance(forest, X, y, 2, { groups: {} })).toThrow(
      /at least one group/,
    );
  });
});

describe("predictProbaParallel", () => {
  it("equals predictProba for both layouts and 1 or 2 threads", async () => {
    const fx = loadFixture("forest");
    const forest = await trainForest(fx.f32("X"), fx.i32("y"), 20, { trees: 20, seed: 4 });
    const Xt = fx.f32("Xt");
    const ref = forest.predictProba(Xt);
    for (const threads of [1, 2]) {
      const p = await predictProbaParallel(forest, Xt, { threads, minRowsPerThread: 100 });
      expect(p).toEqual(ref);
    }
    // channel-major layout of the same rows
    const count = Xt.length / 20;
    const ch = new Float32Array(Xt.length);
    for (let i = 0; i < count; i++)
      for (let f = 0; f < 20; f++) ch[f * count + i] = Xt[i * 20 + f]!;
    expect(forest.predictProba(ch, { layout: "channels" })).toEqual(ref);
    expect(
      await predictProbaParallel(forest, ch, {
        layout: "channels",
        threads: 2,
        minRowsPerThread: 100,
      }),
    ).toEqual(ref);
  });
});

describe("predictVolume", () => {
  const shape: Shape3 = [12, 40, 36];
  const n = shape[0] * shape[1] * shape[2];
  const rnd = lcg(11);
  // Two phases: a bright ball in a dark matrix, plus noise.
  const image = new Float32Array(n);
  const labels = new Uint8Array(n);
  for (let z = 0; z < shape[0]; z++)
    for (let y = 0; y < shape[1]; y++)
      for (let x = 0; x < shape[2]; x++) {
        const i = (z * shape[1] + y) * shape[2] + x;
        const inside = (z - 6) ** 2 + (y - 20) ** 2 + (x - 18) ** 2 < 100;
        image[i] = (inside ? 0.7 : 0.3) + 0.25 * (rnd() - 0.5);
        if (z % 4 === 1 && x % 5 === 0) labels[i] = inside ? 2 : 1;
      }
  const volume: Volume<Float32Array> = { data: image, shape, spacing: [1, 1, 1] };
  const labelVolume: Volume<Uint8Array> = { data: labels, shape, spacing: [1, 1, 1] };
  const spec = featureSpec({
    filters: {
      GaussianSmoothing: [0.7, 1.6],
      GaussianGradientMagnitude: [1.0],
      HessianOfGaussianEigenvalues: [1.6],
    },
  });

  it("equals predicting computeFeatures' full stack, for 1 and 2 threads", async () => {
    const train = await featuresAtLabels(volume, labelVolume, spec, { threads: 1 });
    const forest = await trainForest(train.samples, train.labels, train.channels.length, {
      trees: 15,
      seed: 1,
      threads: 1,
    });
    const stack = await computeFeatures(volume, spec, { threads: 1 });
    const proba = forest.predictProba(stack.data, { layout: "channels", count: n });
    const pred = forest.predict(stack.data, { layout: "channels", count: n });
    const K = 2;
    for (const threads of [1, 2]) {
      const r = await predictVolume(forest, volume, spec, {
        threads,
        inline: false,
        blockShape: [5, 17, 36],
        probabilities: true,
        uncertainty: true,
      });
      expect(r.labels.shape).toEqual(shape);
      expect(Array.from(r.labels.data)).toEqual(Array.from(pred));
      for (let k = 0; k < K; k++) {
        const pk = Float32Array.from({ length: n }, (_, i) => proba[i * K + k]!);
        expect(r.probabilities![k]!.data).toEqual(pk);
      }
      const u = Float32Array.from(
        { length: n },
        (_, i) => 1 - Math.abs(proba[i * K]! - proba[i * K + 1]!),
      );
      expect(r.uncertainty!.data).toEqual(u);
    }
    // and the segmentation is right where the phases are clear
    let ok = 0;
    for (let i = 0; i < n; i++) if ((pred[i] === 2) === image[i]! > 0.5) ok++;
    expect(ok / n).toBeGreaterThan(0.9);
  });

  it("rejects a forest trained on another channel count, and classes > 255", async () => {
    const f = await trainForest(new Float32Array([0, 1, 2, 3]), [1, 2], 2, {
      trees: 2,
      threads: 1,
    });
    await expect(predictVolume(f, volume, spec, { threads: 1 })).rejects.toThrow(/channels/);
    const C = (
      await computeFeatures(volume, spec, {
        threads: 1,
        region: { origin: [0, 0, 0], shape: [1, 1, 1] },
      })
    ).channels.length;
    const rows = Float32Array.from({ length: 2 * C }, (_, i) => (i < C ? 0 : 1));
    const g = await trainForest(rows, [1, 300], C, { trees: 2, threads: 1 });
    await expect(predictVolume(g, volume, spec, { threads: 1 })).rejects.toThrow(/255/);
  });
});

describe("input validation", () => {
  it("explains bad sizes, NaN, one class, bad options", async () => {
    await expect(trainForest(new Float32Array(5), [1, 2], 2)).rejects.toThrow(RangeError);
    await expect(trainForest(new Float32Array([0, NaN]), [1, 2], 1)).rejects.toThrow(/NaN/);
    await expect(trainForest(new Float32Array([0, 1]), [1, 1], 1)).rejects.toThrow(/two classes/);
    await expect(trainForest(new Float32Array([0, 1]), [1, -2], 1)).rejects.toThrow(/non-negative/);
    await expect(
      trainForest(new Float32Array([0, 1]), [1, 2], 1, { maxFeatures: 3 }),
    ).rejects.toThrow(/maxFeatures/);
    await expect(trainForest(new Float32Array([0, 1]), [1, 2], 1, { bins: 1 })).rejects.toThrow(
      /bins/,
    );
    await expect(trainForest([0, 1] as unknown as Float32Array, [1, 2], 1)).rejects.toThrow(
      TypeError,
    );
    const two = () => new Float32Array([0, 1]);
    await expect(trainForest(two(), [1, 2], 1, { trees: 0 })).rejects.toThrow(
      new RangeError("`trees` must be an integer >= 1, received 0"),
    );
    await expect(trainForest(two(), [1, 2], 1, { minSamplesSplit: 1.5 })).rejects.toThrow(
      "`minSamplesSplit` must be an integer >= 2, received 1.5",
    );
    await expect(trainForest(two(), [1, 2], 1, { threads: "2" as never })).rejects.toThrow(
      new TypeError('`threads` must be an integer >= 1, received "2"'),
    );
    await expect(trainForest(two(), [1, 2], 1, { bootstrap: "yes" as never })).rejects.toThrow(
      '`bootstrap` must be a boolean, received "yes"',
    );
    const f = await trainForest(new Float32Array([0, 1]), [1, 2], 1, { threads: 1, trees: 3 });
    expect(() => f.predict(new Float32Array([NaN]))).toThrow(/NaN/);
    expect(() => f.predict(new Float32Array(3), { count: 4 })).toThrow(RangeError);
    expect(() => forestFromJSON({ format: "x" } as never)).toThrow(TypeError);
    expect(() => f.predict(new Float32Array(2), { layout: "rows" as never })).toThrow(
      new RangeError('`layout` must be "samples" or "channels", received "rows"'),
    );
    expect(() => f.predict(new Float32Array(2), { count: 1.5 })).toThrow(
      "`count` must be a non-negative integer, received 1.5",
    );
    const lookAlike = { ...f, predict: f.predict, predictProba: f.predictProba };
    await expect(predictProbaParallel(lookAlike, new Float32Array(2))).rejects.toThrow(
      /^`forest` must be a RandomForest from trainForest or forestFromJSON, received object with keys classes, /,
    );
    await expect(predictProbaParallel(f, new Float32Array(2), { threads: 0 })).rejects.toThrow(
      "`threads` must be a positive integer, received 0",
    );
    const labels = [1, 2];
    expect(() => permutationImportance(f, two(), labels, 1, { repeats: 0 })).toThrow(
      "`repeats` must be a positive integer, received 0",
    );
    expect(() => permutationImportance(f, two(), labels, 2)).toThrow(
      "`nFeatures` must be the forest's 1, received 2",
    );
    expect(() => permutationImportance(f, two(), [1], 1)).toThrow(
      "`labels` must hold one class value per row (2), received [1]",
    );
    expect(() => permutationImportance(f, two(), labels, 1, { repeat: 3 } as never)).toThrow(
      "`options.repeat` is not an option; expected one of repeats, seed",
    );
    await expect(trainForest(two(), [1, 2], 1, { classWeight: { 1: -1 } })).rejects.toThrow(
      "`classWeight[1]` must be a finite number >= 0, received -1",
    );
  });
});
