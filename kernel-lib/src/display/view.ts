import { createHash } from "node:crypto";
import { encode } from "fast-png";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { checkSameShape, checkVolume, formatShape } from "../volume/check.js";
import { dtypeOf } from "../volume/dtype.js";
import type { Plane, Volume, VoxelArray } from "../volume/types.js";
import { sendDisplay, newDisplayId, type DisplayWriter } from "./kernel.js";
import { DEFAULT_LABEL_CLASSES, sanitizeLabelFileName } from "./labels.js";
import { LEVELS_ABOVE, writeLevels, type DownsampleMode } from "./pyramid.js";
import { writeFileAtomicSync } from "./reproduce.js";
import {
  createLiveTrainer,
  labelsFileOf,
  type LiveTrainer,
  type LiveTrainingOptions,
  type LiveTrainingState,
  type TrainingDone,
} from "./training.js";
import type {
  ArraySource,
  ChannelPayload,
  LabelClass,
  OverlayKind,
  OverlayPayload,
  TrainingSelection,
  ViewerMessage,
  VolumePayload,
} from "./viewerTypes.js";

/** MIME type drawn by tomolab-jupyterlab's slice viewer. */
export const VOLUME_MIME = "application/vnd.tomolab.volume+json";

/** Folder (in the kernel's cwd = the notebook's folder) holding volumes too big to inline. */
export const VIEW_CACHE_DIR = "tomolab-cache";

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

interface ViewState {
  thresholds?: number[];
  counts?: Record<string, number>;
  trainer?: LiveTrainer;
}

const views = new Map<string, ViewState>();
const handlers = new Map<string, (message: ViewerMessage) => unknown>();

/** Percentile (0..100) from a histogram over [min, max] with bins of equal width. */
function histogramPercentile(
  counts: Float64Array,
  min: number,
  max: number,
  total: number,
  p: number,
): number {
  const target = (p / 100) * total;
  let acc = 0;
  const width = (max - min) / counts.length;
  for (let i = 0; i < counts.length; i++) {
    acc += counts[i];
    if (acc >= target) return min + (i + 1) * width;
  }
  return max;
}

function describeChannel(
  data: VoxelArray,
  percentiles: [number, number],
): Pick<ChannelPayload, "window" | "range" | "histogram"> {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) {
    min = 0;
    max = 1;
  }
  const integer = !(data instanceof Float32Array);
  const bins = integer && max - min < 256 ? Math.max(1, max - min + 1) : 256;
  const hi = integer && max - min < 256 ? min + bins : max > min ? max : min + 1;
  const counts = new Float64Array(bins);
  const scale = bins / (hi - min);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v >= min)) continue; // NaN
    counts[Math.min(bins - 1, Math.floor((v - min) * scale))]++;
  }
  let lo = histogramPercentile(counts, min, hi, data.length, percentiles[0]);
  let up = histogramPercentile(counts, min, hi, data.length, percentiles[1]);
  // integer bins: bin i is the value min + i; the window ends at the value, not the bin edge
  if (integer && max - min < 256) {
    lo -= 1;
    up -= 1;
  }
  if (!(up > lo)) {
    lo = min;
    up = max > min ? max : min + 1;
  }
  return {
    window: [lo, up],
    range: [min, max],
    histogram: { min, max: hi, counts: Array.from(counts) },
  };
}

/** Greyscale PNG of one plane through the contrast window, nearest-sampled to `maxSide`. */
export function slicePng(
  volume: Volume,
  plane: Plane,
  slice: number,
  window: [number, number],
  maxSide = 256,
): Uint8Array {
  const [nz, ny, nx] = volume.shape;
  const [w, h] = plane === "xy" ? [nx, ny] : plane === "xz" ? [nx, nz] : [ny, nz];
  const f = Math.max(1, Math.max(w, h) / maxSide);
  const ow = Math.max(1, Math.round(w / f));
  const oh = Math.max(1, Math.round(h / f));
  const out = new Uint8Array(ow * oh);
  const scale = window[1] > window[0] ? 255 / (window[1] - window[0]) : 0;
  for (let b = 0; b < oh; b++) {
    const v = Math.min(h - 1, Math.floor(b * f));
    for (let a = 0; a < ow; a++) {
      const u = Math.min(w - 1, Math.floor(a * f));
      const index =
        plane === "xy"
          ? (slice * ny + v) * nx + u
          : plane === "xz"
            ? (v * ny + slice) * nx + u
            : (v * ny + u) * nx + slice;
      const g = (volume.data[index] - window[0]) * scale;
      out[b * ow + a] = g < 0 ? 0 : g > 255 ? 255 : Math.round(g);
    }
  }
  return encode({ width: ow, height: oh, data: out, depth: 8, channels: 1 });
}

/**
 * Unit the viewer labels lengths with: `unit`, else the volume's own (set by readers), else
 * "pixel" for a spacing of exactly 1 x 1 x 1 (no calibration given), else "nm".
 * @throws TypeError when `unit` is given but not a non-empty string.
 */
