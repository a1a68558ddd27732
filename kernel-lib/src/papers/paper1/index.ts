/** Paper 1 (Osenberg et al.): six segmentation methods for FIB/SEM, one function each, scored on the test slice. */
export type {
  Paper1MethodId,
  Paper1MethodInfo,
  Paper1MethodResult,
  Paper1Importance,
  Paper1Crop,
  Paper1TestSlice,
  Paper1Scores,
} from "./types.js";
export {
  fibsemSlices,
  nmcCrop,
  paper1TestSlice,
  paper1Score,
  type FibsemSlices,
  type NmcCropOptions,
} from "./testSlice.js";
export * from "./info.js";
export { paper1DoubleThreshold, paper1TripleThreshold } from "./thresholds.js";
export { paper1ZGradient } from "./zGradient.js";
export {
  paper1FeatureSpec,
  paper1ForestFeatures,
  paper1ForestSE2,
  paper1ForestAll,
  paper1ForestTailored,
  type Paper1ForestId,
  type Paper1ForestFeatures,
  type Paper1ForestFeaturesOptions,
  type Paper1ForestOptions,
} from "./forests.js";
export { paper1Methods, type Paper1Options, type Paper1Result } from "./methods.js";
export {
  paper1RealSample,
  PAPER1_REAL_VOXEL_NM,
  type Paper1RealSample,
  type Paper1RealSampleOptions,
} from "./realMicrostructure.js";
export {
  paper1Morphology,
  paper1SegmentVolume,
  paper1ParticleBox,
  PAPER1_MORPHOLOGY,
  type Paper1Morphology,
  type Paper1MorphologyOptions,
  type Paper1SegmentOptions,
} from "./morphology.js";
export {
  paper1Fig6a,
  paper1Fig6b,
  paper1Fig7a,
  paper1Fig7b,
  paper1MorphologyNumbers,
  paper1MorphologyTable,
  type Paper1MorphologyRun,
} from "./morphologyFigures.js";
export {
  paper1ElectronPaths,
  paper1IonPaths,
  type Paper1PathsOptions,
} from "./morphologyPaths.js";
export {
  paper1JointImportance,
  paper1JointImportanceFigure,
  paper1ImportanceFinding,
  paper1ImportanceNoise,
  type Paper1JointImportance,
  type Paper1ImportanceFinding,
} from "./importance.js";
export {
  paper1Fig2,
  paper1GreyValues,
  type Paper1GreyValues,
  type Paper1GreyValueClass,
} from "./greyValues.js";
