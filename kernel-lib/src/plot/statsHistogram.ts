import type { Distribution } from "../stats/distribution.js";
import { axisTitle, baseLayout, categoricalColor, styledAxis } from "./style.js";
import { roundSignificant } from "../util/round.js";
import type { AxesOptions, Figure, Trace } from "./types.js";

/** A density curve to draw: a distribution with a legend name. */
export interface DensityCurve {
  name: string;
  distribution: Distribution;
  /** Line colour. @default categorical colours in order */
  color?: string;
  /** Plotly dash style ("solid", "dash", "dot", ...). @default "solid" */
  dash?: string;
}

export interface HistogramFitFigureOptions extends AxesOptions {
  /** Number of histogram bins. @default Freedman-Diaconis rule, at most 60 */
  bins?: number;
  /** x range of the bins and curves. @default data range widened by 5%, or the curves' 0.1%-99.9% quantiles */
  range?: [number, number];
  /** Points per density curve. @default 300 */
  points?: number;
  /** Legend name of the histogram. @default "data" */
  dataName?: string;
}

function fdBins(x: Float64Array): number {
  const s = Float64Array.from(x).sort();
  const n = s.length;
  const iqr = s[Math.floor(0.75 * (n - 1))]! - s[Math.floor(0.25 * (n - 1))]!;
  const width = (2 * iqr) / Math.cbrt(n);
  if (!(width > 0)) return Math.min(60, Math.max(5, Math.ceil(Math.sqrt(n))));
  return Math.min(60, Math.max(5, Math.ceil((s[n - 1]! - s[0]!) / width)));
}

/**
 * Histogram of data (as a probability density) with fitted density curves
 * over it: Furat et al., Fig. 7 style. Without data, only the curves.
 * @param data - Observations, or null for curves only.
 * @param curves - Densities to draw (e.g. the best fits or the published models).
 */
export function histogramFitFigure(
  data: ArrayLike<number> | null,
  curves: readonly DensityCurve[],
  options: HistogramFitFigureOptions = {},
): Figure {
  const x = data ? Float64Array.from(data).filter((v) => Number.isFinite(v)) : new Float64Array(0);
  if (x.length === 0 && curves.length === 0)
    throw new RangeError("histogramFitFigure needs data or at least one density curve");
  let [lo, hi] = options.range ?? [NaN, NaN];
  if (options.range === undefined) {
    if (x.length > 0) {
      let mn = Infinity;
      let mx = -Infinity;
      for (const v of x) {
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      const pad = 0.05 * (mx - mn || 1);
      lo = mn - pad;
      hi = mx + pad;
    } else {
      lo = Math.min(...curves.map((c) => c.distribution.quantile(0.001)));
      hi = Math.max(...curves.map((c) => c.distribution.quantile(0.999)));
    }
  }
  if (!(hi > lo)) throw new RangeError(`\`range\` must be increasing, received [${lo}, ${hi}]`);
  const data_: Trace[] = [];
  if (x.length > 0) {
    const bins = options.bins ?? fdBins(x);
    data_.push({
      type: "histogram",
      name: options.dataName ?? "data",
      x: Array.from(x, (v) => roundSignificant(v, 7)),
      histnorm: "probability density",
      autobinx: false,
      xbins: { start: lo, end: hi, size: (hi - lo) / bins },
      marker: { color: "#BBBBBB", line: { color: "#777777", width: 0.5 } },
      opacity: 0.9,
    });
  }
  const n = options.points ?? 300;
  curves.forEach((c, i) => {
    const xs: number[] = [];
    const ys: (number | null)[] = [];
    for (let k = 0; k < n; k++) {
      const v = lo + ((hi - lo) * k) / (n - 1);
      xs.push(roundSignificant(v, 7)!);
      ys.push(roundSignificant(c.distribution.pdf(v), 6));
    }
    data_.push({
      type: "scatter",
      mode: "lines",
      name: c.name,
      x: xs,
      y: ys,
      line: { color: c.color ?? categoricalColor(i), width: 2, dash: c.dash ?? "solid" },
    });
  });
  const layout = baseLayout(options);
  layout.xaxis = styledAxis(axisTitle(options.xTitle, options.xUnit), { range: [lo, hi] });
  layout.yaxis = styledAxis(axisTitle(options.yTitle ?? "probability density", options.yUnit));
  layout.bargap = 0;
  layout.showlegend = options.showLegend ?? data_.length > 1;
  return { data: data_, layout };
}
