import type { Shape3, Volume } from "../volume/types.js";
import { slice } from "../volume/slice.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import type { FibsemSample } from "../synth/samples.js";
import {
  featureChannels,
  featureSpec,
  type FeatureChannel,
  type FeatureGroup,
  type FeatureSpec,
} from "../features/spec.js";
import type { LabelledSamples } from "../features/featuresAtLabels.js";
import type { FeatureStack } from "../features/computeFeatures.js";
import { featuresAtLabels } from "../features/featuresAtLabels.js";
import { computeFeatures } from "../features/computeFeatures.js";
import { iouPerClass, type ClassScores } from "../metrics/iou.js";
import { weightedError } from "../metrics/weightedError.js";
import { doubleThreshold, tripleThreshold } from "./threshold.js";
import { fitThresholds } from "./thresholdFit.js";
import { histogramValleys } from "./thresholdValleys.js";
import { fitZGradientMethod, zGradientFromSignals } from "./zGradient.js";
import { trainForest } from "./forest/trainForest.js";
import { predictProbaParallel } from "./forest/predictProbaParallel.js";
import { permutationImportance } from "./forest/permutationImportance.js";
import { createRng } from "../stats/random.js";
import { categoricalColor } from "../plot/style.js";

/** Osenberg et al.'s six segmentation methods, by section number. */
export type Paper1MethodId = "3.1" | "3.2" | "3.3" | "3.4" | "3.5" | "3.6";

/** Name, record key and published awe (percent; full field of view and crop inside an NMC particle) of each method. */
export const PAPER1_METHODS: Readonly<
  Record<Paper1MethodId, { name: string; key: string; published: { full: number; crop: number } }>
> = {
  "3.1": {
    name: "double threshold (SE2)",
    key: "double_threshold",
    published: { full: 60.8, crop: 30.8 },
  },
  "3.2": {
    name: "triple threshold (SE2)",
    key: "triple_threshold",
    published: { full: 30.8, crop: 24.9 },
  },
  "3.3": {
    name: "z-gradient + InLens threshold",
    key: "z_gradient",
    published: { full: 23.2, crop: 16.5 },
  },
  "3.4": { name: "random forest, SE2", key: "rf_se2", published: { full: 12.3, crop: 17.6 } },
  "3.5": {
    name: "random forest, SE2 + InLens + difference",
    key: "rf_all",
    published: { full: 10.3, crop: 16.2 },
  },
  "3.6": {
    name: "random forest, all + tailored z",
    key: "rf_tailored",
    published: { full: 6.1, crop: 11.0 },
  },
};

const ALL_METHODS: Paper1MethodId[] = ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6"];

/** A square of the test slice: first row/column and side, in voxels. */
export interface Paper1Crop {
  y: number;
  x: number;
  size: number;
  /** Fractions of void, CBD and NMC in the crop's truth. */
  fractions: { void: number; cbd: number; nmc: number };
}

/** Per-class permutation importance of a forest's features on the test slice. */
export interface Paper1Importance {
  /** The feature channels (name, group smooth/edge/texture/milling, input, filter, scale). */
  channels: FeatureChannel[];
  /** Mean accuracy decrease per channel when it is shuffled. */
  overall: Float64Array;
  /** Per class id (1 void, 2 CBD, 3 NMC): mean recall decrease per channel. */
  perClass: Record<number, Float64Array>;
  /** Test-slice voxels used (a class-stratified random subset). */
  samples: number;
}

/** One method's result on the test slice. */
export interface Paper1MethodResult {
  id: Paper1MethodId;
  name: string;
  /** Key for `record("paper1.awe.<key>")`. */
  key: string;
  /** Segmentation of the test slice, shape [1, ny, nx], 1 void / 2 CBD / 3 NMC. */
  segmentation: Volume<Uint8Array>;
  /** Average weighted error (Eq. 1), percent, full field of view. */
  awe: number;
  /** IoU and truth fraction per class, full field of view. */
  scores: ClassScores;
  /** awe on the crop (undefined without a crop). */
  aweCrop?: number;
  scoresCrop?: ClassScores;
  /** Published awe (percent) on the real data. */
  published: { full: number; crop: number };
  /** Wall time of the method, milliseconds, split into its steps. */
  timings: Record<string, number>;
  /** Method parameters (thresholds, feature count, training samples, ...). */
  details: Record<string, unknown>;
  /** Random forest methods: per-class permutation importance on the test slice. */
  importance?: Paper1Importance;
}

