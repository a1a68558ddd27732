import { existsSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { closePool } from "../../kernel-lib/src/parallel/index.js";
import {
  featureSpec,
  featuresAtLabels,
  type FeatureSpecOptions,
} from "../../kernel-lib/src/features/index.js";
import { loadSample } from "../../kernel-lib/src/synth/index.js";
import { trainForest } from "../../kernel-lib/src/classify/index.js";
import { loadFixture, pearson, spearman } from "../fixtures/forest/fixture.js";

afterAll(() => closePool());

const fx = loadFixture("nmc");
const manifestUrl = new URL("../../data-samples/manifest.json", import.meta.url);
const manifest = existsSync(manifestUrl)
  ? (JSON.parse(readFileSync(manifestUrl, "utf8")) as {
      samples: { name: string; files: { name: string; sha256: string }[] }[];
    })
  : undefined;
const sha = manifest?.samples
  .find((s) => s.name === "fibsem-nmc-small")
  ?.files.find((f) => f.name === "se2")?.sha256;
const same = sha !== undefined && sha === fx.meta["se2Sha256"];
if (!same)
  console.warn(
    "forestNmc: skipped: data-samples/fibsem-nmc-small/se2 is missing or differs from the one the fixture was made with (rerun test/fixtures/generate_forest.py)",
  );

describe.skipIf(!same)("forest on tomolab's features of fibsem-nmc-small vs sklearn", () => {
  it("test accuracy within 2 points of RandomForestClassifier(100), importances agree", async () => {
    const { se2, truth } = await loadSample("fibsem-nmc-small");
    const spec = featureSpec(fx.meta["spec"] as FeatureSpecOptions);
    const rows = async (indices: Int32Array) => {
      const mark = new Uint8Array(se2.data.length);
      for (const i of indices) mark[i] = 1;
      const r = await featuresAtLabels(
        se2,
        { data: mark, shape: se2.shape, spacing: se2.spacing },
        spec,
      );
      const C = r.channels.length;
      const rowOf = new Map<number, number>();
      for (let k = 0; k < r.count; k++) rowOf.set(r.indices[k]!, k);
      const out = new Float32Array(indices.length * C);
      indices.forEach((v, i) =>
        out.set(r.samples.subarray(rowOf.get(v)! * C, (rowOf.get(v)! + 1) * C), i * C),
      );
      return { X: out, y: Int32Array.from(indices, (v) => truth.data[v]!), C };
    };
    const train = await rows(fx.i32("train"));
    const test = await rows(fx.i32("test"));
    expect(train.C).toBe(fx.meta.nFeatures);
    const forest = await trainForest(train.X, train.y, train.C, { seed: 1 });
    const pred = forest.predict(test.X);
    let ok = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === test.y[i]) ok++;
    const acc = ok / pred.length;
    const ref = fx.meta["accuracy"] as number[];
    const refMean = ref.reduce((a, b) => a + b, 0) / ref.length;
    expect(Math.abs(acc - refMean)).toBeLessThan(0.02);
    const imp = forest.featureImportances();
    const refImp = fx.meta["importances"] as number[];
    expect(pearson(imp, refImp)).toBeGreaterThan(0.95);
    expect(spearman(imp, refImp)).toBeGreaterThan(0.9);
  });
});
