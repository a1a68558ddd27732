import { describe, expect, it } from "vitest";
import { fromArray } from "../../kernel-lib/src/volume/index.js";
import {
  confusionMatrix,
  iouPerClass,
  scoresFromConfusion,
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

describe("metrics compare shapes, not only voxel counts", () => {
  // 4x16x16 and 16x16x4 have the same 1024 voxels; the same data in both would score 0 %.
  const data = new Uint8Array(1024).map((_, i) => 1 + (i % 3));
  const a = fromArray(data, [4, 16, 16]);
  const b = fromArray(data.slice(), [16, 16, 4]);
  it("weightedError, iouPerClass and confusionMatrix throw a RangeError naming both shapes", () => {
    for (const f of [weightedError, iouPerClass, confusionMatrix]) {
      expect(() => f(a, b)).toThrow(RangeError);
      expect(() => f(a, b)).toThrow(
        "`prediction` (shape 16x16x4) must have the shape of `truth` (shape 4x16x16)",
      );
    }
  });
  it("a mask volume must have the truth's shape too", () => {
    const mask = fromArray(new Uint8Array(1024).fill(1), [16, 4, 16]);
    expect(() => weightedError(a, a, { mask })).toThrow(
      "`mask` (shape 16x4x16) must have the shape of `truth` (shape 4x16x16)",
    );
    expect(
      weightedError(a, a, { mask: fromArray(new Uint8Array(1024).fill(1), [4, 16, 16]) }),
    ).toBe(0);
  });
  it("flat arrays have no shape: their length must match (a volume's data may be compared with an array)", () => {
    expect(weightedError(a, Array.from(data))).toBe(0);
    expect(() => weightedError(a, Array.from(data.subarray(1)))).toThrow(
      /`prediction` has 1023 voxels but `truth` has 1024/,
    );
  });
});

describe("metrics reject inputs that would score garbage", () => {
  it("arrays of non-numbers, DataView and BigInt arrays", () => {
    expect(() => weightedError(["1", "2"] as never, [1, 2])).toThrow(
      /`truth` must hold numbers, received string at index 0/,
    );
    expect(() => weightedError([1, 2], [1, null] as never)).toThrow(
      /`prediction` must hold numbers, received null at index 1/,
    );
    expect(() => confusionMatrix(new DataView(new ArrayBuffer(4)) as never, [1, 2, 3, 4])).toThrow(
      /`truth` must be a Volume, a number typed array or an array of numbers, received DataView/,
    );
    expect(() => confusionMatrix(new BigInt64Array(2) as never, [1, 2])).toThrow(TypeError);
  });
  it("NaN truth values when the classes come from the truth", () => {
    expect(() => weightedError([1, NaN, 2], [1, 1, 2])).toThrow(
      /`truth` must hold finite class values, received NaN at index 1/,
    );
    // with explicit classes a NaN truth voxel is not one of them: unlabelled, not scored
    expect(weightedError([1, NaN, 2], [1, 1, 2], { classes: [1, 2] })).toBe(0);
  });
  it("confusion matrices that do not add up", () => {
    const cm = confusionMatrix([1, 1, 2], [1, 2, 2]);
    expect(weightedErrorFromConfusion(cm)).toBeCloseTo((1 - (0.5 * 2 + 0.5 * 1) / 3) * 100, 10);
    expect(() => weightedErrorFromConfusion({ ...cm, total: 5 })).toThrow(
      /`cm\.total` must be the sum of `matrix` and `other` \(3\), received 5/,
    );
    expect(() => scoresFromConfusion({ ...cm, matrix: [[1, 1]] })).toThrow(
      /`cm\.matrix` must have 2 rows \(one per class\), received 1/,
    );
    expect(() =>
      scoresFromConfusion({
        ...cm,
        matrix: [
          [1, -1],
          [0, 1],
        ],
      }),
    ).toThrow(/`cm\.matrix\[0\]` must be 2 finite counts >= 0, received \[1,-1\]/);
    expect(() => scoresFromConfusion({ ...cm, other: [0] })).toThrow(/`cm\.other` must be 2/);
    expect(() => scoresFromConfusion({ ...cm, classes: [1, 1] })).toThrow(/`cm\.classes` must be/);
    expect(() => scoresFromConfusion(null as never)).toThrow(TypeError);
    expect(() => scoresFromConfusion({ ...cm, matrix: [[1, 0], "01"] as never })).toThrow(
      new TypeError('`cm.matrix[1]` must be 2 finite counts >= 0, received "01"'),
    );
    expect(() => confusionMatrix([1], [1], { classes: [] })).toThrow(
      "`classes` must be a non-empty array of distinct finite numbers, received []",
    );
  });
});