/** Result of {@link paper1Methods}. */
export interface Paper1Result {
  testSlice: number;
  /** Truth of the test slice, shape [1, ny, nx]. */
  truth: Volume<Uint8Array>;
  /** The crop inside an NMC particle, if one was found (see {@link nmcCrop}). */
  crop?: Paper1Crop;
  methods: Paper1MethodResult[];
  /** Total wall time, milliseconds. */
  totalMs: number;
}

/** Options of {@link paper1Methods}. */
export interface Paper1Options {
  /** Which methods to run. @default all six */
  methods?: readonly Paper1MethodId[];
  /** Trees per forest (ilastik: 100). @default 100 */
  trees?: number;
  /** Seed of the forests and of the importance subsample. @default 1 */
  seed?: number;
  /** Compute permutation importances for the forest methods. @default true */
  importance?: boolean;
  /** Test-slice voxels (class-stratified, at most a third per class) used for permutation importance. @default 3000 */
  importanceSamples?: number;
  /** Shuffles per feature for permutation importance. @default 2 */
  importanceRepeats?: number;
  /**
   * ilastik filter scales of the forest methods (the feature dialog's columns).
   * @default ilastik's seven, 0.3 ... 10.0 (61 features per input)
   */
  scales?: readonly number[];
  /** Look for a crop inside an NMC particle (see {@link nmcCrop}). @default true */
  crop?: boolean;
  /** Worker threads. @default the pool size */
  threads?: number;
  /** Called with (steps done, steps, note) as the methods proceed. */
  onProgress?: (done: number, total: number, note: string) => void;
}

/** Options of {@link nmcCrop}. */
export interface NmcCropOptions {
  /** Largest CBD fraction allowed in the crop. @default 0.01 */
  maxCbd?: number;
  /** Smallest NMC fraction required in the crop. @default 0.6 */
  minNmc?: number;
  /** Smallest side, voxels. @default 16 */
  minSize?: number;
  /** Class ids [void, CBD, NMC]. @default [1, 2, 3] */
  classes?: [number, number, number];
}

/**
 * The crop inside one NMC particle where Paper 1 scores its "binary-like"
 * task, defined reproducibly from the truth of the test slice: the largest
 * axis-aligned square whose truth has at most `maxCbd` CBD and at least
 * `minNmc` NMC (the rest being the particle's inner pores); among squares of
 * that side, the one with the most NMC, then the first in row-major order.
 * @param truth - Truth of the test slice (nz = 1).
 * @returns The square, or undefined when none of at least `minSize` exists.
 */
