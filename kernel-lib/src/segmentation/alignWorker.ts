/**
 * The slice work of `alignStack`, run on the worker pool (this compiled module is the
 * pool's `filename`) or in the calling thread: estimating the transforms of a range of
 * slices, and resampling a range of slices. Stacks arrive in shared memory.
 * @internal
 */
import type { Shape3, VoxelArray } from "../volume/types.js";
import { TransformEstimator, type EstimateSettings } from "./alignEstimate.js";
import type { PairShift } from "./alignSolve.js";
import { unwarpSlice, type SliceTransform } from "./alignWarp.js";

/** Translation of each slice z in [from, to) against slices z - 1 .. z - span (those >= 0). @internal */
export interface PairsTask {
  op: "pairs";
  data: VoxelArray;
  shape: Shape3;
  from: number;
  to: number;
  span: number;
  settings: EstimateSettings;
}

/** Transforms of slices [from, to) against `reference`: "previous" (pairwise), a slice index, or an image. @internal */
export interface EstimateTask {
  op: "estimate";
  data: VoxelArray;
  shape: Shape3;
  from: number;
  to: number;
  reference: "previous" | number | Float32Array;
  settings: EstimateSettings;
}

/** Resample slices [from, to) of `data` into `out` by undoing `transforms` (one per slice of the range). @internal */
export interface WarpTask {
  op: "warp";
  data: VoxelArray;
  shape: Shape3;
  out: VoxelArray;
  from: number;
  to: number;
  transforms: SliceTransform[];
  fill: number;
  round: { lo: number; hi: number } | null;
}

/** Run one estimate task. @internal */
export function estimateRange(task: EstimateTask): SliceTransform[] {
  const [, ny, nx] = task.shape;
  const plane = ny * nx;
  const est = new TransformEstimator(ny, nx, task.settings);
  const out: SliceTransform[] = [];
  const { data, reference } = task;
  if (reference === "previous") {
    const translation = task.settings.mode === "translation";
    let prev = task.from > 0 ? est.spectrum(data, (task.from - 1) * plane) : null;
    for (let z = task.from; z < task.to; z++) {
      const own = translation || z + 1 < task.to ? est.spectrum(data, z * plane) : null;
      out.push(prev ? est.estimate(prev, data, z * plane, translation ? own! : undefined) : identity());
      prev = own;
    }
    return out;
  }
  const refSpectrum =
    typeof reference === "number" ? est.spectrum(data, reference * plane) : est.spectrum(reference);
  for (let z = task.from; z < task.to; z++)
    out.push(reference === z ? identity() : est.estimate(refSpectrum, data, z * plane));
  return out;
}

/** Run one pairs task (translation mode): weights are peak height / k. @internal */
export function pairsRange(task: PairsTask): PairShift[] {
  const [, ny, nx] = task.shape;
  const plane = ny * nx;
  const est = new TransformEstimator(ny, nx, task.settings);
  const spectra = new Map<number, Float64Array>();
  const spectrum = (z: number) => {
    let s = spectra.get(z);
    if (!s) {
      s = est.spectrum(task.data, z * plane);
      spectra.set(z, s);
    }
    return s;
  };
  const out: PairShift[] = [];
  for (let z = task.from; z < task.to; z++) {
    for (let k = 1; k <= task.span && z - k >= 0; k++) {
      const r = est.correlator.shift(spectrum(z - k), spectrum(z));
      out.push({ a: z - k, b: z, dy: r.dy, dx: r.dx, weight: Math.max(r.peak, 1e-6) / k });
    }
    spectra.delete(z - task.span);
  }
  return out;
}

/** Run one warp task. @internal */
export function warpRange(task: WarpTask): null {
  const [, ny, nx] = task.shape;
  const plane = ny * nx;
  for (let z = task.from; z < task.to; z++)
    unwarpSlice(
      task.data,
      z * plane,
      ny,
      nx,
      task.transforms[z - task.from],
      task.fill,
      task.out,
      z * plane,
      task.round ?? undefined,
    );
  return null;
}

function identity(): SliceTransform {
  return { dy: 0, dx: 0, angle: 0 };
}

export default function alignTask(
  task: EstimateTask | WarpTask | PairsTask,
): SliceTransform[] | PairShift[] | null {
  if (task.op === "estimate") return estimateRange(task);
  if (task.op === "pairs") return pairsRange(task);
  if (task.op === "warp") return warpRange(task);
  throw new Error(`align worker: unknown task ${JSON.stringify((task as { op?: unknown }).op)}`);
}
