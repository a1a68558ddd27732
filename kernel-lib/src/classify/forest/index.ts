/** Random forest engine (Paper 1: ilastik's pixel classification). */
export { trainForest, type ForestOptions } from "./trainForest.js";
export {
  forestFromJSON,
  type ForestFromJSONOptions,
  type RandomForest,
  type ForestJSON,
  type PredictOptions,
} from "./model.js";
export { loadForest } from "./loadForest.js";
export { predictProbaParallel, type PredictParallelOptions } from "./predictProbaParallel.js";
export {
  permutationImportance,
  type PermutationImportanceOptions,
  type PermutationImportance,
  type GroupImportance,
} from "./permutationImportance.js";
export {
  predictVolume,
  type PredictVolumeOptions,
  type VolumePrediction,
} from "./predictVolume.js";
