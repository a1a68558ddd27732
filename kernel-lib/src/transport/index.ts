export {
  selectParticle,
  innerPores,
  type SelectParticleOptions,
  type InnerPoresOptions,
  type InnerPores,
} from "./particle.js";
export {
  shellVolumeFraction,
  sectionVolumeFraction,
  type ShellOptions,
  type ShellProfile,
  type SectionOptions,
  type SectionProfile,
} from "./profiles.js";
export {
  porosimetry,
  intrusionCurve,
  innerPoreIntrusion,
  type Porosimetry,
  type PorosimetryOptions,
  type IntrusionCurveOptions,
  type IntrusionCurve,
  type InnerPoreIntrusionOptions,
  type InnerPoreIntrusion,
} from "./porosimetry.js";
export {
  geodesicDistance,
  type GeodesicField,
  type GeodesicOptions,
  type VoxelSet,
} from "./geodesic.js";
export {
  geodesicTortuosity,
  type TortuosityLevel,
  type TortuosityOptions,
  type TortuosityResult,
} from "./tortuosity.js";
export {
  tracePaths,
  type GeodesicPath,
  type TracePathsOptions,
  type TracedPaths,
} from "./paths.js";
