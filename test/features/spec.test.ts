import { describe, expect, it } from "vitest";
import {
  featureChannels,
  featureHalo,
  featureSpec,
  ILASTIK_SCALES,
} from "../../kernel-lib/src/features/index.js";

const three = featureSpec({
  inputs: ["SE2", "InLens", { name: "SE2 - InLens", difference: ["SE2", "InLens"] }],
});

describe("featureSpec / featureChannels", () => {
  it("has ilastik's 61 channels per input in 3D and 49 in 2D; 3 inputs give 183", () => {
    const spec = featureSpec();
    expect(featureChannels(spec, [64, 64, 64]).length).toBe(61);
    expect(featureChannels(spec, [1, 64, 64]).length).toBe(49);
    expect(featureChannels(three, [64, 64, 64]).length).toBe(183);
    expect(ILASTIK_SCALES).toEqual([0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0]);
  });

  it("names channels ilastik's way, with input and eigenvalue index, and tags groups", () => {
    const ch = featureChannels(three, [64, 64, 64]);
    const names = ch.map((c) => c.name);
    expect(names[0]).toBe("Gaussian Smoothing (σ=0.3) [SE2]");
    expect(names).toContain("Hessian of Gaussian Eigenvalues (σ=1.6) [SE2] #2");
    expect(names).toContain("Difference of Gaussians (σ=10.0) [SE2 - InLens]");
    expect(names).toContain("Laplacian of Gaussian (σ=1.0) [InLens]");
    expect(names[61]).toBe("Gaussian Smoothing (σ=0.3) [InLens]");
    // ilastik's order within an input: filter by filter, then scale, then eigenvalue index
    expect(names.slice(0, 8)).toEqual(
      [0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0]
        .map((s) => `Gaussian Smoothing (σ=${s.toFixed(1).replace(/\.0$/, ".0")}) [SE2]`)
        .concat(["Laplacian of Gaussian (σ=0.7) [SE2]"]),
    );
    const groups = (f: string) => new Set(ch.filter((c) => c.filter === f).map((c) => c.group));
    expect(groups("GaussianSmoothing")).toEqual(new Set(["smooth"]));
    expect(groups("DifferenceOfGaussians")).toEqual(new Set(["edge"]));
    expect(groups("StructureTensorEigenvalues")).toEqual(new Set(["texture"]));
    expect(ch.filter((c) => c.group === "smooth").length).toBe(21);
    expect(ch.filter((c) => c.group === "edge").length).toBe(54);
    expect(ch.filter((c) => c.group === "texture").length).toBe(108);
  });

  it("selects subsets by filter x scale, like ilastik's dialog", () => {
    const spec = featureSpec({
      filters: { GaussianSmoothing: [0.7, 1.6], HessianOfGaussianEigenvalues: true },
    });
    const names = featureChannels(spec, [40, 30, 30]).map((c) => c.name);
    expect(names.length).toBe(2 + 6 * 3);
    expect(names[0]).toBe("Gaussian Smoothing (σ=0.7) [raw]");
    expect(() => featureSpec({ filters: { LaplacianOfGaussian: [0.3] } })).toThrow(/>= 0.7/);
    expect(() => featureSpec({ filters: { Sobel: true } as never })).toThrow(
      /`filters.Sobel` is not a filter; expected one of GaussianSmoothing, /,
    );
    expect(() => featureSpec({ filters: {} })).toThrow(/empty/);
  });

  it("falls back to 2D for scales too large for a thin volume, marking them ' in 2D'", () => {
    const spec = featureSpec();
    // nz = 12: ceil(3.5 s) + 1 > 12 for s = 3.5, 5, 10
    const ch = featureChannels(spec, [12, 64, 64]);
    expect(ch.length).toBe(61 - 3 * 2);
    expect(ch.map((c) => c.name)).toContain(
      "Hessian of Gaussian Eigenvalues (σ=3.5) in 2D [raw] #1",
    );
    expect(
      ch.some((c) => c.name === "Hessian of Gaussian Eigenvalues (σ=3.5) in 2D [raw] #2"),
    ).toBe(false);
    expect(ch.find((c) => c.name.startsWith("Gaussian Smoothing (σ=1.6)"))!.in2d).toBe(false);
    expect(featureChannels(featureSpec({ computeIn2d: false }), [12, 64, 64]).length).toBe(61);
    expect(
      featureChannels(featureSpec({ computeIn2d: [0.7] }), [40, 64, 64]).filter((c) => c.in2d)
        .length,
    ).toBe(1 + 3 + 2 + 2);
    // a 2D image: no " in 2D" suffix
    expect(featureChannels(spec, [1, 64, 64]).every((c) => !c.name.includes("in 2D"))).toBe(true);
  });

  it("tailored features: names, group, selection, 3D only", () => {
    const spec = featureSpec({
      filters: {},
      tailored: { ZForwardDifference: [2, 4], ZGradient: [1.5] },
      inputs: ["SE2"],
    });
    const ch = featureChannels(spec, [20, 30, 30]);
    expect(ch.map((c) => c.name)).toEqual([
      "Z Forward Difference (k=2) [SE2]",
      "Z Forward Difference (k=4) [SE2]",
      "Z Gradient (σ=1.5) [SE2]",
    ]);
    expect(ch.every((c) => c.group === "milling")).toBe(true);
    expect(featureChannels(featureSpec({ tailored: true }), [40, 30, 30]).length).toBe(61 + 21);
    expect(() => featureChannels(spec, [1, 30, 30])).toThrow(/3D/);
    expect(() => featureSpec({ tailored: { ZForwardDifference: [1.5] } })).toThrow(/integers/);
  });

  it("computes the halo from ilastik's windows: pre-smoothing radius + filter radius + outer radius", () => {
    // s = 10: pre-smoothing sigma sqrt(99), radius (int)(3.5 * 9.95 + 0.5) = 35; filters at 1.0: radius 2; tensor outer 0.5: radius 1
    expect(featureHalo(featureSpec(), [64, 64, 64])).toEqual([38, 38, 38]);
    expect(
      featureHalo(featureSpec({ filters: { GaussianSmoothing: [0.3] } }), [64, 64, 64]),
    ).toEqual([2, 2, 2]);
    expect(featureHalo(featureSpec(), [1, 64, 64])).toEqual([0, 38, 38]);
  });

  it("an input with features: false is only a source (e.g. the operands of a difference)", () => {
    const spec = featureSpec({
      inputs: [
        { name: "SE2", features: false },
        { name: "InLens", features: false },
        { name: "D", difference: ["SE2", "InLens"] },
      ],
      filters: { GaussianSmoothing: [1.0] },
    });
    expect(featureChannels(spec, [8, 8, 8]).map((c) => c.name)).toEqual([
      "Gaussian Smoothing (σ=1.0) [D]",
    ]);
    expect(() => featureSpec({ inputs: [{ name: "a", features: false }] })).toThrow(
      /with features/,
    );
  });

  it("checks inputs", () => {
    expect(() => featureSpec({ inputs: ["a", "a"] })).toThrow(/unique/);
    expect(() => featureSpec({ inputs: ["a", { name: "d", difference: ["a", "b"] }] })).toThrow(
      /source input/,
    );
  });
});
