import { checkBoolean, checkOneOf, checkOptions } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { labelRuns, paintRuns, type Connectivity, type LabelledRuns } from "./labelComponents.js";

/** Options of {@link connectedComponents}. */
export interface ConnectedComponentsOptions {
  /** 6 (faces), 18 (faces and edges) or 26 (faces, edges and corners) neighbours. @default 26 */
  connectivity?: Connectivity;
  /**
   * Label the connected regions of each non-zero value separately (as cc3d
   * does for label images) instead of the non-zero voxels as one phase.
   * @default false
   */
  labels?: boolean;
}

/** Per-component columns; row `i` describes label `i + 1`. Bounds are voxel indices, inclusive. */
export interface ComponentTable {
  label: Float64Array;
  /** Number of voxels. */
  voxels: Float64Array;
  /** Voxels times the voxel volume `dz * dy * dx`. */
  volume: Float64Array;
  zMin: Float64Array;
  zMax: Float64Array;
  yMin: Float64Array;
  yMax: Float64Array;
  xMin: Float64Array;
  xMax: Float64Array;
}

/** Result of {@link connectedComponents}. */
export interface Components {
  /** Instance labels 1..count, 0 = background; the input's shape and spacing. */
  labels: Volume<Int32Array>;
  /** Number of components. */
  count: number;
  /** Sizes and bounding boxes, one row per label. */
  table: ComponentTable;
}

/** Sizes and bounding boxes of labels 1..count, from the labelled runs. @internal */
export function componentTable(r: LabelledRuns, shape: Shape3, spacing: Spacing3): ComponentTable {
  const { count } = r;
  const col = (fill: number) => new Float64Array(count).fill(fill);
  const t: ComponentTable = {
    label: Float64Array.from({ length: count }, (_, i) => i + 1),
    voxels: col(0),
    volume: col(0),
    zMin: col(Infinity),
    zMax: col(-1),
    yMin: col(Infinity),
    yMax: col(-1),
    xMin: col(Infinity),
    xMax: col(-1),
  };
  const ny = shape[1];
  const { label, row, start, end } = r;
  const { voxels, zMin, zMax, yMin, yMax, xMin, xMax } = t;
  // Runs are in raster order: the row's (z, y) change only between rows.
  let current = -1;
  let z = 0;
  let y = 0;
  for (let k = 0; k < r.runs; k++) {
    const l = label[k]! - 1;
    const rk = row[k]!;
    if (rk !== current) {
      current = rk;
      z = Math.floor(rk / ny);
      y = rk - z * ny;
    }
    const a = start[k]!;
    const b = end[k]!;
    voxels[l]! += b - a + 1;
    if (z < zMin[l]!) zMin[l] = z;
    if (z > zMax[l]!) zMax[l] = z;
    if (y < yMin[l]!) yMin[l] = y;
    if (y > yMax[l]!) yMax[l] = y;
    if (a < xMin[l]!) xMin[l] = a;
    if (b > xMax[l]!) xMax[l] = b;
  }
  const [dz, dy, dx] = spacing;
  for (let l = 0; l < count; l++) t.volume[l] = t.voxels[l]! * dz * dy * dx;
  return t;
}

/**
 * Connected components of the non-zero voxels (or, with `labels: true`, of
 * each non-zero value), with their sizes and bounding boxes.
 *
 * Labels are numbered 1..count in raster order (z, then y, then x) of each
 * component's first voxel, which is `scipy.ndimage.label`'s numbering with
 * `structure = generate_binary_structure(3, 1 | 2 | 3)` for 6 / 18 / 26.
 * Algorithm: run-based two-pass union-find (one thread): rows cut into runs,
 * runs joined to the touching runs of earlier rows.
 *
 * @param volume - Mask or label volume, any dtype; 2D when nz = 1 (then 6 means
 *   4-connected and 18 or 26 means 8-connected).
 * @returns Labels (Int32), count and a column table.
 * @see scipy.ndimage.label; cc3d.connected_components.
 */
export async function connectedComponents(
  volume: Volume,
  options: ConnectedComponentsOptions = {},
): Promise<Components> {
  await Promise.resolve();
  return connectedComponentsSync(volume, options);
}

/** {@link connectedComponents} in the calling thread, synchronously. @internal */
export function connectedComponentsSync(
  volume: Volume,
  options: ConnectedComponentsOptions = {},
): Components {
  checkVolume(volume, "volume");
  checkOptions(options, "options", ["connectivity", "labels"]);
  const connectivity = checkOneOf(options.connectivity ?? 26, "connectivity", [6, 18, 26] as const);
  const multi = checkBoolean(options.labels ?? false, "labels");
  const shape = [...volume.shape] as Shape3;
  const spacing = [...volume.spacing] as Spacing3;
  const runs = labelRuns(volume.data, shape, connectivity, multi);
  const data = new Int32Array(volume.data.length);
  paintRuns(runs, shape[2], data, true);
  const labels: Volume<Int32Array> = { data, shape, spacing };
  return { labels, count: runs.count, table: componentTable(runs, shape, spacing) };
}
