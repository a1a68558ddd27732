export {
  show,
  showImage,
  displayHtml,
  displayText,
  sanitizeId,
  PLOTLY_MIME,
  type ShowOptions,
} from "./show.js";
export { record, recordedNumbers, clearRecordedNumbers } from "./record.js";
export { realData } from "./realData.js";
export { progress, formatDuration, type Progress, type ProgressOptions } from "./progress.js";
export {
  inKernel,
  sendDisplay,
  setDisplayWriter,
  newDisplayId,
  type DisplayContent,
  type DisplayWriter,
} from "./kernel.js";
export { renderStaticSync, closeStaticRenderer } from "./staticImage.js";
export {
  view,
  VOLUME_MIME,
  type ViewOptions,
  type ViewOverlay,
  type ViewHandle,
  type RetrainOptions,
} from "./view.js";
export { viewerMessage, viewerThresholds, onViewerMessage } from "./viewerMessage.js";
export { VIEW_CACHE_DIR } from "./viewSource.js";
export {
  trainingImages,
  TRAINING_MIME,
  DEFAULT_LIVE_FILTERS,
  type LiveTrainingOptions,
  type LiveTrainingState,
  type TrainingImages,
  type TrainingDone,
} from "./training.js";
export {
  loadLabels,
  saveLabels,
  sanitizeLabelFileName,
  encodeLabelRuns,
  decodeLabelRuns,
  countLabels,
  DEFAULT_LABEL_CLASSES,
  LABELS_SUFFIX,
  MAX_LABEL_VOXELS,
  resolveLabelPath,
  type LoadLabelsOptions,
  type SaveLabelsOptions,
  type LabelPathOptions,
  type LabelVolume,
} from "./labels.js";
export type {
  VolumePayload,
  ChannelPayload,
  OverlayPayload,
  LabelClass,
  LabelFile,
  ViewerMessage,
  ArraySource,
  TrainingPayload,
  TrainingSelection,
  TrainingResult,
  FeatureImportance,
} from "./viewerTypes.js";
