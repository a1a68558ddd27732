// Live training behind the slice viewer (ilastik's "live update"): the extension sends a
// "retrain" message with the feature picker's selection; the kernel trains a random forest on
// the painted labels, predicts the plane on screen and answers with display data.
import { createHash } from "node:crypto";
import path from "node:path";
import { computeFeatures } from "../features/computeFeatures.js";
import { featuresAtLabels } from "../features/featuresAtLabels.js";
import {
  FILTER_INFO,
  ILASTIK_FILTERS,
  ILASTIK_SCALES,
  TAILORED_DEFAULTS,
  TAILORED_FEATURES,
  TAILORED_INFO,
  featureChannels,
  featureSpec,
  formatScale,
  type FeatureChannel,
  type FeatureInput,
  type FeatureSpec,
  type IlastikFilter,
  type TailoredFeature,
} from "../features/spec.js";
import {
  predictProbaParallel,
  trainForest,
  type ForestOptions,
  type RandomForest,
} from "../classify/forest/index.js";
import { probabilityImages } from "../classify/probabilityImages.js";
import { planeRegion, planeSpacing } from "../volume/planeRegion.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { sendDisplay, newDisplayId, type DisplayWriter } from "./kernel.js";
import { checkNumberArray, checkOptions, checkPositiveInt, expectedError } from "../util/checks.js";
import { loadLabels, sanitizeLabelFileName } from "./labels.js";
import type {
  FeatureImportance,
  TrainingPayload,
  TrainingResult,
  TrainingSelection,
  ViewerMessage,
} from "./viewerTypes.js";

/** MIME type of the kernel's answers to the viewer's "retrain" messages. */
export const TRAINING_MIME = "application/vnd.tomolab.training+json";

/**
 * The initial feature picker selection of live training: a small, fast bank (11 channels per
 * input in 3D) that already separates the phases of FIB/SEM data; users tick more in the picker.
 */
export const DEFAULT_LIVE_FILTERS: Readonly<Partial<Record<IlastikFilter, readonly number[]>>> = {
  GaussianSmoothing: [0.7, 1.6, 3.5],
  LaplacianOfGaussian: [1.6],
  GaussianGradientMagnitude: [1.6],
  DifferenceOfGaussians: [1.6],
  HessianOfGaussianEigenvalues: [1.6],
};

/** Options of live training, `view(volume, { training })`. */
export interface LiveTrainingOptions {
  /**
   * Inputs computed from the channels and offered in the picker besides them.
   * @default with two or more channels, the difference of the first two ("SE2 - InLens")
   */
  derived?: FeatureInput[];
  /**
   * The picker's initial state: inputs used, filter -> scales, tailored features.
   * @default every channel, {@link DEFAULT_LIVE_FILTERS}, no tailored features
   */
  selection?: Partial<TrainingSelection>;
  /** Columns of the picker grid. @default ilastik's scales 0.3 ... 10 */
  scales?: readonly number[];
  /** Forest options (trees, maxFeatures, seed, threads, ...). @default 100 trees, seed 0 */
  forest?: ForestOptions;
  /** Worker threads of feature computation. @default the pool's */
  threads?: number;
}

const TRAINING_OPTIONS: readonly (keyof LiveTrainingOptions)[] = [
  "derived",
  "selection",
  "scales",
  "forest",
  "threads",
];
const SCALES = { minLength: 1, min: 0, minOpen: true, distinct: true } as const;

/** What the trainer needs from its view. @internal */
export interface TrainerContext {
  viewId: string;
  /** The view's channels by name (the feature bank's source inputs). */
  channels: Record<string, Volume>;
  shape: Shape3;
  /** Absolute path of the view's label file. */
  labelsFile: string;
  /** Label path as the extension names it (relative to the notebook). */
  labelsPath: string;
  writer?: DisplayWriter;
}

