// Paper 1, Fig. 2: the grey values of the test slice per ground-truth class, and where
// the classes overlap (what limits every method that reads one detector's grey value).
import { histogramFigure } from "../../plot/histogram.js";
import type { Figure } from "../../plot/types.js";
import { checkOneOf, checkOptions } from "../../util/checks.js";
import { slice } from "../../volume/slice.js";
import type { Paper1TestSlice } from "./types.js";

const CLASS_NAMES: Record<number, string> = { 1: "void", 2: "CBD", 3: "NMC" };
const COLORS: Record<number, string> = { 1: "#4c78a8", 2: "#54a24b", 3: "#e45756" };

/** Grey-value summary of one class on the test slice. */
export interface Paper1GreyValueClass {
  id: number;
  name: string;
  /** Fraction of the slice's pixels in this class. */
  fraction: number;
  /** 5th, 25th, 50th, 75th and 95th percentiles (nearest rank). */
  q05: number;
  q25: number;
  q50: number;
  q75: number;
  q95: number;
}

/** Result of {@link paper1GreyValues}. */
export interface Paper1GreyValues {
  detector: "se2" | "inlens";
  classes: Paper1GreyValueClass[];
  /**
   * Fraction of the void pixels whose grey value lies inside the solids' central range,
   * from CBD's 5th to NMC's 95th percentile: void that no threshold can tell from solid.
   */
  voidInSolidRange: number;
}

/**
 * Per-class grey-value percentiles of one detector on the test slice, and the share of
 * void that falls in the solids' range. Paper 1's triple threshold (void below 28 or above
 * 76, CBD 28-48, NMC 49-76 on their 8-bit SE2 scale) says their void lies mostly outside
 * the solids' range, dark pores below CBD and bright shine-through above NMC.
 * @param test - `paper1TestSlice(sample)`.
 * @param detector - Which image. @default "se2"
 */
export function paper1GreyValues(
  test: Paper1TestSlice,
  detector: "se2" | "inlens" = "se2",
): Paper1GreyValues {
  if (!test || typeof test !== "object" || !("sample" in test) || !("truth" in test))
    throw new TypeError("test: expected the result of paper1TestSlice(sample)");
  checkOneOf(detector, "detector", ["se2", "inlens"] as const);
  const image = slice(test.sample[detector], "xy", test.z).data;
  const truth = test.truth.data;
  const values: Record<number, number[]> = { 1: [], 2: [], 3: [] };
  for (let i = 0; i < truth.length; i++) values[truth[i]!]?.push(image[i]!);
  const q = (a: number[], p: number) => a[Math.round(p * (a.length - 1))] ?? NaN;
  const classes = [1, 2, 3].map((id) => {
    const a = values[id]!.sort((x, y) => x - y);
    return {
      id,
      name: CLASS_NAMES[id]!,
      fraction: a.length / truth.length,
      q05: q(a, 0.05),
      q25: q(a, 0.25),
      q50: q(a, 0.5),
      q75: q(a, 0.75),
      q95: q(a, 0.95),
    };
  });
  const lo = classes[1]!.q05;
  const hi = classes[2]!.q95;
  const v = values[1]!;
  let inside = 0;
  for (const g of v) if (g >= lo && g <= hi) inside++;
  return { detector, classes, voidInSolidRange: v.length > 0 ? inside / v.length : NaN };
}

/**
 * Paper 1, Fig. 2: the histogram of one detector's grey values on the test slice, split by
 * the ground-truth class (stacked, counts).
 * @param test - `paper1TestSlice(sample)`.
 */
export function paper1Fig2(
  test: Paper1TestSlice,
  options: { detector?: "se2" | "inlens"; title?: string; width?: number; height?: number } = {},
): Figure {
  checkOptions(options, "options", ["detector", "title", "width", "height"]);
  const detector = checkOneOf(options.detector ?? "se2", "detector", ["se2", "inlens"] as const);
  if (!test || typeof test !== "object" || !("sample" in test))
    throw new TypeError("test: expected the result of paper1TestSlice(sample)");
  const image = slice(test.sample[detector], "xy", test.z);
  return histogramFigure(image, {
    labels: test.truth,
    classes: [1, 2, 3],
    classNames: CLASS_NAMES,
    colors: COLORS,
    barmode: "stack",
    bins: 128,
    range: [0, 256],
    title:
      options.title ??
      `Fig. 2: ${detector === "se2" ? "SE2" : "InLens"} grey values of the test slice z = ${test.z} by class`,
    xTitle: "grey value",
    yTitle: "pixels",
    width: options.width ?? 900,
    height: options.height ?? 420,
  });
}
