import { describe, expect, it } from "vitest";
import { fromArray } from "../../kernel-lib/src/volume/index.js";
import { loadSample } from "../../kernel-lib/src/synth/index.js";
import {
  fibsemSlices,
  nmcCrop,
  paper1DoubleThreshold,
  paper1FeatureSpec,
  paper1ForestAll,
  paper1ForestFeatures,
  paper1ForestSE2,
  paper1ForestTailored,
  paper1Methods,
  paper1Score,
  paper1TestSlice,
  paper1TripleThreshold,
  PAPER1_METHODS,
} from "../../kernel-lib/src/papers/index.js";
import { importanceGroups } from "../../kernel-lib/src/plot/importanceGroups.js";
import {
  paper1ImportanceFinding,
  paper1ImportanceNoise,
  paper1JointImportance,
  paper1JointImportanceFigure,
} from "../../kernel-lib/src/papers/paper1/importance.js";
import type { Paper1Importance } from "../../kernel-lib/src/papers/paper1/types.js";
import { featureChannels } from "../../kernel-lib/src/features/index.js";

describe("nmcCrop", () => {
  it("finds the largest square without CBD and with enough NMC", () => {
    // 6x6 slice: NMC block rows 1-4, cols 1-4 with one pore; CBD at (0,0).
    const t = new Uint8Array(36).fill(1);
    for (let y = 1; y <= 4; y++) for (let x = 1; x <= 4; x++) t[y * 6 + x] = 3;
    t[2 * 6 + 2] = 1; // inner pore
    t[0] = 2;
    const crop = nmcCrop(fromArray(t, [1, 6, 6]), { minSize: 2, minNmc: 0.6, maxCbd: 0 });
    // 5x5 squares hold at most 15/25 = 0.6 NMC; those at (0,1), (1,0) and (1,1) avoid the CBD
    // voxel; the first in row-major order wins the tie.
    expect(crop).toEqual({
      y: 0,
      x: 1,
      size: 5,
      fractions: { void: 10 / 25, cbd: 0, nmc: 15 / 25 },
    });
    const strict = nmcCrop(fromArray(t, [1, 6, 6]), { minSize: 2, minNmc: 0.9, maxCbd: 0 });
    // 4x4 at (1,1) has 15/16 NMC
    expect(strict).toMatchObject({ y: 1, x: 1, size: 4 });
    expect(nmcCrop(fromArray(new Uint8Array(36).fill(2), [1, 6, 6]))).toBeUndefined();
    expect(() => nmcCrop(fromArray(new Uint8Array(8), [2, 2, 2]))).toThrow(/one slice/);
    const slice1 = fromArray(new Uint8Array(4), [1, 2, 2]);
    expect(() => nmcCrop(slice1, { maxCbd: 2 })).toThrow(
      "`maxCbd` must be a number in [0, 1], received 2",
    );
    expect(() => nmcCrop(slice1, { minSize: 0 })).toThrow(
      "`minSize` must be a positive integer, received 0",
    );
    expect(() => nmcCrop(slice1, { classes: [1, 2] as never })).toThrow(
      "`classes` must be [void, CBD, NMC] class ids, received [1,2]",
    );
    expect(() => nmcCrop(null as never)).toThrow(/`truth` must be a Volume/);
    expect(() => paper1TestSlice({ kind: "ebsd" } as never)).toThrow(
      new TypeError(
        '`sample` must be a FIB/SEM sample (loadSample("fibsem-nmc")), received {"kind":"ebsd"}',
      ),
    );
  });
});

