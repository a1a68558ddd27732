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