export function viewUnit(volume: Volume, unit?: string): string {
  if (unit !== undefined) {
    if (typeof unit !== "string" || !unit.trim())
      throw new TypeError(`\`unit\` must be a non-empty string, received ${JSON.stringify(unit)}`);
    return unit.trim();
  }
  if (typeof volume.unit === "string" && volume.unit.trim()) return volume.unit.trim();
  return volume.spacing.every((s) => s === 1) ? "pixel" : "nm";
}

/**
 * Checks a class list: ids distinct integers in 1..255, names non-empty strings, colours
 * "#rrggbb". @throws RangeError / TypeError naming the field.
 */
function checkClasses(classes: unknown, name: string): asserts classes is LabelClass[] {
  if (!Array.isArray(classes) || classes.length === 0)
    throw new TypeError(
      `\`${name}\` must be a non-empty array of { id, name, color }, received ${JSON.stringify(classes)}`,
    );
  const ids = new Set<number>();
  classes.forEach((c: Partial<LabelClass>, i) => {
    const where = `\`${name}[${i}]\``;
    if (typeof c?.id !== "number" || !Number.isInteger(c.id) || c.id < 1 || c.id > 255)
      throw new RangeError(
        `${where}.id must be an integer in [1, 255], received ${JSON.stringify(c?.id)}`,
      );
    if (ids.has(c.id)) throw new RangeError(`${where}.id ${c.id} is listed twice`);
    ids.add(c.id);
    if (typeof c.name !== "string" || !c.name.trim())
      throw new TypeError(
        `${where}.name must be a non-empty string, received ${JSON.stringify(c.name)}`,
      );
    if (typeof c.color !== "string" || !/^#[0-9a-fA-F]{6}$/.test(c.color))
      throw new TypeError(`${where}.color must be "#rrggbb", received ${JSON.stringify(c.color)}`);
  });
}

function arraySource(
  data: VoxelArray,
  inlineLimit: number,
  baseDir: string,
  files: string[],
  shape: [number, number, number],
  mode: DownsampleMode,
  levelsAbove = LEVELS_ABOVE,
): ArraySource {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data.byteLength <= inlineLimit) return { kind: "inline", base64: bytes.toString("base64") };
  const hash = createHash("sha1").update(dtypeOf(data)).update(bytes).digest("hex").slice(0, 20);
  const rel = `${VIEW_CACHE_DIR}/${hash}.${dtypeOf(data)}.raw`;
  const abs = path.join(baseDir, rel);
  if (!existsSync(abs) || statSync(abs).size !== data.byteLength) writeFileAtomicSync(abs, bytes);
  // the cache is regenerated by running the notebook: keep it out of git
  const ignore = path.join(baseDir, VIEW_CACHE_DIR, ".gitignore");
  if (!existsSync(ignore))
    writeFileAtomicSync(ignore, "# written by tomolab view(): volumes shown in notebooks\n*\n");
  files.push(abs);
  if (data.byteLength <= levelsAbove) return { kind: "file", path: rel, bytes: data.byteLength };
  const levels = writeLevels(data, shape, hash, { baseDir, cacheDir: VIEW_CACHE_DIR, mode, files });
  return { kind: "file", path: rel, bytes: data.byteLength, levels };
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
 */
export function view(volume: Volume, options: ViewOptions = {}): ViewHandle {
  checkVolume(volume, "volume");
  const channels = [volume, ...(options.channels ?? [])];
  channels.forEach((c, i) => {
    if (i > 0) {
      checkVolume(c, `channels[${i - 1}]`);
      checkSameShape(c, `channels[${i - 1}]`, volume, "volume");
    }
  });
  const overlays = options.overlays ?? [];
  overlays.forEach((o, i) => {
    checkVolume(o.volume, `overlays[${i}].volume`);
    checkSameShape(o.volume, `overlays[${i}].volume`, volume, "volume");
    if (!["labels", "probability", "instances"].includes(o.kind))
      throw new RangeError(
        `\`overlays[${i}].kind\` must be "labels", "probability" or "instances", received ${JSON.stringify(o.kind)}`,
      );
  });
  const classes = options.classes ?? DEFAULT_LABEL_CLASSES;
  checkClasses(classes, "classes");
  overlays.forEach((o, i) => {
    if (o.classes !== undefined) checkClasses(o.classes, `overlays[${i}].classes`);
  });
  const plane = options.plane ?? "xy";
  if (!["xy", "xz", "yz"].includes(plane))
    throw new RangeError(`\`plane\` must be "xy", "xz" or "yz", received ${JSON.stringify(plane)}`);
  const [nz, ny, nx] = volume.shape;
  const depth = plane === "xy" ? nz : plane === "xz" ? ny : nx;
  const slice = options.slice ?? Math.floor(depth / 2);
  if (!Number.isInteger(slice) || slice < 0 || slice >= depth)
    throw new RangeError(
      `\`slice\` must be an integer in [0, ${depth - 1}] for plane ${plane}, received ${slice}`,
    );
  const thresholds = options.thresholds;
  if (thresholds !== undefined) {
    if (
      !Array.isArray(thresholds) ||
      thresholds.length < 1 ||
      thresholds.length > 3 ||
      thresholds.some((t, i) => !Number.isFinite(t) || (i > 0 && t < thresholds[i - 1]))
    )
      throw new RangeError(
        `\`thresholds\` must be 1 to 3 ascending numbers, received ${JSON.stringify(thresholds)}`,
      );
  }
  const inlineLimit = options.inlineLimit ?? 4 * 1024 * 1024;
  const baseDir = options.baseDir ?? process.cwd();
  const percentiles = options.percentiles ?? [0.5, 99.5];
  const files: string[] = [];
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
      source: arraySource(
        c.data,
        inlineLimit,
        baseDir,
        files,
        c.shape,
        "mean",
        options.levelsAbove,
      ),
      ...describeChannel(c.data, percentiles),
    })),
    channelMode: options.channelMode ?? "side",
    overlays: overlays.map((o, i): OverlayPayload => ({
      name: o.name ?? `${o.kind} ${i}`,
      kind: o.kind,
      dtype: dtypeOf(o.volume.data),
      source: arraySource(
        o.volume.data,
        inlineLimit,
        baseDir,
        files,
        o.volume.shape,
        o.kind === "probability" ? "mean" : "nearest",
        options.levelsAbove,
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
  views.set(viewId, { trainer });
  const text =
    `Volume ${formatShape(volume.shape)} ${dtypeOf(volume.data)}, spacing ${volume.spacing.join(" x ")} ${payload.unit}` +
    `${channels.length > 1 ? `, ${channels.length} channels` : ""}${overlays.length ? `, ${overlays.length} overlays` : ""}` +
    `${files.length ? `, data in ${VIEW_CACHE_DIR}/` : ""}${labelsPath ? `, labels: ${labelsPath}` : ""}` +
    " (interactive viewer: tomolab-jupyterlab)";
  const bundle: Record<string, unknown> = { [VOLUME_MIME]: payload, "text/plain": text };
  if (options.fallbackImage ?? true)
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
    thresholds: () => views.get(viewId)?.thresholds?.slice(),
    labelCounts: () => {
      const c = views.get(viewId)?.counts;
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

/**
 * Register what the kernel does with a viewer message type (replacing the built-in handling,
 * e.g. a custom "retrain" instead of the views' live trainers). The handler receives the parsed message; its return value goes back to
 * {@link viewerMessage}'s caller.
 */
export function onViewerMessage(
  type: ViewerMessage["type"],
  handler: ((message: ViewerMessage) => unknown) | undefined,
): void {
  if (handler) handlers.set(type, handler);
  else handlers.delete(type);
}

/**
 * Entry point of the kernel link: tomolab-jupyterlab executes
 * `viewerMessage(<JSON string literal>)` in the notebook's kernel. Only JSON crosses; it is
 * validated here. Thresholds and label counts are kept per view (see {@link ViewHandle}).
 * @returns What a registered handler returned, else true.
 */
export function viewerMessage(json: string): unknown {
  if (typeof json !== "string")
    throw new TypeError(`viewer message must be a JSON string, received ${typeof json}`);
  const message = JSON.parse(json) as ViewerMessage;
  if (typeof message !== "object" || message === null || typeof message.viewId !== "string")
    throw new TypeError(
      `viewer message must be an object with a viewId, received ${json.slice(0, 200)}`,
    );
  const known = views.has(message.viewId);
  const state = views.get(message.viewId) ?? {};
  views.set(message.viewId, state);
  switch (message.type) {
    case "thresholds": {
      const t = message.thresholds;
      if (
        !Array.isArray(t) ||
        t.length < 1 ||
        t.length > 3 ||
        t.some((v, i) => !Number.isFinite(v) || (i > 0 && v < t[i - 1]))
      )
        throw new RangeError(
          `thresholds must be 1 to 3 ascending numbers, received ${JSON.stringify(t)}`,
        );
      state.thresholds = [...t];
      break;
    }
    case "labels-saved":
      state.counts = { ...message.counts };
      break;
    case "retrain":
      if (handlers.has("retrain")) break;
      if (!state.trainer)
        throw new RangeError(
          known
            ? `view ${message.viewId} has no live training (view(..., { training: true })) and no "retrain" handler is registered`
            : `this kernel does not know view ${message.viewId} (was the kernel restarted?): run the cell with view(..., { training: true }) again; painted labels are kept in the label file`,
        );
      return state.trainer.retrain(message);
    default:
      throw new RangeError(
        `unknown viewer message type ${JSON.stringify((message as { type?: unknown }).type)}`,
      );
  }
  const handler = handlers.get(message.type);
  return handler ? handler(message) : true;
}

/** Thresholds last applied in a viewer (the most recent view when no id is given). */
export function viewerThresholds(viewId?: string): number[] | undefined {
  const id = viewId ?? [...views.keys()].pop();
  return id ? views.get(id)?.thresholds?.slice() : undefined;
}
