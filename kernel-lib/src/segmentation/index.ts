export { alignStack, type AlignStackOptions, type AlignStackResult, type SliceTransform } from "./alignStack.js";
export { phaseCorrelate, type PhaseCorrelateOptions, type PhaseCorrelation } from "./alignPair.js";
export {
  fftPlan,
  fft2dPlan,
  fft2d,
  realFft2d,
  inverseRealFft2d,
  type FftPlan,
  type Fft2dPlan,
} from "./fft.js";
export { grainWatershed, type GrainProbabilities, type GrainWatershedOptions, type GrainWatershed } from "./watershed.js";
