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
export {
  SAMPLES,
  loadSample,
  generateSample,
  fibsemSample,
  ebsdSample,
  writeSample,
  readManifest,
  compareEntries,
  sampleDir,
  volumeSha256,
  type SampleName,
  type FibsemSampleName,
  type EbsdSampleName,
  type SampleSpec,
  type Sample,
  type FibsemSample,
  type EbsdSample,
  type Manifest,
  type ManifestSample,
  type ManifestFile,
  type LoadSampleOptions,
  type FibsemSampleOptions,
  type EbsdSampleOptions,
  type WriteSampleOptions,
} from "./samples.js";
