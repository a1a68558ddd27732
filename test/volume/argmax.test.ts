import { describe, expect, it } from "vitest";
import { argmax, argmaxRows, marginUncertainty } from "../../kernel-lib/src/volume/argmax.js";

describe("argmax over class-probability rows", () => {
  it("finds the largest value of a row at an offset, ties to the first", () => {
    const proba = [0.2, 0.5, 0.3, /* row 1 */ 0.4, 0.4, 0.2, /* row 2 */ 0.1, 0.1, 0.8];
    expect(argmax(proba, 0, 3)).toBe(1);
    expect(argmax(proba, 3, 3)).toBe(0); // tie 0.4 / 0.4: first
    expect(argmax(proba, 6, 3)).toBe(2);
    expect(argmax([7])).toBe(0);
    expect(argmax([1, 3, 2])).toBe(1); // whole array by default
    // NaN never wins, and a leading NaN is never beaten (as the loops it replaces)
    expect(argmax([0.1, NaN, 0.2])).toBe(2);
    expect(argmax([NaN, 0.9])).toBe(0);
  });

  it("argmaxRows maps each row's best column to its class value", () => {
    const proba = new Float32Array([0.2, 0.5, 0.3, 0.4, 0.4, 0.2, 0.1, 0.1, 0.8]);
    const out = new Uint8Array(3);
    argmaxRows(proba, 3, 3, out, [1, 2, 3]);
    expect(Array.from(out)).toEqual([2, 1, 3]);
    const out32 = new Int32Array(2);
    argmaxRows(proba, 3, 2, out32, [10, 20, 30]);
    expect(Array.from(out32)).toEqual([20, 10]);
  });

  it("marginUncertainty is ilastik's 1 - (p_best - p_second), 1 - p_best for one class", () => {
    expect(marginUncertainty([0.2, 0.5, 0.3])).toBeCloseTo(1 - (0.5 - 0.3), 12);
    expect(marginUncertainty([0.1, 0.3, 0.7, 0.9, 0.1], 2, 2)).toBeCloseTo(1 - (0.9 - 0.7), 12);
    expect(marginUncertainty([0.4, 0.4, 0.2])).toBe(1); // tie: the second equals the best
    expect(marginUncertainty([1, 0, 0])).toBe(0);
    expect(marginUncertainty([0.75])).toBeCloseTo(0.25, 12);
  });
});
