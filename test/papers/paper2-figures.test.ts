import { describe, expect, it } from "vitest";
import {
  paper2AlignmentFigure,
  paper2GrainsFigure3D,
  paper2WatershedFigure,
  paper2WatershedStages,
} from "../../kernel-lib/src/papers/paper2/figures.js";
import { paper2CompareTables } from "../../kernel-lib/src/papers/paper2/measuredTables.js";
import { paper2FitMeasured } from "../../kernel-lib/src/papers/paper2/measured.js";
import { paper2Models } from "../../kernel-lib/src/papers/paper2/models.js";
import { createRng } from "../../kernel-lib/src/stats/random.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

const vol = <T extends Float32Array | Int32Array | Uint8Array>(
  data: T,
  shape: [number, number, number],
): Volume<T> => ({ data, shape, spacing: [50, 50, 50] });

/**
 * One row of 9 voxels: P(boundary) has two basins (x = 1 and x = 5, depth 0.8) split by a
 * ridge at x = 3, and a third shallow dip (depth 0.05) at x = 7; P(background) is 0.9 at
 * x >= 7 (the outside).
 */
function row() {
  const b = Float32Array.from([0.5, 0.1, 0.6, 0.95, 0.6, 0.1, 0.6, 0.55, 0.6]);
  const bg = Float32Array.from([0, 0, 0, 0, 0, 0, 0.2, 0.9, 0.9]);
  return { boundary: vol(b, [1, 1, 9]), background: vol(bg, [1, 1, 9]) };
}

describe("paper2WatershedStages", () => {
  it("floods the h-minima over the whole window, then removes the background (hand case)", async () => {
    const { boundary, background } = row();
    const s = await paper2WatershedStages(boundary, background, { h: 0.2 });
    // the dip at x = 7 is 0.05 deep: no marker at h = 0.2; two basins, two regions
    expect(s.regions).toBe(2);
    const w = Array.from(s.watershed.data);
    expect(w.slice(0, 3).every((v) => v === w[1])).toBe(true);
    expect(w.slice(4).every((v) => v === w[5])).toBe(true);
    expect(w[1]).not.toBe(w[5]);
    // background removal: x = 7, 8 (P(background) 0.9 > 0.5) become 0, x = 6 (0.2) stays
    expect(Array.from(s.backgroundRemoved.data)).toEqual([...w.slice(0, 7), 0, 0]);
    // a shallower h also seeds the dip at x = 7
    const s2 = await paper2WatershedStages(boundary, background, { h: 0.01 });
    expect(s2.regions).toBe(3);
  });
  it("names bad input", async () => {
    const { boundary } = row();
    await expect(
      paper2WatershedStages(boundary, vol(new Float32Array(8), [1, 1, 8])),
    ).rejects.toThrow(/shape/);
    await expect(paper2WatershedStages(boundary, boundary, { h: 0 })).rejects.toThrow(/h/);
    await expect(paper2WatershedStages(boundary, boundary, { bogus: 1 } as never)).rejects.toThrow(
      /bogus/,
    );
  });
});

describe("Fig. 1 and Fig. 5 figures", () => {
  const stack = vol(
    Uint8Array.from({ length: 4 * 8 * 10 }, (_, i) => (i * 37) % 251),
    [4, 8, 10],
  );
  it("Fig. 1 shows the same section before, after and in the truth", () => {
    const f = paper2AlignmentFigure(stack, stack, { truth: stack, index: 3 });
    const heatmaps = f.data.filter((t) => t.type === "heatmap");
    expect(heatmaps).toHaveLength(3);
    expect(JSON.stringify(f.layout)).toContain("y = 3");
    expect(paper2AlignmentFigure(stack, stack, { plane: "yz" }).data).toHaveLength(2);
    expect(() => paper2AlignmentFigure(stack, vol(new Uint8Array(10), [1, 1, 10]))).toThrow(
      /shape/,
    );
    expect(() => paper2AlignmentFigure(stack, stack, { index: 8 })).toThrow(/index/);
  });
  it("Fig. 5 has the image, P(boundary) and three label overlays", async () => {
    const b = vol(
      Float32Array.from(stack.data, (v) => v / 255),
      [4, 8, 10],
    );
    const stages = await paper2WatershedStages(
      b,
      vol(new Float32Array(b.data.length), [4, 8, 10]),
      { h: 0.3 },
    );
    const f = paper2WatershedFigure(stack, b, stages, stages.watershed, { z: 1 });
    const names = f.data.map((t) => t.name ?? "image");
    expect(names.filter((n) => n === "labels")).toHaveLength(3);
    expect(f.data.length).toBe(8);
    expect(() => paper2WatershedFigure(stack, b, stages, stages.watershed, { z: 4 })).toThrow(/z/);
  });
});

