export { gaussian, type GaussianOptions } from "./gaussian.js";
export { gaussianKernel1d } from "./gaussianKernel1d.js";
export {
  separableCorrelate,
  type SeparableCorrelateOptions,
  type SeparableKernels,
} from "./separable.js";
export { separableBlock, type SeparableBlockParams } from "./separableBlock.js";
