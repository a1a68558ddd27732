import type { DensityGrid } from "../stats/bivariate.js";
import { axisTitle, baseLayout, styledAxis } from "./style.js";
import { roundSignificant } from "../util/round.js";
import type { AxesOptions, Figure, Trace } from "./types.js";

export interface DensityMapFigureOptions extends AxesOptions {
  /** Data points drawn over the map. */
  points?: { x: ArrayLike<number>; y: ArrayLike<number> };
  /** Name of the points in the legend. @default "data" */
  pointsName?: string;
  /** Number of filled contour levels. @default 12 */
  levels?: number;
  /** Plotly colour scale. @default "Viridis" */
  colorscale?: string | [number, string][];
  /** Colour bar title. @default "density" */
  colorbarTitle?: string;
  /** Show the colour bar. @default true */
  showScale?: boolean;
  /** Marker size of the points. @default 4 */
  markerSize?: number;
}

/**
 * A bivariate density as filled contours with the data points over it:
 * Furat et al., Fig. 8 style.
 * @param grid - From `densityGrid(model)`.
 */
export function densityMapFigure(grid: DensityGrid, options: DensityMapFigureOptions = {}): Figure {
  if (
    !grid ||
    !Array.isArray(grid.z) ||
    grid.z.length !== grid.y.length ||
    grid.z[0]?.length !== grid.x.length
  ) {
    throw new RangeError(
      "`grid` must be { x, y, z } with z[j][i] at (x[i], y[j]), e.g. from densityGrid()",
    );
  }
  let zmax = 0;
  for (const row of grid.z) for (const v of row) if (v > zmax) zmax = v;
  const levels = options.levels ?? 12;
  const traces: Trace[] = [
    {
      type: "contour",
      name: "density",
      x: grid.x.map((v) => roundSignificant(v, 7)),
      y: grid.y.map((v) => roundSignificant(v, 7)),
      z: grid.z.map((row) => row.map((v) => roundSignificant(v, 5))),
      colorscale: options.colorscale ?? "Viridis",
      contours: {
        coloring: "fill",
        start: zmax / levels,
        end: zmax,
        size: zmax / levels,
        showlines: false,
      },
      line: { width: 0 },
      showscale: options.showScale ?? true,
      colorbar: {
        title: { text: options.colorbarTitle ?? "density", side: "right" },
        outlinewidth: 0,
        ticks: "outside",
      },
      hoverinfo: "x+y+z",
    },
  ];
  if (options.points) {
    const { x, y } = options.points;
    if (x.length !== y.length)
      throw new RangeError(
        `\`points.x\` and \`points.y\` must have the same length, received ${x.length} and ${y.length}`,
      );
    traces.push({
      type: "scatter",
      mode: "markers",
      name: options.pointsName ?? "data",
      x: Array.from(x, (v) => roundSignificant(v, 7)),
      y: Array.from(y, (v) => roundSignificant(v, 7)),
      marker: {
        color: "white",
        size: options.markerSize ?? 4,
        line: { color: "black", width: 0.6 },
      },
    });
  }
  const layout = baseLayout(options);
  layout.xaxis = styledAxis(axisTitle(options.xTitle, options.xUnit), {
    range: [grid.x[0], grid.x[grid.x.length - 1]],
  });
  layout.yaxis = styledAxis(axisTitle(options.yTitle, options.yUnit), {
    range: [grid.y[0], grid.y[grid.y.length - 1]],
  });
  layout.showlegend = options.showLegend ?? false;
  return { data: traces, layout };
}
