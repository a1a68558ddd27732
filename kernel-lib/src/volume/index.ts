export type { DType, Plane, Shape3, Spacing3, Volume, VoxelArray } from "./types.js";
export { allocate, dtypeOf, ARRAY_TYPES, type ArrayOf } from "./dtype.js";
export {
  checkVolume,
  checkShape,
  checkSpacing,
  checkSameShape,
  formatShape,
  type CheckVolumeOptions,
} from "./check.js";
export { zeros, fromArray, fromFunction, clone, type CreateOptions } from "./create.js";
export { slice } from "./slice.js";
export { crop, cropRanges, type Range1 } from "./crop.js";
export {
  planeRegion,
  planeSpacing,
  planeDepth,
  checkPlane,
  checkPlaneIndex,
  PLANES,
  type PlaneRegion,
} from "./planeRegion.js";
export { cast, type CastOptions } from "./cast.js";
export {
  minMax,
  percentile,
  normalizePercentile,
  histogram,
  phaseFractions,
  type NormalizeOptions,
  type HistogramOptions,
  type Histogram,
} from "./stats.js";
