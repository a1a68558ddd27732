/** Classification: global grey-value thresholds (Paper 1 methods 3.1-3.2). */
export {
  applyThresholds,
  doubleThreshold,
  tripleThreshold,
  type ThresholdOptions,
} from "./threshold.js";
export { fitThresholds, type FitThresholdsOptions, type FittedThresholds } from "./thresholdFit.js";
export {
  histogramValleys,
  type HistogramValleysOptions,
  type HistogramValleys,
} from "./thresholdValleys.js";
