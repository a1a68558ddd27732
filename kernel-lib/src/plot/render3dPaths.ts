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
  /**
   * Per point, how many of the drawn paths pass through it (e.g. the voxel's path count:
   * where paths merge towards a contact, the current they carry adds up). Used by
   * {@link pathsFigure}'s `opacityBy: "density"`.
   */
  density?: number[];
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
  /** Line opacity (the largest, with `opacityBy`). @default 1 */
  opacity?: number;
  /**
   * Transparency by path density (Paper 1, Fig. 5b: "transparency = current density"):
   * each segment's opacity grows with the number of paths through it, in
   * `opacityLevels` steps on a log scale from one path (faintest) to the most shared
   * segment (`opacity`). Needs `density` on every path. @default "density" when every
   * path has `density`, else "none"
   */
  opacityBy?: "density" | "none";
  /** Opacity steps (traces) of `opacityBy: "density"`. @default 4 */
  opacityLevels?: number;
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
    "opacityBy",
    "opacityLevels",
  ]);
  const colorBy = checkOneOf(options.colorBy ?? "length", "colorBy", ["length", "none"] as const);
  const lineWidth = checkNumber(options.lineWidth ?? 3, "lineWidth", { min: 0, minOpen: true });
  const opacity = checkNumber(options.opacity ?? 1, "opacity", { min: 0, max: 1 });
  const maxPoints = checkInteger(options.maxPoints ?? 200_000, "maxPoints", 2);
  const allDensity = paths.length > 0 && paths.every((p) => Array.isArray(p?.density));
  const opacityBy = checkOneOf(
    options.opacityBy ?? (allDensity ? "density" : "none"),
    "opacityBy",
    ["density", "none"] as const,
  );
  if (opacityBy === "density" && !allDensity)
    throw expectedError(
      "paths[k].density",
      'a path count per point on every path (opacityBy: "density")',
      paths.find((p) => !Array.isArray(p?.density))?.density,
      TypeError,
    );
  const levels =
    opacityBy === "density" ? checkInteger(options.opacityLevels ?? 4, "opacityLevels", 1, 16) : 1;
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
    if (opacityBy === "density") {
      const d = p.density!;
      if (d.length !== p.points.length || !d.every((v: number) => Number.isFinite(v) && v >= 0))
        throw expectedError(
          `paths[${k}].density`,
          `${p.points.length} finite counts >= 0 (one per point)`,
          d,
          RangeError,
        );
    }
    total += p.points.length;
  });
  const stride = Math.max(1, Math.ceil(total / maxPoints));
  let dmax = 1;
  if (opacityBy === "density")
    for (const p of paths) for (const v of p.density!) dmax = Math.max(dmax, v);
  // opacity step of a segment from the larger path count of its two ends (log scale)
  const levelOf = (d: number): number =>
    dmax <= 1
      ? levels - 1
      : Math.min(
          levels - 1,
          Math.floor((levels * Math.log(Math.max(1, d))) / Math.log(dmax + 1e-9)),
        );
  const lines = Array.from({ length: levels }, () => ({
    x: [] as (number | null)[],
    y: [] as (number | null)[],
    z: [] as (number | null)[],
    c: [] as (number | null)[],
    open: false,
  }));
  let drawn = 0;
  let lo = Infinity;
  let hi = -Infinity;
  const push = (l: (typeof lines)[number], q: number[], len: number) => {
    l.x.push(q[0]!);
    l.y.push(q[1]!);
    l.z.push(q[2]!);
    l.c.push(len);
  };
  const gap = (l: (typeof lines)[number]) => {
    if (!l.open) return;
    l.x.push(null);
    l.y.push(null);
    l.z.push(null);
    l.c.push(null);
    l.open = false;
  };
  for (const p of paths) {
    const n = p.points.length;
    if (n === 0) continue;
    lo = Math.min(lo, p.length);
    hi = Math.max(hi, p.length);
    const kept: number[] = [];
    for (let i = 0; i < n; i++) if (i % stride === 0 || i === n - 1) kept.push(i);
    drawn += kept.length;
    if (kept.length === 1) {
      const l = lines[levels - 1]!;
      push(l, p.points[kept[0]!]!, p.length);
      l.open = true;
      gap(l);
      continue;
    }
    let current = -1;
    for (let k = 1; k < kept.length; k++) {
      const i0 = kept[k - 1]!;
      const i1 = kept[k]!;
      const lvl = opacityBy === "density" ? levelOf(Math.max(p.density![i0]!, p.density![i1]!)) : 0;
      const l = lines[lvl]!;
      if (lvl !== current) {
        if (current >= 0) gap(lines[current]!);
        push(l, p.points[i0]!, p.length);
        l.open = true;
        current = lvl;
      }
      push(l, p.points[i1]!, p.length);
    }
    if (current >= 0) gap(lines[current]!);
  }
  if (!(hi > lo)) [lo, hi] = Number.isFinite(lo) ? [lo, lo + 1] : [0, 1];
  const unit = options.unit ?? "nm";
  const data: Trace[] = [];
  lines.forEach((l, k) => {
    if (l.x.length === 0 && !(k === levels - 1 && data.length === 0)) return;
    const first = data.length === 0;
    const line: Record<string, unknown> =
      colorBy === "length"
        ? {
            width: lineWidth,
            color: l.c,
            colorscale: options.colorscale ?? "Viridis",
            cmin: lo,
            cmax: hi,
            showscale: first,
            ...(first
              ? {
                  colorbar: {
                    title: { text: axisTitle("Path length", unit), side: "right" },
                    outlinewidth: 0,
                  },
                }
              : {}),
          }
        : { width: lineWidth, color: options.color ?? "#0072B2" };
    data.push({
      type: "scatter3d",
      mode: "lines",
      name:
        levels > 1
          ? `${options.name ?? "paths"} (density step ${k + 1} of ${levels})`
          : (options.name ?? "paths"),
      x: l.x,
      y: l.y,
      z: l.z,
      line,
      opacity: (opacity * (k + 1)) / levels,
      connectgaps: false,
      hoverinfo: "skip",
    });
  });
  const layout: Layout = {
    ...baseLayout(options),
    scene: sceneLayout(options),
    showlegend: false,
    meta: { paths: paths.length, points: drawn, stride, opacityLevels: levels, maxDensity: dmax },
  };
  return { data, layout };
}
