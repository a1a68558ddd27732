export { gaussian, type GaussianOptions } from "./gaussian.js";
export { gaussianKernel1d } from "./gaussianKernel1d.js";
export {
  separableCorrelate,
  type SeparableCorrelateOptions,
  type SeparableKernels,
} from "./separable.js";
export { separableBlock, type SeparableBlockParams } from "./separableBlock.js";
export { vigraGaussianKernel1d, vigraKernelRadius } from "./vigraGaussianKernel1d.js";
export {
  jacobiEigen3,
  symmetricEigenvalues3x3,
  symmetricEigenvalues2x2,
  tensorEigenvalues,
} from "./eigen3.js";
export type { GaussianFilterOptions } from "./gaussianKernels.js";
export { gaussianDerivative, gaussianGradient } from "./gaussianDerivative.js";
export { laplacianOfGaussian } from "./laplacianOfGaussian.js";
export { gaussianGradientMagnitude } from "./gaussianGradientMagnitude.js";
export {
  differenceOfGaussians,
  type DifferenceOfGaussiansOptions,
} from "./differenceOfGaussians.js";
export { hessianOfGaussian, hessianOfGaussianEigenvalues } from "./hessianOfGaussian.js";
export { structureTensor, structureTensorEigenvalues } from "./structureTensor.js";