export function nmcCrop(truth: Volume, options: NmcCropOptions = {}): Paper1Crop | undefined {
  const [nz, ny, nx] = truth.shape;
  if (nz !== 1)
    throw new RangeError(
      `\`truth\` must be one slice (nz = 1), received shape ${truth.shape.join("x")}`,
    );
  const maxCbd = options.maxCbd ?? 0.01;
  const minNmc = options.minNmc ?? 0.6;
  const minSize = options.minSize ?? 16;
  const [cVoid, cCbd, cNmc] = options.classes ?? [1, 2, 3];
  // Integral images of CBD, NMC and void counts.
  const W = nx + 1;
  const ic = new Float64Array((ny + 1) * W);
  const inn = new Float64Array((ny + 1) * W);
  const iv = new Float64Array((ny + 1) * W);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const v = truth.data[y * nx + x];
      const j = (y + 1) * W + x + 1;
      ic[j] = (v === cCbd ? 1 : 0) + ic[j - 1]! + ic[j - W]! - ic[j - W - 1]!;
      inn[j] = (v === cNmc ? 1 : 0) + inn[j - 1]! + inn[j - W]! - inn[j - W - 1]!;
      iv[j] = (v === cVoid ? 1 : 0) + iv[j - 1]! + iv[j - W]! - iv[j - W - 1]!;
    }
  }
  const box = (a: Float64Array, y: number, x: number, s: number): number =>
    a[(y + s) * W + x + s]! - a[y * W + x + s]! - a[(y + s) * W + x]! + a[y * W + x]!;
  for (let s = Math.min(ny, nx); s >= minSize; s--) {
    const area = s * s;
    let best: Paper1Crop | undefined;
    let bestN = -1;
    for (let y = 0; y + s <= ny; y++) {
      for (let x = 0; x + s <= nx; x++) {
        const c = box(ic, y, x, s);
        if (c > maxCbd * area) continue;
        const n = box(inn, y, x, s);
        if (n < minNmc * area || n <= bestN) continue;
        bestN = n;
        best = {
          y,
          x,
          size: s,
          fractions: { void: box(iv, y, x, s) / area, cbd: c / area, nmc: n / area },
        };
      }
    }
    if (best) return best;
  }
  return undefined;
}

function cropOf(v: Volume<Uint8Array>, c: Paper1Crop): Volume<Uint8Array> {
  const nx = v.shape[2];
  const out = new Uint8Array(c.size * c.size);
  for (let y = 0; y < c.size; y++)
    out.set(v.data.subarray((c.y + y) * nx + c.x, (c.y + y) * nx + c.x + c.size), y * c.size);
  return { data: out, shape: [1, c.size, c.size], spacing: [...v.spacing] };
}

/** The feature selection of a random forest method (3.4 SE2 only, 3.5 three inputs, 3.6 three inputs + tailored z). */
export function paper1FeatureSpec(
  id: "3.4" | "3.5" | "3.6",
  options: { scales?: readonly number[] } = {},
): FeatureSpec {
  const inputs =
    id === "3.4"
      ? ["SE2"]
      : [
          "SE2",
          "InLens",
          { name: "SE2 - InLens", difference: ["SE2", "InLens"] as [string, string] },
        ];
  return featureSpec({
    inputs,
    tailored: id === "3.6",
    ...(options.scales ? { scales: options.scales } : {}),
  });
}

/** Columns `cols` of a row-major matrix with `C` columns. */
function selectColumns(m: Float32Array, C: number, cols: number[]): Float32Array {
  const n = Math.floor(m.length / C);
  const k = cols.length;
  if (k === C && cols.every((c, i) => c === i)) return m;
  const out = new Float32Array(n * k);
  for (let r = 0; r < n; r++) {
    const a = r * C;
    const b = r * k;
    for (let j = 0; j < k; j++) out[b + j] = m[a + cols[j]!]!;
  }
  return out;
}

/** Class-stratified random subset of row indices (at most `n / classes` per class). */
function stratified(labels: Uint8Array, classes: number[], n: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const per = Math.max(1, Math.floor(n / classes.length));
  const out: number[] = [];
  for (const c of classes) {
    const idx: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === c) idx.push(i);
    // partial Fisher-Yates
    const k = Math.min(per, idx.length);
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(idx.length - i);
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
    }
    out.push(...idx.slice(0, k));
  }
  return Int32Array.from(out.sort((a, b) => a - b));
}

