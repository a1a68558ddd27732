// view(): a volume in tomolab-jupyterlab's slice viewer. The payload's parts live beside it:
// channel ranges and windows (viewChannel), array sources (viewSource), option checks
// (viewChecks) and the messages the viewer sends back (viewerMessage).
import {
  checkBoolean,
  checkFraction,
  checkNonNegative,
  checkNumberArray,
  checkOneOf,
  checkOptions,
  checkString,
  expectedError,
} from "../util/checks.js";
import { checkSameShape, checkVolume, formatShape } from "../volume/check.js";
import { dtypeOf } from "../volume/dtype.js";
import { checkPlane, checkPlaneIndex, planeDepth } from "../volume/planeRegion.js";
import type { Plane, Volume } from "../volume/types.js";
import { sendDisplay, newDisplayId, type DisplayWriter } from "./kernel.js";
import { DEFAULT_LABEL_CLASSES, sanitizeLabelFileName } from "./labels.js";
import {
  createLiveTrainer,
  labelsFileOf,
  type LiveTrainer,
  type LiveTrainingOptions,
  type LiveTrainingState,
  type TrainingDone,
} from "./training.js";
import { describeChannel, slicePng } from "./viewChannel.js";
import { checkClasses, checkThresholds, viewUnit } from "./viewChecks.js";
import { registerView, viewState } from "./viewerMessage.js";
import { arraySource, VIEW_CACHE_DIR, type SourceOptions } from "./viewSource.js";
import type {
  LabelClass,
  OverlayKind,
  OverlayPayload,
  TrainingSelection,
  VolumePayload,
} from "./viewerTypes.js";

/** MIME type drawn by tomolab-jupyterlab's slice viewer. */
export const VOLUME_MIME = "application/vnd.tomolab.volume+json";

export interface ViewOverlay {
  name?: string;
  kind: OverlayKind;
  volume: Volume;
  /** @default 0.5 */
  opacity?: number;
  /** "labels": class id -> colour; "probability": one colour. */
  palette?: Record<string, string> | string;
  /**
   * "labels": names and colours of the label values, shown in the viewer's legend.
   * @default the view's `classes` (1 = void, 2 = CBD, 3 = NMC)
   */
  classes?: LabelClass[];
}

export interface ViewOptions {
  /** Title above the viewer; also names the default label file. */
  title?: string;
  /** Initial plane. @default "xy" */
  plane?: Plane;
  /** Initial slice index along the plane's normal. @default the middle */
  slice?: number;
  /** Names of the channels (first = `volume`). @default ["channel 0", ...] */
  channelNames?: string[];
  /** More channels of the same shape (e.g. InLens next to SE2). @default [] */
  channels?: Volume[];
  /** Channels side by side or blended. @default "side" */
  channelMode?: "side" | "blend";
  /** Overlays: class labels, probabilities in [0, 1], grain instances. @default [] */
  overlays?: ViewOverlay[];
  /**
   * Label painter file in the notebook's folder (sanitised, `.labels.json` added), or false
   * for no painter. @default `${title}` or "volume"
   */
  labels?: string | false;
  /** Painter classes. @default 1 = void, 2 = CBD, 3 = NMC */
  classes?: LabelClass[];
  /** Initial thresholds of the threshold tuner (1 to 3, ascending). @default none (tuner starts with one at the mean of the window) */
  thresholds?: number[];
  /** Arrays up to this many bytes are inlined (base64) in the notebook; bigger ones go to `tomolab-cache/`. @default 4 MiB */
  inlineLimit?: number;
  /**
   * Cached arrays above this many bytes also get downsampled levels (factors 2, 4, ... down to
   * at most 256 MiB, see `writeLevels`), from which the viewer draws xz / yz planes of arrays
   * too big to load whole. Channels and probabilities are block means, labels and instances
   * are subsampled. @default 1 GiB (the viewer's full-load limit)
   */
  levelsAbove?: number;
  /**
   * Unit of `spacing` for the readout and scale bar ("nm", "µm", ..., or "pixel" for a volume
   * without calibration: lengths are then given in voxels).
   * @default `volume.unit` when a reader set it (readTiff: "nm" when the file is calibrated,
   *   "pixel" when not), else "pixel" for a spacing of exactly 1 x 1 x 1, else "nm"
   */
  unit?: string;
  /** Percentiles of the initial contrast window. @default [0.5, 99.5] */
  percentiles?: [number, number];
  /** Folder that relative cache paths are resolved against (the notebook's folder). @default process.cwd() */
  baseDir?: string;
  /**
   * Put a small greyscale PNG of the initial slice (longest side at most 256 px) in the
   * output, shown where the extension is missing (GitHub, nbviewer). @default true
   */
  fallbackImage?: boolean;
  /**
   * Live training panel (ilastik's training view): a feature picker and a random forest
   * retrained on the painted labels, predicting the plane on screen. `true` for the defaults
   * (see {@link LiveTrainingOptions}). Needs the label painter. Channels are the feature
   * inputs, named by `channelNames`. @default false
   */
  training?: boolean | LiveTrainingOptions;
  /** Display writer (tests, other front ends). @default the tslab kernel's */
  writer?: DisplayWriter;
}

