import { axisTitle, baseLayout, categoricalColor, styledAxis } from "./style.js";
import { checkSameLength, jsonNumbers } from "./series.js";
import type { AxesOptions, Figure, Trace } from "./types.js";

/** One group of bars: a value per category. */
export interface BarSeries {
  name?: string;
  values: ArrayLike<number>;
  /** Symmetric error bar per category (e.g. a standard deviation). */
  error?: ArrayLike<number>;
  color?: string;
}

export interface BarFigureOptions extends AxesOptions {
  /** How several series combine. @default "group" */
  barmode?: "group" | "stack" | "overlay" | "relative";
  /** "v": categories along x; "h": categories along y (long names read better). @default "v" */
  orientation?: "v" | "h";
  /** Print each value on its bar with this d3 format, e.g. ".2f" or ".1%". */
  valueFormat?: string;
}

/**
 * Bar chart of values per category, one trace per series (e.g. error per method and
 * dataset), with optional error bars.
 *
 * @param categories - Category names, in order.
 * @param series - One series, a list of series, or a plain list of values.
 * @param options - Stacking, orientation, axis titles with units, value labels.
 */
export function barFigure(
  categories: readonly (string | number)[],
  series: BarSeries | readonly BarSeries[] | ArrayLike<number>,
  options: BarFigureOptions = {},
): Figure {
  let list: BarSeries[];
  if (ArrayBuffer.isView(series) || (Array.isArray(series) && typeof series[0] === "number")) {
    list = [{ values: series as ArrayLike<number> }];
  } else if (Array.isArray(series)) {
    list = [...(series as BarSeries[])];
  } else {
    list = [series as BarSeries];
  }
  if (list.length === 0)
    throw new RangeError("`series` must hold at least one series, received an empty list");
  const horizontal = (options.orientation ?? "v") === "h";
  const cats = Array.from(categories, String);
  const data: Trace[] = list.map((s, i) => {
    checkSameLength(s.values, `series[${i}].values`, cats, "categories");
    const values = jsonNumbers(s.values, `series[${i}].values`);
    const trace: Trace = {
      type: "bar",
      ...(s.name !== undefined ? { name: s.name } : {}),
      orientation: horizontal ? "h" : "v",
      [horizontal ? "y" : "x"]: cats,
      [horizontal ? "x" : "y"]: values,
      marker: { color: s.color ?? categoricalColor(i), line: { width: 0 } },
    };
    if (s.error) {
      checkSameLength(s.error, `series[${i}].error`, cats, "categories");
      trace[horizontal ? "error_x" : "error_y"] = {
        type: "data",
        array: jsonNumbers(s.error, `series[${i}].error`),
        visible: true,
        color: "#222222",
        thickness: 1.2,
        width: 4,
      };
    }
    if (options.valueFormat) {
      trace.texttemplate = `%{${horizontal ? "x" : "y"}:${options.valueFormat}}`;
      trace.textposition = "outside";
    }
    return trace;
  });
  const layout = baseLayout(options);
  layout.barmode = options.barmode ?? "group";
  layout.bargap = 0.2;
  layout.showlegend = options.showLegend ?? list.filter((s) => s.name !== undefined).length > 1;
  const valueAxis = (title: string | undefined, log?: boolean) =>
    styledAxis(title, log ? { type: "log" } : { rangemode: "tozero" });
  const x = axisTitle(options.xTitle, options.xUnit);
  const y = axisTitle(options.yTitle, options.yUnit);
  layout.xaxis = horizontal ? valueAxis(x, options.logX) : styledAxis(x, { type: "category" });
  layout.yaxis = horizontal
    ? styledAxis(y, { type: "category", autorange: "reversed" })
    : valueAxis(y, options.logY);
  return { data, layout };
}
