// Live training logic without DOM: picker state <-> selection, importances, decoding a result
// into overlay pixels, status line.
import { describe, expect, it } from "vitest";
import { blendLabels, blendRamp, type RGB } from "../src/render.js";
import {
  FeaturePicker,
  decodeResult,
  formatDone,
  importanceShades,
  predictionAt,
  sameSelection,
  topImportances,
} from "../src/training.js";
import { OPTIONS, smallResult } from "./trainingFixtures.js";

const CLASSES = [
  { id: 1, name: "void", color: "#0000ff" },
  { id: 2, name: "NMC", color: "#ff0000" },
];

describe("FeaturePicker", () => {
  it("reads the initial selection, dropping cells the options do not offer", () => {
    const p = new FeaturePicker(OPTIONS);
    // GaussianGradientMagnitude does not allow 0.3: dropped
    expect(p.selection()).toEqual({
      inputs: ["SE2"],
      filters: { GaussianSmoothing: [0.3, 1.6], GaussianGradientMagnitude: [0.7] },
      tailored: ["ZWindowMean"],
    });
    expect(p.hasCell("GaussianGradientMagnitude", 0.3)).toBe(false);
    expect(p.allows("GaussianGradientMagnitude", 0.3)).toBe(false);
  });

  it("round-trips a selection and ignores unknown inputs, filters and tailored ids", () => {
    const p = new FeaturePicker(OPTIONS);
    const sel = {
      inputs: ["InLens", "SE2 - InLens", "BSE"],
      filters: { StructureTensorEigenvalues: [1.6, 0.7], Unknown: [1] },
      tailored: ["ZForwardDifference", "Nope"],
    };
    p.setSelection(sel);
    const out = p.selection();
    expect(out).toEqual({
      inputs: ["InLens", "SE2 - InLens"],
      filters: { StructureTensorEigenvalues: [0.7, 1.6] },
      tailored: ["ZForwardDifference"],
    });
    expect(new FeaturePicker(OPTIONS, out).selection()).toEqual(out);
    expect(
      sameSelection(out, { ...out, filters: { StructureTensorEigenvalues: [1.6, 0.7] } }),
    ).toBe(true);
    expect(sameSelection(out, { ...out, tailored: [] })).toBe(false);
  });

  it("toggles rows, columns, all and none only where scales are allowed", () => {
    const p = new FeaturePicker(OPTIONS, { inputs: ["SE2"], filters: {}, tailored: [] });
    expect(p.problem()).toBe("tick at least one feature");
    p.setColumn(0.3, true);
    expect(p.selection().filters).toEqual({ GaussianSmoothing: [0.3] });
    expect(p.columnFull(0.3)).toBe(true);
    p.setRow("GaussianGradientMagnitude", true);
    expect(p.selection().filters).toEqual({
      GaussianSmoothing: [0.3],
      GaussianGradientMagnitude: [0.7, 1.6],
    });
    expect(p.rowFull("GaussianGradientMagnitude")).toBe(true);
    expect(p.columnFull(0.7)).toBe(false);
    p.setAll(true);
    const all = p.selection();
    expect(all.filters).toEqual({
      GaussianSmoothing: [0.3, 0.7, 1.6],
      GaussianGradientMagnitude: [0.7, 1.6],
      StructureTensorEigenvalues: [0.7, 1.6],
    });
    expect(all.tailored).toEqual(["ZForwardDifference", "ZWindowMean"]);
    p.setCell("GaussianGradientMagnitude", 0.3, true); // not offered: no-op
    expect(p.selection().filters.GaussianGradientMagnitude).toEqual([0.7, 1.6]);
    p.setAll(false);
    expect(p.selection()).toEqual({ inputs: ["SE2"], filters: {}, tailored: [] });
    p.setInput("SE2", false);
    expect(p.problem()).toBe("tick at least one input signal");
  });
});

