// Neural networks (U-Net segmentation, Paper 2) on TensorFlow.js. Importing this module loads
// no TensorFlow code: getNnBackend() loads the backend on first use.
export * from "./backend.js";
export * from "./conv.js";
export * from "./gradients.js";
export * from "./loss.js";
export * from "./unet.js";
export * from "./train.js";
