/** Volume I/O: TIFF stacks (read, lazy open, write) and folders of PNG slices. */
export { openTiff } from "./openTiff.js";
export type { OpenTiffOptions, TiffReadOptions, TiffStack } from "./openTiff.js";
export { readTiff } from "./readTiff.js";
export type { ReadTiffOptions } from "./readTiff.js";
export type { ImageJMetadata } from "./imagej.js";
export { writeTiff } from "./writeTiff.js";
export type { WriteTiffOptions } from "./writeTiff.js";
export { readPngStack } from "./readPngStack.js";
export type { ReadPngStackOptions } from "./readPngStack.js";
export { writePngStack } from "./writePngStack.js";
export type { WritePngStackOptions } from "./writePngStack.js";
export { sharedDataPath, requireSharedData } from "./sharedData.js";
export { findRepoRoot } from "./projectRoot.js";
export { readAng, parseAng } from "./ebsdAng.js";
export { readCtf, parseCtf } from "./ebsdCtf.js";
export type { EbsdMap, EbsdPhase } from "./ebsdTypes.js";
export { readEbsdStack } from "./ebsdStack.js";
export type { EbsdStack, ReadEbsdStackOptions } from "./ebsdStack.js";
