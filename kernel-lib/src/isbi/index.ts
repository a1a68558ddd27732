// The ISBI 2012 EM membrane stack as a real boundary-learning benchmark: load it, train a
// 2D U-Net or a forest on at most four hand-labelled slices, watershed, and score the rest
// with the challenge's metrics (pixel error, V-Rand, V-Info) and boundary F1.
export {
  ISBI2012_FOLDER,
  ISBI2012_SPACING,
  isbi2012Path,
  isbiTargets,
  loadIsbi2012,
  type Isbi2012,
  type LoadIsbi2012Options,
} from "./data.js";
export {
  ISBI_FOREST_SCALES,
  ISBI_TRAIN_SLICES,
  ISBI_WATERSHED_GRID,
  tuneIsbiWatershed,
  isbiEvaluate,
  isbiForest,
  isbiUNet,
  type IsbiForestOptions,
  type IsbiResult,
  type IsbiRunOptions,
  type IsbiScoreTable,
  type IsbiUNetOptions,
} from "./pipeline.js";
export { isbiSliceFigure } from "./figure.js";
