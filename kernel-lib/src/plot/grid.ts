import { checkPositiveInt } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Plane, Volume } from "../volume/types.js";
import { imageFigure, type ImageFigureOptions } from "./image.js";
import { baseLayout } from "./style.js";
import type { Figure, FigureOptions, Layout, Trace } from "./types.js";

export interface SubplotGridOptions extends FigureOptions {
  /** Panels per row. @default min(number of figures, 3) */
  columns?: number;
  /** Panel titles; default each figure's own title. */
  titles?: readonly (string | undefined)[];
  /** Gap between columns as a fraction of the width. @default 0.06 */
  horizontalSpacing?: number;
  /** Gap between rows as a fraction of the height. @default 0.12 */
  verticalSpacing?: number;
  /** Link the x axes of all panels (zoom together, same range). @default false */
  shareX?: boolean;
  /** Link the y axes of all panels. @default false */
  shareY?: boolean;
}

function titleText(layout: Layout): string | undefined {
  const t = layout.title as { text?: string } | string | undefined;
  return typeof t === "string" ? t : t?.text;
}

/**
 * Panels side by side: each single-axes figure becomes one subplot of a grid (its traces
 * moved to axes x<k>/y<k>, its axis styles kept, equal-aspect anchors remapped), titles as
 * annotations above the panels, legend entries with the same name shown once.
 *
 * @param figures - Figures whose traces use the default axes (x, y).
 * @param options - Columns, titles, spacing, linked axes, overall title and size.
 */
