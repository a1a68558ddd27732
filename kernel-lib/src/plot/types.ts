/**
 * A plotly figure as plain JSON: what `Plotly.newPlot(div, data, layout)` takes and what
 * the `application/vnd.plotly.v1+json` MIME type carries. Builders return these records
 * and never touch the DOM, so a figure can be shown, saved as JSON or exported to a file.
 */
export interface Figure {
  data: Trace[];
  layout: Layout;
}

/** One plotly trace (`type`, `x`, `y`, `z`, `name`, `marker`, ...). */
export interface Trace {
  type?: string;
  name?: string;
  [key: string]: unknown;
}

/** A plotly layout (`title`, `xaxis`, `yaxis`, `width`, `height`, ...). */
export interface Layout {
  [key: string]: unknown;
}

/** Options shared by every figure builder. */
export interface FigureOptions {
  /** Figure title (plain text or plotly's HTML subset). */
  title?: string;
  /** Width in CSS pixels; plotly's default (fill the container) when omitted. */
  width?: number;
  /** Height in CSS pixels. */
  height?: number;
  /** Font size of tick labels; titles are scaled from it. @default 14 */
  fontSize?: number;
}

/** Options for figures with two numeric axes. */
export interface AxesOptions extends FigureOptions {
  /** x-axis title, without the unit. */
  xTitle?: string;
  /** Unit appended to the x-axis title in brackets, e.g. "nm". */
  xUnit?: string;
  /** y-axis title, without the unit. */
  yTitle?: string;
  /** Unit appended to the y-axis title in brackets. */
  yUnit?: string;
  /** Logarithmic x axis. @default false */
  logX?: boolean;
  /** Logarithmic y axis. @default false */
  logY?: boolean;
  /** Show the legend; by default shown when there is more than one named trace. */
  showLegend?: boolean;
}
