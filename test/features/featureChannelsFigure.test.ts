/* eslint-disable @typescript-eslint/no-explicit-any -- plotly figure JSON is untyped */
import { afterAll, describe, expect, it } from "vitest";
import { closePool } from "../../kernel-lib/src/parallel/index.js";
import {
  computeFeatures,
  featureChannelsFigure,
  featureSpec,
} from "../../kernel-lib/src/features/index.js";
import { decodeTypedArraySpec } from "../../kernel-lib/src/plot/image.js";
import { random } from "./fixture.js";

afterAll(() => closePool());

describe("featureChannelsFigure", () => {
  const v = random([9, 20, 24], 3);

  it("shows one panel per ilastik filter of the default bank, titled with channel names, for the chosen slice", async () => {
    const fig = await featureChannelsFigure({ SE2: v }, { z: 4 });
    const panels = fig.data.filter((t) => t.type === "heatmap");
    expect(panels.length).toBe(6);
    const titles = (fig.layout as any).annotations.map((a: any) => a.text);
    expect(titles).toContain("Gaussian Smoothing (σ=1.6) [SE2]");
    expect(titles).toContain("Hessian of Gaussian Eigenvalues (σ=1.6) [SE2] #0");
    // the panel holds slice 4 of the feature, computed in 3D
    const whole = await computeFeatures(
      { SE2: v },
      featureSpec({ inputs: ["SE2"], filters: { GaussianSmoothing: [1.6] } }),
      { inline: true },
    );
    const z = decodeTypedArraySpec((panels[0] as any).z);
    expect(z.length).toBe(20);
    expect(z[7]![11]).toBeCloseTo(whole.volumes[0]!.data[(4 * 20 + 7) * 24 + 11]!, 5);
  });

  it("picks channels by name or index, tailored ones included", async () => {
    const spec = featureSpec({
      inputs: ["SE2"],
      filters: { GaussianSmoothing: [0.7] },
      tailored: { ZForwardDifference: [2] },
    });
    const fig = await featureChannelsFigure(
      { SE2: v },
      { spec, channels: ["Z Forward Difference (k=2) [SE2]", 0], z: -1 },
    );
    expect((fig.layout as any).annotations.map((a: any) => a.text).slice(0, 2)).toEqual([
      "Z Forward Difference (k=2) [SE2]",
      "Gaussian Smoothing (σ=0.7) [SE2]",
    ]);
    await expect(featureChannelsFigure({ SE2: v }, { spec, channels: ["nope"] })).rejects.toThrow(
      /unknown feature channel/,
    );
    await expect(featureChannelsFigure({ SE2: v }, { spec, z: 9 })).rejects.toThrow(/slice/);
  });
});
