/**
 * Payload schema shared by kernel-lib (writer) and tomolab-jupyterlab (reader).
 *
 * Types, plus the few rules both sides must apply alike (the label file name, the default
 * classes). No imports and nothing environment-specific here: kernel-lib compiles this file as
 * part of `src/display`; the extension reaches it through the symlink
 * `jupyter-extension/src/viewerTypes.ts`, so its tsc build emits it as `lib/viewerTypes.js`
 * and webpack bundles that copy. Change it in one place, both sides follow.
 */

/** Suffix of label files written by the painter. */
export const LABELS_SUFFIX = ".labels.json";

/** Default classes of the label painter: 1 = void, 2 = CBD, 3 = NMC (0 = unlabelled). */
export const DEFAULT_LABEL_CLASSES: readonly LabelClass[] = Object.freeze([
  { id: 1, name: "void", color: "#3b82f6" },
  { id: 2, name: "CBD", color: "#f59e0b" },
  { id: 3, name: "NMC", color: "#10b981" },
]);

/**
 * The label file name of a view (`labels.path` of the payload), by the one rule the kernel and
 * the painter share: the last path component only (so the file stays in the notebook's
 * folder), characters outside [A-Za-z0-9._-] replaced by "-", no leading dot, ending in
 * `.labels.json`. Applying it twice gives the same name.
 * @throws TypeError for a non-string; RangeError when nothing usable is left (e.g. "..").
 */
export function sanitizeLabelFileName(name: string): string {
  if (typeof name !== "string")
    throw new TypeError(`label file name must be a string, received ${typeof name}`);
  let base = name.replace(/\\/g, "/").split("/").pop() ?? "";
  if (base.endsWith(LABELS_SUFFIX)) base = base.slice(0, -LABELS_SUFFIX.length);
  base = base
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[.-]+/, "")
    .replace(/[.-]+$/, "");
  if (!base)
    throw new RangeError(
      `label file name ${JSON.stringify(name)} has no usable characters (allowed: A-Z a-z 0-9 . _ -)`,
    );
  return base + LABELS_SUFFIX;
}

/** MIME type of the slice viewer output. */
export type VolumeMimeType = "application/vnd.tomolab.volume+json";

/** Voxel types the viewer decodes (little-endian). */
export type ViewerDType = "uint8" | "uint16" | "int32" | "uint32" | "float32";

/** Where a voxel array lives: inline base64, or a raw file next to the notebook. */
export type ArraySource =
  | { kind: "inline"; base64: string }
  | {
      kind: "file";
      /** Path relative to the notebook's folder (the kernel's cwd), "/" separated. */
      path: string;
      /** Bytes in the file (checked against shape x dtype size). */
      bytes: number;
      /**
       * Downsampled copies for arrays too big to load whole in the browser (above 1 GiB):
       * level i is the array averaged (intensities) or subsampled (labels) by `factor` along
       * each axis, shape `ceil(shape / factor)`, same dtype, x fastest. The viewer draws
       * xz / yz planes from the finest level it can hold and refines what it can.
       */
      levels?: { factor: number; path: string; bytes: number; shape: [number, number, number] }[];
    };

/** One intensity channel (SE2, InLens, ...). */
export interface ChannelPayload {
  name: string;
  dtype: ViewerDType;
  source: ArraySource;
  /** Initial contrast window [low, high] (kernel: 0.5 / 99.5 percentiles). */
  window: [number, number];
  /** Minimum and maximum voxel value. */
  range: [number, number];
  /** Histogram of the channel over `range`: `counts.length` equal bins. */
  histogram: { min: number; max: number; counts: number[] };
}

/** Overlay kinds: class labels (palette), probabilities in [0, 1] (colour ramp), instances (hashed colours). */
export type OverlayKind = "labels" | "probability" | "instances";

export interface OverlayPayload {
  name: string;
  kind: OverlayKind;
  dtype: ViewerDType;
  source: ArraySource;
  /** 0..1. @default 0.5 */
  opacity: number;
  /** For "labels": class id -> CSS colour; for "probability": one CSS colour. */
  palette?: Record<string, string> | string;
  /**
   * For "labels": names and colours of the ids (the viewer's legend; `palette` recolours
   * them). Absent in older payloads: the viewer then uses the painter's classes.
   */
  classes?: LabelClass[];
}

/** A class of the label painter (id 0 is "unlabelled" and never listed). */
export interface LabelClass {
  id: number;
  name: string;
  /** CSS colour "#rrggbb". */
  color: string;
}

export type ViewPlane = "xy" | "xz" | "yz";

/** `application/vnd.tomolab.volume+json` payload. */
export interface VolumePayload {
  version: 1;
  /** Id of this view: the kernel finds the view again when the extension sends messages. */
  viewId: string;
  title?: string;
  shape: [number, number, number];
  spacing: [number, number, number];
  /**
   * Unit of `spacing`: "nm" (the convention), another length unit, or "pixel" when the volume
   * has no calibration (the viewer then gives lengths in voxels / px). Older payloads: "nm".
   */
  unit: string;
  channels: ChannelPayload[];
  /** "side" shows channels side by side, "blend" mixes them (channel i tinted by `channelColors`). */
  channelMode: "side" | "blend";
  overlays: OverlayPayload[];
  initial: { plane: ViewPlane; slice: number; zoom?: number };
  /** Label painter: file next to the notebook, classes. Absent = painter off. */
  labels?: { path: string; classes: LabelClass[] };
  /** Threshold tuner: initial thresholds (1 to 3, ascending) on channel 0. */
  thresholds?: number[];
  /** Live training (random forest on the painted labels); absent = no training panel. Needs `labels`. */
  training?: TrainingPayload;
}

