/**
 * Payload schema shared by kernel-lib (writer) and tomolab-jupyterlab (reader).
 *
 * This file holds types only (no code), so both packages can import it without sharing
 * algorithm code: kernel-lib compiles it as part of `src/display`, the extension imports it
 * with a relative `import type` (erased at build). Change it in one place, both sides follow.
 */

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
  /** Unit of `spacing`. @default "nm" */
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
}

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
}

/** Messages the extension sends to the kernel (JSON only; see `viewerMessage`). */
export type ViewerMessage =
  | { type: "thresholds"; viewId: string; channel: number; thresholds: number[] }
  | { type: "labels-saved"; viewId: string; path: string; counts: Record<string, number> }
  | {
      /** Hook for live training (no forest engine yet): retrain on painted labels, predict `slice`. */
      type: "retrain";
      viewId: string;
      labelsPath: string;
      plane: ViewPlane;
      slice: number;
      features?: string[];
    };
