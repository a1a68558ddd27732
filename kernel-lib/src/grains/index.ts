export {
  grainTable,
  GRAIN_PROPERTIES,
  type GrainProperty,
  type GrainTable,
  type GrainTableOptions,
} from "./table.js";
export {
  grainBoundaryNetwork,
  type GrainBoundaryNetwork,
  type GrainBoundaryNetworkOptions,
} from "./network.js";
export { croftonWeights, CROFTON_DIRECTIONS } from "./crofton.js";