/** Options of {@link ViewHandle.retrain}: what the viewer's Train button sends. */
export interface RetrainOptions {
  /** @default the view's initial plane */
  plane?: Plane;
  /** @default the view's initial slice */
  slice?: number;
  /** Feature picker state. @default the picker's initial selection */
  selection?: TrainingSelection;
}

/** What {@link view} returns: ids, the payload, and what the viewer has sent back. */
export interface ViewHandle {
  viewId: string;
  /** Label file (relative to the notebook), or undefined without a painter. */
  labelsPath?: string;
  payload: VolumePayload;
  /** Thresholds last applied in the viewer's tuner, or undefined. */
  thresholds(): number[] | undefined;
  /** Label counts the viewer reported at its last save, or undefined. */
  labelCounts(): Record<string, number> | undefined;
  /** Files written to the cache folder (absolute paths). */
  files: string[];
  /**
   * Train the live forest on the label file and predict a plane, exactly as the viewer's
   * Train button does (use it in scripts and headless runs). Needs `training`.
   * @throws RangeError with the trainer's message when training fails (no labels, one class, ...).
   */
  retrain(options?: RetrainOptions): Promise<TrainingDone>;
  /** The forest, feature spec and inputs of the last training, or undefined. */
  training(): LiveTrainingState | undefined;
}

const VIEW_KEYS: readonly (keyof ViewOptions)[] = [
  "title",
  "plane",
  "slice",
  "channelNames",
  "channels",
  "channelMode",
  "overlays",
  "labels",
  "classes",
  "thresholds",
  "inlineLimit",
  "levelsAbove",
  "unit",
  "percentiles",
  "baseDir",
  "fallbackImage",
  "training",
  "writer",
];
const OVERLAY_KEYS: readonly (keyof ViewOverlay)[] = [
  "name",
  "kind",
  "volume",
  "opacity",
  "palette",
  "classes",
];
const OVERLAY_KINDS: readonly OverlayKind[] = ["labels", "probability", "instances"];

/** A list option: undefined (none) or an array. */
function listOf<T>(value: T[] | undefined, name: string, what: string): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw expectedError(name, `an array of ${what}`, value, TypeError);
  return value;
}

/** The view's volumes after their checks: channels (first = `volume`) and overlays. */
function checkVolumes(volume: Volume, options: ViewOptions): [Volume[], ViewOverlay[]] {
  checkVolume(volume, "volume");
  const more = listOf(options.channels, "channels", "volumes");
  more.forEach((c, i) => {
    checkVolume(c, `channels[${i}]`);
    checkSameShape(c, `channels[${i}]`, volume, "volume");
  });
  const names = listOf(options.channelNames, "channelNames", "strings");
  names.forEach((n, i) => checkString(n, `channelNames[${i}]`));
  const overlays = listOf(options.overlays, "overlays", "{ kind, volume, ... }");
  overlays.forEach((o, i) => {
    const where = `overlays[${i}]`;
    checkOptions(o, where, OVERLAY_KEYS, "overlay field");
    checkOneOf(o.kind, `${where}.kind`, OVERLAY_KINDS);
    checkVolume(o.volume, `${where}.volume`);
    checkSameShape(o.volume, `${where}.volume`, volume, "volume");
    if (o.name !== undefined) checkString(o.name, `${where}.name`);
    if (o.opacity !== undefined) checkFraction(o.opacity, `${where}.opacity`);
    if (o.classes !== undefined) checkClasses(o.classes, `${where}.classes`);
  });
  return [[volume, ...more], overlays];
}

/**
 * Show a volume in tomolab-jupyterlab's slice viewer (`application/vnd.tomolab.volume+json`):
 * xy / xz / yz planes, contrast window, channels, overlays, label painter and threshold tuner.
 * Arrays above `inlineLimit` are written to `tomolab-cache/<hash>.<dtype>.raw` next to the
 * notebook and read slice by slice by the viewer, so the saved notebook stays small. A
 * `text/plain` summary goes in the same output for front ends without the extension.
 *
 * @param volume - The (first) channel to show.
 * @param options - Planes, channels, overlays, painter file and classes, thresholds.
 * @returns A handle with the view id, the label file and what the viewer sent back.
 * @throws TypeError / RangeError naming the option when one is unusable (an unknown option
 *   name too).
 */
