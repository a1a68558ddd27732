import { runsInline } from "../parallel/options.js";
import { getThreads } from "../parallel/pool.js";
import { DIST_URL } from "../parallel/runBlock.js";
import { runTasks } from "../parallel/runTasks.js";
import { toShared } from "../parallel/shared.js";
import type { ParallelOptions } from "../parallel/types.js";
import { checkBoolean, checkOneOf, checkOptions, checkPositiveInt } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import { allocate } from "../volume/dtype.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import {
  earlierRows,
  labelRuns,
  paintRuns,
  type Connectivity,
  type LabelledRuns,
} from "./labelComponents.js";
import type { LabelSlabResult, LabelSlabTask, PaintSlabTask, SlabTable } from "./labelWorker.js";

/** Options of {@link connectedComponents}. */
export interface ConnectedComponentsOptions extends Pick<ParallelOptions, "threads" | "inline"> {
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
 * Algorithm: run-based two-pass union-find: rows cut into runs, runs joined
 * to the touching runs of earlier rows. On the worker pool (volumes of 2^18
 * voxels and more, unless `inline` or `threads: 1`), slabs of planes are
 * labelled in parallel, joined across the slab boundaries in the calling
 * thread, then painted and tabulated in parallel; the result does not depend
 * on the slabs.
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
  checkVolume(volume, "volume");
  checkOptions(options, "options", ["connectivity", "labels", "threads", "inline"]);
  const { threads: threadsOption, inline: inlineOption, ...rest } = options;
  if (threadsOption !== undefined) checkPositiveInt(threadsOption, "threads");
  if (inlineOption !== undefined)
    checkOneOf(inlineOption, "inline", [true, false, "auto"] as const);
  const shape = [...volume.shape] as Shape3;
  const par: ParallelOptions = {};
  if (threadsOption !== undefined) par.threads = threadsOption;
  if (inlineOption !== undefined) par.inline = inlineOption;
  if (shape[0] < 2 || runsInline(shape, par)) return connectedComponentsSync(volume, rest);
  const connectivity = checkOneOf(rest.connectivity ?? 26, "connectivity", [6, 18, 26] as const);
  const multi = checkBoolean(rest.labels ?? false, "labels");
  const threads = Math.min(threadsOption ?? getThreads(), getThreads());
  return componentsOnPool(volume, connectivity, multi, threads);
}

/** The compiled worker module of the blockwise labelling. @internal */
export const LABEL_WORKER_URL = new URL("morphology/labelWorker.js", DIST_URL).href;

/**
 * {@link connectedComponents} on the pool: slabs of planes labelled in
 * workers, their roots joined where runs touch across the slab boundaries
 * (union-find over the roots met there, the earliest run of a set its
 * root), roots numbered in run order (= raster order), then each slab
 * painted and tabulated in a worker and the slab tables merged.
 */
