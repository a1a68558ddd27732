// The viewer's pure compositor (compositor.ts): hand-computed RGBA of tiny planes.
// Uint8ClampedArray rounds to the nearest integer (halves to even), so the cases below avoid
// halves; every expected byte is worked out in the comments.
import { describe, expect, it } from "vitest";
import { compositePanel, type ViewLayers } from "../src/compositor.js";
import type { RGB } from "../src/render.js";
import type { OverlayPayload } from "../src/viewerTypes.js";

const RED: RGB = [255, 0, 0];
const BLUE: RGB = [0, 0, 255];

function layers(over: Partial<ViewLayers>): ViewLayers {
  return {
    channels: [Uint8Array.from([0, 52, 100, 255])],
    windows: [[0, 255]],
    blend: false,
    overlays: [],
    classes: [],
    palette: new Map([
      [1, RED],
      [2, BLUE],
    ]),
    labelOpacity: 0.25,
    ...over,
  };
}

function composite(l: ViewLayers, panel = 0): number[] {
  const out = new Uint8ClampedArray(4 * l.channels[0].length).fill(7);
  compositePanel(l, panel, out);
  return Array.from(out);
}

describe("compositor", () => {
  it("2x2 slice, window [0, 255], painted labels at opacity 0.25", () => {
    // grey g = v; a label blends out = 0.75 g + 0.25 c
    // px1 label 1 (red), g 52: R 39 + 63.75 = 102.75 -> 103, G = B = 39
    // px2 label 2 (blue), g 100: R = G = 75, B 75 + 63.75 = 138.75 -> 139
    const l = layers({ labels: Uint8Array.from([0, 1, 2, 0]) });
    expect(composite(l)).toEqual([
      ...[0, 0, 0, 255],
      ...[103, 39, 39, 255],
      ...[75, 75, 139, 255],
      ...[255, 255, 255, 255],
    ]);
  });

  it("contrast window clips below lo and above hi", () => {
    // window [50, 100]: 255 / 50 = 5.1 per unit; 52 -> 10.2 -> 10, 100 -> 255, 0 -> 0
    const l = layers({ windows: [[50, 100]] });
    expect(composite(l).filter((_, i) => i % 4 === 0)).toEqual([0, 10, 255, 255]);
  });

  it("blends two channels with their tints, or shows one per panel side by side", () => {
    const channels = [Uint8Array.from([255, 0]), Uint8Array.from([0, 255])];
    const windows: [number, number][] = [
      [0, 255],
      [0, 255],
    ];
    // channel 0 magenta (255, 0, 255), channel 1 green (0, 255, 0), added
    const blended = layers({ channels, windows, blend: true, labelOpacity: 0 });
    expect(composite(blended, 1)).toEqual([255, 0, 255, 255, 0, 255, 0, 255]);
    const side = layers({ channels, windows, blend: false });
    expect(composite(side, 1)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
    expect(composite(side, 0)).toEqual([255, 255, 255, 255, 0, 0, 0, 255]);
  });

  it("threshold preview: phase colours at opacity 0.55 over the grey", () => {
    // one threshold at 20 -> two phases, viridis ends #440154 (68, 1, 84), #fde725 (253, 231, 37)
    // px0 g 10 (phase 0): 4.5 + 0.55 (68, 1, 84) = (41.9, 5.05, 50.7) -> (42, 5, 51)
    // px1 g 30 (phase 1): 13.5 + 0.55 (253, 231, 37) = (152.65, 140.55, 33.85) -> (153, 141, 34)
    const l = layers({ channels: [Uint8Array.from([10, 30])], thresholds: [20] });
    expect(composite(l)).toEqual([42, 5, 51, 255, 153, 141, 34, 255]);
  });

  it("layers overlays, then the prediction, then the painted labels on top", () => {
    const probability: OverlayPayload = {
      name: "p",
      kind: "probability",
      dtype: "float32",
      source: { kind: "inline", base64: "" },
      opacity: 1,
    };
    // grey 100 everywhere; probability 0.5 of #ff3030 at opacity 1 on px0:
    // 50 + 0.5 (255, 48, 48) = (177.5 -> 178 (half to even), 74, 74)
    // prediction class 1 (red) at opacity 1 on px1 and px2; px2 painted class 2 (blue), opacity 1
    const l = layers({
      channels: [Uint8Array.from([100, 100, 100])],
      overlays: [
        { overlay: probability, values: Float32Array.from([0.5, 0, 0]), opacity: 1 },
        { overlay: probability, values: undefined, opacity: 1 }, // switched off
      ],
      training: {
        prediction: Uint8Array.from([0, 1, 1]),
        predictionOpacity: 1,
        width: 3,
        height: 1,
        uncertaintyOpacity: 0,
      },
      labels: Uint8Array.from([0, 0, 2]),
      labelOpacity: 1,
    });
    expect(composite(l)).toEqual([178, 74, 74, 255, 255, 0, 0, 255, 0, 0, 255, 255]);
  });
});
