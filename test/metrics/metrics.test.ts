import { describe, expect, it } from "vitest";
import { fromArray } from "../../kernel-lib/src/volume/index.js";
import {
  confusionMatrix,
  iouPerClass,
  weightedError,
  weightedErrorFromConfusion,
} from "../../kernel-lib/src/metrics/index.js";

// Hand-worked case. Voxel 8 is unlabelled in the truth (not scored); voxel 9 is predicted 0 (unclassified).
const truth = [1, 1, 1, 2, 2, 3, 3, 3, 0, 3];
const pred = [1, 1, 2, 2, 3, 3, 3, 1, 2, 0];

describe("confusion matrix, IoU and awe (Osenberg et al. Eq. 1)", () => {
  it("counts truth x prediction, skipping unlabelled truth and counting unknown predictions as `other`", () => {
    const cm = confusionMatrix(truth, pred);
    expect(cm.classes).toEqual([1, 2, 3]);
    expect(cm.matrix).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [1, 0, 2],
    ]);
    expect(cm.other).toEqual([0, 0, 1]);
    expect(cm.total).toBe(9);
  });

  it("IoU per class and fractions match the hand computation", () => {
    const s = iouPerClass(truth, pred);
    // class 1: TP 2, row 3, column 3 -> 2 / 4; class 2: 1 / 3; class 3: TP 2, row 4, column 3 -> 2 / 5.
    expect(s.iou[0]).toBeCloseTo(0.5, 12);
    expect(s.iou[1]).toBeCloseTo(1 / 3, 12);
    expect(s.iou[2]).toBeCloseTo(0.4, 12);
    expect(s.fraction).toEqual([3 / 9, 2 / 9, 4 / 9]);
  });

  it("awe = (1 - sum IoU_i p_i) * 100", () => {
    const expected = (1 - (0.5 * 3 + (1 / 3) * 2 + 0.4 * 4) / 9) * 100; // 58.148...
    expect(weightedError(truth, pred)).toBeCloseTo(expected, 10);
    expect(weightedError(truth, truth)).toBe(0);
    // Volumes and arrays give the same answer; a mask restricts the scored voxels.
    const tv = fromArray(Uint8Array.from(truth), [1, 2, 5]);
    const pv = fromArray(Uint8Array.from(pred), [1, 2, 5]);
    expect(weightedError(tv, pv)).toBeCloseTo(expected, 10);
    const mask = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    // Only class 1 scored: IoU_1 = TP 2 / (row 3 + column 2 - 2) = 2/3.
    expect(weightedError(truth, pred, { mask })).toBeCloseTo((1 - 2 / 3) * 100, 10);
  });

  it("explicit classes: other truth values are ignored, other predicted values are errors", () => {
    const cm = confusionMatrix(truth, pred, { classes: [3, 1] });
    expect(cm.matrix).toEqual([
      [2, 1],
      [0, 2],
    ]);
    expect(cm.other).toEqual([1, 1]);
    // class 3: TP 2, row 4, column 2 -> 1/2; class 1: TP 2, row 3, column 3 -> 1/2; 7 voxels scored.
    expect(weightedErrorFromConfusion(cm)).toBeCloseTo((1 - (0.5 * 4 + 0.5 * 3) / 7) * 100, 10);
  });

  it("rejects mismatched sizes and bad classes with clear messages", () => {
    expect(() => confusionMatrix([1, 2], [1])).toThrow(
      /`prediction` has 1 voxels but `truth` has 2/,
    );
    expect(() => confusionMatrix([1, 2], [1, 2], { classes: [1, 1] })).toThrow(/distinct/);
    expect(() => weightedError([0, 0], [1, 1])).toThrow(/empty scoring region/);
  });
});
