import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  adaptedRandError,
  contingencyTable,
  foregroundRestrictedScores,
  variationOfInformation,
} from "../../kernel-lib/src/metrics/index.js";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";

interface RandCase {
  name: string;
  shape: Shape3;
  truth: number[];
  test: number[];
  adaptedRand: { error: number; skimagePrecision: number; skimageRecall: number };
  vi: [number, number];
  viIgnore0: [number, number];
  foreground: Record<string, number>;
}
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/pipeline-metrics/metrics.json", import.meta.url), "utf8"),
) as { rand: RandCase[] };

const vol = (values: number[], shape: Shape3 = [1, 1, values.length]): Volume<Int32Array> => ({
  data: Int32Array.from(values),
  shape,
  spacing: [1, 1, 1],
});

describe("contingencyTable", () => {
  it("counts the pairs sparsely, with label indices in order of first occurrence", () => {
    const t = contingencyTable(vol([0, 1, 1, 2, 2, 2, 7]), vol([3, 3, 3, 3, 9, 9, 9]));
    expect(t.truthLabels).toEqual([0, 1, 2, 7]);
    expect(t.testLabels).toEqual([3, 9]);
    expect([...t.truthSizes]).toEqual([1, 2, 3, 1]);
    expect([...t.testSizes]).toEqual([4, 3]);
    const nb = t.testLabels.length;
    const byPair = Object.fromEntries(
      [...t.pairs].map(([k, c]) => [
        `${t.truthLabels[Math.floor(k / nb)]}-${t.testLabels[k % nb]}`,
        c,
      ]),
    );
    expect(byPair).toEqual({ "0-3": 1, "1-3": 2, "2-3": 1, "2-9": 2, "7-9": 1 });
    expect(t.total).toBe(7);
    const ignored = contingencyTable(vol([0, 1, 1, 2]), vol([3, 3, 0, 3]), {
      ignoreTruth: [0],
      ignoreTest: [0],
    });
    expect(ignored.total).toBe(2);
    expect(ignored.truthLabels).toEqual([1, 2]);
  });

  it("refuses float labels and mismatched shapes", () => {
    const f: Volume<Float32Array> = {
      data: new Float32Array(3),
      shape: [1, 1, 3],
      spacing: [1, 1, 1],
    };
    expect(() => contingencyTable(f, vol([1, 2, 3]))).toThrow(/integer labels/);
    expect(() => contingencyTable(vol([1, 2]), vol([1, 2, 3]))).toThrow(/shape/);
  });
});

describe("adapted Rand error (skimage 0.19 adapted_rand_error)", () => {
  it("hand case: one test segment over three true grains (skimage issue #6485's example)", () => {
    // truth 1,2,3,2; test all 1. Pairs together in both: 2 (the two 2s, ordered); in truth: 2; in test: 12.
    const r = adaptedRandError(vol([1, 2, 3, 2]), vol([1, 1, 1, 1]));
    expect(r.precision).toBeCloseTo(2 / 12, 14);
    expect(r.recall).toBe(1);
    expect(r.error).toBeCloseTo(1 - 2 / 7, 14);
    expect(adaptedRandError(vol([1, 2, 2]), vol([5, 6, 6])).error).toBe(0);
  });

  for (const c of fixture.rand) {
    it(`matches skimage: ${c.name}`, () => {
      const r = adaptedRandError(vol(c.truth, c.shape), vol(c.test, c.shape));
      expect(r.error).toBeCloseTo(c.adaptedRand.error, 12);
      // skimage 0.19 swaps the two names.
      expect(r.precision).toBeCloseTo(c.adaptedRand.skimageRecall, 12);
      expect(r.recall).toBeCloseTo(c.adaptedRand.skimagePrecision, 12);
    });
  }

  it("checks alpha", () => {
    expect(() => adaptedRandError(vol([1]), vol([1]), { alpha: 2 })).toThrow(/alpha/);
  });
});

describe("variation of information (skimage variation_of_information)", () => {
  it("hand case: merging two equal grains loses one bit", () => {
    const v = variationOfInformation(vol([1, 1, 2, 2]), vol([4, 4, 4, 4]));
    expect(v.merges).toBeCloseTo(1, 14);
    expect(v.splits).toBeCloseTo(0, 14);
  });
  for (const c of fixture.rand) {
    it(`matches skimage, with and without ignore_labels=(0,): ${c.name}`, () => {
      const v = variationOfInformation(vol(c.truth, c.shape), vol(c.test, c.shape));
      expect(v.splits).toBeCloseTo(c.vi[0], 12);
      expect(v.merges).toBeCloseTo(c.vi[1], 12);
      expect(v.vi).toBeCloseTo(c.vi[0] + c.vi[1], 12);
      const w = variationOfInformation(vol(c.truth, c.shape), vol(c.test, c.shape), {
        ignoreLabels: [0],
      });
      expect(w.splits).toBeCloseTo(c.viIgnore0[0], 12);
      expect(w.merges).toBeCloseTo(c.viIgnore0[1], 12);
    });
  }
});

describe("foreground-restricted V-Rand and V-Info (ISBI 2012)", () => {
  it("hand case: test label 0 inside the truth's foreground counts as singletons", () => {
    // Foreground t = 1,1,2,2; s = 5,5,5,(singleton). sum p^2 = 4 + 1 + 1, sum s^2 = 9 + 1, sum t^2 = 8.
    const s = foregroundRestrictedScores(vol([1, 1, 2, 2, 0]), vol([5, 5, 5, 0, 7]));
    expect(s.vRand).toBeCloseTo(12 / 18, 14);
    expect(s.vRandSplit).toBeCloseTo(6 / 8, 14);
    expect(s.vRandMerge).toBeCloseTo(6 / 10, 14);
    const perfect = foregroundRestrictedScores(vol([1, 1, 2, 0]), vol([3, 3, 4, 3]));
    expect(perfect).toEqual({
      vRand: 1,
      vRandSplit: 1,
      vRandMerge: 1,
      vInfo: 1,
      vInfoSplit: 1,
      vInfoMerge: 1,
    });
  });
  for (const c of fixture.rand) {
    it(`matches numpy/scipy: ${c.name}`, () => {
      const s = foregroundRestrictedScores(vol(c.truth, c.shape), vol(c.test, c.shape));
      for (const k of [
        "vRand",
        "vRandSplit",
        "vRandMerge",
        "vInfo",
        "vInfoSplit",
        "vInfoMerge",
      ] as const)
        expect(s[k], k).toBeCloseTo(c.foreground[k]!, 12);
    });
  }
});
