import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { boundaryF1, labelBoundaries } from "../../kernel-lib/src/metrics/index.js";
import type { Shape3, Spacing3, Volume } from "../../kernel-lib/src/volume/types.js";

interface BoundaryCase {
  name: string;
  shape: Shape3;
  spacing: Spacing3;
  tolerance: number;
  units: "voxels" | "spacing";
  predicted: number[];
  truth: number[];
  precision: number;
  recall: number;
  f1: number;
  predictedMatched: number;
  truthMatched: number;
}
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/pipeline-metrics/metrics.json", import.meta.url), "utf8"),
) as { boundary: BoundaryCase[] };

const mask = (
  values: number[],
  shape: Shape3,
  spacing: Spacing3 = [1, 1, 1],
): Volume<Uint8Array> => ({
  data: Uint8Array.from(values),
  shape,
  spacing,
});

describe("boundaryF1", () => {
  it("hand case on a line: a hit at exactly the tolerance, a missed true voxel", async () => {
    // predicted at x = 2; true at x = 4 and x = 9; tolerance 2.
    const p = mask([0, 0, 1, 0, 0, 0, 0, 0, 0, 0], [1, 1, 10]);
    const t = mask([0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [1, 1, 10]);
    const s = await boundaryF1(p, t, { tolerance: 2 });
    expect(s.precision).toBe(1);
    expect(s.recall).toBe(0.5);
    expect(s.f1).toBeCloseTo(2 / 3, 14);
    expect((await boundaryF1(p, t, { tolerance: 1.9 })).precision).toBe(0);
    // nm: spacing 30 along x, tolerance 60 nm = 2 voxels.
    const nm = await boundaryF1(
      mask([...p.data], [1, 1, 10], [30, 30, 30]),
      mask([...t.data], [1, 1, 10], [30, 30, 30]),
      {
        tolerance: 60,
        units: "spacing",
      },
    );
    expect(nm.recall).toBe(0.5);
  });

  for (const c of fixture.boundary) {
    it(`matches scipy distance_transform_edt counting: ${c.name}`, async () => {
      const s = await boundaryF1(
        mask(c.predicted, c.shape, c.spacing),
        mask(c.truth, c.shape, c.spacing),
        {
          tolerance: c.tolerance,
          units: c.units,
        },
      );
      expect(s.predictedMatched).toBe(c.predictedMatched);
      expect(s.truthMatched).toBe(c.truthMatched);
      expect(s.precision).toBeCloseTo(c.precision, 14);
      expect(s.recall).toBeCloseTo(c.recall, 14);
      expect(s.f1).toBeCloseTo(c.f1, 14);
    });
  }

  it("checks its inputs", async () => {
    const a = mask([1, 0], [1, 1, 2]);
    await expect(boundaryF1(a, mask([1, 0, 0], [1, 1, 3]))).rejects.toThrow(/shape/);
    await expect(boundaryF1(a, a, { tolerance: -1 })).rejects.toThrow(/tolerance/);
    await expect(boundaryF1(a, a, { units: "nm" as "voxels" })).rejects.toThrow(/units/);
  });
});

describe("labelBoundaries", () => {
  it("marks voxels touching another grain, not the background", () => {
    const labels: Volume<Int32Array> = {
      data: Int32Array.from([1, 1, 2, 2, 0, 3, 3, 3]),
      shape: [2, 1, 4],
      spacing: [1, 1, 1],
    };
    // z = 0: 1 1 2 2 ; z = 1: 0 3 3 3.
    expect([...labelBoundaries(labels).data]).toEqual([0, 1, 1, 1, 0, 1, 1, 1]);
    expect([...labelBoundaries(labels, { connectivity: "2d" }).data]).toEqual([
      0, 1, 1, 0, 0, 0, 0, 0,
    ]);
  });
});
