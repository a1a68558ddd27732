import { describe, expect, it } from "vitest";
import { paper1Fig2, paper1GreyValues } from "../../kernel-lib/src/papers/paper1/greyValues.js";
import type { Paper1TestSlice } from "../../kernel-lib/src/papers/paper1/types.js";
import type { FibsemSample } from "../../kernel-lib/src/synth/sampleCatalog.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

const u8 = (values: number[], nz = 1): Volume<Uint8Array> => ({
  data: Uint8Array.from(values),
  shape: [nz, 1, values.length / nz],
  spacing: [10, 10, 10],
});

/** Two slices; the test slice z = 1 holds 4 void, 2 CBD, 2 NMC pixels. */
function testSlice(): Paper1TestSlice {
  const se2 = u8([0, 0, 0, 0, 0, 0, 0, 0, 10, 200, 50, 90, 40, 60, 80, 120], 2);
  const inlens = u8([0, 0, 0, 0, 0, 0, 0, 0, 5, 6, 7, 8, 30, 31, 150, 160], 2);
  const sample = { se2, inlens } as unknown as FibsemSample;
  return { sample, z: 1, truth: u8([1, 1, 1, 1, 2, 2, 3, 3]) };
}

describe("paper1GreyValues (hand case)", () => {
  it("gives per-class percentiles and the void share inside the solids' range", () => {
    const g = paper1GreyValues(testSlice());
    expect(g.classes.map((c) => c.fraction)).toEqual([0.5, 0.25, 0.25]);
    // void sorted 10, 50, 90, 200: nearest ranks round(p * 3)
    expect(g.classes[0]).toMatchObject({
      name: "void",
      q05: 10,
      q25: 50,
      q50: 90,
      q75: 90,
      q95: 200,
    });
    // the solids' range is CBD's q05 (40) to NMC's q95 (120): void 50 and 90 lie in it
    expect(g.voidInSolidRange).toBe(0.5);
    const inl = paper1GreyValues(testSlice(), "inlens");
    expect(inl.classes[2]).toMatchObject({ q05: 150, q95: 160 });
    expect(inl.voidInSolidRange).toBe(0);
  });
  it("draws the stacked histogram by class and names bad input", () => {
    const f = paper1Fig2(testSlice());
    expect(f.data.map((t) => t.name)).toEqual(["void", "CBD", "NMC"]);
    const total = f.data.reduce((s, t) => s + (t.y as number[]).reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(8);
    expect(() => paper1GreyValues({} as never)).toThrow(/paper1TestSlice/);
    expect(() => paper1GreyValues(testSlice(), "bse" as "se2")).toThrow(/detector/);
  });
});
