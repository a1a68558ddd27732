import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromArray, fromFunction } from "../../kernel-lib/src/volume/index.js";
import {
  fitZGradientMethod,
  voidsFromSignals,
  zGradientMethod,
  zGradientSignals,
  zGradientVoids,
  type ZGradientSignalOptions,
  type ZGradientThresholds,
} from "../../kernel-lib/src/classify/zGradient.js";

const dir = new URL("../fixtures/zgradient/", import.meta.url);
interface Case {
  name: string;
  options: ZGradientSignalOptions;
  thresholds: ZGradientThresholds;
  smooth: string;
  gradient: string;
  void: string;
  voidFraction: number;
}
const fixture = JSON.parse(readFileSync(new URL("zgradient.json", dir), "utf8")) as {
  image: { file: string; shape: [number, number, number] };
  cases: Case[];
};
const bytes = (file: string): Buffer => readFileSync(new URL(file, dir));
const f32 = (file: string): Float32Array => {
  const b = bytes(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const image = fromArray(Uint8Array.from(bytes(fixture.image.file)), fixture.image.shape);

describe("z-gradient signals and voids vs scipy.ndimage (fixture)", () => {
  for (const c of fixture.cases) {
    it(`${c.name}: S, G and the void mask match`, async () => {
      const sig = await zGradientSignals(image, { ...c.options, threads: 1 });
      const S = f32(c.smooth);
      const G = f32(c.gradient);
      let dS = 0;
      let dG = 0;
      for (let i = 0; i < S.length; i++) {
        dS = Math.max(dS, Math.abs(sig.smooth.data[i]! - S[i]!));
        dG = Math.max(dG, Math.abs(sig.gradient.data[i]! - G[i]!));
      }
      expect(dS).toBeLessThan(1e-3); // grey values 0..255, float32 sums
      expect(dG).toBeLessThan(1e-3);
      const voids = await zGradientVoids(image, {
        ...c.options,
        thresholds: c.thresholds,
        threads: 1,
      });
      const ref = bytes(c.void);
      // Voxels within float rounding of a threshold may flip; none does here at 1e-3.
      let differ = 0;
      for (let i = 0; i < ref.length; i++) if (voids.data[i] !== ref[i]) differ++;
      expect(differ).toBe(0);
      expect(c.voidFraction).toBeGreaterThan(0.2); // the case exercises both outcomes
      expect(c.voidFraction).toBeLessThan(0.8);
    });
  }
});

describe("z-gradient by hand", () => {
  it("the drop signal is S(z) - min of the next K slices (last slice repeated)", async () => {
    // 1x1 columns: no in-plane smoothing effect on a constant plane.
    const col = [100, 90, 120, 40, 40, 80];
    const v = fromFunction([6, 2, 2], (z) => col[z]!, "float32");
    const { smooth, gradient } = await zGradientSignals(v, { window: 2, threads: 1 });
    const near = (a: Float32Array, b: number[]): void =>
      b.forEach((v, i) => expect(a[i * 4]).toBeCloseTo(v, 3));
    near(smooth.data, col);
    // z0: 100 - min(90,120) = 10; z1: 90 - min(120,40) = 50; z2: 120 - 40 = 80;
    // z3: 40 - min(40,80) = 0; z4: 40 - min(80,80) = -40; z5: 80 - 80 = 0
    near(gradient.data, [10, 50, 80, 0, -40, 0]);
    const voids = voidsFromSignals({ smooth, gradient }, { dark: 50, bright: 110, gradient: 39 });
    // z0 stays solid, z1 drops by 50, z2 is bright, z3/z4 dark, z5 solid
    expect(Array.from(voids.data.filter((_, i) => i % 4 === 0))).toEqual([0, 1, 1, 1, 1, 0]);
  });

  it("zGradientMethod splits the solid at the InLens threshold", async () => {
    const se2 = fromFunction([3, 1, 4], () => 100, "uint8");
    const inlens = fromArray(
      Uint8Array.from([10, 89, 90, 200, 10, 89, 90, 200, 10, 89, 90, 200]),
      [3, 1, 4],
    );
    const seg = await zGradientMethod(se2, inlens, {
      thresholds: { dark: 50, bright: 256, gradient: 1e9 },
      solid: 90,
      threads: 1,
    });
    expect(Array.from(seg.data.subarray(0, 4))).toEqual([2, 2, 3, 3]);
    const allVoid = await zGradientMethod(se2, inlens, {
      thresholds: { dark: 101, bright: 256, gradient: 1e9 },
      threads: 1,
    });
    expect(Array.from(allVoid.data)).toEqual(new Array(12).fill(1));
  });

  it("fitZGradientMethod finds thresholds that separate a separable phantom", async () => {
    // Void: dark columns (x < 2) and bright-but-fading columns (x = 2..3); solid stationary at 100 (CBD
    // where InLens is 60, NMC where it is 150).
    const shape: [number, number, number] = [10, 4, 8];
    const se2 = fromFunction(
      shape,
      (z, _y, x) => (x < 2 ? 20 : x < 4 ? 200 - 15 * z : 100),
      "float32",
    );
    const inlens = fromFunction(shape, (_z, _y, x) => (x < 4 ? 30 : x < 6 ? 60 : 150), "uint8");
    const truth = fromFunction(shape, (_z, _y, x) => (x < 4 ? 1 : x < 6 ? 2 : 3), "uint8");
    const fit = await fitZGradientMethod(se2, inlens, truth, { inPlaneSigma: 0.01, threads: 1 });
    expect(fit.voidScore).toBe(1);
    expect(fit.solidScore).toBe(1);
    expect(fit.solid).toBeGreaterThan(60);
    expect(fit.solid).toBeLessThanOrEqual(150);
    const seg = await zGradientMethod(se2, inlens, {
      inPlaneSigma: 0.01,
      thresholds: fit.voids,
      solid: fit.solid,
      threads: 1,
    });
    // Last slices of the fading columns have no drop left ahead; they are still bright (>= 65)
    // and solid is 100, so only darkness or brightness can separate them there: check z < 8.
    for (let z = 0; z < 8; z++)
      for (let i = 0; i < 32; i++) expect(seg.data[z * 32 + i]).toBe(truth.data[z * 32 + i]);
  });

  it("rejects bad input", async () => {
    const v = fromFunction([1, 4, 4], () => 1, "uint8");
    await expect(zGradientSignals(v)).rejects.toThrow(/at least 2 slices/);
    const w = fromFunction([3, 4, 4], () => 1, "uint8");
    await expect(zGradientSignals(w, { window: 0 })).rejects.toThrow(
      /`window` must be an integer >= 1/,
    );
    await expect(zGradientSignals(w, { zSignal: "x" as never })).rejects.toThrow(/zSignal/);
    await expect(zGradientVoids(w, undefined as never)).rejects.toThrow(/thresholds/);
    await expect(zGradientSignals(w, { sigmaZ: 0 })).rejects.toThrow(
      "`sigmaZ` must be a finite number > 0, received 0",
    );
    const signals = await zGradientSignals(w, { threads: 1 });
    expect(() =>
      voidsFromSignals(signals, { dark: Number.NaN, bright: Infinity, gradient: 1 }),
    ).toThrow("`thresholds.dark` must be a number, received NaN");
    // An infinite threshold disables its test.
    const none = voidsFromSignals(signals, {
      dark: -Infinity,
      bright: Infinity,
      gradient: Infinity,
    });
    expect(none.data.every((v) => v === 0)).toBe(true);
    await expect(
      fitZGradientMethod(w, w, w, { classes: [1, 2] as never, signals }),
    ).rejects.toThrow("`classes` must be [void, CBD, NMC] class ids, received [1,2]");
  });
});