/** Everything the last training produced (see `ViewHandle.training()`). */
export interface LiveTrainingState {
  forest: RandomForest;
  spec: FeatureSpec;
  /** Source volumes by input name: `predictVolume(forest, inputs, spec)` predicts the volume. */
  inputs: Record<string, Volume>;
  selection: TrainingSelection;
  /** The last answer sent to the viewer. */
  result: Extract<TrainingResult, { status: "done" }>;
}

/** A view's live trainer. @internal */
export interface LiveTrainer {
  payload: TrainingPayload;
  retrain(message: Extract<ViewerMessage, { type: "retrain" }>): Promise<TrainingResult>;
  state(): LiveTrainingState | undefined;
}

/** A successful training answer (status "done"). */
export type TrainingDone = Extract<TrainingResult, { status: "done" }>;
type Done = TrainingDone;

function checkSelection(sel: unknown, payload: TrainingPayload, nz: number): TrainingSelection {
  const s = checkOptions(sel as TrainingSelection, "selection", ["inputs", "filters", "tailored"]);
  const inputs = s.inputs ?? [];
  if (!Array.isArray(inputs) || inputs.some((i) => !payload.inputs.includes(i)))
    throw expectedError(
      "selection.inputs",
      `names among ${JSON.stringify(payload.inputs)}`,
      inputs,
    );
  if (inputs.length === 0) throw new RangeError("select at least one input signal");
  const filters: Record<string, number[]> = {};
  const filterIds = payload.filters.map((f) => f.id);
  for (const [id, scales] of Object.entries(
    checkOptions(s.filters, "selection.filters", filterIds, "filter"),
  )) {
    const option = payload.filters.find((f) => f.id === id)!;
    if (!Array.isArray(scales) || scales.some((v) => !option.scales.includes(v)))
      throw new RangeError(
        `${id} scales must be among ${option.scales.join(", ")}, received ${JSON.stringify(scales)}`,
      );
    if (scales.length) filters[id] = [...new Set(scales)].sort((a, b) => a - b);
  }
  const tailored = s.tailored ?? [];
  if (!Array.isArray(tailored) || tailored.some((t) => !payload.tailored.some((o) => o.id === t)))
    throw expectedError(
      "selection.tailored",
      nz === 1
        ? "empty (no tailored features for 2D images)"
        : `features among ${JSON.stringify(payload.tailored.map((t) => t.id))}`,
      tailored,
    );
  if (Object.keys(filters).length === 0 && tailored.length === 0)
    throw new RangeError("the feature selection is empty: tick at least one filter and scale");
  return { inputs: [...inputs], filters, tailored: [...new Set(tailored)] };
}

/** Feature spec of a picker selection: every source channel stays an input (difference operands). */
export function selectionSpec(
  selection: TrainingSelection,
  channels: readonly string[],
  derived: readonly FeatureInput[],
): FeatureSpec {
  const inputs: FeatureInput[] = channels.map((name) =>
    selection.inputs.includes(name) ? { name } : { name, features: false },
  );
  for (const d of derived) if (selection.inputs.includes(d.name)) inputs.push({ ...d });
  const tailored: Partial<Record<TailoredFeature, boolean>> = {};
  for (const t of selection.tailored) tailored[t as TailoredFeature] = true;
  return featureSpec({
    inputs,
    filters: selection.filters as Partial<Record<IlastikFilter, number[]>>,
    tailored,
  });
}

/** Picker key of a feature channel: `${filter}@${scale}` (ilastik filters) or the tailored id. */
export function pickerKey(channel: FeatureChannel): string {
  return (ILASTIK_FILTERS as readonly string[]).includes(channel.filter)
    ? `${channel.filter}@${channel.scale}`
    : channel.filter;
}