/** One filter row of the feature picker (ilastik's feature dialog). */
export interface TrainingFilterOption {
  /** Filter id, e.g. "GaussianSmoothing" (kernel-lib's IlastikFilter). */
  id: string;
  /** "Gaussian Smoothing". */
  title: string;
  /** "smooth" | "edge" | "texture". */
  group: string;
  /** Scales of `TrainingPayload.scales` this filter accepts (Gaussian smoothing from 0.3, others from 0.7). */
  scales: number[];
}

/** One tailored milling-direction (z) feature of the picker: ticking it selects all its params. */
export interface TrainingTailoredOption {
  /** Feature id, e.g. "ZForwardDifference" (kernel-lib's TailoredFeature). */
  id: string;
  title: string;
  /** Slice offsets / windows / sigmas computed when ticked. */
  params: number[];
}

/** What the live forest uses: the state of the feature picker. JSON only. */
export interface TrainingSelection {
  /** Input signals used, by name (the channel names, plus derived inputs such as "SE2 - InLens"). */
  inputs: string[];
  /** Filter id -> ticked scales (absent or [] = filter off). */
  filters: Record<string, number[]>;
  /** Ticked tailored feature ids (3D volumes only). */
  tailored: string[];
}

/** The training panel's options, sent by the kernel in the volume payload. */
export interface TrainingPayload {
  /** Input signals the picker offers (channel names, then derived ones like "SE2 - InLens"). */
  inputs: string[];
  /** Column scales of the picker grid (ilastik's 0.3 ... 10). */
  scales: number[];
  filters: TrainingFilterOption[];
  /** Tailored z features; [] for 2D volumes. */
  tailored: TrainingTailoredOption[];
  /** Initial selection. */
  selection: TrainingSelection;
  /** Trees of the live forest. */
  trees: number;
}

/** MIME type of the kernel's answers to "retrain" (display_data sent during that execute request). */
export type TrainingMimeType = "application/vnd.tomolab.training+json";

/** Importance of one picker cell (a filter at a scale, a tailored feature, on one input). */
export interface FeatureImportance {
  /** Picker key: `${filterId}@${scale}` or `${tailoredId}` (summed over inputs and eigenvalue channels). */
  key: string;
  /** Readable name, e.g. "Gaussian Smoothing σ=1.6". */
  label: string;
  /** Mean decrease in Gini impurity, summed over the cell's channels; all keys sum to 1. */
  importance: number;
}

/** One kernel answer to a "retrain" message. */
export type TrainingResult =
  | {
      version: 1;
      viewId: string;
      requestId: string;
      status: "progress";
      /** Stage being run: "features", "training", "predicting". */
      stage: string;
      /** 0..1 over the whole request. */
      fraction: number;
    }
  | {
      version: 1;
      viewId: string;
      requestId: string;
      status: "error";
      message: string;
    }
  | {
      version: 1;
      viewId: string;
      requestId: string;
      status: "done";
      plane: ViewPlane;
      slice: number;
      /** Plane size (u fastest), as the viewer's planes. */
      width: number;
      height: number;
      /** Spacing of the plane image, [1, row, column] as `slice()` gives it (xz: [1, dz, dx]). */
      spacing: [number, number, number];
      /** Class ids, in the order of `probabilities`. */
      classes: number[];
      /** base64 uint8, width x height: predicted class id per pixel. */
      prediction: string;
      /** base64 uint8, classes.length x width x height: probability x 255 per class. */
      probabilities: string;
      /** base64 uint8, width x height: uncertainty x 255 = (1 - (p_best - p_second)) x 255, as ilastik's. */
      uncertainty: string;
      /** Per picker key, sorted descending. */
      importances: FeatureImportance[];
      /** Labelled voxels trained on, per class id. */
      samples: Record<string, number>;
      /** Number of feature channels. */
      channels: number;
      /** Out-of-bag error of the forest (fraction), when bootstrapping. */
      oobError?: number;
      /** Wall-clock milliseconds of each stage. */
      timings: Record<string, number>;
      /** True when the forest was reused (same labels and selection), only the slice re-predicted. */
      reused: boolean;
    };

/** The label file written by the painter and read by `loadLabels`: `<name>.labels.json`. */
export interface LabelFile {
  format: "tomolab-labels";
  version: 1;
  shape: [number, number, number];
  spacing: [number, number, number];
  classes: LabelClass[];
  /**
   * "rle-varint": base64 of runs, each run = one value byte then the run length as an
   * unsigned LEB128 varint; runs cover nz*ny*nx voxels in x-fastest order.
   */
  encoding: "rle-varint";
  data: string;
  /** Voxels per class id (consistency check). */
  counts: Record<string, number>;
  /** ISO time of the save. */
  saved: string;
  /**
   * Id of this version (random, set by the painter on each save); absent in files written
   * without it (older painters, `saveLabels`), which the painter then knows by their
   * `last_modified` time.
   */
  revision?: string;
  /**
   * Revisions whose changes this version holds (newest last, at most 64): the painter finds
   * the last version it shares with another tab here, the base of its 3-way merge.
   */
  ancestors?: string[];
}

/** Messages the extension sends to the kernel (JSON only; see `viewerMessage`). */
export type ViewerMessage =
  | { type: "thresholds"; viewId: string; channel: number; thresholds: number[] }
  | { type: "labels-saved"; viewId: string; path: string; counts: Record<string, number> }
  | {
      /**
       * Live training: train the view's forest on the painted labels (the label file as last
       * saved) with the picker's selection, predict plane `plane` at `slice`, answer with
       * `application/vnd.tomolab.training+json` display data carrying `requestId`.
       */
      type: "retrain";
      viewId: string;
      requestId: string;
      labelsPath: string;
      plane: ViewPlane;
      slice: number;
      selection: TrainingSelection;
    };
