import { checkNumber, checkOneOf } from "../util/checks.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import { slice } from "../volume/slice.js";
import { minMax, percentile } from "../volume/stats.js";
import type { Plane, Volume } from "../volume/types.js";
import type { PerLabel } from "./histogram.js";
import {
  axisTitle,
  baseLayout,
  categoricalColor,
  CATEGORICAL_COLORS,
  styledAxis,
} from "./style.js";
import { roundSignificant } from "../util/round.js";
import type { Figure, FigureOptions, Trace } from "./types.js";

export interface ImageFigureOptions extends FigureOptions {
  /** Plane to show for a 3D volume. @default "xy" */
  plane?: Plane;
  /** Position along the fixed axis (negative counts from the end). @default middle */
  index?: number;
  /** Label volume of the same shape, drawn over the image with a categorical palette (0 transparent). */
  labels?: Volume;
  /** Opacity of the label overlay. @default 0.45 */
  labelOpacity?: number;
  /** Class names by label value, for the legend. @default "class <k>" */
  classNames?: PerLabel<string>;
  /** Class colours by label value. @default {@link CATEGORICAL_COLORS}, label k gets colour k - 1 */
  colors?: PerLabel<string>;
  /**
   * Treat labels as classes (legend with names, one colour per value) rather than instances
   * (colours cycled, no legend). @default classes when the largest label is at most 20 or names are given
   */
  labelKind?: "classes" | "instances";
  /** Grey range [black, white]. @default the `percentiles` when given, else the slice's min and max */
  range?: [number, number];
  /** Percentiles [low, high] of the slice mapped to black and white, e.g. [1, 99]. */
  percentiles?: [number, number];
  /** Plotly colour scale for the image. @default black to white */
  colorscale?: string | [number, string][];
  /** Show a colour bar for the grey values. @default false */
  colorbar?: boolean;
  /** Title of the colour bar. @default "Grey value" */
  colorbarTitle?: string;
  /** Physical unit of the spacing, used in axis titles. @default "nm" */
  unit?: string;
  /** Largest number of pixels put in the figure; bigger slices are block-averaged (labels subsampled). @default 262144 (512 x 512) */
  maxPixels?: number;
  /** Draw axes with ticks in physical units. @default true */
  showAxes?: boolean;
  /**
   * Store pixel values as plotly typed-array specs (`{ dtype, bdata, shape }`, base64 of the
   * raw little-endian array, understood by plotly.js >= 2.28) rather than nested JSON lists:
   * a 512 x 512 uint8 slice takes 350 KB instead of about 1 MB. @default true
   */
  binary?: boolean;
  /** Significant digits kept for float data when `binary` is false. @default 5 */
  digits?: number;
}

const GREYS: [number, string][] = [
  [0, "#000000"],
  [1, "#ffffff"],
];

/** Axis names of a plane: [horizontal, vertical]. */
const AXES: Record<Plane, [string, string]> = { xy: ["x", "y"], xz: ["x", "z"], yz: ["y", "z"] };

/** Row-major 2D grid after display downsampling: block mean (intensities) or top-left sample (labels). */
interface Grid {
  rows: number;
  cols: number;
  factor: number;
  values: Float64Array;
}

/** Downsampling factor so that rows * cols / factor^2 <= maxPixels. */
export function downsampleFactor(rows: number, cols: number, maxPixels: number): number {
  let f = Math.max(1, Math.ceil(Math.sqrt((rows * cols) / maxPixels)));
  while (Math.ceil(rows / f) * Math.ceil(cols / f) > maxPixels) f++;
  return f;
}

function downsample(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  f: number,
  mean: boolean,
): Grid {
  if (f === 1) return { rows, cols, factor: 1, values: Float64Array.from(data) };
  const r = Math.ceil(rows / f);
  const c = Math.ceil(cols / f);
  const out = new Float64Array(r * c);
  if (!mean) {
    for (let i = 0; i < r; i++)
      for (let j = 0; j < c; j++) out[i * c + j] = data[i * f * cols + j * f];
    return { rows: r, cols: c, factor: f, values: out };
  }
  const n = new Float64Array(r * c);
  for (let y = 0; y < rows; y++) {
    const i = Math.floor(y / f) * c;
    for (let x = 0; x < cols; x++) {
      const v = data[y * cols + x];
      if (v !== v) continue;
      const k = i + Math.floor(x / f);
      out[k] += v;
      n[k]++;
    }
  }
  for (let k = 0; k < out.length; k++) out[k] = n[k] > 0 ? out[k] / n[k] : NaN;
  return { rows: r, cols: c, factor: f, values: out };
}

/** Plotly's typed-array spec for a 2D array: base64 of the raw bytes, `shape` "rows,cols". */
export interface TypedArraySpec {
  dtype: "u1" | "u2" | "i4" | "u4" | "f4" | "f8";
  bdata: string;
  shape: string;
}

