/* eslint-disable @typescript-eslint/no-explicit-any -- plotly figure JSON is untyped; tests read nested fields */
import { describe, expect, it } from "vitest";
import { barFigure } from "../../kernel-lib/src/plot/bar.js";
import { boxFigure } from "../../kernel-lib/src/plot/box.js";
import { heatmapFigure } from "../../kernel-lib/src/plot/heatmap.js";
import { lineFigure } from "../../kernel-lib/src/plot/line.js";
import { CATEGORICAL_COLORS } from "../../kernel-lib/src/plot/style.js";

describe("barFigure", () => {
  it("groups series per category with error bars and axis titles with units", () => {
    const fig = barFigure(
      ["otsu", "forest"],
      [
        { name: "FIB-SEM", values: Float64Array.from([0.12, 0.05]), error: [0.01, 0.02] },
        { name: "EBSD", values: [0.2, 0.08] },
      ],
      { yTitle: "Error", yUnit: "%", title: "E" },
    );
    expect(fig.data).toHaveLength(2);
    expect(fig.data[0]).toMatchObject({
      type: "bar",
      name: "FIB-SEM",
      x: ["otsu", "forest"],
      y: [0.12, 0.05],
    });
    expect(Array.isArray(fig.data[0].y)).toBe(true); // typed arrays become JSON arrays
    expect((fig.data[0].error_y as any).array).toEqual([0.01, 0.02]);
    expect((fig.data[1].marker as any).color).toBe(CATEGORICAL_COLORS[1]);
    expect(fig.layout.barmode).toBe("group");
    expect((fig.layout.yaxis as any).title.text).toBe("Error (%)");
    expect(fig.layout.showlegend).toBe(true);
  });

  it("takes a plain list of values, horizontal", () => {
    const fig = barFigure(["a", "b", "c"], Float32Array.from([1, 2, 3]), { orientation: "h" });
    expect(fig.data[0]).toMatchObject({ orientation: "h", y: ["a", "b", "c"], x: [1, 2, 3] });
    expect(fig.layout.showlegend).toBe(false);
    expect(() => barFigure(["a"], [1, 2])).toThrow(/same length/);
  });
});

describe("lineFigure", () => {
  it("draws named x/y series; NaN becomes a gap; bands", () => {
    const fig = lineFigure(
      [
        {
          name: "porosity",
          x: [0, 1, 2],
          y: [0.3, NaN, 0.31],
          error: [0.01, 0.01, 0.02],
          band: true,
        },
        { name: "fit", x: [0, 2], y: [0.3, 0.3], dash: "dash" },
      ],
      { xTitle: "Depth", xUnit: "µm", logY: true },
    );
    const [band, line, fit] = fig.data;
    expect(band.fill).toBe("toself");
    expect(band.y).toEqual([0.31, null, 0.33, 0.29, null, 0.29]);
    expect(line).toMatchObject({ type: "scatter", name: "porosity", y: [0.3, null, 0.31] });
    expect((fit.line as any).dash).toBe("dash");
    expect((fig.layout.xaxis as any).title.text).toBe("Depth (µm)");
    expect((fig.layout.yaxis as any).type).toBe("log");
    expect(() => lineFigure({ x: [1], y: [1, 2] })).toThrow(/same length/);
  });
});

describe("boxFigure and heatmapFigure", () => {
  it("box per group", () => {
    const fig = boxFigure(
      [
        { name: "a", values: [1, 2, 3] },
        { name: "b", values: Float64Array.from([4, 5]) },
      ],
      { yTitle: "Importance" },
    );
    expect(fig.data.map((t) => [t.type, t.name, t.y])).toEqual([
      ["box", "a", [1, 2, 3]],
      ["box", "b", [4, 5]],
    ]);
  });

  it("heatmap of rows with coordinates", () => {
    const fig = heatmapFigure([Float64Array.from([1, 2]), [3, 4]], {
      x: [0, 0.5],
      y: [10, 20],
      colorbarTitle: "Density",
    });
    expect(fig.data[0]).toMatchObject({
      type: "heatmap",
      z: [
        [1, 2],
        [3, 4],
      ],
      x: [0, 0.5],
      y: [10, 20],
    });
    expect(() => heatmapFigure([[1, 2], [3]])).toThrow(/same length/);
    expect(() => heatmapFigure([])).toThrow("`z` must be a non-empty list of rows, received []");
    expect(() => heatmapFigure([[1]], { digits: 0 })).toThrow(
      "`digits` must be an integer in [1, 100], received 0",
    );
    expect(() => heatmapFigure([[1]], { width: 5 })).toThrow(
      "`width` must be a finite number >= 10, received 5",
    );
  });
});
