/**
 * The sample data API in one module (scripts/data.mjs loads it from
 * kernel-lib/dist without the rest of the library): the catalogue of default
 * samples, the generators, the manifest and checksums, and `loadSample`.
 */
export {
  SAMPLES,
  type SampleName,
  type FibsemSampleName,
  type EbsdSampleName,
  type SampleSpec,
  type Sample,
  type FibsemSample,
  type EbsdSample,
} from "./sampleCatalog.js";
export {
  fibsemSample,
  ebsdSample,
  generateSample,
  type FibsemSampleOptions,
  type EbsdSampleOptions,
} from "./sampleGenerators.js";
export {
  readManifest,
  writeSample,
  compareEntries,
  sampleDir,
  volumeSha256,
  type Manifest,
  type ManifestSample,
  type ManifestFile,
  type WriteSampleOptions,
} from "./sampleManifest.js";
export { loadSample, type LoadSampleOptions } from "./loadSample.js";
