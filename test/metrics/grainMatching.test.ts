import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { contingencyTable, matchGrains } from "../../kernel-lib/src/metrics/index.js";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";

interface MatchCase {
  name: string;
  shape: Shape3;
  truth: number[];
  predicted: number[];
  matches: [number, number, number][];
  truthCount: number;
  predictedCount: number;
}
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/pipeline-metrics/metrics.json", import.meta.url), "utf8"),
) as { matching: MatchCase[] };

const vol = (values: number[], shape: Shape3 = [1, 1, values.length]): Volume<Int32Array> => ({
  data: Int32Array.from(values),
  shape,
  spacing: [1, 1, 1],
});

describe("matchGrains", () => {
  it("hand case: IoU 3/4 matches, 1/2 does not (strictly above), background never matches", () => {
    // truth 1: voxels 0-2, truth 2: 3-6; predicted 5: 0-3 (IoU with 1 = 3/4), predicted 6: 4-5, 0 at 6 (IoU with 2 = 2/4).
    const m = matchGrains(vol([1, 1, 1, 2, 2, 2, 2, 0]), vol([5, 5, 5, 5, 6, 6, 0, 0]));
    expect(m.matches).toEqual([{ truth: 1, predicted: 5, iou: 0.75 }]);
    expect(m.truthCount).toBe(2);
    expect(m.predictedCount).toBe(2);
    expect(m.matchedFraction).toBe(0.5);
    expect(m.predictedMatchedFraction).toBe(0.5);
    expect(
      matchGrains(vol([1, 1, 1, 2, 2, 2, 2, 0]), vol([5, 5, 5, 5, 6, 6, 0, 0]), { threshold: 0.4 })
        .matches,
    ).toHaveLength(2);
  });

  for (const c of fixture.matching) {
    it(`matches brute-force IoU: ${c.name}`, () => {
      const truth = vol(c.truth, c.shape);
      const pred = vol(c.predicted, c.shape);
      const m = matchGrains(truth, pred);
      expect(m.matches.map((x) => [x.truth, x.predicted])).toEqual(
        c.matches.map((x) => [x[0], x[1]]),
      );
      m.matches.forEach((x, i) => expect(x.iou).toBeCloseTo(c.matches[i]![2], 14));
      expect(m.truthCount).toBe(c.truthCount);
      expect(m.predictedCount).toBe(c.predictedCount);
      expect(m.matchedFraction).toBeCloseTo(c.matches.length / c.truthCount, 15);
      // a table built once can be reused
      expect(matchGrains(truth, pred, { table: contingencyTable(truth, pred) }).matches).toEqual(
        m.matches,
      );
    });
  }
});
