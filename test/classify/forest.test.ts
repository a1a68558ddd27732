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
      const p = fx.meta["params"] as { max_depth?: number; min_samples_leaf?: number; class_weight?: "balanced" };
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
      for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(proba[i]! - ref[i]!));
      expect(maxDiff).toBeLessThan(1e-6);
      const imp = forest.featureImportances();
      const refImp = fx.meta["importances"] as number[];
      for (let f = 0; f < refImp.length; f++) expect(Math.abs(imp[f]! - refImp[f]!)).toBeLessThan(1e-9);
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
    const a = await trainForest(X.subarray(0, 600 * 20), y.subarray(0, 600), 20, { trees: 12, seed: 9, threads: 1 });
    const b = await trainForest(X.subarray(0, 600 * 20), y.subarray(0, 600), 20, { trees: 12, seed: 9, threads: 2 });
    expect(b.toJSON()).toEqual(a.toJSON());
    const c = await trainForest(X.subarray(0, 600 * 20), y.subarray(0, 600), 20, { trees: 12, seed: 10, threads: 1 });
    expect(c.toJSON()).not.toEqual(a.toJSON());
    const again = forestFromJSON(JSON.parse(JSON.stringify(a)));
    const Xt = fx.f32("Xt");
    expect(again.predictProba(Xt)).toEqual(a.predictProba(Xt));
    expect(again.featureImportances()).toEqual(a.featureImportances());
    expect(again.oobError).toBe(a.oobError);
  });
});
