/**
 * Worker-thread entry of the forest (run by the shared pool with
 * `filename` set to this compiled module): grows trees and predicts row
 * ranges. Inputs arrive in shared memory, so nothing large is copied.
 * @internal
 */
import type { BinnedData } from "./binning.js";
import { buildTree, type TreeArrays, type TreeSettings } from "./buildTree.js";
import { predictRowsInto, type PackedForest } from "./predictRows.js";

/** Grow the trees `trees` (indices into the forest). @internal */
export interface TrainTask {
  op: "train";
  data: BinnedData;
  settings: TreeSettings;
  trees: number[];
}

/** Predict rows `[from, to)` into the shared `out`; the result tells whether a feature was NaN. @internal */
export interface PredictTask {
  op: "predict";
  forest: PackedForest;
  samples: Float32Array;
  layout: "samples" | "channels";
  count: number;
  from: number;
  to: number;
  out: Float32Array;
}

export default function forestTask(task: TrainTask | PredictTask): TreeArrays[] | boolean {
  if (task.op === "train") return task.trees.map((t) => buildTree(task.data, task.settings, t));
  if (task.op === "predict") {
    const { forest, samples, layout, count, from, to, out } = task;
    return predictRowsInto(forest, samples, layout, count, from, to, out, from * forest.nClasses);
  }
  throw new Error(`forest worker: unknown task ${JSON.stringify((task as { op?: unknown }).op)}`);
}
