/** Paper 2 (Furat et al.): the published grain-statistics models, their refit, Tables 1-4. */
export {
  PAPER2_CHARACTERISTICS,
  PAPER2_PAIRS,
  PAPER2_LABELS,
  PAPER2_TABLE1,
  PAPER2_TABLE2_EMPIRICAL,
  PAPER2_TABLE3_EMPIRICAL,
  PAPER2_TABLE4,
  paper2Marginal,
  paper2Models,
  type Paper2Characteristic,
  type Paper2ModelsOptions,
  type Paper2Reading,
  type Paper2Pair,
  type Paper2Models,
} from "./models.js";
export {
  paper2CandidateFamilies,
  paper2Refit,
  type Paper2Refit,
  type Paper2RefitOptions,
} from "./refit.js";
export {
  paper2Numbers,
  paper2Table1,
  paper2Table2,
  paper2Table3,
  paper2Table4,
  paper2Tables,
  type Paper2TableColumns,
  type Paper2TableModels,
} from "./tables.js";
// Every reading of the ambiguous Table 1 / Table 4 entries (readings.ts exports nothing else).
export * from "./readings.js";
export {
  paper2ReadingsArithmetic,
  paper2Table2Readings,
  paper2Table3Readings,
} from "./readingsReport.js";
export {
  paper2FitMeasured,
  type Paper2FitMeasuredOptions,
  type Paper2Measured,
} from "./measured.js";
export { paper2GrainFigure, type Paper2GrainFigureOptions } from "./grainFigure.js";
export {
  paper2BoundaryForest,
  PAPER2_FOREST_SCALES,
  type Paper2BoundaryForest,
  type Paper2BoundaryForestOptions,
} from "./pipelineForest.js";
export {
  paper2Watershed,
  type Paper2Watershed,
  type Paper2WatershedOptions,
} from "./pipelineWatershed.js";
export {
  paper2Pipeline,
  PAPER2_DESCRIPTORS,
  type Paper2Descriptor,
  type Paper2Probabilities,
  type Paper2PipelineOptions,
  type Paper2PipelineResult,
} from "./pipeline.js";
export { paper2RealMap, type Paper2RealMap, type Paper2RealMapOptions } from "./realMap.js";
export {
  paper2Relief,
  paper2SelectPostprocessing,
  paper2SliceGrains,
  paper2SliceScores,
  PAPER2_POSTPROCESSING_CANDIDATES,
  type Paper2Postprocessing,
  type Paper2PostprocessingScore,
  type Paper2ReliefKind,
  type Paper2SelectedPostprocessing,
  type Paper2SelectPostprocessingOptions,
  type Paper2SliceGrains,
  type Paper2SliceLabels,
} from "./postprocessing.js";
export {
  paper2UNetBoundary,
  PAPER2_UNET_CLASSES,
  type Paper2UNetBoundary,
  type Paper2UNetBoundaryOptions,
} from "./unet.js";
export {
  paper2AlignmentFigure,
  paper2WatershedStages,
  paper2WatershedFigure,
  paper2RealMapFigure,
  paper2GrainsFigure3D,
  type Paper2GrainsFigure3DOptions,
  type Paper2AlignmentFigureOptions,
  type Paper2WatershedStages,
  type Paper2WatershedStagesOptions,
  type Paper2WatershedFigureOptions,
} from "./figures.js";
export { paper2CompareTables, type Paper2Comparison } from "./measuredTables.js";
export {
  paper2UNetArchitectureFigure,
  paper2UNetSlicesFigure,
  unetLayers,
  type Paper2UNetArchitectureOptions,
  type Paper2UNetSlicesOptions,
  type UNetLayer,
} from "./unetFigures.js";
