// Paper 1's six methods in one call: each run as its own function, scored on the test slice.
import type { FibsemSample } from "../../synth/samples.js";
import { describeValue } from "../../util/checks.js";
import type { Volume } from "../../volume/types.js";
import {
  paper1ForestAll,
  paper1ForestFeatures,
  paper1ForestSE2,
  paper1ForestTailored,
  type Paper1ForestFeatures,
  type Paper1ForestId,
  type Paper1ForestOptions,
} from "./forests.js";
import { checkFibsemSample, paper1TestSlice } from "./testSlice.js";
import { PAPER1_METHODS } from "./info.js";
import { paper1DoubleThreshold, paper1TripleThreshold } from "./thresholds.js";
import type { Paper1Crop, Paper1MethodId, Paper1MethodResult, Paper1TestSlice } from "./types.js";
import { paper1ZGradient } from "./zGradient.js";

const ALL_METHODS: Paper1MethodId[] = ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6"];

/** Result of {@link paper1Methods}. */
export interface Paper1Result {
  testSlice: number;
  /** Truth of the test slice, shape [1, ny, nx]. */
  truth: Volume<Uint8Array>;
  /** The crop inside an NMC particle, if one was found (see `nmcCrop`). */
  crop?: Paper1Crop;
  methods: Paper1MethodResult[];
  /** Total wall time, milliseconds. */
  totalMs: number;
}

/** Options of {@link paper1Methods}. */
export interface Paper1Options extends Omit<
  Paper1ForestOptions,
  "features" | "onProgress" | "scales"
> {
  /** Which methods to run. @default all six */
  methods?: readonly Paper1MethodId[];
  /**
   * ilastik filter scales of the forest methods (the feature dialog's columns).
   * @default ilastik's seven, 0.3 ... 10.0 (61 features per input)
   */
  scales?: readonly number[];
  /** Look for a crop inside an NMC particle (see `nmcCrop`). @default true */
  crop?: boolean;
  /** Called with (steps done, steps, note) as the methods proceed. */
  onProgress?: (done: number, total: number, note: string) => void;
}

type Runner = (
  test: Paper1TestSlice,
  options: Paper1ForestOptions,
) => Paper1MethodResult | Promise<Paper1MethodResult>;

/** Each method's function; the forests (3.4-3.6) also take the shared features. */
const RUNNERS: Record<Paper1MethodId, Runner> = {
  "3.1": (test) => paper1DoubleThreshold(test),
  "3.2": (test) => paper1TripleThreshold(test),
  "3.3": (test, options) => paper1ZGradient(test, { threads: options.threads }),
  "3.4": paper1ForestSE2,
  "3.5": paper1ForestAll,
  "3.6": paper1ForestTailored,
};

const isForest = (id: Paper1MethodId): id is Paper1ForestId =>
  id === "3.4" || id === "3.5" || id === "3.6";

/**
 * Run Osenberg et al.'s six segmentation methods (Paper 1, 3.1-3.6) on a
 * simulated FIB/SEM sample and score each on the fully labelled test slice
 * with the average weighted error awe (Eq. 1) and per-class IoU, on the full
 * field of view and on a crop inside an NMC particle (`nmcCrop`): the methods
 * `paper1DoubleThreshold`, `paper1TripleThreshold`, `paper1ZGradient`,
 * `paper1ForestSE2`, `paper1ForestAll` and `paper1ForestTailored` one after
 * another, the forests sharing one feature computation
 * (`paper1ForestFeatures`, its time counted under the first forest).
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
  checkFibsemSample(sample);
  const ids = [...(options.methods ?? ALL_METHODS)];
  for (const id of ids)
    if (!ALL_METHODS.includes(id))
      throw new RangeError(
        `unknown method ${describeValue(id)}; expected one of ${ALL_METHODS.join(", ")}`,
      );
  const t0 = performance.now();
  const test = paper1TestSlice(sample, { crop: options.crop });
  // Progress: one step per threshold method, four per forest (features, train, predict, importance).
  const steps = ids.reduce((s, id) => s + (isForest(id) ? 4 : 1), 0);
  let done = 0;
  const tick = (note: string): void => options.onProgress?.(++done, steps, note);
  options.onProgress?.(0, steps, "start");
  let features: Paper1ForestFeatures | undefined;
  const methods: Paper1MethodResult[] = [];
  for (const id of ids) {
    if (!isForest(id)) {
      methods.push(await RUNNERS[id](test, options));
      tick(`${id} ${PAPER1_METHODS[id].name}`);
      continue;
    }
    const first = !features;
    features ??= await paper1ForestFeatures(test, {
      methods: ids.filter(isForest),
      scales: options.scales,
      threads: options.threads,
    });
    const r = await RUNNERS[id](test, {
      ...options,
      features,
      onProgress: (_done, _total, note) => tick(note),
    });
    if (first) {
      // the shared features are counted once, under the first forest
      const { trainFeatures, testFeatures } = features.timings;
      r.timings = { trainFeatures, testFeatures, ...r.timings };
      r.timings.total = (r.timings.total ?? 0) + trainFeatures + testFeatures;
    }
    methods.push(r);
  }
  return {
    testSlice: test.z,
    truth: test.truth,
    crop: test.crop,
    methods,
    totalMs: performance.now() - t0,
  };
}
