// Pixels of one view panel from the slice data: contrast window (or the tinted blend of the
// channels), threshold preview, overlays (labels, grains, probabilities), the live forest's
// prediction and uncertainty, the painted labels; layered in that order. Pure: no DOM here.
import { overlayClasses, phasePalette } from "./legend.js";
import {
  blendLabels,
  blendProbability,
  blendRamp,
  blendThresholds,
  parseColor,
  windowToRgba,
  type RGB,
} from "./render.js";
import type { TrainingOverlay } from "./trainingPanel.js";
import type { Voxels } from "./volumeData.js";
import type { LabelClass, OverlayPayload } from "./viewerTypes.js";

/** Tints of channels 0, 1, 2 (then again) when the channels are blended. */
export const TINTS: readonly RGB[] = [
  [255, 0, 255],
  [0, 255, 0],
  [0, 128, 255],
];

/** Colour of the uncertainty ramp (transparent -> magenta). */
export const UNCERTAINTY_COLOR: RGB = [255, 0, 255];

/** Opacity of the threshold preview's phase colours. */
export const THRESHOLD_PREVIEW_OPACITY = 0.55;

/** Colour of a probability overlay without a palette. */
const PROBABILITY_COLOR = "#ff3030";

/** One overlay of the payload with its plane (undefined when switched off) and opacity. */
export interface OverlayLayer {
  overlay: OverlayPayload;
  values: ArrayLike<number> | undefined;
  opacity: number;
}

/** Everything drawn on the shown plane; every array holds width x height values, row-major. */
export interface ViewLayers {
  /** Plane of every channel. */
  channels: readonly Voxels[];
  /** Contrast window [lo, hi] of every channel. */
  windows: readonly (readonly [number, number])[];
  /** Tinted sum of all channels in every panel (with two channels or more). */
  blend: boolean;
  /** Thresholds of the preview on channel 0; undefined = no preview. */
  thresholds?: readonly number[];
  overlays: readonly OverlayLayer[];
  /** The painter's classes: colours of label overlays without their own classes. */
  classes: readonly LabelClass[];
  /** Class id -> colour of the painted labels and the prediction. */
  palette: Map<number, RGB>;
  training?: TrainingOverlay;
  /** Painted labels of the plane (0 = unlabelled), undefined without a painter. */
  labels?: ArrayLike<number>;
  labelOpacity: number;
}

/**
 * Colours panel `panel` (the channel shown side by side; any panel when blended) into `out`
 * (RGBA bytes, 4 x the plane's pixel count): every byte is written, alpha 255.
 */
export function compositePanel(layers: ViewLayers, panel: number, out: Uint8ClampedArray): void {
  const { channels, windows } = layers;
  if (layers.blend && channels.length > 1)
    channels.forEach((v, i) =>
      windowToRgba(v, windows[i][0], windows[i][1], out, TINTS[i % TINTS.length], i > 0),
    );
  else windowToRgba(channels[panel], windows[panel][0], windows[panel][1], out);
  if (layers.thresholds) {
    const colors = phasePalette(layers.thresholds.length + 1);
    blendThresholds(channels[0], layers.thresholds, colors, THRESHOLD_PREVIEW_OPACITY, out);
  }
  for (const { overlay, values, opacity } of layers.overlays) {
    if (!values) continue;
    if (overlay.kind === "probability") {
      const color = typeof overlay.palette === "string" ? overlay.palette : PROBABILITY_COLOR;
      blendProbability(values, parseColor(color), opacity, out);
    } else {
      const pal = new Map<number, RGB>();
      if (overlay.kind === "labels")
        for (const c of overlayClasses(overlay, layers.classes)) pal.set(c.id, parseColor(c.color));
      blendLabels(values, pal, opacity, out);
    }
  }
  const { palette } = layers;
  const t = layers.training;
  if (t?.prediction) blendLabels(t.prediction, palette, t.predictionOpacity, out);
  if (t?.uncertainty) blendRamp(t.uncertainty, UNCERTAINTY_COLOR, t.uncertaintyOpacity, out);
  if (layers.labels) blendLabels(layers.labels, palette, layers.labelOpacity, out);
}