/**
 * Run Osenberg et al.'s six segmentation methods (Paper 1, 3.1-3.6) on a
 * simulated FIB/SEM sample and score each on the fully labelled test slice
 * with the average weighted error awe (Eq. 1) and per-class IoU, on the full
 * field of view and on a crop inside an NMC particle ({@link nmcCrop}).
 *
 * - 3.1 double threshold on SE2 at the valleys of the test slice's histogram
 *   ({@link histogramValleys}; unsupervised, like the paper's carbon peak).
 * - 3.2 triple threshold on SE2 (void / CBD / NMC / bright void), the best
 *   global thresholds against the test slice's truth ({@link fitThresholds};
 *   Paper 1 learned them with a depth-2 tree on the ground truth).
 * - 3.3 z-gradient void detection + InLens threshold ({@link fitZGradientMethod}
 *   fitted on the brush strokes).
 * - 3.4 / 3.5 / 3.6 random forests ({@link paper1FeatureSpec}: 61 ilastik features
 *   of SE2; 183 of SE2, InLens, SE2 - InLens; the same plus tailored z
 *   features), trained on the brush strokes (`sample.labels`; the excluded
 *   slices around the test slice carry none), features computed only at the
 *   labelled blocks for training and only for the test slice for prediction.
 *
 * @param sample - A FIB/SEM sample from `loadSample`.
 * @returns Per method: test-slice segmentation, awe, IoU, timings, importances.
 * @example
 * ```ts
 * const fib = await loadSample("fibsem-nmc");
 * const r = await paper1Methods(fib, { onProgress: (d, t, note) => console.log(d, t, note) });
 * r.methods.map((m) => [m.id, m.awe]);
 * ```
 * @see Osenberg et al., Sections 3.1-3.6, Eq. 1, Figs. 1, 3, 4
 */