describe("paper1FeatureSpec", () => {
  it("has Paper 1's feature counts: 61, 183, 183 + tailored", () => {
    const shape: [number, number, number] = [48, 96, 96];
    expect(featureChannels(paper1FeatureSpec("3.4"), shape)).toHaveLength(61);
    expect(featureChannels(paper1FeatureSpec("3.5"), shape)).toHaveLength(183);
    const t = featureChannels(paper1FeatureSpec("3.6"), shape);
    expect(t.length).toBeGreaterThan(183);
    expect(t.some((c) => c.group === "milling")).toBe(true);
  });
  it("refuses other method ids, also names of Object.prototype", () => {
    for (const bad of ["3.1", "constructor"])
      expect(() => paper1FeatureSpec(bad as never)).toThrow(
        `\`id\` must be "3.4", "3.5" or "3.6", received "${bad}"`,
      );
  });
});

describe("paper1 joint importance", () => {
  // hand-made importance of two channels (SE2 smooth, InLens edge) for classes 1 and 2
  const f = (v: number[]) => Float64Array.from(v);
  const imp = {
    channels: [
      {
        name: "a",
        group: "smooth",
        input: "SE2",
        filter: "GaussianSmoothing",
        scale: 1,
        index: 0,
        in2d: false,
      },
      {
        name: "b",
        group: "edge",
        input: "InLens",
        filter: "GaussianSmoothing",
        scale: 1,
        index: 0,
        in2d: false,
      },
    ],
    overall: f([0.1, 0.2]),
    perClass: { 1: f([0.01, -0.03]), 2: f([0.05, 0.07]) },
    perClassStd: { 1: f([0.02, 0.04]), 2: f([0.0, 0.1]) },
    repeats: 4,
    samples: 10,
    groups: {
      names: ["group:smooth", "input:SE2", "group:edge", "input:InLens"],
      overall: f([0, 0, 0, 0]),
      overallStd: f([0, 0, 0, 0]),
      perClass: { 1: f([0.1, 0.3, 0.2, 0.1]), 2: f([0.4, 0.5, 0.1, 0.2]) },
      perClassStd: { 1: f([0.05, 0.3, 0.1, 0.1]), 2: f([0.1, 0.2, 0.1, 0.4]) },
      repeats: 25,
    },
  } as unknown as Paper1Importance;

  it("reads the groups by kind with sem = std / sqrt(shuffles)", () => {
    const rows = paper1JointImportance(imp, "input");
    expect(rows.map((r) => [r.className, r.name, r.mean])).toEqual([
      ["void", "SE2", 0.3],
      ["void", "InLens", 0.1],
      ["CBD", "SE2", 0.5],
      ["CBD", "InLens", 0.2],
    ]);
    expect(rows[0]!.sem).toBeCloseTo(0.3 / 5, 12);
    expect(() => paper1JointImportance(imp, "bogus" as never)).toThrow(/kind/);
  });

  it("names the top group per class and its margin in standard errors", () => {
    const [v, c] = paper1ImportanceFinding(imp, "group");
    expect([v!.className, v!.top.name, v!.second.name]).toEqual(["void", "edge", "smooth"]);
    // (0.2 - 0.1) / hypot(0.1/5, 0.05/5)
    expect(v!.margin).toBeCloseTo(0.1 / Math.hypot(0.02, 0.01), 10);
    expect([c!.top.name, c!.second.name]).toEqual(["smooth", "edge"]);
  });

  it("reports the boxes' noise and draws bars with two-sem error bars", () => {
    const noise = paper1ImportanceNoise(imp);
    expect(noise[0]!.className).toBe("void");
    expect(noise[0]!.medianSem).toBeCloseTo(0.03 / 2, 12); // median of 0.01, 0.02
    expect(noise[0]!.medianAbs).toBeCloseTo(0.02, 12); // median of 0.01, 0.03
    const fig = paper1JointImportanceFigure(imp, "input");
    const se2 = fig.data[0] as { y: number[]; error_y: { array: number[] } };
    expect(se2.y).toEqual([0.3, 0.5]);
    expect(se2.error_y.array[1]).toBeCloseTo((2 * 0.2) / 5, 12);
  });
});

