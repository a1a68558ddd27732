import { describe, expect, it } from "vitest";
import {
  blendLabels,
  formatLength,
  parseColor,
  scaleBar,
  thresholdClass,
  windowToRgba,
} from "../src/render.js";

describe("render", () => {
  it("maps values through the contrast window", () => {
    const out = new Uint8ClampedArray(4 * 4);
    windowToRgba(Float32Array.from([0, 10, 15, 30]), 10, 20, out);
    expect([out[0], out[4], out[8], out[12]]).toEqual([0, 0, 128, 255]);
    expect(out[3]).toBe(255);
  });
  it("classifies by ascending thresholds (double threshold = 3 classes)", () => {
    expect([5, 10, 11, 20, 25].map((v) => thresholdClass(v, [10, 20]))).toEqual([0, 1, 1, 2, 2]);
  });
  it("blends label colours only where labelled", () => {
    const out = new Uint8ClampedArray([100, 100, 100, 255, 100, 100, 100, 255]);
    blendLabels([0, 1], new Map([[1, [200, 0, 0]]]), 0.5, out);
    expect(Array.from(out)).toEqual([100, 100, 100, 255, 150, 50, 50, 255]);
  });
  it("chooses 1-2-5 scale bars", () => {
    expect(scaleBar(5, 100)).toEqual({ length: 500, pixels: 100 });
    expect(scaleBar(3, 100)).toEqual({ length: 200, pixels: 200 / 3 });
    expect(formatLength(2000, "nm")).toBe("2 µm");
    expect(formatLength(200, "nm")).toBe("200 nm");
    expect(parseColor("#f80")).toEqual([255, 136, 0]);
  });
});
