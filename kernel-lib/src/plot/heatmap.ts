import { checkInteger, expectedError } from "../util/checks.js";
import { axisTitle, baseLayout, styledAxis } from "./style.js";
import { roundSignificant } from "../util/round.js";
import { checkSameLength, jsonNumbers } from "./series.js";
import type { AxesOptions, Figure } from "./types.js";

export interface HeatmapFigureOptions extends AxesOptions {
  /** Coordinates of the columns (cell centres). @default 0..nx-1 */
  x?: ArrayLike<number>;
  /** Coordinates of the rows (cell centres). @default 0..ny-1 */
  y?: ArrayLike<number>;
  /** Plotly colour scale. @default "Viridis" */
  colorscale?: string | [number, string][];
  /** Colour range. @default data min and max */
  zmin?: number;
  zmax?: number;
  /** Title of the colour bar (e.g. "Density"). */
  colorbarTitle?: string;
  /** Same length scale on both axes. @default false */
  equalAspect?: boolean;
  /** Draw contour lines instead of cells. @default false */
  contour?: boolean;
  /** Significant digits kept. @default 6 */
  digits?: number;
}

/**
 * A 2D map of values on a grid, e.g. a bivariate density or a copula density: rows are y,
 * columns are x, with a colour bar.
 *
 * @param z - Rows of values (`z[j][i]` at x[i], y[j]).
 * @param options - Coordinates, colour scale and range, axis titles with units.
 */
export function heatmapFigure(
  z: readonly ArrayLike<number>[],
  options: HeatmapFigureOptions = {},
): Figure {
  if (!Array.isArray(z)) throw expectedError("z", "a non-empty list of rows", z, TypeError);
  if (z.length === 0) throw expectedError("z", "a non-empty list of rows", z);
  const nx = z[0].length;
  const digits = checkInteger(options.digits ?? 6, "digits", 1, 100);
  const rows = z.map((row: ArrayLike<number>, j: number) => {
    checkSameLength(row, `z[${j}]`, z[0], "z[0]");
    return Array.from(row, (v) => roundSignificant(v, digits));
  });
  if (options.x) checkSameLength(options.x, "x", z[0], "z[0]");
  if (options.y) checkSameLength(options.y, "y", z, "z");
  const layout = baseLayout(options);
  layout.xaxis = styledAxis(axisTitle(options.xTitle, options.xUnit), {
    ...(options.logX ? { type: "log" } : {}),
    ...(options.equalAspect ? { constrain: "domain" } : {}),
  });
  layout.yaxis = styledAxis(axisTitle(options.yTitle, options.yUnit), {
    ...(options.logY ? { type: "log" } : {}),
    ...(options.equalAspect ? { scaleanchor: "x", scaleratio: 1, constrain: "domain" } : {}),
  });
  return {
    data: [
      {
        type: options.contour ? "contour" : "heatmap",
        z: rows,
        x: options.x ? jsonNumbers(options.x, "x") : Array.from({ length: nx }, (_, i) => i),
        y: options.y ? jsonNumbers(options.y, "y") : Array.from({ length: z.length }, (_, j) => j),
        colorscale: options.colorscale ?? "Viridis",
        ...(options.zmin !== undefined ? { zmin: options.zmin } : {}),
        ...(options.zmax !== undefined ? { zmax: options.zmax } : {}),
        colorbar: {
          ...(options.colorbarTitle
            ? { title: { text: options.colorbarTitle, side: "right" } }
            : {}),
          outlinewidth: 0,
          ticks: "outside",
        },
      },
    ],
    layout,
  };
}