/** Gini importances summed per picker cell (over inputs and eigenvalue channels), sorted descending. */
export function importancesByKey(
  channels: readonly FeatureChannel[],
  importances: ArrayLike<number>,
): FeatureImportance[] {
  const byKey = new Map<string, FeatureImportance>();
  channels.forEach((c, i) => {
    const key = pickerKey(c);
    let entry = byKey.get(key);
    if (!entry) {
      const ilastik = (ILASTIK_FILTERS as readonly string[]).includes(c.filter);
      const label = ilastik
        ? `${FILTER_INFO[c.filter as IlastikFilter].title} σ=${formatScale(c.scale)}`
        : TAILORED_INFO[c.filter as TailoredFeature].title;
      entry = { key, label, importance: 0 };
      byKey.set(key, entry);
    }
    entry.importance += importances[i];
  });
  return [...byKey.values()].sort((a, b) => b.importance - a.importance);
}

/** The picker's options for a view with these channels. */
export function trainingPayload(
  channelNames: readonly string[],
  nz: number,
  options: LiveTrainingOptions,
  derived: readonly FeatureInput[],
): TrainingPayload {
  checkOptions(options, "training", TRAINING_OPTIONS);
  if (options.threads !== undefined) checkPositiveInt(options.threads, "training.threads");
  if (options.scales !== undefined) checkNumberArray(options.scales, "training.scales", SCALES);
  const scales = [...(options.scales ?? ILASTIK_SCALES)];
  const filters = ILASTIK_FILTERS.map((id) => ({
    id,
    title: FILTER_INFO[id].title,
    group: FILTER_INFO[id].group,
    scales: scales.filter((s) => s >= FILTER_INFO[id].minScale),
  }));
  const tailored =
    nz > 1
      ? TAILORED_FEATURES.map((id) => ({
          id,
          title: TAILORED_INFO[id].title,
          params: [...TAILORED_DEFAULTS[id]],
        }))
      : [];
  const inputs = [...channelNames, ...derived.map((d) => d.name)];
  const payload: TrainingPayload = {
    inputs,
    scales,
    filters,
    tailored,
    selection: { inputs: [], filters: {}, tailored: [] },
    trees: options.forest?.trees ?? 100,
  };
  const initial: TrainingSelection = {
    inputs: options.selection?.inputs ?? [...channelNames],
    filters:
      options.selection?.filters ??
      Object.fromEntries(
        Object.entries(DEFAULT_LIVE_FILTERS).map(([id, s]) => [
          id,
          s!.filter((v) => scales.includes(v)),
        ]),
      ),
    tailored: options.selection?.tailored ?? [],
  };
  payload.selection = checkSelection(initial, payload, nz);
  return payload;
}

/** Derived inputs offered by default: the difference of the first two channels. */
export function defaultDerived(channelNames: readonly string[]): FeatureInput[] {
  return channelNames.length >= 2
    ? [
        {
          name: `${channelNames[0]} - ${channelNames[1]}`,
          difference: [channelNames[0]!, channelNames[1]!],
        },
      ]
    : [];
}

