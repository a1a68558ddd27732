import { describe, expect, it } from "vitest";
import { pathsFigure } from "../../kernel-lib/src/plot/render3dPaths.js";

const line = (n: number, length: number, y = 0) => ({
  points: Array.from({ length: n }, (_, t) => [t, y, 2 * t]),
  length,
});

describe("pathsFigure", () => {
  it("draws all paths as one scatter3d line trace, separated by gaps, coloured by length", () => {
    const fig = pathsFigure([line(3, 10), line(2, 30, 5)]);
    const t = fig.data[0]! as Record<string, unknown>;
    expect(t.type).toBe("scatter3d");
    expect(t.mode).toBe("lines");
    expect(t.x).toEqual([0, 1, 2, null, 0, 1, null]);
    expect(t.y).toEqual([0, 0, 0, null, 5, 5, null]);
    expect(t.z).toEqual([0, 2, 4, null, 0, 2, null]);
    const lineSpec = t.line as Record<string, unknown>;
    expect(lineSpec.color).toEqual([10, 10, 10, null, 30, 30, null]);
    expect([lineSpec.cmin, lineSpec.cmax]).toEqual([10, 30]);
    expect(fig.layout.scene).toMatchObject({ aspectmode: "data" });
    expect(fig.layout.meta).toEqual({
      paths: 2,
      points: 5,
      stride: 1,
      opacityLevels: 1,
      maxDensity: 1,
    });
    expect(fig.data).toHaveLength(1);
  });

  it("draws one colour without a colour bar when colorBy is none", () => {
    const fig = pathsFigure([line(2, 1)], { colorBy: "none", color: "red" });
    expect((fig.data[0]!.line as Record<string, unknown>).color).toBe("red");
  });

  it("thins long inputs to maxPoints, keeping each path's end points", () => {
    const fig = pathsFigure([line(101, 5), line(101, 6)], { maxPoints: 60 });
    const x = fig.data[0]!.x as (number | null)[];
    const meta = fig.layout.meta as { stride: number; points: number };
    expect(meta.stride).toBe(4);
    expect(meta.points).toBeLessThanOrEqual(60);
    expect(x.slice(0, 3)).toEqual([0, 4, 8]);
    expect(x[x.indexOf(null) - 1]).toBe(100);
  });

  it("makes shared segments more opaque (opacity by path density, Paper 1 Fig. 5b)", () => {
    // two paths of 4 points merging: densities 1, 1, 2, 8 on one, 1, 2, 8 on the other
    const a = { ...line(4, 10), density: [1, 1, 2, 8] };
    const b = { ...line(3, 20, 5), density: [1, 2, 8] };
    const fig = pathsFigure([a, b], { opacityLevels: 4 });
    // levels by floor(4 log(max of the segment's ends) / log 8): 1 -> 0, 2 -> 1, 8 -> 3
    const byName = Object.fromEntries(fig.data.map((t) => [t.name, t]));
    expect(Object.keys(byName)).toEqual([
      "paths (density step 1 of 4)",
      "paths (density step 2 of 4)",
      "paths (density step 4 of 4)",
    ]);
    const s1 = byName["paths (density step 1 of 4)"]!;
    expect(s1.x).toEqual([0, 1, null]); // a's first segment (densities 1, 1)
    expect(s1.opacity).toBeCloseTo(0.25, 12);
    const s2 = byName["paths (density step 2 of 4)"]!;
    expect(s2.x).toEqual([1, 2, null, 0, 1, null]); // a: 1 -> 2, b: 1 -> 2
    const s4 = byName["paths (density step 4 of 4)"]!;
    expect(s4.x).toEqual([2, 3, null, 1, 2, null]);
    expect(s4.opacity).toBe(1);
    // one colour bar only, on the first trace
    expect((s1.line as Record<string, unknown>).showscale).toBe(true);
    expect((s4.line as Record<string, unknown>).showscale).toBe(false);
    expect((fig.layout.meta as { maxDensity: number }).maxDensity).toBe(8);
    expect(() => pathsFigure([a, line(2, 1)], { opacityBy: "density" })).toThrow(/density/);
    expect(() => pathsFigure([{ ...a, density: [1, 2] }])).toThrow(/4 finite counts/);
  });

  it("rejects malformed paths and options", () => {
    expect(() => pathsFigure([{ points: [[1, 2]], length: 1 }])).toThrow(/paths\[0\]\.points\[0\]/);
    expect(() => pathsFigure([{ points: [], length: NaN }])).toThrow(/length/);
    expect(() => pathsFigure([], { colorBy: "speed" as "none" })).toThrow(/colorBy/);
    expect(() => pathsFigure("x" as never)).toThrow(/array/);
  });
});
