import { axisTitle, baseLayout, categoricalColor, styledAxis } from "./style.js";
import { jsonNumbers } from "./series.js";
import type { AxesOptions, Figure, Trace } from "./types.js";

/** One box: a sample of values (e.g. the importances of one feature over repeated fits). */
export interface BoxGroup {
  name: string;
  values: ArrayLike<number>;
  color?: string;
}

export interface BoxFigureOptions extends AxesOptions {
  /** Draw the sample points: none, outliers only, or all (jittered). @default "outliers" */
  points?: false | "outliers" | "all";
  /** "v": boxes along x; "h": boxes along y (long names read better). @default "v" */
  orientation?: "v" | "h";
  /** Mark the mean with a dashed line (and the standard deviation with "sd"). @default false */
  boxmean?: boolean | "sd";
  /** One colour for every box instead of a palette. */
  color?: string;
}

/**
 * Box plots, one per group (Tukey whiskers: 1.5 IQR, as plotly computes them), e.g.
 * permutation importances per feature.
 *
 * @param groups - Named samples, in display order.
 * @param options - Points, orientation, mean marker, axis titles with units.
 */
export function boxFigure(groups: readonly BoxGroup[], options: BoxFigureOptions = {}): Figure {
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new RangeError(
      "`groups` must hold at least one { name, values }, received an empty list",
    );
  }
  const horizontal = options.orientation === "h";
  const data: Trace[] = groups.map((g, i) => {
    const color = g.color ?? options.color ?? categoricalColor(i);
    return {
      type: "box",
      name: g.name,
      [horizontal ? "x" : "y"]: jsonNumbers(g.values, `groups[${i}].values`),
      orientation: horizontal ? "h" : "v",
      boxpoints: options.points ?? "outliers",
      ...(options.points === "all" ? { jitter: 0.3, pointpos: 0 } : {}),
      boxmean: options.boxmean ?? false,
      marker: { color, size: 4 },
      line: { color, width: 1.5 },
      fillcolor: "rgba(0,0,0,0)",
    };
  });
  const layout = baseLayout(options);
  layout.showlegend = options.showLegend ?? false;
  const x = axisTitle(options.xTitle, options.xUnit);
  const y = axisTitle(options.yTitle, options.yUnit);
  const valueAxis = (title: string | undefined, log?: boolean) =>
    styledAxis(title, log ? { type: "log" } : {});
  layout.xaxis = horizontal ? valueAxis(x, options.logX) : styledAxis(x, { type: "category" });
  layout.yaxis = horizontal
    ? styledAxis(y, { type: "category", autorange: "reversed" })
    : valueAxis(y, options.logY);
  return { data, layout };
}
