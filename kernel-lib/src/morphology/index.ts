export { distanceTransform, type DistanceTransformOptions } from "./distanceTransform.js";
export { edtBlock, type EdtBlockParams } from "./edtKernel.js";
export {
  connectedComponents,
  type ConnectedComponentsOptions,
  type Components,
  type ComponentTable,
} from "./connectedComponents.js";
export type { Connectivity } from "./labelComponents.js";
