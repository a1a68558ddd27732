/** Random forest engine (Paper 1: ilastik's pixel classification). */
export { trainForest, type ForestOptions } from "./trainForest.js";
export {
  forestFromJSON,
  type RandomForest,
  type ForestJSON,
  type PredictOptions,
} from "./model.js";
