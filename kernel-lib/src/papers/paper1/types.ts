import type { FeatureChannel } from "../../features/spec.js";
import type { ClassScores } from "../../metrics/iou.js";
import type { GroupImportance } from "../../classify/forest/permutationImportance.js";
import type { ClassImportances } from "../../plot/importanceGroups.js";
import type { FibsemSample } from "../../synth/samples.js";
import type { Volume } from "../../volume/types.js";

/** Osenberg et al.'s six segmentation methods, by section number. */
export type Paper1MethodId = "3.1" | "3.2" | "3.3" | "3.4" | "3.5" | "3.6";

/** What the paper says about one method: its name, our record key, its published awe. */
export interface Paper1MethodInfo {
  id: Paper1MethodId;
  name: string;
  /** Key for `record("paper1.awe.<key>")`. */
  key: string;
  /** Published awe (percent) on the real data: full field of view and crop inside an NMC particle. */
  published: { full: number; crop: number };
}

/** A square of the test slice: first row/column and side, in voxels. */
export interface Paper1Crop {
  y: number;
  x: number;
  size: number;
  /** Fractions of void, CBD and NMC in the crop's truth. */
  fractions: { void: number; cbd: number; nmc: number };
}

/**
 * Paper 1's evaluation set-up: the sample, its fully labelled test slice and
 * the crop inside an NMC particle (see `paper1TestSlice`).
 */
export interface Paper1TestSlice {
  sample: FibsemSample;
  /** Index of the test slice. */
  z: number;
  /** Truth of the test slice, shape [1, ny, nx], 1 void / 2 CBD / 3 NMC. */
  truth: Volume<Uint8Array>;
  /** The crop inside an NMC particle, if one was found (see `nmcCrop`). */
  crop?: Paper1Crop;
}

/** Per-class permutation importance of a forest's features on the test slice. */
export interface Paper1Importance extends ClassImportances {
  /** The feature channels (name, group smooth/edge/texture/milling, input, filter, scale). */
  channels: FeatureChannel[];
  /** Mean accuracy decrease per channel when it is shuffled. */
  overall: Float64Array;
  /** Per class id (1 void, 2 CBD, 3 NMC): mean recall decrease per channel. */
  perClass: Record<number, Float64Array>;
  /** Per class id: standard deviation of the recall decrease over the shuffles, per channel. */
  perClassStd: Record<number, Float64Array>;
  /** Shuffles per channel. */
  repeats: number;
  /**
   * Joint importance of each filter group (`"group:<smooth|edge|texture|milling>"`) and
   * each input signal (`"input:<SE2|InLens|...>"`): all its channels shuffled together.
   */
  groups: GroupImportance;
  /** Test-slice voxels used (a class-stratified random subset). */
  samples: number;
}

/** Scores of one segmentation of the test slice (see `paper1Score`). */
export interface Paper1Scores {
  /** Average weighted error (Eq. 1), percent, full field of view. */
  awe: number;
  /** IoU and truth fraction per class, full field of view. */
  scores: ClassScores;
  /** awe on the crop (undefined without a crop). */
  aweCrop?: number;
  scoresCrop?: ClassScores;
}

/** One method's result on the test slice. */
export interface Paper1MethodResult extends Paper1MethodInfo, Paper1Scores {
  /** Segmentation of the test slice, shape [1, ny, nx], 1 void / 2 CBD / 3 NMC. */
  segmentation: Volume<Uint8Array>;
  /** Wall time of the method, milliseconds, split into its steps. */
  timings: Record<string, number>;
  /** Method parameters (thresholds, feature count, training samples, ...). */
  details: Record<string, unknown>;
  /** Random forest methods: per-class permutation importance on the test slice. */
  importance?: Paper1Importance;
}
