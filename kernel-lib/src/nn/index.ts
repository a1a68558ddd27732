// Neural networks (U-Net segmentation, Paper 2) on TensorFlow.js. Importing this module loads
// no TensorFlow code: getNnBackend() loads the backend on first use.
//
// The high-level API (signatures kept stable):
//   trainUNet(image: Volume, labels: Volume | SliceLabels, options?: TrainUNetOptions): Promise<UNetModel>
//     labels: 0 = unlabelled, 1..K = class (Paper 2: 1 boundary, 2 interior, 3 background), or
//     { targets, slices } (codes read on those z slices only); options: dims, steps, crop, batch,
//     learningRate, seed, augment, normalization, classNames, network, resume, backend, signal,
//     onProgress(done, total, note), progress.
//   predictUNet(model: UNetModel, volume: Volume, options?: PredictUNetOptions): Promise<UNetPrediction>
//     options: tile, overlap, halo, batch, signal, onProgress, progress; result: probabilities
//     (one float32 Volume per class), byClass, classNames, labels (argmax code 1..K), tiles, seconds.
//   saveUNet(model: UNetModel, dir: string, options?: { overwrite?, meta? }): Promise<string>
//   loadUNet(dir: string, options?: { backend?, architecture? }): Promise<UNetModel>
export * from "./adam.js";
export * from "./backend.js";
export * from "./conv.js";
export * from "./fastOps.js";
export * from "./gradients.js";
export * from "./loss.js";
export * from "./unet.js";
export * from "./train.js";
export * from "./augment.js";
export * from "./normalize.js";
export {
  trainUNet,
  trainingCrop,
  type SliceLabels,
  type TrainUNetOptions,
  type UNetModel,
  type UNetTrainingRecord,
} from "./trainUNet.js";
export {
  predictUNet,
  tileAxis,
  type PredictUNetOptions,
  type TileAxis,
  type UNetPrediction,
} from "./predictUNet.js";
export * from "./checkpoint.js";
