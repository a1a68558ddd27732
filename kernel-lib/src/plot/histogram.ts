import { checkOneOf } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import { histogram } from "../volume/stats.js";
import type { Volume } from "../volume/types.js";
import { axisTitle, baseLayout, categoricalColor, styledAxis } from "./style.js";
import { roundSignificant } from "../util/round.js";
import type { AxesOptions, Figure, Trace } from "./types.js";

/** Names or colours per label value: an array indexed by label (`names[2]` is label 2) or a record. */
export type PerLabel<T> = readonly T[] | Readonly<Record<number, T>>;

export interface HistogramFigureOptions extends AxesOptions {
  /** Number of equal-width bins. @default 256 for uint8 data, else 100 */
  bins?: number;
  /** [min, max] of the bins; values outside are not counted. @default data min and max ([0, 256] for uint8) */
  range?: [number, number];
  /** Label volume (or array) of the same size: one trace per class. */
  labels?: Volume | ArrayLike<number>;
  /** Label values to plot, in legend order. @default every label present, 0 excluded */
  classes?: readonly number[];
  /** Count label 0 (unlabelled) as a class of its own when `classes` is not given. @default false */
  includeUnlabelled?: boolean;
  /** Class names by label value. @default "class <k>" ("unlabelled" for 0) */
  classNames?: PerLabel<string>;
  /** Class colours by label value. @default {@link CATEGORICAL_COLORS}, label k gets colour k - 1 */
  colors?: PerLabel<string>;
  /** How class traces combine. @default "overlay" */
  barmode?: "overlay" | "stack";
  /** "count", "probability" (each trace sums to 1) or "density" (each trace integrates to 1). @default "count" */
  histnorm?: "count" | "probability" | "density";
  /** Bar opacity. @default 0.6 for overlaid classes, else 1 */
  opacity?: number;
  /** Trace name when there are no labels. @default "all" */
  name?: string;
}

/** Most classes a per-class histogram will draw (a guard against passing instance labels). */
const MAX_CLASSES = 64;

function dataOf(input: Volume | ArrayLike<number>, name: string): ArrayLike<number> {
  if (ArrayBuffer.isView(input) || Array.isArray(input)) return input as ArrayLike<number>;
  checkVolume(input, name);
  return input.data;
}

function lookup<T>(table: PerLabel<T> | undefined, k: number): T | undefined {
  if (!table) return undefined;
  return (table as Record<number, T>)[k];
}

/** Count per bin and per label, numpy's binning (last bin closed) on the given edges. */
function countByClass(
  values: ArrayLike<number>,
  labels: ArrayLike<number>,
  edges: Float64Array,
): Map<number, Float64Array> {
  const bins = edges.length - 1;
  const lo = edges[0];
  const hi = edges[bins];
  const scale = bins / (hi - lo);
  const counts = new Map<number, Float64Array>();
  let lastLabel = NaN;
  let last: Float64Array | undefined;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!(x >= lo && x <= hi)) continue;
    const k = labels[i];
    if (k !== lastLabel) {
      last = counts.get(k);
      if (!last) {
        last = new Float64Array(bins);
        counts.set(k, last);
      }
      lastLabel = k;
    }
    let b = Math.floor((x - lo) * scale);
    if (b >= bins) b = bins - 1;
    if (x < edges[b]) b--;
    else if (b + 1 < bins && x >= edges[b + 1]) b++;
    last![b]++;
  }
  return counts;
}

function normalise(
  counts: Float64Array,
  widths: number,
  mode: "count" | "probability" | "density",
): Float64Array {
  if (mode === "count") return counts;
  let total = 0;
  for (const c of counts) total += c;
  const f = total > 0 ? (mode === "probability" ? 1 / total : 1 / (total * widths)) : 0;
  return counts.map((c) => c * f);
}

/**
 * Histogram of voxel values as a bar chart, optionally split by class: given a label volume,
 * one trace per class (named, coloured), overlaid or stacked. Counts are computed here with
 * numpy's binning (`np.histogram`: equal-width bins, the last one closed) so the figure holds
 * only the bin counts, never the voxels.
 *
 * @param values - Intensities: a volume or a plain array.
 * @param options - Bins, range, labels for a per-class split, normalisation, axes.
 * @returns A figure with one `bar` trace per class (or one for all values).
 */
export function histogramFigure(
  values: Volume | ArrayLike<number>,
  options: HistogramFigureOptions = {},
): Figure {
  const v = dataOf(values, "values");
  const mode = checkOneOf(options.histnorm ?? "count", "histnorm", [
    "count",
    "probability",
    "density",
  ]);
  const barmode = checkOneOf(options.barmode ?? "overlay", "barmode", ["overlay", "stack"]);
  const all = histogram(v, { bins: options.bins, range: options.range });
  const { edges } = all;
  const bins = edges.length - 1;
  const width = (edges[bins] - edges[0]) / bins;
  const centres = Array.from({ length: bins }, (_, i) =>
    roundSignificant((edges[i] + edges[i + 1]) / 2, 10),
  );

  const series: { label?: number; counts: Float64Array }[] = [];
  if (options.labels === undefined) {
    series.push({ counts: all.counts });
  } else {
    const labels = dataOf(options.labels, "labels");
    if (labels.length !== v.length) {
      throw new RangeError(
        `\`labels\` has ${labels.length} elements but \`values\` has ${v.length}`,
      );
    }
    const byClass = countByClass(v, labels, edges);
    let classes = options.classes
      ? [...options.classes]
      : [...byClass.keys()].sort((a, b) => a - b);
    if (!options.classes && !options.includeUnlabelled) classes = classes.filter((k) => k !== 0);
    if (classes.length > MAX_CLASSES) {
      throw new RangeError(
        `\`labels\` has ${classes.length} classes; a per-class histogram draws at most ${MAX_CLASSES} (pass \`classes\` to choose some)`,
      );
    }
    for (const k of classes)
      series.push({ label: k, counts: byClass.get(k) ?? new Float64Array(bins) });
  }

  const split = options.labels !== undefined;
  const opacity =
    options.opacity ?? (split && barmode === "overlay" && series.length > 1 ? 0.6 : 1);
  const data: Trace[] = series.map(({ label, counts }) => {
    const name =
      label === undefined
        ? (options.name ?? "all")
        : (lookup(options.classNames, label) ?? (label === 0 ? "unlabelled" : `class ${label}`));
    const color =
      label === undefined
        ? (lookup(options.colors, 0) ?? categoricalColor(0))
        : (lookup(options.colors, label) ??
          (label === 0 ? "#888888" : categoricalColor(label - 1)));
    const y = normalise(counts, width, mode);
    return {
      type: "bar",
      name,
      x: centres,
      y: Array.from(y, (c) => (mode === "count" ? c : roundSignificant(c, 6))),
      width,
      marker: { color, line: { width: 0 } },
      opacity,
      hovertemplate: `%{x}: %{y}<extra>${name}</extra>`,
    };
  });

  const yDefault =
    mode === "count" ? "Count" : mode === "probability" ? "Fraction" : "Probability density";
  const layout = baseLayout(options);
  layout.barmode = barmode;
  layout.bargap = 0;
  layout.showlegend = options.showLegend ?? data.length > 1;
  layout.xaxis = styledAxis(axisTitle(options.xTitle ?? "Grey value", options.xUnit), {
    ...(options.logX ? { type: "log" } : {}),
  });
  layout.yaxis = styledAxis(axisTitle(options.yTitle ?? yDefault, options.yUnit), {
    ...(options.logY ? { type: "log" } : { rangemode: "tozero" }),
  });
  return { data, layout };
}
