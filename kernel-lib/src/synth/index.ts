/** Simulators that make tomolab's sample data, and the samples themselves. */
export { CLASS, nmcPhantom, type NmcPhantomOptions } from "./nmcPhantom.js";
export {
  remapLabels,
  TAUFACTOR_ELECTRODE_CLASSES,
  type RemapLabelsOptions,
} from "./remapLabels.js";
export {
  simulateFibsem,
  SE2_DETECTOR,
  INLENS_DETECTOR,
  type DetectorModel,
  type FibsemEffects,
  type FibsemOptions,
  type FibsemSimulation,
} from "./fibsem.js";
export {
  brushStrokeLabels,
  type BrushStrokeOptions,
  type BrushStrokeLabels,
} from "./brushStrokes.js";
export {
  laguerreParticle,
  type LaguerreParticleOptions,
  type LaguerreParticle,
} from "./laguerreParticle.js";
export {
  grainTargets,
  TARGET,
  type GrainTargets,
  type GrainTargetsOptions,
} from "./grainTargets.js";
export { simulateEbsd, type EbsdEffects, type EbsdOptions, type EbsdSimulation } from "./ebsd.js";
export { ebsdOrientations, type EbsdOrientations, type EbsdOrientationsOptions } from "./ebsdOrientations.js";
// The sample data API, whole (samples.ts gathers the catalogue, generators, manifest and loadSample).
export * from "./samples.js";
