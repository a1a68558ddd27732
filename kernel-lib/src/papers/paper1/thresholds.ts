// Paper 1, methods 3.1 and 3.2: global grey-value thresholds on SE2.
import { doubleThreshold, tripleThreshold } from "../../classify/threshold.js";
import { fitThresholds } from "../../classify/thresholdFit.js";
import { histogramValleys } from "../../classify/thresholdValleys.js";
import { slice } from "../../volume/slice.js";
import { PAPER1_DOUBLE_THRESHOLD, PAPER1_TRIPLE_THRESHOLD } from "./info.js";
import { methodResult } from "./testSlice.js";
import type { Paper1MethodResult, Paper1TestSlice } from "./types.js";

/**
 * Method 3.1, double threshold on SE2: void < t1 <= CBD < t2 <= NMC, with t1
 * and t2 at the two valleys of the test slice's SE2 histogram
 * ({@link histogramValleys}; unsupervised, like the paper's carbon peak).
 * @param test - From `paper1TestSlice`.
 * @see Osenberg et al., Section 3.1
 */
export function paper1DoubleThreshold(test: Paper1TestSlice): Paper1MethodResult {
  const t = performance.now();
  const se2 = slice(test.sample.se2, "xy", test.z);
  const valleys = histogramValleys(se2);
  const [t1, t2] = valleys.thresholds;
  if (t1 === undefined || t2 === undefined)
    throw new RangeError(`the SE2 histogram of slice ${test.z} has fewer than two valleys`);
  const seg = doubleThreshold(se2, [t1, t2]);
  return methodResult(
    PAPER1_DOUBLE_THRESHOLD,
    test,
    seg,
    { total: performance.now() - t },
    { thresholds: [t1, t2], peaks: valleys.peaks },
  );
}

/**
 * Method 3.2, triple threshold on SE2 (void / CBD / NMC / bright void): the
 * best global thresholds against the test slice's truth ({@link fitThresholds};
 * Paper 1 learned them with a depth-2 tree on the ground truth), a bound on
 * what any global threshold can do.
 * @param test - From `paper1TestSlice`.
 * @see Osenberg et al., Section 3.2
 */
export function paper1TripleThreshold(test: Paper1TestSlice): Paper1MethodResult {
  const t = performance.now();
  const se2 = slice(test.sample.se2, "xy", test.z);
  const fit = fitThresholds(se2, test.truth);
  const seg = tripleThreshold(se2, fit.thresholds as [number, number, number]);
  return methodResult(
    PAPER1_TRIPLE_THRESHOLD,
    test,
    seg,
    { total: performance.now() - t },
    { thresholds: fit.thresholds },
  );
}