const DTYPE_CODES: [new (...args: never[]) => ArrayBufferView, TypedArraySpec["dtype"]][] = [
  [Uint8Array, "u1"],
  [Uint16Array, "u2"],
  [Int32Array, "i4"],
  [Uint32Array, "u4"],
  [Float32Array, "f4"],
  [Float64Array, "f8"],
];

/** Encode a row-major typed array as a plotly typed-array spec (platforms are little-endian). */
export function typedArraySpec(
  values: ArrayBufferView,
  rows: number,
  cols: number,
): TypedArraySpec {
  const code = DTYPE_CODES.find(([C]) => values instanceof C)?.[1];
  if (!code)
    throw new TypeError(`cannot encode ${values.constructor.name} as a plotly typed array`);
  const bdata = Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString("base64");
  return { dtype: code, bdata, shape: `${rows},${cols}` };
}

/** Decode a plotly typed-array spec (or pass nested lists through) into rows; for tests and tools. */
export function decodeTypedArraySpec(z: unknown): (number | null)[][] {
  if (Array.isArray(z)) return z as (number | null)[][];
  const spec = z as TypedArraySpec;
  const C = DTYPE_CODES.find(([, c]) => c === spec.dtype)?.[0] as unknown as
    (new (b: ArrayBuffer) => ArrayLike<number>) | undefined;
  if (!C) throw new TypeError(`unknown plotly dtype ${JSON.stringify(spec?.dtype)}`);
  const bytes = Buffer.from(spec.bdata, "base64");
  const values = new C(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  const [rows, cols] = spec.shape.split(",").map(Number);
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => {
      const v = values[i * cols + j];
      return Number.isNaN(v) ? null : v;
    }),
  );
}

function toRows(grid: Grid, map: (v: number) => number | null): (number | null)[][] {
  const z: (number | null)[][] = [];
  for (let i = 0; i < grid.rows; i++) {
    const row: (number | null)[] = new Array(grid.cols);
    for (let j = 0; j < grid.cols; j++) row[j] = map(grid.values[i * grid.cols + j]);
    z.push(row);
  }
  return z;
}

function lookup<T>(table: PerLabel<T> | undefined, k: number): T | undefined {
  return table ? (table as Record<number, T>)[k] : undefined;
}

/** A plotly colour scale with one flat step per integer 1..k (used with zmin 0.5, zmax k + 0.5). */
function stepColorscale(colors: string[]): [number, string][] {
  const k = colors.length;
  const scale: [number, string][] = [];
  colors.forEach((c, i) => {
    scale.push([i / k, c], [(i + 1) / k, c]);
  });
  return scale;
}

/**
 * A 2D image (or one plane of a volume) as a greyscale heatmap with equal aspect ratio and
 * axes in physical units from the spacing, optionally with a colour bar and a label overlay
 * in a categorical palette. Slices above `maxPixels` are block-averaged for the figure (the
 * title says so), which keeps notebooks small.
 *
 * @param image - A volume (a 2D image is a volume with nz = 1).
 * @param options - Plane and index, grey range, overlay, units, size.
 * @returns A figure: one `heatmap` trace for the image, one for the labels, legend markers for classes.
 */
