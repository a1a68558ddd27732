// Flood fill of the label painter on one plane: the 4-connected region of the seed's label,
// optionally bounded by image intensity (a magic wand). No DOM here.
import type { LabelStore } from "./labelModel.js";
import { planeSize } from "./planes.js";
import type { ViewPlane } from "./viewerTypes.js";

/** Options of {@link floodRegion}. */
export interface FloodOptions {
  /**
   * Image values of the plane (width x height, u fastest). With `tolerance`, a pixel joins the
   * region only when |value - seed value| <= tolerance. @default no intensity bound
   */
  values?: ArrayLike<number>;
  /** Intensity tolerance (image units, >= 0, Infinity = no bound); needs `values`. @default none */
  tolerance?: number;
}

/**
 * Pixels of the 4-connected region around (u, v) whose label equals the seed's and, with
 * `values` and `tolerance`, whose image value is within +-tolerance of the seed's value
 * (scikit-image's `segmentation.flood(image, seed, tolerance=..., connectivity=1)`, restricted
 * to pixels of the seed's label). The seed itself is always in the region; a NaN value never
 * joins.
 * @param labels - Labels of the plane, width x height, u fastest (0 = unlabelled).
 * @returns Flat pixel indices (v * width + u) of the region, in visiting order; empty when the
 *   seed is outside the plane.
 * @throws RangeError when the sizes do not match or `tolerance` is negative / NaN.
 */
export function floodRegion(
  labels: ArrayLike<number>,
  width: number,
  height: number,
  u: number,
  v: number,
  options: FloodOptions = {},
): Int32Array {
  const n = width * height;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RangeError(`plane size must be positive integers, received ${width} x ${height}`);
  if (labels.length !== n)
    throw new RangeError(
      `\`labels\` must hold ${width} x ${height} = ${n} pixels, received ${labels.length}`,
    );
  const { values, tolerance } = options;
  if (tolerance !== undefined) {
    if (!(tolerance >= 0))
      throw new RangeError(`\`tolerance\` must be >= 0, received ${tolerance}`);
    if (!values) throw new RangeError("`tolerance` needs `values` (the plane's image values)");
    if (values.length !== n)
      throw new RangeError(
        `\`values\` must hold ${width} x ${height} = ${n} pixels, received ${values.length}`,
      );
  }
  if (!Number.isInteger(u) || !Number.isInteger(v) || u < 0 || v < 0 || u >= width || v >= height)
    return new Int32Array(0);
  const seed = v * width + u;
  const label = labels[seed];
  const bounded = tolerance !== undefined && values !== undefined && tolerance !== Infinity;
  const lo = bounded ? values[seed] - tolerance : 0;
  const hi = bounded ? values[seed] + tolerance : 0;
  const joins = (p: number): boolean => {
    if (labels[p] !== label) return false;
    if (!bounded) return true;
    const x = values[p];
    return x >= lo && x <= hi;
  };
  const visited = new Uint8Array(n);
  const stack = new Int32Array(n);
  const region = new Int32Array(n);
  let top = 0;
  let count = 0;
  stack[top++] = seed;
  visited[seed] = 1;
  while (top > 0) {
    const p = stack[--top];
    region[count++] = p;
    const a = p % width;
    if (a > 0 && !visited[p - 1] && joins(p - 1)) {
      visited[p - 1] = 1;
      stack[top++] = p - 1;
    }
    if (a < width - 1 && !visited[p + 1] && joins(p + 1)) {
      visited[p + 1] = 1;
      stack[top++] = p + 1;
    }
    if (p >= width && !visited[p - width] && joins(p - width)) {
      visited[p - width] = 1;
      stack[top++] = p - width;
    }
    if (p + width < n && !visited[p + width] && joins(p + width)) {
      visited[p + width] = 1;
      stack[top++] = p + width;
    }
  }
  return region.slice(0, count);
}

/**
 * Default intensity tolerance of the fill: 10 % of the contrast window's width (image units),
 * rounded to 2 significant digits; 1 for an empty window.
 */
export function defaultTolerance(window: readonly [number, number]): number {
  const w = Math.abs(window[1] - window[0]) * 0.1;
  return w > 0 ? +w.toPrecision(2) : 1;
}

/**
 * The painter's fill at plane pixel (u, v) of `slice`, one undo step: the 4-connected region of
 * the clicked label becomes `value`. From an unlabelled pixel (label 0) the region is bounded by
 * intensity: only pixels within +-`tolerance` of the clicked pixel's value join, so a fill in
 * unlabelled space stays in the clicked phase instead of flooding the slice (Infinity or no
 * `values`: no bound). A labelled region is refilled whole (napari's fill).
 * @param values - Image values of the plane (the channel shown), width x height, u fastest.
 * @returns Voxels changed.
 */
export function fillAt(
  store: LabelStore,
  plane: ViewPlane,
  slice: number,
  u: number,
  v: number,
  value: number,
  options: { values?: ArrayLike<number>; tolerance?: number } = {},
): number {
  const [w, h] = planeSize(store.shape, plane);
  if (!Number.isInteger(u) || !Number.isInteger(v) || u < 0 || v < 0 || u >= w || v >= h) return 0;
  const labels = store.planeLabels(plane, slice);
  const seed = labels[v * w + u];
  if (seed === value) return 0;
  const bound =
    seed === 0 && options.values && options.tolerance !== undefined
      ? { values: options.values, tolerance: options.tolerance }
      : {};
  const region = floodRegion(labels, w, h, u, v, bound);
  store.beginStroke(value);
  for (const q of region) {
    const a = q % w;
    store.paintDisc(plane, slice, a, (q - a) / w, 0);
  }
  const before = store.version;
  store.endStroke();
  return store.version === before ? 0 : region.length;
}
