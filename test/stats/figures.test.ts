import { describe, expect, it } from "vitest";
import { densityMapFigure } from "../../kernel-lib/src/plot/statsDensityMap.js";
import { histogramFitFigure } from "../../kernel-lib/src/plot/statsHistogram.js";
import { fitTableFigure, tableFigure } from "../../kernel-lib/src/plot/statsTable.js";
import { densityGrid } from "../../kernel-lib/src/stats/bivariate.js";
import { fitCopulas } from "../../kernel-lib/src/stats/copula/fit.js";
import { fitBest } from "../../kernel-lib/src/stats/fitBest.js";
import { gammaFamily } from "../../kernel-lib/src/stats/gamma.js";
import { invgaussFamily } from "../../kernel-lib/src/stats/invgauss.js";
import { paper2Models, paper2Tables } from "../../kernel-lib/src/papers/paper2/index.js";

const models = paper2Models();

describe("stats figures", () => {
  it("histogramFitFigure: a density-normalised histogram and one line per curve over the range", () => {
    const x = models.marginals.d.sample(200, 1);
    const fig = histogramFitFigure(x, [{ name: "model", distribution: models.marginals.d }], {
      xTitle: "d",
      xUnit: "nm",
      points: 50,
    });
    expect(fig.data.map((t) => t.type)).toEqual(["histogram", "scatter"]);
    expect(fig.data[0]!.histnorm).toBe("probability density");
    const line = fig.data[1]!;
    expect((line.x as number[]).length).toBe(50);
    const xs = line.x as number[];
    expect((line.y as number[])[10]).toBeCloseTo(models.marginals.d.pdf(xs[10]!), 8);
    expect((fig.layout.xaxis as { title: { text: string } }).title.text).toBe("d (nm)");
    // curves only, range from the quantiles
    const only = histogramFitFigure(null, [
      { name: "theta", distribution: models.marginals.theta },
    ]);
    expect(only.data).toHaveLength(1);
    expect(() => histogramFitFigure(null, [])).toThrow(/needs data or at least one density curve/);
  });
  it("densityMapFigure: filled contour of the grid with the points over it", () => {
    const grid = densityGrid(models.bivariate.s_c, { nx: 20, ny: 15 });
    const s = models.bivariate.s_c.sample(30, 2);
    const fig = densityMapFigure(grid, { points: s, xTitle: "s", yTitle: "c" });
    expect(fig.data.map((t) => t.type)).toEqual(["contour", "scatter"]);
    expect((fig.data[0]!.z as number[][]).length).toBe(15);
    expect((fig.data[0]!.z as number[][])[0]!.length).toBe(20);
    expect((fig.data[0]!.contours as { coloring: string }).coloring).toBe("fill");
    expect((fig.data[1]!.x as number[]).length).toBe(30);
    expect(() => densityMapFigure({ x: [1, 2], y: [1], z: [[1]] })).toThrow(/z\[j\]\[i\]/);
    expect(() => densityMapFigure(grid, { points: { x: [1], y: [] } })).toThrow(/same length/);
  });
  it("fitTableFigure for univariate and copula fit tables, tableFigure for Tables 1-4", () => {
    const x = models.marginals.d.sample(100, 3);
    const uni = fitTableFigure(fitBest(x, [invgaussFamily, gammaFamily]));
    const cells = (uni.data[0]!.cells as { values: string[][] }).values;
    expect(uni.data[0]!.type).toBe("table");
    expect(cells[0]).toHaveLength(2);
    expect(cells[1]![0]).toMatch(/mu = .*lambda = /);
    const s = models.bivariate.d_s.sample(100, 4);
    const cop = fitTableFigure(
      fitCopulas(
        Float64Array.from(s.x, (v) => models.marginals.d.cdf(v)),
        Float64Array.from(s.y, (v) => models.marginals.s.cdf(v)),
        { families: ["indep", "bb8", "frank"] },
      ),
      { maxRows: 3 },
    );
    const header = (cop.data[0]!.header as { values: string[] }).values;
    expect(header).toContain("<b>rotation</b>");
    expect((cop.data[0]!.cells as { values: string[][] }).values[0]).toHaveLength(3);
    const t = paper2Tables(models);
    const fig = tableFigure(t.table4);
    expect((fig.data[0]!.cells as { values: string[][] }).values[1]![0]).toBe("Joe-Frank (BB8)");
    expect(() => tableFigure({ a: [1, 2], b: [1] })).toThrow(/column "b" has 1 values/);
  });
});
