/**
 * Worker-thread entry of the blockwise {@link connectedComponents} (run by the
 * shared pool with `filename` set to this compiled module): labels the runs of
 * one slab of planes, then, once the slabs are merged, paints the slab's final
 * labels and sums its part of the component table. Arrays travel in shared
 * memory, so nothing large is copied.
 * @internal
 */
import type { Shape3, VoxelArray } from "../volume/types.js";
import { labelSlab, type Connectivity, type SlabRuns } from "./labelComponents.js";

/** Label the runs of the planes `z0 <= z < z1` (union-find within the slab). @internal */
export interface LabelSlabTask {
  op: "label";
  src: VoxelArray;
  shape: Shape3;
  z0: number;
  z1: number;
  connectivity: Connectivity;
  multi: boolean;
}

/** A slab's runs and the slab's roots (indices within the slab, ascending). @internal */
export interface LabelSlabResult extends SlabRuns {
  roots: Int32Array;
  rootCount: number;
}

/**
 * Paint a slab's runs with final labels into `out`: the slab's `i`-th root
 * (in run order) gets `rootLabel[i]`, every run its root's label. @internal
 */
export interface PaintSlabTask {
  op: "paint";
  runs: SlabRuns;
  rootLabel: Int32Array;
  out: Int32Array;
  shape: Shape3;
}

/**
 * A slab's part of the component table, for the labels `lo .. lo + n - 1`
 * (voxels 0 and bounds -1 / Infinity for labels absent from the slab). @internal
 */
export interface SlabTable {
  lo: number;
  voxels: Float64Array;
  zMin: Int32Array;
  zMax: Int32Array;
  yMin: Int32Array;
  yMax: Int32Array;
  xMin: Int32Array;
  xMax: Int32Array;
}

function labelTask(t: LabelSlabTask): LabelSlabResult {
  const r = labelSlab(t.src, t.shape, t.z0, t.z1, t.connectivity, t.multi, true);
  const { parent, runs } = r;
  let rootCount = 0;
  for (let k = 0; k < runs; k++) if (parent[k] === k) rootCount++;
  const roots = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, rootCount)));
  for (let k = 0, i = 0; k < runs; k++) if (parent[k] === k) roots[i++] = k;
  return { ...r, roots, rootCount };
}

function paintTask(t: PaintSlabTask): SlabTable {
  const { runs: r, rootLabel, out, shape } = t;
  const [, ny, nx] = shape;
  const { runs, row, start, end, parent } = r;
  // Final label of every run (roots first met in run order, parents point earlier).
  const fin = new Int32Array(runs);
  let lo = 2147483647;
  let hi = 0;
  for (let k = 0, i = 0; k < runs; k++) {
    const p = parent[k]!;
    const l = p === k ? rootLabel[i++]! : fin[p]!;
    fin[k] = l;
    if (l < lo) lo = l;
    if (l > hi) hi = l;
  }
  if (runs === 0) lo = hi = 1;
  const n = hi - lo + 1;
  const voxels = new Float64Array(n);
  const zMin = new Int32Array(n).fill(2147483647);
  const zMax = new Int32Array(n).fill(-1);
  const yMin = new Int32Array(n).fill(2147483647);
  const yMax = new Int32Array(n).fill(-1);
  const xMin = new Int32Array(n).fill(2147483647);
  const xMax = new Int32Array(n).fill(-1);
  let current = -1;
  let z = 0;
  let y = 0;
  for (let k = 0; k < runs; k++) {
    const l = fin[k]!;
    const rk = row[k]!;
    if (rk !== current) {
      current = rk;
      z = Math.floor(rk / ny);
      y = rk - z * ny;
    }
    const a = start[k]!;
    const b = end[k]!;
    const o = rk * nx;
    for (let x = o + a; x <= o + b; x++) out[x] = l;
    const j = l - lo;
    voxels[j]! += b - a + 1;
    if (z < zMin[j]!) zMin[j] = z;
    if (z > zMax[j]!) zMax[j] = z;
    if (y < yMin[j]!) yMin[j] = y;
    if (y > yMax[j]!) yMax[j] = y;
    if (a < xMin[j]!) xMin[j] = a;
    if (b > xMax[j]!) xMax[j] = b;
  }
  return { lo, voxels, zMin, zMax, yMin, yMax, xMin, xMax };
}

export default function labelWorkerTask(
  task: LabelSlabTask | PaintSlabTask,
): LabelSlabResult | SlabTable {
  if (task.op === "label") return labelTask(task);
  if (task.op === "paint") return paintTask(task);
  throw new Error(`label worker: unknown task ${JSON.stringify((task as { op?: unknown }).op)}`);
}
