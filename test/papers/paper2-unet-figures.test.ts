import { describe, expect, it } from "vitest";
import { getNnBackend } from "../../kernel-lib/src/nn/backend.js";
import { createUNet } from "../../kernel-lib/src/nn/unet.js";
import {
  paper2UNetArchitectureFigure,
  paper2UNetSlicesFigure,
  unetLayers,
} from "../../kernel-lib/src/papers/paper2/unetFigures.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

describe("Paper 2 U-Net figures", () => {
  it("unetLayers reads the default 3D net's blocks off its weights (hand-listed channels)", async () => {
    const { tf } = await getNnBackend({ backend: "cpu", log: false });
    const net = createUNet(tf, { dims: 3 });
    const layers = unetLayers(net);
    const io = layers.map(
      (l) => `${l.part}${l.level}:${l.kernel}:${l.inChannels}>${l.outChannels}`,
    );
    expect(io).toEqual([
      "encoder0:3:1>8",
      "encoder0:3:8>8",
      "encoder1:3:8>16",
      "encoder1:3:16>16",
      "encoder2:3:16>32",
      "encoder2:3:32>32",
      "bottom3:3:32>64",
      "bottom3:3:64>64",
      "up2:3:64>32",
      "decoder2:3:64>32",
      "decoder2:3:32>32",
      "up1:3:32>16",
      "decoder1:3:32>16",
      "decoder1:3:16>16",
      "up0:3:16>8",
      "decoder0:3:16>8",
      "decoder0:3:8>8",
      "head0:1:8>3",
    ]);
    // 3x3x3 kernel + bias of the first conv: 27 * 1 * 8 + 8.
    expect(layers[0]!.parameters).toBe(224);
    expect(layers.reduce((a, l) => a + l.parameters, 0)).toBe(net.parameterCount);
    const fig = paper2UNetArchitectureFigure(net, {
      classNames: ["boundary", "interior", "background"],
    });
    const shapes = fig.layout.shapes as unknown[];
    // One box per encoder level, bottom, decoder level, head: 3 + 1 + 3 + 1.
    expect(shapes).toHaveLength(8);
    const texts = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
    expect(texts).toContain("1→8→8");
    expect(texts).toContain("32→64→64");
    expect(texts).toContain("up 64→32");
    expect(texts).toContain("64^3");
    expect(texts).toContain("8^3");
    net.dispose();
  });

  it("transposed up-convolutions read their [k, k, k, out, in] kernels the right way round", async () => {
    const { tf } = await getNnBackend({ backend: "cpu", log: false });
    const net = createUNet(tf, { dims: 2, depth: 2, baseFilters: 4, upsampling: "transposed" });
    const up = unetLayers(net).filter((l) => l.part === "up");
    expect(up.map((l) => `${l.kernel}:${l.inChannels}>${l.outChannels}`)).toEqual([
      "2:16>8",
      "2:8>4",
    ]);
    net.dispose();
  });

  it("slices figure: 3 rows of IQ + one panel per class; checks its inputs", () => {
    const shape = [4, 8, 8] as [number, number, number];
    const v = (f: (i: number) => number): Volume<Float32Array> => ({
      data: Float32Array.from({ length: 256 }, (_, i) => f(i)),
      shape,
      spacing: [1, 1, 1],
    });
    const iq = v((i) => i % 7);
    const targets: Volume<Uint8Array> = {
      data: Uint8Array.from({ length: 256 }, (_, i) => 1 + (i % 3)),
      shape,
      spacing: [1, 1, 1],
    };
    const probs = [0, 1, 2].map((k) => v((i) => ((i + k) % 3) / 2));
    const fig = paper2UNetSlicesFigure(iq, targets, probs, { labelled: 1, unlabelled: 2 });
    expect(fig.data).toHaveLength(12);
    expect(() =>
      paper2UNetSlicesFigure(iq, targets, probs, { labelled: 9, unlabelled: 2 }),
    ).toThrow(/options.labelled/);
    expect(() =>
      paper2UNetSlicesFigure(iq, targets, probs.slice(0, 2), { labelled: 1, unlabelled: 2 }),
    ).toThrow(/classNames/);
  });
});
