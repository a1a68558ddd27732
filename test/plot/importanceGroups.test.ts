import { describe, expect, it } from "vitest";
import type { FeatureChannel } from "../../kernel-lib/src/features/spec.js";
import { importanceGroups } from "../../kernel-lib/src/plot/importanceGroups.js";
import { categoricalColor } from "../../kernel-lib/src/plot/style.js";

const ch = (input: string, group: FeatureChannel["group"]): FeatureChannel => ({
  name: `${input}/${group}`,
  input,
  group,
  filter: "GaussianSmoothing",
  scale: 1,
  index: 0,
  in2d: false,
});

describe("importanceGroups", () => {
  // channel order: texture before smooth, two inputs
  const channels = [ch("A", "texture"), ch("A", "smooth"), ch("B", "smooth"), ch("B", "edge")];
  const perClass = { 1: Float64Array.from([1, 2, 3, 4]), 2: Float64Array.from([5, 6, 7, 8]) };

  it("splits each class's importances by filter group, in the order smooth, edge, texture", () => {
    const g = importanceGroups({ channels, perClass }, { classNames: { 1: "void", 2: "CBD" } });
    expect(g.map((b) => b.name)).toEqual([
      "void: smooth",
      "void: edge",
      "void: texture",
      "CBD: smooth",
      "CBD: edge",
      "CBD: texture",
    ]);
    expect(g.map((b) => [...b.values])).toEqual([[2, 3], [4], [1], [6, 7], [8], [5]]);
    expect(g.map((b) => b.color)).toEqual([0, 1, 2, 0, 1, 2].map(categoricalColor));
  });

  it("splits by input in channel order, naming unknown classes by id", () => {
    const g = importanceGroups({ channels, perClass }, { by: "input", classNames: {} });
    expect(g.map((b) => b.name)).toEqual(["1: A", "1: B", "2: A", "2: B"]);
    expect(g.map((b) => [...b.values])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
  });

  it("rejects importances that do not match the channels", () => {
    expect(() =>
      importanceGroups({ channels, perClass: { 1: Float64Array.from([1, 2]) } }),
    ).toThrow(/one value per channel \(4\), received 2/);
    expect(() => importanceGroups({ channels, perClass }, { by: "x" as never })).toThrow(
      /`by` must be "group" or "input"/,
    );
  });
});
