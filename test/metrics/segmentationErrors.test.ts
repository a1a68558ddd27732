import { describe, expect, it } from "vitest";
import { segmentationErrors } from "../../kernel-lib/src/metrics/segmentationErrors.js";
import { fromArray } from "../../kernel-lib/src/volume/index.js";

describe("segmentationErrors", () => {
  it("marks the predicted class where it differs from a labelled truth", () => {
    const truth = fromArray(Uint8Array.from([1, 2, 3, 0, 3]), [1, 1, 5]);
    const seg = fromArray(Uint8Array.from([1, 3, 2, 2, 3]), [1, 1, 5]);
    expect(Array.from(segmentationErrors(truth, seg).data)).toEqual([0, 3, 2, 0, 0]);
    expect(() => segmentationErrors(truth, fromArray(new Uint8Array(4), [1, 1, 4]))).toThrow(
      /shape/,
    );
  });

  it("keeps the truth's shape and spacing and leaves its inputs unchanged", () => {
    const truth = { data: Uint8Array.from([1, 2]), shape: [1, 1, 2], spacing: [1, 5, 7] };
    const seg = { data: Uint8Array.from([2, 2]), shape: [1, 1, 2], spacing: [1, 5, 7] };
    const out = segmentationErrors(truth as never, seg as never);
    expect(out).toEqual({ data: Uint8Array.from([2, 0]), shape: [1, 1, 2], spacing: [1, 5, 7] });
    expect([...truth.data, ...seg.data]).toEqual([1, 2, 2, 2]);
  });

  it("refuses segmentation values that cannot be shown as a class (0, above 255, fractions)", () => {
    const truth = fromArray(Uint8Array.from([1, 2, 0, 3]), [1, 2, 2]);
    for (const bad of [0, 256, 2.5]) {
      const seg = fromArray(Float32Array.from([1, bad, 7, 3]), [1, 2, 2]);
      expect(() => segmentationErrors(truth, seg)).toThrow(
        new RegExp(`class ids 1\\.\\.255 .*received ${bad} at voxel \\(z 0, y 0, x 1\\)`),
      );
    }
    // where the truth is unlabelled any value is ignored
    const seg = fromArray(Float32Array.from([1, 2, 300, 3]), [1, 2, 2]);
    expect(Array.from(segmentationErrors(truth, seg).data)).toEqual([0, 0, 0, 0]);
  });
});
