/** `loadSample`: a default sample from its files (checked against the manifest), or generated. */
import { existsSync } from "node:fs";
import path from "node:path";
import { readTiff } from "../io/readTiff.js";
import { dtypeOf } from "../volume/dtype.js";
import type { Volume } from "../volume/types.js";
import {
  assembleSample,
  specOf,
  type EbsdSample,
  type EbsdSampleName,
  type FibsemSample,
  type FibsemSampleName,
  type Sample,
  type SampleName,
  type SampleSpec,
} from "./sampleCatalog.js";
import { checkBoolean } from "../util/checks.js";
import { generateSpec, type GeneratedSample } from "./sampleGenerators.js";
import {
  compareEntries,
  manifestEntry,
  type ManifestSample,
  readManifest,
  sampleDir,
  volumeSha256,
  writeSampleFiles,
} from "./sampleManifest.js";

export interface LoadSampleOptions {
  /** The data-samples folder. @default {@link sampleDir} */
  dir?: string;
  /**
   * When the files are missing: generate the sample (and try to save it for
   * next time) instead of throwing an error that says how to make it.
   * @default true
   */
  generate?: boolean;
  /** Check every volume's sha256 against the manifest. @default true */
  verify?: boolean;
}

const cache = new Map<string, Sample>();

/** Read a sample's volumes listed in its manifest entry, checking dtype, shape and (with `verify`) sha256. */
async function readSampleFiles(
  dir: string,
  entry: ManifestSample,
  verify: boolean,
): Promise<Record<string, Volume>> {
  const volumes: Record<string, Volume> = {};
  for (const f of entry.files) {
    const file = path.join(dir, f.file);
    const v = await readTiff(file, { spacing: f.spacing });
    if (dtypeOf(v.data) !== f.dtype || v.shape.join() !== f.shape.join()) {
      throw new Error(
        `${file}: expected ${f.dtype} ${f.shape.join("x")} (manifest), found ${dtypeOf(v.data)} ${v.shape.join("x")}; regenerate with \`npm run data -- --force\``,
      );
    }
    if (verify) {
      const h = volumeSha256(v);
      if (h !== f.sha256) {
        throw new Error(
          `${file}: voxel data sha256 ${h} does not match the manifest (${f.sha256}); the file is stale or damaged: regenerate with \`npm run data -- --force\``,
        );
      }
    }
    volumes[f.name] = v;
  }
  return volumes;
}

/**
 * Generate a missing sample, check it against its manifest entry (with
 * `verify`), and save its files for next time when the folder is writable
 * (a failure to save is not an error: a read-only checkout keeps the sample in memory).
 */
async function generateMissing(
  spec: SampleSpec,
  dir: string,
  entry: ManifestSample | undefined,
  verify: boolean,
): Promise<GeneratedSample> {
  const g = generateSpec(spec);
  if (verify && entry) {
    const problems = compareEntries(entry, manifestEntry(spec, g));
    if (problems.length > 0) {
      throw new Error(
        `generated sample ${JSON.stringify(spec.name)} does not match the manifest (${problems.join("; ")}); the generator changed: update the manifest with \`npm run data -- --update-manifest\``,
      );
    }
  }
  try {
    await writeSampleFiles(dir, spec.name, g.volumes);
  } catch {
    // read-only checkout: keep the in-memory sample
  }
  return g;
}

/**
 * Load a default sample with one call: reads `data-samples/<name>/*.tif`,
 * checks each volume's sha256 against `data-samples/manifest.json`, and
 * returns the volumes with their metadata. Missing files are generated (or,
 * with `generate: false`, an error says to run `npm run data`). Results are
 * cached per process.
 * @param name - One of {@link SAMPLES}: "fibsem-nmc", "porous-particle", "ebsd-particle" or their "-small" variants.
 * @example
 * const { se2, inlens, truth, labels, testSlice } = await loadSample("fibsem-nmc");
 */
export function loadSample(
  name: FibsemSampleName,
  options?: LoadSampleOptions,
): Promise<FibsemSample>;
export function loadSample(name: EbsdSampleName, options?: LoadSampleOptions): Promise<EbsdSample>;
export function loadSample(name: SampleName, options?: LoadSampleOptions): Promise<Sample>;
export async function loadSample(
  name: SampleName,
  options: LoadSampleOptions = {},
): Promise<Sample> {
  const spec = specOf(name);
  const dir = options.dir ?? sampleDir();
  const verify = checkBoolean(options.verify ?? true, "verify");
  const generate = checkBoolean(options.generate ?? true, "generate");
  const key = `${path.resolve(dir)}::${name}::${verify}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const manifestFile = path.join(dir, "manifest.json");
  const entry = readManifest(dir)?.samples.find((s) => s.name === name);
  if (entry && entry.kind !== spec.kind)
    throw new RangeError(
      `sample manifest ${manifestFile}: sample ${JSON.stringify(name)} has kind ${JSON.stringify(entry.kind)}, this version of tomolab makes it as ${JSON.stringify(spec.kind)}; regenerate with \`npm run data -- --force --update-manifest\``,
    );
  if (verify && !entry) {
    throw new Error(
      `sample ${JSON.stringify(name)} is not in the manifest ${manifestFile}; run \`npm run data\` in the project root`,
    );
  }
  let sample: Sample;
  if (entry && entry.files.every((f) => existsSync(path.join(dir, f.file)))) {
    sample = assembleSample(spec, await readSampleFiles(dir, entry, verify), entry.meta);
  } else {
    if (!generate) {
      throw new Error(
        `sample ${JSON.stringify(name)} is missing in ${dir}; run \`npm run data\` in the project root to generate it (or call loadSample with generate: true)`,
      );
    }
    const g = await generateMissing(spec, dir, entry, verify);
    sample = assembleSample(spec, g.volumes, g.meta);
  }
  cache.set(key, sample);
  return sample;
}