export function view(volume: Volume, options: ViewOptions = {}): ViewHandle {
  checkOptions(options, "options", VIEW_KEYS);
  const [channels, overlays] = checkVolumes(volume, options);
  const classes = options.classes ?? DEFAULT_LABEL_CLASSES;
  checkClasses(classes, "classes");
  const plane = checkPlane(options.plane ?? "xy");
  const [nz, ny, nx] = volume.shape;
  const slice = checkPlaneIndex(
    options.slice ?? Math.floor(planeDepth(volume.shape, plane) / 2),
    plane,
    volume.shape,
  );
  const thresholds =
    options.thresholds === undefined ? undefined : checkThresholds(options.thresholds);
  const percentiles = checkNumberArray(options.percentiles ?? [0.5, 99.5], "percentiles", {
    length: 2,
    min: 0,
    max: 100,
    ascending: true,
  }) as [number, number];
  const source: SourceOptions = {
    inlineLimit: checkNonNegative(options.inlineLimit ?? 4 * 1024 * 1024, "inlineLimit"),
    baseDir: checkString(options.baseDir ?? process.cwd(), "baseDir", true),
    files: [],
    levelsAbove:
      options.levelsAbove === undefined
        ? undefined
        : checkNonNegative(options.levelsAbove, "levelsAbove"),
  };
  if (options.title !== undefined) checkString(options.title, "title");
  const files = source.files;
  const baseDir = source.baseDir;
  const viewId = newDisplayId();
  const labelsPath =
    options.labels === false
      ? undefined
      : sanitizeLabelFileName(options.labels ?? (options.title ?? "volume").replace(/[\\/]/g, "-"));

  const payload: VolumePayload = {
    version: 1,
    viewId,
    title: options.title,
    shape: [nz, ny, nx],
    spacing: [...volume.spacing],
    unit: viewUnit(volume, options.unit),
    channels: channels.map((c, i) => ({
      name: options.channelNames?.[i] ?? `channel ${i}`,
      dtype: dtypeOf(c.data),
      source: arraySource(c.data, c.shape, "mean", source),
      ...describeChannel(c.data, percentiles),
    })),
    channelMode: checkOneOf(options.channelMode ?? "side", "channelMode", ["side", "blend"]),
    overlays: overlays.map((o, i): OverlayPayload => ({
      name: o.name ?? `${o.kind} ${i}`,
      kind: o.kind,
      dtype: dtypeOf(o.volume.data),
      source: arraySource(
        o.volume.data,
        o.volume.shape,
        o.kind === "probability" ? "mean" : "nearest",
        source,
      ),
      opacity: o.opacity ?? 0.5,
      ...(o.palette !== undefined ? { palette: o.palette } : {}),
      ...(o.kind === "labels" ? { classes: (o.classes ?? classes).map((c) => ({ ...c })) } : {}),
    })),
    initial: { plane, slice },
    ...(labelsPath
      ? {
          labels: {
            path: labelsPath,
            classes: classes.map((c) => ({ ...c })),
          },
        }
      : {}),
    ...(thresholds ? { thresholds: [...thresholds] } : {}),
  };
  let trainer: LiveTrainer | undefined;
  if (options.training) {
    if (!labelsPath)
      throw new RangeError(
        "`training` needs the label painter: give `labels` a file name (or leave it out), not false",
      );
    const names = payload.channels.map((c) => c.name);
    if (new Set(names).size !== names.length)
      throw new RangeError(
        `\`training\` needs distinct channel names (the feature inputs), received ${JSON.stringify(names)}`,
      );
    trainer = createLiveTrainer(
      {
        viewId,
        channels: Object.fromEntries(channels.map((c, i) => [names[i], c])),
        shape: [nz, ny, nx],
        labelsFile: labelsFileOf(baseDir, labelsPath),
        labelsPath,
        writer: options.writer,
      },
      options.training === true ? {} : options.training,
    );
    payload.training = trainer.payload;
  }
  registerView(viewId, { trainer });
  const text =
    `Volume ${formatShape(volume.shape)} ${dtypeOf(volume.data)}, spacing ${volume.spacing.join(" x ")} ${payload.unit}` +
    `${channels.length > 1 ? `, ${channels.length} channels` : ""}${overlays.length ? `, ${overlays.length} overlays` : ""}` +
    `${files.length ? `, data in ${VIEW_CACHE_DIR}/` : ""}${labelsPath ? `, labels: ${labelsPath}` : ""}` +
    " (interactive viewer: tomolab-jupyterlab)";
  const bundle: Record<string, unknown> = { [VOLUME_MIME]: payload, "text/plain": text };
  if (checkBoolean(options.fallbackImage ?? true, "fallbackImage"))
    bundle["image/png"] = Buffer.from(
      slicePng(volume, plane, slice, payload.channels[0].window),
    ).toString("base64");
  const sent = sendDisplay(bundle, { writer: options.writer });
  if (!sent) console.log(`[tomolab] ${text}; not in a Jupyter kernel, nothing displayed`);
  return {
    viewId,
    labelsPath,
    payload,
    files,
    thresholds: () => viewState(viewId)?.thresholds?.slice(),
    labelCounts: () => {
      const c = viewState(viewId)?.counts;
      return c ? { ...c } : undefined;
    },
    retrain: async (o: RetrainOptions = {}) => {
      if (!trainer || !labelsPath)
        throw new RangeError("this view has no live training: call view(..., { training: true })");
      const result = await trainer.retrain({
        type: "retrain",
        viewId,
        requestId: newDisplayId(),
        labelsPath,
        plane: o.plane ?? plane,
        slice: o.slice ?? slice,
        selection: o.selection ?? trainer.payload.selection,
      });
      if (result.status !== "done")
        throw new RangeError(
          `live training failed: ${result.status === "error" ? result.message : result.status}`,
        );
      return result;
    },
    training: () => trainer?.state(),
  };
}