describe("paper1Methods on fibsem-nmc-small", () => {
  it("runs the six methods; forests beat the double threshold", async () => {
    const fib = await loadSample("fibsem-nmc-small");
    const steps: number[] = [];
    const r = await paper1Methods(fib, {
      trees: 10,
      importanceSamples: 300,
      importanceRepeats: 1,
      importanceGroupRepeats: 3,
      scales: [0.7, 1.6, 3.5],
      onProgress: (d) => steps.push(d),
    });
    expect(r.methods.map((m) => m.id)).toEqual(["3.1", "3.2", "3.3", "3.4", "3.5", "3.6"]);
    expect(steps.at(-1)).toBe(15);
    const [, ny, nx] = fib.se2.shape;
    for (const m of r.methods) {
      expect(m.awe).toBeGreaterThanOrEqual(0);
      expect(m.awe).toBeLessThanOrEqual(100);
      expect(m.segmentation.shape).toEqual([1, ny, nx]);
      expect(new Set(m.segmentation.data).size).toBeGreaterThan(1);
      expect(m.scores.classes).toEqual([1, 2, 3]);
      if (r.crop) expect(m.aweCrop).toBeGreaterThanOrEqual(0);
    }
    const awe = Object.fromEntries(r.methods.map((m) => [m.id, m.awe]));
    for (const id of ["3.4", "3.5", "3.6"]) expect(awe[id]).toBeLessThan(awe["3.1"]!);
    // 3.2 is fitted to the test slice's truth: it must not be worse than 3.1
    expect(awe["3.2"]).toBeLessThanOrEqual(awe["3.1"]!);
    // The channel counts with three scales: SE2 only, three inputs, plus tailored
    const ch = r.methods.filter((m) => m.importance).map((m) => m.importance!.channels.length);
    expect(ch[1]).toBe(3 * ch[0]!);
    expect(ch[2]).toBeGreaterThan(ch[1]!);
    const imp = r.methods[5]!.importance!;
    expect(Object.keys(imp.perClass).map(Number)).toEqual([1, 2, 3]);
    expect(imp.samples).toBe(300);
    const byGroup = importanceGroups(imp);
    expect(new Set(byGroup.map((g) => g.color)).size).toBe(4);
    expect(new Set(byGroup.map((g) => g.group))).toEqual(
      new Set(["smooth", "edge", "texture", "milling"]),
    );
    const total = byGroup.filter((g) => g.class === 1).reduce((s, g) => s + g.values.length, 0);
    expect(total).toBe(imp.channels.length);
    const byInput = importanceGroups(imp, { by: "input" });
    expect(byInput.filter((g) => g.class === 2).map((g) => g.group)).toEqual([
      "SE2",
      "InLens",
      "SE2 - InLens",
    ]);
    // joint importances: every class x input, and x filter group on 3.6
    const joint = paper1JointImportance(imp, "input");
    expect(joint.map((j) => `${j.className}/${j.name}`)).toEqual(
      ["void", "CBD", "NMC"].flatMap((c) =>
        ["SE2", "InLens", "SE2 - InLens"].map((i) => `${c}/${i}`),
      ),
    );
    expect(joint.every((j) => j.repeats === 3 && Number.isFinite(j.mean))).toBe(true);
    expect(paper1JointImportance(imp, "group")).toHaveLength(12);
  }, 120_000);

  it("rejects unknown methods", async () => {
    const fib = await loadSample("fibsem-nmc-small");
    await expect(paper1Methods(fib, { methods: ["3.9" as never] })).rejects.toThrow(
      /unknown method/,
    );
  });
});