export async function paper1Methods(
  sample: FibsemSample,
  options: Paper1Options = {},
): Promise<Paper1Result> {
  if (!sample || sample.kind !== "fibsem")
    throw new TypeError('`sample` must be a FIB/SEM sample (loadSample("fibsem-nmc"))');
  const ids = [...(options.methods ?? ALL_METHODS)];
  for (const id of ids)
    if (!(id in PAPER1_METHODS))
      throw new RangeError(
        `unknown method ${JSON.stringify(id)}; expected one of ${ALL_METHODS.join(", ")}`,
      );
  const trees = options.trees ?? 100;
  const seed = options.seed ?? 1;
  const doImportance = options.importance ?? true;
  const impN = options.importanceSamples ?? 3000;
  const impRepeats = options.importanceRepeats ?? 2;
  const threads = options.threads;
  const t0 = performance.now();
  const z = sample.testSlice;
  const [, ny, nx] = sample.se2.shape;
  const truth = slice(sample.truth, "xy", z) as Volume<Uint8Array>;
  const se2Slice = slice(sample.se2, "xy", z);
  const classes = [1, 2, 3];
  const crop = options.crop === false ? undefined : nmcCrop(truth);
  const truthCrop = crop ? cropOf(truth, crop) : undefined;
  // Progress: one step per threshold method, four per forest (features, train, predict, importance).
  const steps = ids.reduce((s, id) => s + (id >= "3.4" ? 4 : 1), 0);
  let done = 0;
  const tick = (note: string): void => {
    done++;
    options.onProgress?.(done, steps, note);
  };
  options.onProgress?.(0, steps, "start");

  const methods: Paper1MethodResult[] = [];
  let shared:
    { train: LabelledSamples; test: FeatureStack; trainMs: number; testMs: number } | undefined;
  const finish = (
    id: Paper1MethodId,
    seg: Volume<Uint8Array>,
    timings: Record<string, number>,
    details: Record<string, unknown>,
    importance?: Paper1Importance,
  ): void => {
    const info = PAPER1_METHODS[id];
    const r: Paper1MethodResult = {
      id,
      name: info.name,
      key: info.key,
      segmentation: seg,
      awe: weightedError(truth, seg, { classes }),
      scores: iouPerClass(truth, seg, { classes }),
      published: { ...info.published },
      timings,
      details,
      ...(importance ? { importance } : {}),
    };
    if (crop && truthCrop) {
      const segCrop = cropOf(seg, crop);
      r.aweCrop = weightedError(truthCrop, segCrop, { classes });
      r.scoresCrop = iouPerClass(truthCrop, segCrop, { classes });
    }
    methods.push(r);
  };

  for (const id of ids) {
    if (id === "3.1") {
      const t = performance.now();
      const valleys = histogramValleys(se2Slice);
      const [t1, t2] = valleys.thresholds;
      if (t1 === undefined || t2 === undefined)
        throw new RangeError(`the SE2 histogram of slice ${z} has fewer than two valleys`);
      const seg = doubleThreshold(se2Slice, [t1, t2]);
      finish(
        id,
        seg,
        { total: performance.now() - t },
        { thresholds: [t1, t2], peaks: valleys.peaks },
      );
      tick("3.1 double threshold");
    } else if (id === "3.2") {
      const t = performance.now();
      const fit = fitThresholds(se2Slice, truth);
      const seg = tripleThreshold(se2Slice, fit.thresholds as [number, number, number]);
      finish(id, seg, { total: performance.now() - t }, { thresholds: fit.thresholds });
      tick("3.2 triple threshold");
    } else if (id === "3.3") {
      const t = performance.now();
      const fit = await fitZGradientMethod(sample.se2, sample.inlens, sample.labels, { threads });
      const tFit = performance.now() - t;
      const one = (v: Volume): Volume<Float32Array> => slice(v, "xy", z) as Volume<Float32Array>;
      const seg = zGradientFromSignals(
        { smooth: one(fit.signals.smooth), gradient: one(fit.signals.gradient) },
        slice(sample.inlens, "xy", z),
        fit.voids,
        fit.solid,
      );
      finish(
        id,
        seg,
        { fit: tFit, total: performance.now() - t },
        {
          voids: fit.voids,
          solid: fit.solid,
          voidScore: fit.voidScore,
          solidScore: fit.solidScore,
        },
      );
      tick("3.3 z-gradient");
    } else {
      // The three forests' features are nested (3.4 within 3.5 within 3.6): compute the largest
      // selection once, at the labelled voxels and on the test slice, and select columns by name.
      const timings: Record<string, number> = {};
      const inputs = { SE2: sample.se2, InLens: sample.inlens };
      if (!shared) {
        const top = ids.includes("3.6") ? "3.6" : ids.includes("3.5") ? "3.5" : "3.4";
        const spec = paper1FeatureSpec(top, { scales: options.scales });
        let t = performance.now();
        const train = await featuresAtLabels(inputs, sample.labels, spec, { threads });
        const trainMs = performance.now() - t;
        t = performance.now();
        const test = await computeFeatures(inputs, spec, {
          region: { origin: [z, 0, 0], shape: [1, ny, nx] as Shape3 },
          layout: "samples",
          threads,
        });
        shared = { train, test, trainMs, testMs: performance.now() - t };
        timings.trainFeatures = shared.trainMs;
        timings.testFeatures = shared.testMs;
      }
      const own = featureChannels(
        paper1FeatureSpec(id, { scales: options.scales }),
        sample.se2.shape,
      );
      const all = shared.train.channels;
      const cols = own.map((c) => {
        const j = all.findIndex((a) => a.name === c.name);
        if (j < 0) throw new Error(`internal: channel ${c.name} missing from the shared features`);
        return j;
      });
      const C = cols.length;
      const train = {
        ...shared.train,
        samples: selectColumns(shared.train.samples, all.length, cols),
        channels: own,
      };
      const testData = selectColumns(shared.test.data, all.length, cols);
      tick(`${id} features (${C} channels, ${train.count} training voxels)`);
      let t = performance.now();
      const forest = await trainForest(train.samples, train.labels, C, { trees, seed, threads });
      timings.train = performance.now() - t;
      tick(`${id} forest (${trees} trees)`);
      const stack = { data: testData };
      t = performance.now();
      const proba = await predictProbaParallel(forest, stack.data, { threads });
      const K = forest.classes.length;
      const seg = new Uint8Array(ny * nx);
      for (let i = 0; i < seg.length; i++) {
        let best = 0;
        for (let k = 1; k < K; k++) if (proba[i * K + k]! > proba[i * K + best]!) best = k;
        seg[i] = forest.classes[best]!;
      }
      timings.predict = performance.now() - t;
      tick(`${id} prediction`);
      let importance: Paper1Importance | undefined;
      if (doImportance) {
        t = performance.now();
        const rows = stratified(truth.data, classes, impN, seed);
        const sub = new Float32Array(rows.length * C);
        const lab = new Uint8Array(rows.length);
        for (let r = 0; r < rows.length; r++) {
          sub.set(stack.data.subarray(rows[r]! * C, rows[r]! * C + C), r * C);
          lab[r] = truth.data[rows[r]!]!;
        }
        const imp = permutationImportance(forest, sub, lab, C, { repeats: impRepeats, seed });
        importance = {
          channels: train.channels,
          overall: imp.overall,
          perClass: imp.perClass,
          samples: rows.length,
        };
        timings.importance = performance.now() - t;
      }
      tick(`${id} importance`);
      timings.total = Object.values(timings).reduce((a, b) => a + b, 0);
      finish(
        id,
        { data: seg, shape: [1, ny, nx], spacing: [...truth.spacing] },
        timings,
        { channels: C, trainingVoxels: train.count, trees, oobError: forest.oobError },
        importance,
      );
    }
  }
  return { testSlice: z, truth, crop, methods, totalMs: performance.now() - t0 };
}

