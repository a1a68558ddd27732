/* eslint-disable @typescript-eslint/no-explicit-any -- plotly figure JSON is untyped; tests read nested fields */
import { describe, expect, it } from "vitest";
import { imagesGrid, subplotGrid } from "../../kernel-lib/src/plot/grid.js";
import { lineFigure } from "../../kernel-lib/src/plot/line.js";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

const ramp = (offset: number): Volume => ({
  data: Float32Array.from({ length: 12 }, (_, i) => i + offset),
  shape: [1, 3, 4],
  spacing: [1, 1, 1],
});

describe("imagesGrid", () => {
  it("puts panels on separate axes with a shared grey range and one colour bar", () => {
    const fig = imagesGrid([ramp(0), { image: ramp(100), title: "shifted" }, ramp(50)], {
      columns: 2,
      colorbar: true,
      titles: ["raw"],
    });
    const images = fig.data.filter((t) => t.type === "heatmap");
    expect(images.map((t) => [t.xaxis, t.yaxis])).toEqual([
      ["x", "y"],
      ["x2", "y2"],
      ["x3", "y3"],
    ]);
    expect(images.every((t) => t.zmin === 0 && t.zmax === 111)).toBe(true);
    expect(images.map((t) => t.showscale)).toEqual([false, false, true]);
    const l = fig.layout as any;
    expect(l.yaxis2.scaleanchor).toBe("x2");
    expect(l.yaxis3.anchor).toBe("x3");
    // 2 columns: panel 3 starts a second row under panel 1.
    expect(l.xaxis3.domain).toEqual(l.xaxis.domain);
    expect(l.yaxis3.domain[1]).toBeLessThan(l.yaxis.domain[0]);
    expect(l.xaxis2.domain[0]).toBeGreaterThan(l.xaxis.domain[1]);
    expect(l.annotations.map((a: any) => a.text)).toEqual(["raw", "shifted"]);
  });

  it("keeps each panel's own range without shareRange", () => {
    const fig = imagesGrid([ramp(0), ramp(100)], { shareRange: false });
    expect(fig.data.map((t) => [t.zmin, t.zmax])).toEqual([
      [0, 11],
      [100, 111],
    ]);
  });
});

describe("subplotGrid", () => {
  it("remaps traces of any single-axes figures and shows each legend name once", () => {
    const a = lineFigure(
      [
        { name: "fit", x: [0, 1], y: [1, 2] },
        { name: "data", x: [0, 1], y: [1, 3] },
      ],
      { xTitle: "t" },
    );
    const b = lineFigure([{ name: "fit", x: [0, 1], y: [2, 2] }], { title: "B" });
    const fig = subplotGrid([a, b], { shareY: true, title: "both" });
    expect(fig.data.map((t) => [t.xaxis, t.name, t.showlegend])).toEqual([
      ["x", "fit", undefined],
      ["x", "data", undefined],
      ["x2", "fit", false],
    ]);
    const l = fig.layout as any;
    expect(l.xaxis.title.text).toBe("t");
    expect(l.yaxis2.matches).toBe("y");
    expect(l.showlegend).toBe(true);
    expect(l.annotations.map((x: any) => x.text)).toEqual(["B"]);
    expect(l.title.text).toBe("both");
    expect(() => subplotGrid([])).toThrow(/at least one/);
    expect(() => subplotGrid([fig], { columns: 0 })).toThrow(
      "`columns` must be a positive integer, received 0",
    );
  });
});