describe("paper2GrainsFigure3D", () => {
  it("relabels the cut-out and colours each grain by its volume-equivalent diameter", () => {
    // two grains: a 2x2x2 cube (label 7) and a 3x3x3 cube (label 9), in a 4 x 8 x 8 volume
    const data = new Int32Array(4 * 8 * 8);
    const at = (z: number, y: number, x: number) => (z * 8 + y) * 8 + x;
    for (let z = 0; z < 2; z++)
      for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) data[at(z, y, x)] = 7;
    for (let z = 1; z < 4; z++)
      for (let y = 4; y < 7; y++) for (let x = 4; x < 7; x++) data[at(z, y, x)] = 9;
    const f = paper2GrainsFigure3D(vol(data, [4, 8, 8]));
    expect(JSON.stringify(f.layout)).toContain("2 grains");
    const d = (n: number) => Math.cbrt((6 * n * 50 ** 3) / Math.PI);
    const mesh = f.data.find((t) => t.type === "mesh3d")!;
    expect((f.layout.meta as { particles: number }).particles).toBe(2);
    expect(mesh.cmin).toBeCloseTo(d(8), 6);
    expect(mesh.cmax).toBeCloseTo(d(27), 6);
    // the box cuts the second cube to 1 x 3 x 3 and leaves the first out
    const g = paper2GrainsFigure3D(vol(data, [4, 8, 8]), {
      box: [
        [3, 4],
        [0, 8],
        [0, 8],
      ],
    });
    expect((g.layout.meta as { particles: number }).particles).toBe(1);
    expect(g.data.find((t) => t.type === "mesh3d")!.cmin).toBeCloseTo(d(9), 6);
  });
});

describe("paper2CompareTables", () => {
  it("puts the measured fit beside the published models", () => {
    const m = paper2Models();
    const rng = createRng(11);
    const n = 300;
    const sc = m.bivariate.s_c.sample(n, rng);
    const table = {
      d: m.marginals.d.sample(n, rng),
      s: sc.x,
      c: sc.y,
      e: m.marginals.e.sample(n, rng),
      phi: m.marginals.phi.sample(n, rng),
      theta: m.marginals.theta.sample(n, rng),
      voxels: Float64Array.from({ length: n }, () => 500),
    };
    const measured = paper2FitMeasured(table, { families: ["frank", "clayton"], rotations: [0] });
    const c = paper2CompareTables(measured, m);
    expect(c.table1.characteristic).toEqual(["d", "s", "c", "e", "phi", "theta"]);
    expect(c.table1["published family"]![0]).toBe("inverse Gaussian");
    expect(c.numbers["empirical_mean.d"]).toBe(measured.empiricalMoments.d.mean);
    expect(c.numbers["model_mean.s"]).toBeCloseTo(measured.marginals.s.mean(), 12);
    expect(c.numbers["empirical.s_c"]).toBe(measured.empiricalCorrelation.s_c);
    expect(c.table2["paper mean"]![0]).toBe(513.81);
    expect(c.table3["paper empirical"]![2]).toBe(0.9209);
    expect(c.table4.pair).toHaveLength(6);
    expect(() => paper2CompareTables({} as never, m)).toThrow(/paper2FitMeasured/);
  }, 60_000);
});