async function componentsOnPool(
  volume: Volume,
  connectivity: Connectivity,
  multi: boolean,
  threads: number,
): Promise<Components> {
  const shape = [...volume.shape] as Shape3;
  const spacing = [...volume.spacing] as Spacing3;
  const [nz, ny, nx] = shape;
  const src = toShared(volume).data;
  const slabs = Math.min(nz, 2 * threads);
  const zs = Array.from({ length: slabs + 1 }, (_, s) => Math.round((s * nz) / slabs));
  const tasks: LabelSlabTask[] = [];
  for (let s = 0; s < slabs; s++) {
    tasks.push({ op: "label", src, shape, z0: zs[s]!, z1: zs[s + 1]!, connectivity, multi });
  }
  const res = await runTasks<LabelSlabTask, LabelSlabResult>(tasks, {
    filename: LABEL_WORKER_URL,
    threads,
  });
  const off = [0];
  for (let s = 0; s < slabs; s++) off.push(off[s]! + res[s]!.runs);
  // Union-find over the global indices of the roots met at the boundaries; a set's root is
  // its earliest run (entries map a run to its parent, a set's root to itself).
  const up = new Map<number, number>();
  const find = (a: number): number => {
    for (;;) {
      const p = up.get(a);
      if (p === undefined || p === a) return a;
      a = p;
    }
  };
  const join = (a: number, b: number): void => {
    if (!up.has(a)) up.set(a, a);
    if (!up.has(b)) up.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra < rb) up.set(rb, ra);
    else if (rb < ra) up.set(ra, rb);
  };
  const across = earlierRows(connectivity).filter(([dz]) => dz === -1);
  for (let s = 1; s < slabs; s++) {
    const A = res[s - 1]!;
    const B = res[s]!;
    const z = zs[s]!;
    const aRow0 = (z - 1 - zs[s - 1]!) * ny;
    for (let y = 0; y < ny; y++) {
      const kLo = B.rowFirst[y]!;
      const kHi = B.rowFirst[y + 1]!;
      if (kLo === kHi) continue;
      for (const [, dy, reach] of across) {
        const yy = y + dy;
        if (yy < 0 || yy >= ny) continue;
        const jHi = A.rowFirst[aRow0 + yy + 1]!;
        let j = A.rowFirst[aRow0 + yy]!;
        if (j === jHi) continue;
        const aBase = ((z - 1) * ny + yy) * nx;
        const bBase = (z * ny + y) * nx;
        for (let k = kLo; k < kHi; k++) {
          const a = B.start[k]!;
          const b = B.end[k]!;
          while (j < jHi && A.end[j]! < a - reach) j++;
          for (let i = j; i < jHi && A.start[i]! <= b + reach; i++) {
            if (multi && src[aBase + A.start[i]!] !== src[bBase + a]) continue;
            join(off[s - 1]! + A.parent[i]!, off[s]! + B.parent[k]!);
          }
        }
      }
    }
  }
  // Number the roots in run order; a root joined to an earlier one takes its number.
  let count = 0;
  const numberOf = new Map<number, number>();
  const rootLabels = res.map((r, s) => {
    const lab = new Int32Array(Math.max(1, r.rootCount));
    for (let i = 0; i < r.rootCount; i++) {
      const g = off[s]! + r.roots[i]!;
      if (!up.has(g)) lab[i] = ++count;
      else {
        const root = find(g);
        if (root === g) numberOf.set(g, (lab[i] = ++count));
        else lab[i] = numberOf.get(root)!;
      }
    }
    return lab;
  });
  const data = allocate("int32", nz * ny * nx, true);
  const paint: PaintSlabTask[] = res.map((r, s) => ({
    op: "paint",
    runs: {
      runs: r.runs,
      row: r.row,
      start: r.start,
      end: r.end,
      parent: r.parent,
      rowFirst: r.rowFirst,
    },
    rootLabel: rootLabels[s]!,
    out: data,
    shape,
  }));
  const parts = await runTasks<PaintSlabTask, SlabTable>(paint, {
    filename: LABEL_WORKER_URL,
    threads,
  });
  return {
    labels: { data, shape, spacing },
    count,
    table: mergeTables(parts, count, spacing),
  };
}

/** The component table from the slabs' parts. */
function mergeTables(parts: SlabTable[], count: number, spacing: Spacing3): ComponentTable {
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
  for (const p of parts) {
    for (let j = 0; j < p.voxels.length; j++) {
      if (p.voxels[j] === 0) continue;
      const l = p.lo + j - 1;
      t.voxels[l]! += p.voxels[j]!;
      if (p.zMin[j]! < t.zMin[l]!) t.zMin[l] = p.zMin[j]!;
      if (p.zMax[j]! > t.zMax[l]!) t.zMax[l] = p.zMax[j]!;
      if (p.yMin[j]! < t.yMin[l]!) t.yMin[l] = p.yMin[j]!;
      if (p.yMax[j]! > t.yMax[l]!) t.yMax[l] = p.yMax[j]!;
      if (p.xMin[j]! < t.xMin[l]!) t.xMin[l] = p.xMin[j]!;
      if (p.xMax[j]! > t.xMax[l]!) t.xMax[l] = p.xMax[j]!;
    }
  }
  const [dz, dy, dx] = spacing;
  for (let l = 0; l < count; l++) t.volume[l] = t.voxels[l]! * dz * dy * dx;
  return t;
}

/** {@link connectedComponents} in the calling thread, synchronously. @internal */
export function connectedComponentsSync(
  volume: Volume,
  options: ConnectedComponentsOptions = {},
): Components {
  checkVolume(volume, "volume");
  checkOptions(options, "options", ["connectivity", "labels", "threads", "inline"]);
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
