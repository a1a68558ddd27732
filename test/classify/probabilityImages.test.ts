import { describe, expect, it } from "vitest";
import { probabilityImages } from "../../kernel-lib/src/classify/probabilityImages.js";

describe("probabilityImages", () => {
  it("turns probabilities into class, probability and margin-uncertainty images (hand case)", () => {
    // three pixels, classes 1, 2, 3
    const proba = Float32Array.from([0.75, 0.125, 0.125, 0.375, 0.375, 0.25, 0, 0, 1]);
    const img = probabilityImages(proba, [1, 2, 3]);
    expect([...img.prediction]).toEqual([1, 1, 3]); // a tie goes to the first class
    // channel-major: class 1 of the 3 pixels, then class 2, then class 3
    expect([...img.probabilities]).toEqual([191, 96, 0, 32, 96, 0, 32, 64, 255]);
    // 1 - (p1 - p2): 1 - 0.625 = 0.375, 1 - 0 = 1, 1 - 1 = 0
    expect([...img.uncertainty]).toEqual([96, 255, 0]);
  });

  it("rejects a matrix that is not rows x classes", () => {
    expect(() => probabilityImages(new Float32Array(5), [1, 2])).toThrow(
      /rows x 2 class probabilities, received 5 values/,
    );
    expect(() => probabilityImages(new Float32Array(0), [])).toThrow(/rows x 0/);
  });
});
