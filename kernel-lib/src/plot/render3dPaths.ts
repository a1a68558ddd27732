import {
  checkFinite,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOptions,
  expectedError,
} from "../util/checks.js";
import { sceneLayout, type Scene3dOptions } from "./mesh3d.js";
import { axisTitle, baseLayout } from "./style.js";
import type { Figure, Layout, Trace } from "./types.js";

/** A 3D polyline: points `[x, y, z]` in physical units and its length. */
export interface Polyline3 {
  points: number[][];
  length: number;
}

/** Options of {@link pathsFigure}. */
export interface PathsFigureOptions extends Scene3dOptions {
  /** Colour each path by its `length`, or draw all in `color`. @default "length" */
  colorBy?: "length" | "none";
  /** Line colour when `colorBy` is "none". @default "#0072B2" */
  color?: string;
  /** Plotly colour scale of the length. @default "Viridis" */
  colorscale?: string;
  /** Line width in pixels. @default 3 */
  lineWidth?: number;
  /** Line opacity. @default 1 */
  opacity?: number;
  /**
   * Most points drawn in total; longer inputs keep every k-th point of each path (its end
   * points always kept) so that rotation stays smooth. @default 200,000
   */
  maxPoints?: number;
  /** Name of the trace (legend and hover). @default "paths" */
  name?: string;
}

/**
 * 3D polylines, e.g. electron or ion paths (Paper 1, Fig. 5b/c): one `scatter3d` line trace
 * with the paths separated by gaps, coloured by path length (colour bar) or in one colour,
 * in a scene of equal physical scale. The layout can be merged with an
 * {@link isosurfaceFigure} (same scene) to draw paths inside the phase they run through.
 *
 * @param paths - `{ points: [[x, y, z], ...], length }` per path (units of `unit`).
 */
export function pathsFigure(paths: readonly Polyline3[], options: PathsFigureOptions = {}): Figure {
  if (!Array.isArray(paths))
    throw expectedError("paths", "an array of { points, length }", paths, TypeError);
  checkOptions(options, "options", [
    "title",
    "width",
    "height",
    "fontSize",
    "unit",
    "showAxes",
    "colorBy",
    "color",
    "colorscale",
    "lineWidth",
    "opacity",
    "maxPoints",
    "name",
  ]);
  const colorBy = checkOneOf(options.colorBy ?? "length", "colorBy", ["length", "none"] as const);
  const lineWidth = checkNumber(options.lineWidth ?? 3, "lineWidth", { min: 0, minOpen: true });
  const opacity = checkNumber(options.opacity ?? 1, "opacity", { min: 0, max: 1 });
  const maxPoints = checkInteger(options.maxPoints ?? 200_000, "maxPoints", 2);
  let total = 0;
  paths.forEach((p, k) => {
    if (typeof p !== "object" || p === null || !Array.isArray(p.points))
      throw expectedError(`paths[${k}]`, "{ points: [[x, y, z], ...], length }", p, TypeError);
    checkFinite(p.length, `paths[${k}].length`);
    (p.points as unknown[]).forEach((q: unknown, i: number) => {
      if (!Array.isArray(q) || q.length !== 3 || !q.every(Number.isFinite))
        throw expectedError(
          `paths[${k}].points[${i}]`,
          "[x, y, z] of finite numbers",
          q,
          TypeError,
        );
    });
    total += p.points.length;
  });
  const stride = Math.max(1, Math.ceil(total / maxPoints));
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  const z: (number | null)[] = [];
  const c: (number | null)[] = [];
  let drawn = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of paths) {
    const n = p.points.length;
    if (n === 0) continue;
    lo = Math.min(lo, p.length);
    hi = Math.max(hi, p.length);
    for (let i = 0; i < n; i++) {
      if (i % stride !== 0 && i !== n - 1) continue;
      const [px, py, pz] = p.points[i] as [number, number, number];
      x.push(px);
      y.push(py);
      z.push(pz);
      c.push(p.length);
      drawn++;
    }
    x.push(null);
    y.push(null);
    z.push(null);
    c.push(null);
  }
  if (!(hi > lo)) [lo, hi] = Number.isFinite(lo) ? [lo, lo + 1] : [0, 1];
  const unit = options.unit ?? "nm";
  const line: Record<string, unknown> =
    colorBy === "length"
      ? {
          width: lineWidth,
          color: c,
          colorscale: options.colorscale ?? "Viridis",
          cmin: lo,
          cmax: hi,
          showscale: true,
          colorbar: {
            title: { text: axisTitle("Path length", unit), side: "right" },
            outlinewidth: 0,
          },
        }
      : { width: lineWidth, color: options.color ?? "#0072B2" };
  const trace: Trace = {
    type: "scatter3d",
    mode: "lines",
    name: options.name ?? "paths",
    x,
    y,
    z,
    line,
    opacity,
    connectgaps: false,
    hoverinfo: "skip",
  };
  const layout: Layout = {
    ...baseLayout(options),
    scene: sceneLayout(options),
    showlegend: false,
    meta: { paths: paths.length, points: drawn, stride },
  };
  return { data: [trace], layout };
}
