// Slice histogram of the threshold tuner: same bins as kernel-lib's volume histogram.
import { describe, expect, it } from "vitest";
import { histogramCounts } from "../src/histogram.js";

describe("histogramCounts", () => {
  it("counts a uint8 plane in integer bins (bin i = value min + i), by hand", () => {
    // volume histogram of values 10..14: min 10, max (upper edge) 15, 5 bins
    const plane = Uint8Array.from([10, 12, 12, 14, 14, 14, 11, 9, 15, 200]);
    // 9 is below min: skipped; 15 and 200 are at/above max: last bin (as the kernel clamps)
    expect([...histogramCounts(plane, 10, 15, 5)]).toEqual([1, 1, 2, 0, 5]);
  });

  it("counts float values in equal bins over [min, max], NaN skipped", () => {
    const plane = Float32Array.from([0, 0.24, 0.25, 0.5, 0.74, 0.99, 1, NaN, -0.1]);
    // bins [0, .25) [.25, .5) [.5, .75) [.75, 1]
    expect([...histogramCounts(plane, 0, 1, 4)]).toEqual([2, 1, 2, 2]);
  });

  it("matches a hand count of a 4 x 4 plane against a 256-bin volume histogram", () => {
    const values = [0, 1, 1, 2, 50, 50, 50, 100, 200, 255, 255, 255, 255, 7, 7, 128];
    const counts = histogramCounts(Uint8Array.from(values), 0, 256, 256);
    const hand = new Array<number>(256).fill(0);
    for (const v of values) hand[v]++;
    expect([...counts]).toEqual(hand);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(16);
  });
});
