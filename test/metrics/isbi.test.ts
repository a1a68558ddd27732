import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isbiScores, pixelError } from "../../kernel-lib/src/metrics/index.js";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";

interface IsbiCase {
  name: string;
  shape: Shape3;
  truth: number[];
  proposal: number[];
  probability: number[];
  vRand: number;
  vRandSplit: number;
  vRandMerge: number;
  vInfo: number;
  vInfoSplit: number;
  vInfoMerge: number;
  perSliceVRand: number[];
  pixelError: number;
  pixelF: number;
}
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/isbi/isbi.json", import.meta.url), "utf8"),
) as { cases: IsbiCase[] };

const u8 = (v: number[], shape: Shape3): Volume<Uint8Array> => ({
  data: Uint8Array.from(v),
  shape,
  spacing: [1, 1, 1],
});
const i32 = (v: number[], shape: Shape3): Volume<Int32Array> => ({
  data: Int32Array.from(v),
  shape,
  spacing: [1, 1, 1],
});

describe("isbiScores (ISBI 2012 V-Rand, V-Info)", () => {
  it("hand case: one 1 x 6 slice, membrane in the middle, one merge and one unassigned pixel", () => {
    // truth 255 255 0 255 255 255 -> segments A A . B B B (4-connected components).
    // proposal 1 1 1 1 1 0: foreground pixels A:1,1  B:1,1,(singleton).
    // p counts: (A,1) 2, (B,1) 2, (B,single) 1 -> sum p^2 = 4 + 4 + 1 = 9;
    // s: 1 -> 4, single 1 -> sum s^2 = 17; t: A 2, B 3 -> sum t^2 = 13.
    const truth = u8([255, 255, 0, 255, 255, 255], [1, 1, 6]);
    const prop = i32([1, 1, 1, 1, 1, 0], [1, 1, 6]);
    const s = isbiScores(truth, prop);
    expect(s.vRand).toBeCloseTo(18 / 30, 14);
    expect(s.vRandSplit).toBeCloseTo(9 / 13, 14);
    expect(s.vRandMerge).toBeCloseTo(9 / 17, 14);
    // n = 5. H(T) = -(2/5 ln 2/5 + 3/5 ln 3/5); H(S) = -(4/5 ln 4/5 + 1/5 ln 1/5);
    // H(S,T) = -(2 * 2/5 ln 2/5 + 1/5 ln 1/5); I = H(T) + H(S) - H(S,T).
    const L = Math.log;
    const hT = -(0.4 * L(0.4) + 0.6 * L(0.6));
    const hS = -(0.8 * L(0.8) + 0.2 * L(0.2));
    const hST = -(0.8 * L(0.4) + 0.2 * L(0.2));
    const info = hT + hS - hST;
    expect(s.vInfo).toBeCloseTo((2 * info) / (hT + hS), 14);
    expect(s.vInfoSplit).toBeCloseTo(info / hS, 14);
    expect(s.vInfoMerge).toBeCloseTo(info / hT, 14);
    expect(s.perSlice?.[0]?.foreground).toBe(5);
  });

  it("a perfect proposal scores 1; the membrane pixels are not scored", () => {
    const truth = u8([255, 255, 0, 255, 255, 255], [1, 1, 6]);
    const s = isbiScores(truth, i32([4, 4, 9, 7, 7, 7], [1, 1, 6]));
    expect(s.vRand).toBe(1);
    expect(s.vInfo).toBeCloseTo(1, 14);
  });

  it("pools V-Rand over slices and averages V-Info (Fiji)", () => {
    // slice 0 perfect, slice 1 the hand case above.
    const truth = u8([255, 255, 0, 255, 255, 255, 255, 255, 0, 255, 255, 255], [2, 1, 6]);
    const prop = i32([1, 1, 0, 2, 2, 2, 1, 1, 1, 1, 1, 0], [2, 1, 6]);
    const s = isbiScores(truth, prop);
    // slice 0: sum p^2 = 13 = sum s^2 = sum t^2.
    expect(s.vRand).toBeCloseTo((2 * (13 + 9)) / (13 + 13 + 17 + 13), 14);
    expect(s.vInfo).toBeCloseTo((1 + s.perSlice![1]!.vInfo) / 2, 14);
    expect(s.slices).toBe(2);
  });

  for (const c of fixture.cases) {
    it(`matches numpy/scipy/skimage: ${c.name}`, () => {
      const s = isbiScores(u8(c.truth, c.shape), i32(c.proposal, c.shape));
      for (const k of [
        "vRand",
        "vRandSplit",
        "vRandMerge",
        "vInfo",
        "vInfoSplit",
        "vInfoMerge",
      ] as const)
        expect(s[k], k).toBeCloseTo(c[k], 12);
      expect(s.perSlice!.map((p) => p.vRand)).toHaveLength(c.perSliceVRand.length);
      s.perSlice!.forEach((p, i) => expect(p.vRand).toBeCloseTo(c.perSliceVRand[i]!, 12));
      const pe = pixelError(u8(c.truth, c.shape), {
        data: Float32Array.from(c.probability),
        shape: c.shape,
        spacing: [1, 1, 1],
      });
      expect(pe.error).toBeCloseTo(c.pixelError, 14);
      expect(pe.fscore).toBeCloseTo(c.pixelF, 12);
      expect(pe.fscoreError).toBeCloseTo(1 - c.pixelF, 12);
    });
  }

  it("binary proposals are labelled by 4-connected components", () => {
    // Diagonal touch is not a connection: 255 0 / 0 255 gives two segments.
    const truth = u8([255, 0, 0, 255], [1, 2, 2]);
    const prop = u8([255, 0, 0, 255], [1, 2, 2]);
    expect(isbiScores(truth, prop, { proposal: "binary" }).vRand).toBe(1);
    const merged = isbiScores(truth, i32([1, 0, 0, 1], [1, 2, 2]));
    expect(merged.vRandMerge).toBeCloseTo(2 / 4, 14);
  });

  it("clear errors", () => {
    const t = u8([255, 0], [1, 1, 2]);
    expect(() => isbiScores(t, i32([1, 2, 3], [1, 1, 3]))).toThrow(/proposal/);
    expect(() => isbiScores(u8([0, 0], [1, 1, 2]), i32([1, 2], [1, 1, 2]))).toThrow(/foreground/);
    expect(() => isbiScores(t, i32([1, 2], [1, 1, 2]), { truth: "mask" as never })).toThrow(
      /options.truth/,
    );
    expect(() => pixelError(t, t, { threshold: NaN })).toThrow(/threshold/);
  });
});