describe("importances", () => {
  it("sorts the top features and shades cells relative to the largest", () => {
    const r = smallResult();
    const shuffled = [...r.importances].reverse();
    expect(topImportances(shuffled, 2).map((f) => f.key)).toEqual([
      "GaussianSmoothing@1.6",
      "GaussianGradientMagnitude@0.7",
    ]);
    const shades = importanceShades(shuffled);
    expect(shades.get("GaussianSmoothing@1.6")).toBe(1);
    expect(shades.get("GaussianGradientMagnitude@0.7")).toBeCloseTo(0.6, 12);
    expect(shades.get("ZWindowMean")).toBeCloseTo(0.3, 12);
    expect(shades.get("GaussianSmoothing@0.3")).toBeCloseTo(0.1, 12);
    expect(importanceShades([{ key: "a", label: "a", importance: 0 }]).get("a")).toBe(0);
  });
});

describe("decodeResult", () => {
  it("decodes prediction, probabilities and uncertainty planes", () => {
    const d = decodeResult(smallResult());
    expect([d.plane, d.slice, d.width, d.height]).toEqual(["xy", 2, 3, 2]);
    expect([...d.prediction]).toEqual([1, 1, 2, 2, 1, 0]);
    expect([...d.probabilities[1]]).toEqual([0, 55, 205, 255, 127, 0]);
    expect([...d.uncertainty]).toEqual([0, 110, 100, 0, 254, 255]);
    expect(d.coverage).toBeCloseTo(5 / 6, 12);
    // pixel (u 1, v 1) = index 4: class 1 with p 128/255, uncertainty 254/255
    expect(predictionAt(d, 1, 1, CLASSES)).toBe("predicted void 0.50  uncertainty 1.00");
    expect(predictionAt(d, 2, 0, CLASSES)).toBe("predicted NMC 0.80  uncertainty 0.39");
    expect(predictionAt(d, 3, 0, CLASSES)).toBe("");
  });

  it("blends the decoded planes into RGBA pixels", () => {
    const d = decodeResult(smallResult());
    const rgba = new Uint8ClampedArray(6 * 4).fill(100);
    const palette = new Map<number, RGB>([
      [1, [0, 0, 255]],
      [2, [255, 0, 0]],
    ]);
    blendLabels(d.prediction, palette, 0.5, rgba);
    // pixel 0: class 1 (blue) at 0.5 over grey 100 -> (50, 50, 177.5 -> 177 or 178)
    expect([rgba[0], rgba[1], rgba[2], rgba[3]]).toEqual([50, 50, Math.round(177.5), 100]);
    // pixel 2: class 2 (red)
    expect([rgba[8], rgba[9], rgba[10]]).toEqual([178, 50, 50]);
    // pixel 5: class 0 untouched
    expect([rgba[20], rgba[21], rgba[22]]).toEqual([100, 100, 100]);
    const grey = new Uint8ClampedArray(6 * 4).fill(0);
    blendRamp(d.uncertainty, [255, 0, 255], 1, grey);
    // alpha = u / 255: pixel 5 fully magenta, pixel 0 untouched, pixel 1 110/255
    expect([grey[20], grey[21], grey[22]]).toEqual([255, 0, 255]);
    expect([grey[0], grey[1], grey[2]]).toEqual([0, 0, 0]);
    expect(grey[4]).toBe(110);
    const half = new Uint8ClampedArray(6 * 4).fill(0);
    blendRamp(d.uncertainty, [255, 0, 255], 0.5, half);
    expect(half[20]).toBe(Math.round(127.5));
  });

  it("rejects arrays that do not match the plane size", () => {
    const r = smallResult();
    expect(() => decodeResult({ ...r, width: 4 })).toThrow(
      /prediction has 6 bytes, expected 4 x 2 = 8/,
    );
    expect(() => decodeResult({ ...r, classes: [1, 2, 3] })).toThrow(/probabilities have 12 bytes/);
  });
});

describe("formatDone", () => {
  it("lists samples by class name, channels, oob error, timings and reuse", () => {
    const r = smallResult();
    expect(formatDone(r, CLASSES)).toBe(
      "samples void 120 · NMC 80 | 7 channels | oob error 3.1% | features 120 ms, training 1.5 s, predicting 40 ms",
    );
    expect(formatDone({ ...r, reused: true, oobError: undefined }, CLASSES)).toContain(
      "7 channels | features 120 ms, training 1.5 s, predicting 40 ms | reused forest",
    );
  });
});