/** Options of {@link importanceGroups}. */
export interface ImportanceGroupsOptions {
  /** Group channels by filter group (smooth / edge / texture / milling) or by input signal. @default "group" */
  by?: "group" | "input";
  /** Class names by id, for the box names. @default { 1: "void", 2: "CBD", 3: "NMC" } */
  classNames?: Record<number, string>;
}

/**
 * Per-class permutation importances of one forest split into groups of
 * channels (Paper 1, Fig. 3): one box per class and filter group (or input),
 * named `"<class>: <group>"`, holding the importances of that group's
 * channels, coloured by group. Feed to `boxFigure`.
 */
export function importanceGroups(
  importance: Paper1Importance,
  options: ImportanceGroupsOptions = {},
): { name: string; values: Float64Array; class: number; group: string; color: string }[] {
  const by = options.by ?? "group";
  const names = options.classNames ?? { 1: "void", 2: "CBD", 3: "NMC" };
  const keyOf = (c: FeatureChannel): string => (by === "group" ? c.group : c.input);
  const order: string[] = [];
  for (const c of importance.channels) if (!order.includes(keyOf(c))) order.push(keyOf(c));
  if (by === "group") {
    const rank: FeatureGroup[] = ["smooth", "edge", "texture", "milling"];
    order.sort((a, b) => rank.indexOf(a as FeatureGroup) - rank.indexOf(b as FeatureGroup));
  }
  const out: { name: string; values: Float64Array; class: number; group: string; color: string }[] =
    [];
  for (const cls of Object.keys(importance.perClass).map(Number)) {
    const v = importance.perClass[cls]!;
    for (const [gi, g] of order.entries()) {
      const vals: number[] = [];
      importance.channels.forEach((c, i) => {
        if (keyOf(c) === g) vals.push(v[i]!);
      });
      out.push({
        name: `${names[cls] ?? cls}: ${g}`,
        values: Float64Array.from(vals),
        class: cls,
        group: g,
        color: categoricalColor(gi),
      });
    }
  }
  return out;
}

/**
 * Where a segmentation is wrong (Paper 1, Fig. 4's marked errors): the
 * predicted class where it differs from the truth, 0 where it agrees or the
 * truth is unlabelled (0). Use as a `labels` overlay.
 * @param truth - Truth, e.g. {@link Paper1Result.truth}.
 * @param segmentation - Same shape.
 */
export function segmentationErrors(truth: Volume, segmentation: Volume): Volume<Uint8Array> {
  checkVolume(truth, "truth");
  checkVolume(segmentation, "segmentation");
  checkSameShape(segmentation, "segmentation", truth, "truth");
  const out = new Uint8Array(truth.data.length);
  for (let i = 0; i < out.length; i++) {
    const t = truth.data[i]!;
    const p = segmentation.data[i]!;
    out[i] = t !== 0 && p !== t ? p : 0;
  }
  return { data: out, shape: [...truth.shape], spacing: [...truth.spacing] };
}