export function imageFigure(image: Volume, options: ImageFigureOptions = {}): Figure {
  checkVolume(image, "image");
  const plane = options.plane ?? "xy";
  const img =
    image.shape[0] === 1 && plane === "xy" && (options.index ?? 0) === 0
      ? image
      : slice(image, plane, options.index);
  const [, rows, cols] = img.shape;
  const [, dRow, dCol] = img.spacing;
  const maxPixels = checkNumber(options.maxPixels ?? 512 * 512, "maxPixels", { min: 1 });
  const f = downsampleFactor(rows, cols, maxPixels);

  let [lo, hi] =
    options.range ?? (options.percentiles ? percentile(img, options.percentiles) : minMax(img));
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi <= lo) hi = lo + 1;

  const isFloat = img.data instanceof Float32Array || f > 1;
  const digits = options.digits ?? 5;
  const binary = options.binary ?? true;
  const grid = downsample(img.data, rows, cols, f, true);
  const imageZ = binary
    ? typedArraySpec(f === 1 ? img.data : Float32Array.from(grid.values), grid.rows, grid.cols)
    : toRows(grid, isFloat ? (v) => roundSignificant(v, digits) : (v) => v);
  const [hName, vName] = AXES[plane];
  const unit = options.unit ?? "nm";
  const data: Trace[] = [
    {
      type: "heatmap",
      name: "image",
      z: imageZ,
      x0: (f * dCol) / 2,
      dx: f * dCol,
      y0: (f * dRow) / 2,
      dy: f * dRow,
      zmin: lo,
      zmax: hi,
      colorscale: options.colorscale ?? GREYS,
      showscale: options.colorbar ?? false,
      ...(options.colorbar
        ? {
            colorbar: {
              title: { text: options.colorbarTitle ?? "Grey value", side: "right" },
              outlinewidth: 0,
              ticks: "outside",
            },
          }
        : {}),
      hovertemplate: `${hName} %{x:.4g} ${unit}<br>${vName} %{y:.4g} ${unit}<br>value %{z}<extra></extra>`,
    },
  ];

  let legend = false;
  if (options.labels !== undefined) {
    checkVolume(options.labels, "labels");
    checkSameShape(options.labels, "labels", image, "image");
    const lab = img === image ? options.labels : slice(options.labels, plane, options.index);
    const labGrid = downsample(lab.data, rows, cols, f, false);
    let maxLabel = 0;
    const present = new Set<number>();
    for (const v of labGrid.values) {
      if (v > 0) {
        present.add(v);
        if (v > maxLabel) maxLabel = v;
      }
    }
    const kind = checkOneOf(
      options.labelKind ?? (maxLabel <= 20 || options.classNames ? "classes" : "instances"),
      "labelKind",
      ["classes", "instances"],
    );
    const colorOf = (k: number) => lookup(options.colors, k) ?? categoricalColor(k - 1);
    const k = kind === "classes" ? Math.max(1, maxLabel) : CATEGORICAL_COLORS.length;
    const palette = Array.from({ length: k }, (_, i) =>
      kind === "classes" ? colorOf(i + 1) : categoricalColor(i),
    );
    const n = CATEGORICAL_COLORS.length;
    const opacity = options.labelOpacity ?? 0.45;
    data.push({
      type: "heatmap",
      name: "labels",
      z: binary
        ? typedArraySpec(
            labGrid.values.reduce(
              (out, v, i) => (
                (out[i] = v > 0 ? (kind === "classes" ? v : ((v - 1) % n) + 1) : NaN),
                out
              ),
              new Float32Array(labGrid.values.length),
            ),
            labGrid.rows,
            labGrid.cols,
          )
        : toRows(labGrid, (v) => (v > 0 ? (kind === "classes" ? v : ((v - 1) % n) + 1) : null)),
      x0: (f * dCol) / 2,
      dx: f * dCol,
      y0: (f * dRow) / 2,
      dy: f * dRow,
      zmin: 0.5,
      zmax: k + 0.5,
      colorscale: stepColorscale(palette),
      showscale: false,
      opacity,
      hoverongaps: false,
      ...(kind === "classes"
        ? { hovertemplate: "label %{z}<extra></extra>" }
        : { hoverinfo: "skip" }),
    });
    if (kind === "classes") {
      for (const label of [...present].sort((a, b) => a - b)) {
        legend = true;
        data.push({
          type: "scatter",
          mode: "markers",
          x: [null],
          y: [null],
          name: lookup(options.classNames, label) ?? `class ${label}`,
          marker: {
            symbol: "square",
            size: 12,
            color: colorOf(label),
            opacity: Math.max(opacity, 0.7),
          },
          hoverinfo: "skip",
          showlegend: true,
        });
      }
    }
  }

  let title = options.title;
  if (f > 1) {
    const note = `downsampled ${f}x for display (${rows}x${cols} to ${grid.rows}x${grid.cols} px)`;
    title = title ? `${title}<br><sup>${note}</sup>` : `<sup>${note}</sup>`;
  }
  let height = options.height;
  if (options.width !== undefined && height === undefined) {
    const plotW = options.width - 90 - (legend ? 120 : 0) - (options.colorbar ? 80 : 0);
    height = Math.round(
      Math.max(10, plotW) * ((rows * dRow) / (cols * dCol)) + (title ? 80 : 45) + 50,
    );
  }
  const layout = baseLayout({ ...options, title, height });
  if (f > 1) (layout.margin as Record<string, number>).t += 15;
  const showAxes = options.showAxes ?? true;
  layout.xaxis = styledAxis(axisTitle(hName, unit), {
    range: [0, cols * dCol],
    constrain: "domain",
    visible: showAxes,
  });
  layout.yaxis = styledAxis(axisTitle(vName, unit), {
    range: [rows * dRow, 0],
    scaleanchor: "x",
    scaleratio: 1,
    constrain: "domain",
    visible: showAxes,
  });
  layout.showlegend = legend;
  if (legend) {
    // Above the image, clear of the colour bar on the right.
    layout.legend = {
      ...(layout.legend as object),
      orientation: "h",
      x: 0,
      xanchor: "left",
      y: 1.01,
      yanchor: "bottom",
    };
    (layout.margin as Record<string, number>).t += 25;
  }
  return { data, layout };
}