function digest(...parts: (string | Uint8Array)[]): string {
  const h = createHash("sha1");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/**
 * A view's live trainer: validates each "retrain" message, trains (or reuses) the forest on
 * the label file, predicts the requested plane and sends progress and the result as
 * `application/vnd.tomolab.training+json` display data. @internal (used by `view()`)
 */
export function createLiveTrainer(ctx: TrainerContext, options: LiveTrainingOptions): LiveTrainer {
  const channelNames = Object.keys(ctx.channels);
  const derived = options.derived ?? defaultDerived(channelNames);
  const payload = trainingPayload(channelNames, ctx.shape[0], options, derived);
  // the channels share one grid: the plane images get its spacing, as slice() gives them
  const spacing: Spacing3 = [...Object.values(ctx.channels)[0]!.spacing];
  let last: (LiveTrainingState & { key: string }) | undefined;
  const sliceFeatures = new Map<string, Float32Array>();

  async function retrain(message: Extract<ViewerMessage, { type: "retrain" }>): Promise<Done> {
    const requestId = String(message.requestId ?? "");
    const displayId = newDisplayId();
    let sentProgress = false;
    const progress = (stage: string, fraction: number): void => {
      const p: TrainingResult = {
        version: 1,
        viewId: ctx.viewId,
        requestId,
        status: "progress",
        stage,
        fraction,
      };
      sendDisplay({ [TRAINING_MIME]: p }, { writer: ctx.writer, displayId, update: sentProgress });
      sentProgress = true;
    };
    const timings: Record<string, number> = {};
    let t = performance.now();
    const lap = (name: string): void => {
      const now = performance.now();
      timings[name] = Math.round(now - t);
      t = now;
    };
    if (sanitizeLabelFileName(String(message.labelsPath)) !== ctx.labelsPath)
      throw new RangeError(
        `retrain: labelsPath must be this view's label file ${ctx.labelsPath}, received ${JSON.stringify(message.labelsPath)}`,
      );
    const selection = checkSelection(message.selection, payload, ctx.shape[0]);
    const region = planeRegion(message.plane, message.slice, ctx.shape);
    progress("labels", 0);
    const labels = loadLabels(ctx.labelsFile, { shape: ctx.shape });
    const classes = Object.keys(labels.counts).map(Number);
    if (classes.length < 2)
      throw new RangeError(
        `paint at least two classes to train: ${ctx.labelsPath} has ${
          classes.length ? `only class ${classes[0]}` : "no labels"
        }`,
      );
    const spec = selectionSpec(selection, channelNames, derived);
    const specKey = JSON.stringify(spec);
    const key = digest(labels.data, specKey, JSON.stringify(options.forest ?? {}));
    lap("labels");
    let forest: RandomForest;
    const reused = last?.key === key;
    if (reused) forest = last!.forest;
    else {
      progress("features", 0.05);
      const train = await featuresAtLabels(ctx.channels, labels, spec, {
        threads: options.threads,
      });
      lap("features");
      progress("training", 0.35);
      const trees = options.forest?.trees ?? 100;
      forest = await trainForest(train.samples, train.labels, train.channels.length, {
        seed: 0,
        ...options.forest,
        onProgress: (done) => progress("training", 0.35 + (0.4 * done) / trees),
      });
      lap("training");
    }
    progress("predicting", 0.75);
    const sliceKey = `${specKey}|${message.plane}|${message.slice}`;
    let features = sliceFeatures.get(sliceKey);
    if (!features) {
      const stack = await computeFeatures(ctx.channels, spec, {
        region: { origin: region.origin, shape: region.shape },
        layout: "samples",
        threads: options.threads,
      });
      features = stack.data;
      sliceFeatures.set(sliceKey, features);
      // keep the planes of the last few requests (slice features are the slow part of live updates)
      while (sliceFeatures.size > 4) sliceFeatures.delete(sliceFeatures.keys().next().value!);
      lap("slice features");
    }
    const proba = await predictProbaParallel(forest, features, {
      layout: "samples",
      threads: options.forest?.threads,
    });
    const images = probabilityImages(proba, forest.classes);
    lap("predict");
    const channels = forest.nFeatures;
    const result: Done = {
      version: 1,
      viewId: ctx.viewId,
      requestId,
      status: "done",
      plane: message.plane,
      slice: message.slice,
      width: region.width,
      height: region.height,
      spacing: planeSpacing(message.plane, spacing),
      classes: [...forest.classes],
      prediction: Buffer.from(images.prediction).toString("base64"),
      probabilities: Buffer.from(images.probabilities).toString("base64"),
      uncertainty: Buffer.from(images.uncertainty).toString("base64"),
      importances: importancesByKey(
        featureChannelsOf(spec, ctx.shape, channels),
        forest.featureImportances(),
      ),
      samples: labels.counts,
      channels,
      ...(forest.oobError !== undefined ? { oobError: forest.oobError } : {}),
      timings,
      reused,
    };
    last = { key, forest, spec, inputs: ctx.channels, selection, result };
    sendDisplay({ [TRAINING_MIME]: result }, { writer: ctx.writer });
    return result;
  }

  return {
    payload,
    async retrain(message) {
      try {
        return await retrain(message);
      } catch (error) {
        const result: TrainingResult = {
          version: 1,
          viewId: ctx.viewId,
          requestId: String(message?.requestId ?? ""),
          status: "error",
          message: (error as Error).message ?? String(error),
        };
        sendDisplay({ [TRAINING_MIME]: result }, { writer: ctx.writer });
        return result;
      }
    },
    state: () => {
      if (!last) return undefined;
      const { forest, spec, inputs, selection, result } = last;
      return { forest, spec, inputs, selection, result };
    },
  };
}

/** The channel table of a spec, checked against the forest's feature count. */
function featureChannelsOf(spec: FeatureSpec, shape: Shape3, count: number): FeatureChannel[] {
  const channels = featureChannels(spec, shape);
  if (channels.length !== count)
    throw new Error(`internal: forest has ${count} features, the spec ${channels.length}`);
  return channels;
}

/** Path of a view's label file in the kernel (its folder + the sanitised name). @internal */
export function labelsFileOf(baseDir: string, labelsPath: string): string {
  return path.resolve(baseDir, labelsPath);
}

/** The plane spacing of a "done" result, checked (three positive numbers, as `slice()` gives). */
function resultSpacing(spacing: unknown): Spacing3 {
  if (
    !Array.isArray(spacing) ||
    spacing.length !== 3 ||
    !spacing.every((v) => typeof v === "number" && Number.isFinite(v) && v > 0)
  )
    throw new RangeError(
      `training result spacing must be [1, row, column] of positive numbers, received ${JSON.stringify(spacing)}`,
    );
  return [spacing[0], spacing[1], spacing[2]];
}

/** The images of a training result as volumes (one plane, shape `[1, height, width]`, the plane's spacing). */
export interface TrainingImages {
  /** Predicted class id per pixel. */
  prediction: Volume<Uint8Array>;
  /** Uncertainty in [0, 1] (1 - margin between the two most probable classes), 1/255 steps. */
  uncertainty: Volume<Float32Array>;
  /** Probability in [0, 1] per class, in the order of `classes`, 1/255 steps. */
  probabilities: Volume<Float32Array>[];
  classes: number[];
}

/**
 * Decode the images of a "done" training result (what the viewer overlays), e.g. to score the
 * live prediction of a test slice against its truth.
 * @throws RangeError unless the result has status "done".
 */
export function trainingImages(result: TrainingResult): TrainingImages {
  if (result?.status !== "done")
    throw new RangeError(
      `trainingImages needs a result with status "done", received ${JSON.stringify(result?.status)}${
        result?.status === "error" ? `: ${result.message}` : ""
      }`,
    );
  const shape: Shape3 = [1, result.height, result.width];
  const spacing = resultSpacing(result.spacing);
  const n = result.width * result.height;
  const bytes = (b64: string, length: number, what: string): Uint8Array => {
    const out = new Uint8Array(Buffer.from(b64, "base64"));
    if (out.length !== length)
      throw new RangeError(`training result ${what}: ${out.length} bytes, expected ${length}`);
    return out;
  };
  const toFloat = (u: Uint8Array): Float32Array => Float32Array.from(u, (v) => v / 255);
  const probs = bytes(result.probabilities, n * result.classes.length, "probabilities");
  return {
    prediction: { data: bytes(result.prediction, n, "prediction"), shape, spacing },
    uncertainty: { data: toFloat(bytes(result.uncertainty, n, "uncertainty")), shape, spacing },
    probabilities: result.classes.map((_, c) => ({
      data: toFloat(probs.subarray(c * n, (c + 1) * n)),
      shape,
      spacing,
    })),
    classes: [...result.classes],
  };
}
