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
  type PorosimetryOptions,
  type IntrusionCurveOptions,
  type IntrusionCurve,
  type InnerPoreIntrusionOptions,
  type InnerPoreIntrusion,
} from "./porosimetry.js";
export * from "./geodesic.js";
export * from "./paths.js";
export * from "./tortuosity.js";
