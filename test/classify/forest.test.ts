import { afterAll, describe, expect, it } from "vitest";
import { closePool } from "../../kernel-lib/src/parallel/index.js";
import { forestFromJSON, trainForest } from "../../kernel-lib/src/classify/forest/index.js";
import { loadFixture, pearson, spearman } from "../fixtures/forest/fixture.js";

afterAll(() => closePool());

function decode(base64: string): ArrayBuffer {
  const b = Buffer.from(base64, "base64");
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function accuracy(pred: Int32Array, truth: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (pred[i] === truth[i]) ok++;
  return ok / truth.length;
}

describe("trainForest exact mode = sklearn DecisionTreeClassifier", () => {
  for (const name of ["full", "depth3", "leaf5", "balanced"]) {
    it(`case ${name}`, async () => {
      const fx = loadFixture(`exact_${name}`);
      const p = fx.meta["params"] as {
        max_depth?: number;
        min_samples_leaf?: number;
        class_weight?: "balanced";
      };
      const forest = await trainForest(fx.f32("X"), fx.i32("y"), fx.meta.nFeatures, {
        trees: 1,
        bins: 0,
        bootstrap: false,
        maxFeatures: "all",
        maxDepth: p.max_depth,
        minSamplesLeaf: p.min_samples_leaf,
        classWeight: p.class_weight,
        seed: 1,
        threads: 1,
      });
      expect(forest.classes).toEqual(fx.meta["classes"]);
      const pred = forest.predict(fx.f32("Xt"));
      expect(Array.from(pred)).toEqual(Array.from(fx.i32("pred")));
      const proba = forest.predictProba(fx.f32("Xt"));
      const ref = fx.f32("proba");
      let maxDiff = 0;
      for (let i = 0; i < ref.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(proba[i]! - ref[i]!));
      expect(maxDiff).toBeLessThan(1e-6);
      const imp = forest.featureImportances();
      const refImp = fx.meta["importances"] as number[];
      for (let f = 0; f < refImp.length; f++)
        expect(Math.abs(imp[f]! - refImp[f]!)).toBeLessThan(1e-9);
      const json = forest.toJSON();
      expect(json.treeSizes).toEqual([fx.meta["nodeCount"]]);
      // thresholds: sklearn's midpoints (float64) vs ours (float32)
      const thr = forestFromJSON(json).toJSON();
      expect(thr).toEqual(json);
      const features = new Int32Array(decode(json.feature));
      const ours = Array.from(new Float32Array(decode(json.threshold))).filter(
        (_, i) => features[i]! >= 0,
      );
      ours.sort((a, b) => a - b);
      const refThr = fx.meta["thresholds"] as number[];
      expect(ours.length).toBe(refThr.length);
      ours.forEach((t, i) => expect(Math.abs(t - refThr[i]!)).toBeLessThan(1e-6));
    });
  }
});

describe("trainForest forest mode vs sklearn RandomForestClassifier(100)", () => {
  const fx = loadFixture("forest");
  const X = fx.f32("X");
  const y = fx.i32("y");
  it("accuracy within 2 points, importances correlate, OOB error near sklearn's", async () => {
    const forest = await trainForest(X, y, fx.meta.nFeatures, { seed: 3 });
    const acc = accuracy(forest.predict(fx.f32("Xt")), fx.i32("yt"));
    const ref = fx.meta["accuracy"] as number[];
    const refMean = ref.reduce((a, b) => a + b, 0) / ref.length;
    expect(Math.abs(acc - refMean)).toBeLessThan(0.02);
    // Features 0-9 carry the signal, 10-19 are noise of nearly equal
    // importance (their order is random): correlation over all, ranks over the signal.
    const imp = forest.featureImportances();
    const refImp = fx.meta["importances"] as number[];
    expect(pearson(imp, refImp)).toBeGreaterThan(0.97);
    expect(spearman(imp.subarray(0, 10), refImp.slice(0, 10))).toBeGreaterThan(0.9);
    expect(Math.min(...imp.subarray(0, 10))).toBeGreaterThan(Math.max(...imp.subarray(10)));
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(forest.oobError).toBeDefined();
    expect(Math.abs(1 - forest.oobError! - (fx.meta["oobScore"] as number))).toBeLessThan(0.03);
  });
  it("is deterministic given a seed, for 1 and 2 threads, and round-trips through JSON", async () => {
    const a = await trainForest(X.subarray(0, 600 * 20), y.subarray(0, 600), 20, {
      trees: 12,
      seed: 9,
      threads: 1,
    });
    const b = await trainForest(X.subarray(0, 600 * 20), y.subarray(0, 600), 20, {
      trees: 12,
      seed: 9,
      threads: 2,
    });
    expect(b.toJSON()).toEqual(a.toJSON());
    const c = await trainForest(X.subarray(0, 600 * 20), y.subarray(0, 600), 20, {
      trees: 12,
      seed: 10,
      threads: 1,
    });
    expect(c.toJSON()).not.toEqual(a.toJSON());
    const again = forestFromJSON(JSON.parse(JSON.stringify(a)));
    const Xt = fx.f32("Xt");
    expect(again.predictProba(Xt)).toEqual(a.predictProba(Xt));
    expect(again.featureImportances()).toEqual(a.featureImportances());
    expect(again.oobError).toBe(a.oobError);
  });
});

describe("trainForest by hand", () => {
  it("splits at the midpoint, left is <=, importances by impurity decrease", async () => {
    // feature 0 separates perfectly at 2.5; feature 1 is constant
    const X = new Float32Array([1, 7, 2, 7, 3, 7, 4, 7]);
    const f = await trainForest(X, [5, 5, 9, 9], 2, {
      trees: 1,
      bootstrap: false,
      bins: 0,
      maxFeatures: "all",
      threads: 1,
    });
    expect(f.classes).toEqual([5, 9]);
    expect(Array.from(f.predict(new Float32Array([2.5, 0, 2.5000002, 0])))).toEqual([5, 9]);
    expect(Array.from(f.featureImportances())).toEqual([1, 0]);
    expect(f.oobError).toBeUndefined();
  });

  it("histogram bins: thresholds between bins' training values; bins >= distinct values is exact", async () => {
    const n = 400;
    const X = Float32Array.from({ length: n }, (_, i) => i);
    const y = Int32Array.from({ length: n }, (_, i) => (i < 130 ? 1 : 2));
    // 4 bins of 100 values: the best split is between bins 0..99 | 100..199 (pure left)
    const f4 = await trainForest(X, y, 1, {
      trees: 1,
      bootstrap: false,
      bins: 4,
      maxDepth: 1,
      threads: 1,
    });
    const t4 = f4.toJSON();
    expect(new Float32Array(decode(t4.threshold))[0]).toBe(99.5);
    // exact: the split is at 129.5
    const f0 = await trainForest(X, y, 1, {
      trees: 1,
      bootstrap: false,
      bins: 0,
      maxDepth: 1,
      threads: 1,
    });
    expect(new Float32Array(decode(f0.toJSON().threshold))[0]).toBe(129.5);
    const f512 = await trainForest(X, y, 1, {
      trees: 1,
      bootstrap: false,
      bins: 512,
      maxDepth: 1,
      threads: 1,
    });
    expect(f512.toJSON().threshold).toBe(f0.toJSON().threshold);
  });

  it("reports progress, honours maxSamples, classWeight records and minSamplesLeaf", async () => {
    const fx = loadFixture("exact_leaf5");
    const calls: number[] = [];
    const f = await trainForest(fx.f32("X"), fx.i32("y"), 5, {
      trees: 6,
      maxSamples: 0.5,
      classWeight: { 1: 2, 3: 0.5 },
      minSamplesLeaf: 4,
      seed: 2,
      threads: 2,
      onProgress: (done) => calls.push(done),
    });
    expect(calls).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(f.nTrees).toBe(6);
    expect(f.oobError).toBeGreaterThanOrEqual(0);
    expect(f.toJSON().options).toMatchObject({
      nBootstrap: 150,
      classWeight: [2, 1, 0.5],
      minSamplesLeaf: 4,
    });
    // a leaf holds >= 4 distinct samples: 300 samples -> at most 37 leaves per tree of 150 draws
    for (const size of f.toJSON().treeSizes) expect(size).toBeLessThanOrEqual(2 * 37 - 1);
  });
});
