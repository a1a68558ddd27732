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
