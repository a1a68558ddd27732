export {
  confusionMatrix,
  labelValues,
  type ConfusionMatrix,
  type ConfusionOptions,
  type LabelInput,
  type LabelScore,
} from "./confusion.js";
export { iouPerClass, scoresFromConfusion, type ClassScores } from "./iou.js";
export { weightedError, weightedErrorFromConfusion } from "./weightedError.js";
export { segmentationErrors } from "./segmentationErrors.js";
export { contingencyTable, type ContingencyOptions, type ContingencyTable } from "./contingency.js";
export {
  adaptedRandError,
  variationOfInformation,
  foregroundRestrictedScores,
  type AdaptedRand,
  type AdaptedRandOptions,
  type VariationOfInformation,
  type ForegroundRestrictedScores,
} from "./randError.js";
export {
  boundaryF1,
  labelBoundaries,
  type BoundaryF1,
  type BoundaryF1Options,
} from "./boundaryF1.js";
export {
  matchGrains,
  type GrainMatch,
  type GrainMatching,
  type MatchGrainsOptions,
} from "./grainMatching.js";
export { ksTwoSample, kolmogorovSf, type KsTwoSample } from "./ks.js";
export {
  isbiScores,
  pixelError,
  type IsbiInput,
  type IsbiScores,
  type IsbiScoresOptions,
  type IsbiSliceScores,
  type PixelError,
} from "./isbi.js";
