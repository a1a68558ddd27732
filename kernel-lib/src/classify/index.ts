/** Classification: global grey-value thresholds (Paper 1 methods 3.1-3.2), random forest (ilastik pixel classification). */
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
export {
  trainForest,
  forestFromJSON,
  loadForest,
  predictProbaParallel,
  permutationImportance,
  predictVolume,
  type ForestOptions,
  type RandomForest,
  type ForestJSON,
  type ForestFromJSONOptions,
  type PredictOptions,
  type PredictParallelOptions,
  type PermutationImportanceOptions,
  type PermutationImportance,
  type GroupImportance,
  type PredictVolumeOptions,
  type VolumePrediction,
} from "./forest/index.js";
export {
  zGradientSignals,
  zGradientVoids,
  zGradientMethod,
  fitZGradientMethod,
  voidsFromSignals,
  type ZGradientSignalOptions,
  type ZGradientSignals,
  type ZGradientThresholds,
  type ZGradientVoidsOptions,
  type ZGradientMethodOptions,
  type FitZGradientOptions,
  type FittedZGradient,
} from "./zGradient.js";
export { probabilityImages, type ProbabilityImages } from "./probabilityImages.js";
