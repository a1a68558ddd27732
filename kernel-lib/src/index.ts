/**
 * tomolab: segment and measure 3D microscopy volumes in the tslab kernel.
 * The public surface, re-exported folder by folder.
 */
export * from "./util/index.js";
export * from "./volume/index.js";
export * from "./io/index.js";
export * from "./parallel/index.js";
export * from "./filters/index.js";
export * from "./plot/index.js";
export * from "./display/index.js";
export * from "./stats/index.js";
export * from "./synth/index.js";
export * from "./metrics/index.js";
export * from "./features/index.js";
export * from "./classify/index.js";
export * from "./papers/index.js";
export * from "./morphology/index.js";
export * from "./transport/index.js";
export * from "./grains/index.js";
export * from "./segmentation/index.js";
export * from "./nn/index.js";
export * from "./ebsd/index.js";
export * from "./isbi/index.js";
