export {
  featureSpec,
  featureChannels,
  sourceInputs,
  ILASTIK_SCALES,
  ILASTIK_FILTERS,
  TAILORED_FEATURES,
  TAILORED_DEFAULTS,
  FILTER_INFO,
  TAILORED_INFO,
  type FeatureSpec,
  type FeatureSpecOptions,
  type FeatureChannel,
  type FeatureGroup,
  type FeatureInput,
  type IlastikFilter,
  type TailoredFeature,
} from "./spec.js";
export { featureHalo } from "./plan.js";
export {
  computeFeatures,
  type ComputeFeaturesOptions,
  type FeatureStack,
  type Region,
} from "./computeFeatures.js";
export { featureBlocks, type FeatureBlocksOptions, type FeatureBuffers } from "./featureBlocks.js";
export {
  featuresAtLabels,
  type FeaturesAtLabelsOptions,
  type LabelledSamples,
} from "./featuresAtLabels.js";
export {
  computeBlockFeatures,
  type FeatureBlockSource,
  type FeatureSink,
} from "./blockFeatures.js";
export type { FeatureInputs } from "./inputs.js";
export {
  featureChannelsFigure,
  type FeatureChannelsFigureOptions,
} from "./featureChannelsFigure.js";