export function subplotGrid(figures: readonly Figure[], options: SubplotGridOptions = {}): Figure {
  const n = figures.length;
  if (n === 0)
    throw new RangeError("`figures` must hold at least one figure, received an empty list");
  const columns = checkPositiveInt(options.columns ?? Math.min(n, 3), "columns");
  const rows = Math.ceil(n / columns);
  const hs = options.horizontalSpacing ?? 0.06;
  const vs = options.verticalSpacing ?? 0.12;
  const w = (1 - hs * (columns - 1)) / columns;
  const h = (1 - vs * (rows - 1)) / rows;
  const size = options.fontSize ?? 14;

  const layout = baseLayout(options);
  const first = figures[0].layout;
  for (const key of ["barmode", "bargap", "boxmode", "boxgap"]) {
    if (first[key] !== undefined) layout[key] = first[key];
  }
  const annotations: Record<string, unknown>[] = [];
  const data: Trace[] = [];
  const seenNames = new Set<string>();
  let anyLegend = false;

  figures.forEach((fig, i) => {
    const suffix = i === 0 ? "" : String(i + 1);
    const r = Math.floor(i / columns);
    const c = i % columns;
    const x0 = c * (w + hs);
    const x1 = x0 + w;
    const y1 = 1 - r * (h + vs);
    const y0 = y1 - h;
    const xa = { ...((fig.layout.xaxis as object) ?? {}) } as Record<string, unknown>;
    const ya = { ...((fig.layout.yaxis as object) ?? {}) } as Record<string, unknown>;
    xa.domain = [x0, x1];
    xa.anchor = `y${suffix}`;
    ya.domain = [y0, y1];
    ya.anchor = `x${suffix}`;
    if (ya.scaleanchor === "x") ya.scaleanchor = `x${suffix}`;
    if (xa.scaleanchor === "y") xa.scaleanchor = `y${suffix}`;
    if (options.shareX && i > 0) xa.matches = "x";
    if (options.shareY && i > 0) ya.matches = "y";
    layout[`xaxis${suffix}`] = xa;
    layout[`yaxis${suffix}`] = ya;

    for (const trace of fig.data) {
      if ((trace.xaxis ?? "x") !== "x" || (trace.yaxis ?? "y") !== "y") {
        throw new RangeError(
          `figure ${i} uses axes ${String(trace.xaxis)}/${String(trace.yaxis)}; subplotGrid takes single-axes figures`,
        );
      }
      const t: Trace = { ...trace, xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      if (t.colorbar !== undefined || t.showscale) {
        t.colorbar = {
          ...((t.colorbar as object) ?? {}),
          x: x1 + 0.01,
          xanchor: "left",
          y: (y0 + y1) / 2,
          yanchor: "middle",
          len: h,
        };
      }
      if (
        t.name !== undefined &&
        t.showlegend !== false &&
        (t.showlegend === true || t.type !== "heatmap")
      ) {
        t.legendgroup = t.name;
        if (seenNames.has(t.name)) t.showlegend = false;
        else anyLegend = true;
        seenNames.add(t.name);
      }
      data.push(t);
    }

    const text = options.titles?.[i] ?? titleText(fig.layout);
    if (text) {
      annotations.push({
        text,
        x: (x0 + x1) / 2,
        y: y1,
        xref: "paper",
        yref: "paper",
        xanchor: "center",
        yanchor: "bottom",
        yshift: 4,
        showarrow: false,
        font: { size: size + 1 },
      });
    }
  });
  if (annotations.length) layout.annotations = annotations;
  const explicit = figures.some((f) => f.layout.showlegend === true);
  const unset = figures.every((f) => f.layout.showlegend === undefined);
  layout.showlegend = anyLegend && (explicit || (unset && seenNames.size > 1));
  const margin = layout.margin as Record<string, number>;
  if (annotations.length) margin.t += 25;
  return { data, layout };
}

/** One panel of {@link imagesGrid}. */
export interface ImagePanel {
  image: Volume;
  plane?: Plane;
  index?: number;
  labels?: Volume;
  title?: string;
}

export interface ImagesGridOptions
  extends Omit<ImageFigureOptions, "labels" | "title">, SubplotGridOptions {
  /** Same grey range in every panel (the union of the panels' ranges unless `range` is given). @default true */
  shareRange?: boolean;
}

/**
 * Images side by side (e.g. raw / filtered / segmented, or the same slice from several
 * methods) with a shared grey scale and per-panel titles. Each panel is an
 * {@link imageFigure}; options other than the layout apply to every panel.
 *
 * @param panels - Volumes, or `{ image, plane, index, labels, title }` records.
 * @param options - Image options for all panels plus grid options (columns, titles, shareRange).
 */
export function imagesGrid(
  panels: readonly (Volume | ImagePanel)[],
  options: ImagesGridOptions = {},
): Figure {
  if (!Array.isArray(panels) || panels.length === 0) {
    throw new RangeError("`panels` must hold at least one image, received an empty list");
  }
  const n = panels.length;
  const maxPixels = options.maxPixels ?? Math.max(65536, Math.floor((512 * 512) / n));
  const {
    title,
    width,
    height,
    columns,
    titles,
    horizontalSpacing,
    verticalSpacing,
    shareX,
    shareY,
    fontSize,
    ...imageOptions
  } = options;
  const figures = panels.map((p, i) => {
    const panel: ImagePanel = "image" in p ? p : { image: p };
    checkVolume(panel.image, `panels[${i}].image`);
    return imageFigure(panel.image, {
      ...imageOptions,
      fontSize,
      maxPixels,
      plane: panel.plane ?? options.plane,
      index: panel.index ?? options.index,
      labels: panel.labels,
      title: titles?.[i] ?? panel.title,
    });
  });
  if (options.shareRange ?? true) {
    const images = figures.map((f) => f.data[0]);
    const lo = Math.min(...images.map((t) => t.zmin as number));
    const hi = Math.max(...images.map((t) => t.zmax as number));
    images.forEach((t, i) => {
      t.zmin = lo;
      t.zmax = hi;
      if (i < n - 1) {
        t.showscale = false;
        delete t.colorbar;
      }
    });
  }
  let gridHeight = height;
  const cols = columns ?? Math.min(n, 3);
  if (width !== undefined && height === undefined) {
    const first = figures[0].layout;
    const xr = (first.xaxis as { range: number[] }).range;
    const yr = (first.yaxis as { range: number[] }).range;
    const aspect = Math.abs(yr[0] - yr[1]) / Math.abs(xr[1] - xr[0]);
    const rows = Math.ceil(n / cols);
    gridHeight = Math.round(rows * ((width - 100) / cols) * aspect + rows * 60 + (title ? 60 : 20));
  }
  const legend = figures.find((f) => f.layout.showlegend)?.layout.legend;
  const grid = subplotGrid(figures, {
    title,
    width,
    height: gridHeight,
    columns: cols,
    horizontalSpacing: horizontalSpacing ?? 0.1,
    verticalSpacing,
    shareX,
    shareY,
    fontSize,
  });
  if (legend && grid.layout.showlegend) {
    grid.layout.legend = { ...(legend as object), y: 1.08 };
    (grid.layout.margin as Record<string, number>).t += 25;
  }
  return grid;
}
