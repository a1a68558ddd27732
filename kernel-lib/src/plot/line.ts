import { axisTitle, baseLayout, categoricalColor, styledAxis } from "./style.js";
import { checkSameLength, jsonNumbers } from "./series.js";
import type { AxesOptions, Figure, Trace } from "./types.js";

/** One x/y series. */
export interface LineSeries {
  name?: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** @default "lines" */
  mode?: "lines" | "markers" | "lines+markers";
  color?: string;
  /** "solid", "dash", "dot", "dashdot". @default "solid" */
  dash?: string;
  /** Line width in px. @default 2 */
  lineWidth?: number;
  /** "linear" or "hv" (steps, e.g. for cumulative distributions). @default "linear" */
  shape?: "linear" | "hv" | "vh" | "spline";
  /** Symmetric error per point, drawn as error bars. */
  error?: ArrayLike<number>;
  /** Shade the band y +- error instead of drawing error bars. @default false */
  band?: boolean;
}

export interface LineFigureOptions extends AxesOptions {
  /** Fixed x range. */
  xRange?: [number, number];
  /** Fixed y range. */
  yRange?: [number, number];
}

function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return color;
  return `rgba(${parseInt(m[1], 16)},${parseInt(m[2], 16)},${parseInt(m[3], 16)},${alpha})`;
}

/**
 * Line (or marker) plot of x/y series with names, e.g. volume-fraction profiles, fitted
 * densities over a histogram, convergence curves.
 *
 * @param series - One series or a list.
 * @param options - Axis titles with units, log axes, ranges.
 */
export function lineFigure(
  series: LineSeries | readonly LineSeries[],
  options: LineFigureOptions = {},
): Figure {
  const list = Array.isArray(series) ? (series as LineSeries[]) : [series as LineSeries];
  if (list.length === 0)
    throw new RangeError("`series` must hold at least one series, received an empty list");
  const data: Trace[] = [];
  list.forEach((s, i) => {
    checkSameLength(s.x, `series[${i}].x`, s.y, `series[${i}].y`);
    const color = s.color ?? categoricalColor(i);
    const x = jsonNumbers(s.x, `series[${i}].x`);
    const y = jsonNumbers(s.y, `series[${i}].y`);
    const trace: Trace = {
      type: "scatter",
      mode: s.mode ?? "lines",
      ...(s.name !== undefined ? { name: s.name } : {}),
      x,
      y,
      line: { color, width: s.lineWidth ?? 2, dash: s.dash ?? "solid", shape: s.shape ?? "linear" },
      marker: { color, size: 7 },
    };
    if (s.error) {
      checkSameLength(s.error, `series[${i}].error`, s.y, `series[${i}].y`);
      const err = jsonNumbers(s.error, `series[${i}].error`);
      if (s.band) {
        const upper = y.map((v, j) => (v === null || err[j] === null ? null : v + err[j]!));
        const lower = y.map((v, j) => (v === null || err[j] === null ? null : v - err[j]!));
        data.push({
          type: "scatter",
          mode: "lines",
          x: [...x, ...x.slice().reverse()],
          y: [...upper, ...lower.reverse()],
          fill: "toself",
          fillcolor: withAlpha(color, 0.2),
          line: { width: 0 },
          hoverinfo: "skip",
          showlegend: false,
          ...(s.name !== undefined ? { legendgroup: s.name } : {}),
        });
        if (s.name !== undefined) trace.legendgroup = s.name;
      } else {
        trace.error_y = {
          type: "data",
          array: err,
          visible: true,
          color,
          thickness: 1.2,
          width: 3,
        };
      }
    }
    data.push(trace);
  });
  const layout = baseLayout(options);
  layout.showlegend = options.showLegend ?? list.filter((s) => s.name !== undefined).length > 1;
  layout.xaxis = styledAxis(axisTitle(options.xTitle, options.xUnit), {
    ...(options.logX ? { type: "log" } : {}),
    ...(options.xRange
      ? { range: options.logX ? options.xRange.map(Math.log10) : options.xRange }
      : {}),
  });
  layout.yaxis = styledAxis(axisTitle(options.yTitle, options.yUnit), {
    ...(options.logY ? { type: "log" } : {}),
    ...(options.yRange
      ? { range: options.logY ? options.yRange.map(Math.log10) : options.yRange }
      : {}),
  });
  return { data, layout };
}
