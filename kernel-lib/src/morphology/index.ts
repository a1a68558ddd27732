export { distanceTransform, type DistanceTransformOptions } from "./distanceTransform.js";
export { edtBlock, type EdtBlockParams } from "./edtKernel.js";
export {
  connectedComponents,
  type ConnectedComponentsOptions,
  type Components,
  type ComponentTable,
} from "./connectedComponents.js";
export type { Connectivity } from "./labelComponents.js";
export { dilateBall, erodeBall, openBall, closeBall, type BallOptions } from "./ballMorphology.js";
export { reconstruction, type ReconstructionOptions } from "./reconstruction.js";
export { fillHoles, type FillHolesOptions } from "./fillHoles.js";
export { hMaxima, hMinima, type HExtremaOptions } from "./extrema.js";
export { localThickness, type LocalThicknessOptions } from "./localThickness.js";
export { watershed, type WatershedOptions } from "./watershed.js";
export {
  splitParticles,
  type SplitParticlesOptions,
  type SplitParticles,
} from "./watershedSplit.js";