describe("paper1 method functions", () => {
  it("give the results of paper1Methods, one call per method, the forests sharing features", async () => {
    const fib = await loadSample("fibsem-nmc-small");
    const options = { trees: 5, scales: [1.6], importance: false, threads: 1 };
    const all = await paper1Methods(fib, { ...options, methods: ["3.1", "3.2", "3.4", "3.5"] });
    const test = paper1TestSlice(fib);
    expect(test.z).toBe(fib.testSlice);
    expect(test.crop).toEqual(all.crop);
    expect(test.truth).toEqual(all.truth);
    const features = await paper1ForestFeatures(test, {
      methods: ["3.4", "3.5"],
      scales: [1.6],
      threads: 1,
    });
    const one = [
      paper1DoubleThreshold(test),
      paper1TripleThreshold(test),
      await paper1ForestSE2(test, { ...options, features }),
      await paper1ForestAll(test, { ...options, features }),
    ];
    for (const [i, m] of one.entries()) {
      const r = all.methods[i]!;
      expect(m.id).toBe(r.id);
      expect(m.key).toBe(PAPER1_METHODS[m.id].key);
      expect(m.published).toEqual(PAPER1_METHODS[m.id].published);
      expect(m.awe).toBe(r.awe);
      expect(m.aweCrop).toBe(r.aweCrop);
      expect([...m.segmentation.data]).toEqual([...r.segmentation.data]);
    }
    // a forest computing its own features gives the same segmentation as with shared ones
    const alone = await paper1ForestSE2(test, options);
    expect([...alone.segmentation.data]).toEqual([...one[2]!.segmentation.data]);
    expect(alone.timings.trainFeatures).toBeGreaterThanOrEqual(0);
    expect(one[2]!.timings.trainFeatures).toBeUndefined();
    expect(all.methods[2]!.timings.trainFeatures).toBeGreaterThanOrEqual(0);
    // 3.6 needs the tailored features, which the shared set for 3.4 and 3.5 lacks
    await expect(paper1ForestTailored(test, { ...options, features })).rejects.toThrow(
      /missing \(compute them with paper1ForestFeatures for methods including 3.6\)/,
    );
  }, 60_000);
});

describe("paper1Score", () => {
  it("scores awe (Eq. 1) on the full slice and on the crop, by hand", () => {
    // 4x4 truth: left half void (1), right half NMC (3); the crop is the right 2x2 top square
    const truth = fromArray(
      Uint8Array.from([1, 1, 3, 3, 1, 1, 3, 3, 1, 1, 3, 3, 1, 1, 3, 3]),
      [1, 4, 4],
    );
    const test = {
      sample: undefined as never,
      z: 0,
      truth,
      crop: { y: 0, x: 2, size: 2, fractions: { void: 0, cbd: 0, nmc: 1 } },
    };
    const seg = Uint8Array.from(truth.data);
    seg[2] = 1; // one NMC voxel (inside the crop) called void
    const s = paper1Score(test, fromArray(seg, [1, 4, 4]));
    // void: IoU 8/9, p 1/2; NMC: IoU 7/8, p 1/2; CBD absent
    expect(s.awe).toBeCloseTo((1 - (0.5 * 8) / 9 - (0.5 * 7) / 8) * 100, 10);
    // crop: truth all NMC (4), prediction 3 NMC + 1 void: IoU_NMC 3/4, p 1
    expect(s.aweCrop).toBeCloseTo(25, 10);
    expect(() => paper1Score(test, fromArray(new Uint8Array(4), [1, 2, 2]))).toThrow(/shape/);
  });
});

describe("fibsemSlices", () => {
  it("gives the SE2, InLens and truth slices of the test slice for a figure", async () => {
    const s = await loadSample("fibsem-nmc-small", { generate: false });
    const f = fibsemSlices(s);
    expect(f.z).toBe(s.testSlice);
    for (const v of [f.se2, f.inlens, f.truth]) expect(v.shape).toEqual([1, 96, 96]);
    expect(f.truth.data[5]).toBe(s.truth.data[s.testSlice * 96 * 96 + 5]);
    expect(() => fibsemSlices(s, 48)).toThrow(/`z` must be an integer in \[0, 47\], received 48/);
  });
});
