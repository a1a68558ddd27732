export type { Figure, Trace, Layout, FigureOptions, AxesOptions } from "./types.js";
export {
  CATEGORICAL_COLORS,
  FONT_FAMILY,
  categoricalColor,
  axisTitle,
  styledAxis,
  baseLayout,
} from "./style.js";
export { histogramFigure, type HistogramFigureOptions, type PerLabel } from "./histogram.js";
export {
  imageFigure,
  typedArraySpec,
  decodeTypedArraySpec,
  type ImageFigureOptions,
  type TypedArraySpec,
} from "./image.js";
export {
  imagesGrid,
  subplotGrid,
  type ImagePanel,
  type ImagesGridOptions,
  type SubplotGridOptions,
} from "./grid.js";
export { barFigure, type BarSeries, type BarFigureOptions } from "./bar.js";
export { lineFigure, type LineSeries, type LineFigureOptions } from "./line.js";
export { boxFigure, type BoxGroup, type BoxFigureOptions } from "./box.js";
export {
  importanceGroups,
  type ClassImportances,
  type ImportanceGroup,
  type ImportanceGroupsOptions,
} from "./importanceGroups.js";
export { heatmapFigure, type HeatmapFigureOptions } from "./heatmap.js";
export { findChromium, locateChromium, CHROMIUM_FLAGS, type ChromiumLocation } from "./chromium.js";
export {
  exportFigure,
  exportFigures,
  FigureRenderer,
  pngSize,
  type ExportFormat,
  type ExportOptions,
  type ExportItem,
  type ExportBatchOptions,
  type ExportResult,
} from "./export.js";
export {
  histogramFitFigure,
  type DensityCurve,
  type HistogramFitFigureOptions,
} from "./statsHistogram.js";
export { densityMapFigure, type DensityMapFigureOptions } from "./statsDensityMap.js";
export { fitTableFigure, tableFigure, type TableFigureOptions } from "./statsTable.js";
export {
  isosurfaceFigure,
  particleSizeFigure,
  meshLabels,
  decimateMesh,
  marchBinary,
  meshArea,
  meshVolume,
  blockMode,
  DEFAULT_TRIANGLE_BUDGET,
  type IsosurfaceFigureOptions,
  type ParticleSizeFigureOptions,
  type SizedParticles,
  type Scene3dOptions,
  type TriangleMesh,
  type LabelMeshes,
} from "./mesh3d.js";
export { pathsFigure, type Polyline3, type PathsFigureOptions } from "./render3dPaths.js";
