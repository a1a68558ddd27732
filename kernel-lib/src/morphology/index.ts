export { distanceTransform, type DistanceTransformOptions } from "./distanceTransform.js";
export { edtBlock, type EdtBlockParams } from "./edtKernel.js";
