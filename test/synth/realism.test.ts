import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { doubleThreshold } from "../../kernel-lib/src/classify/threshold.js";
import { fitThresholds } from "../../kernel-lib/src/classify/thresholdFit.js";
import { histogramValleys } from "../../kernel-lib/src/classify/thresholdValleys.js";
import { weightedError } from "../../kernel-lib/src/metrics/index.js";
import {
  fibsemSample,
  loadSample,
  sampleDir,
  type FibsemSample,
} from "../../kernel-lib/src/synth/index.js";

/**
 * Keeps the FIB/SEM problem honest (Osenberg et al.: 60.8 % for the double
 * threshold, 30.8 % for the tree-fitted triple threshold on the real data).
 * Runs on fibsem-nmc when `npm run data` has made it (a second to load);
 * otherwise on a medium variant (64 x 160 x 160, seed 1) generated here in about 10 s.
 */
describe("realism of the FIB/SEM sample", () => {
  it("global thresholds stay poor: valleys double threshold > 35 %, best triple threshold > 15 %", async () => {
    let sample: FibsemSample;
    let which: string;
    if (existsSync(path.join(sampleDir(), "fibsem-nmc"))) {
      sample = await loadSample("fibsem-nmc", { generate: false });
      which = "fibsem-nmc";
    } else {
      sample = fibsemSample({ shape: [64, 160, 160], seed: 1 });
      which = "medium variant 64x160x160 (fibsem-nmc not generated)";
    }
    const valleys = histogramValleys(sample.se2, 2);
    const double = weightedError(
      sample.truth,
      doubleThreshold(sample.se2, valleys.thresholds as [number, number]),
    );
    const best = fitThresholds(sample.se2, sample.truth);
    console.log(
      `realism (${which}): double threshold at valleys ${valleys.thresholds.join(", ")} -> awe ${double.toFixed(1)} %; ` +
        `best triple threshold ${best.thresholds.join(", ")} fitted on the truth -> awe ${best.awe.toFixed(1)} %`,
    );
    expect(double).toBeGreaterThan(35);
    expect(best.awe).toBeGreaterThan(15);
  });
});
