/**
 * The data-samples manifest (`data-samples/manifest.json`) and checksums: the
 * folder, reading and checking the manifest, a generated sample's entry, the
 * sha256 of voxel data, writing a sample's files and comparing entries.
 */
import { createHash } from "node:crypto";
import { existsSync, promises as fsp, readFileSync } from "node:fs";
import path from "node:path";
import { findRepoRoot } from "../io/projectRoot.js";
import { writeTiff } from "../io/writeTiff.js";
import { dtypeOf } from "../volume/dtype.js";
import type { DType, Shape3, Spacing3, Volume, VoxelArray } from "../volume/types.js";
import { checkManifest } from "./checkManifest.js";
import { specOf, type SampleName, type SampleSpec } from "./sampleCatalog.js";
import { generateSpec, type GeneratedSample } from "./sampleGenerators.js";

/** One file of a sample in the manifest. */
export interface ManifestFile {
  /** Array name within the sample (e.g. "se2"). */
  name: string;
  /** Path relative to the data-samples folder. */
  file: string;
  description: string;
  dtype: DType;
  shape: Shape3;
  spacing: Spacing3;
  /** sha256 (hex) of the voxel data: little-endian bytes, x fastest (independent of TIFF compression). */
  sha256: string;
}

/** One sample in the manifest. */
export interface ManifestSample {
  name: SampleName;
  kind: "fibsem" | "ebsd";
  description: string;
  committed: boolean;
  shape: Shape3;
  spacing: Spacing3;
  seed: number;
  files: ManifestFile[];
  /** Non-volume results (test slice, shifts, ...), JSON. */
  meta: Record<string, unknown>;
}

export interface Manifest {
  format: 1;
  note: string;
  samples: ManifestSample[];
}

const FILE_DESCRIPTIONS: Record<string, string> = {
  se2: "SE2 (chamber) detector images, uint8",
  inlens: "InLens detector images, uint8",
  truth: "ground truth classes: 1 void, 2 CBD, 3 NMC",
  labels: "sparse brush-stroke training labels, 0 = unlabelled",
  redeposition: "1 where re-deposited material covers a pore (void in the truth)",
  iq: "EBSD image quality as acquired (misaligned), uint8",
  iqAligned: "EBSD image quality before misalignment, uint8",
  grains: "truth grain labels, 0 = background",
  targets: "U-Net targets: 1 grain boundary, 2 grain interior, 3 background",
};

/** sha256 (hex) of a volume's voxel data (little-endian bytes, x fastest). */
export function volumeSha256(volume: Volume): string {
  const d = volume.data as VoxelArray;
  return createHash("sha256")
    .update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))
    .digest("hex");
}

/** The data-samples folder: `TOMOLAB_DATA_SAMPLES`, else `<repo root>/data-samples`. */
export function sampleDir(): string {
  if (process.env.TOMOLAB_DATA_SAMPLES) return path.resolve(process.env.TOMOLAB_DATA_SAMPLES);
  const root = findRepoRoot();
  if (!root) {
    throw new Error(
      "cannot find the tomolab project root (a package.json with workspaces) above this module or the working directory; set TOMOLAB_DATA_SAMPLES to the data-samples folder",
    );
  }
  return path.join(root, "data-samples");
}

/** The manifest entry of a generated sample: files with their sha256, and its metadata. @internal */
export function manifestEntry(spec: SampleSpec, g: GeneratedSample): ManifestSample {
  return {
    name: spec.name,
    kind: spec.kind,
    description: spec.description,
    committed: spec.committed,
    shape: [...spec.shape],
    spacing: [...spec.spacing],
    seed: spec.seed,
    files: Object.entries(g.volumes).map(([name, v]) => ({
      name,
      file: `${spec.name}/${name}.tif`,
      description: FILE_DESCRIPTIONS[name] ?? name,
      dtype: dtypeOf(v.data),
      shape: [...v.shape],
      spacing: [...v.spacing],
      sha256: volumeSha256(v),
    })),
    meta: JSON.parse(JSON.stringify(g.meta)),
  };
}

/**
 * Read the manifest of a data-samples folder (undefined when there is none),
 * checking every field (see the schema of {@link Manifest}): each sample's
 * entry lists the volumes of its kind with relative paths inside the folder,
 * dtypes, shapes and spacings of the sample and sha256 checksums, and the
 * metadata `loadSample` returns.
 * @throws TypeError / RangeError naming the manifest file and the field, e.g.
 *   `sample manifest data-samples/manifest.json: \`samples[1].files\` must list ...`.
 */
export function readManifest(dir = sampleDir()): Manifest | undefined {
  const file = path.join(dir, "manifest.json");
  if (!existsSync(file)) return undefined;
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new RangeError(`cannot parse sample manifest ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  checkManifest(m, `sample manifest ${file}`);
  return m;
}

/**
 * Write a sample's volumes as `<dir>/<name>/<array>.tif` (deflate TIFF with
 * the spacing in nm, each through a temporary file and rename). @internal
 */
export async function writeSampleFiles(
  dir: string,
  name: string,
  volumes: Record<string, Volume>,
): Promise<void> {
  await fsp.mkdir(path.join(dir, name), { recursive: true });
  for (const [array, v] of Object.entries(volumes)) {
    await writeTiff(path.join(dir, name, `${array}.tif`), v, {
      compression: "deflate",
      level: 6,
      overwrite: true,
    });
  }
}

export interface WriteSampleOptions {
  /** Target folder. @default {@link sampleDir} */
  dir?: string;
}

/**
 * Generate a sample and write its files (`<dir>/<name>/<array>.tif`, deflate
 * TIFF with spacing in nm) through a temporary file and rename, returning its
 * manifest entry (the caller writes the manifest).
 */
export async function writeSample(
  name: SampleName,
  options: WriteSampleOptions = {},
): Promise<ManifestSample> {
  const spec = specOf(name);
  const dir = options.dir ?? sampleDir();
  const g = generateSpec(spec);
  const entry = manifestEntry(spec, g);
  await writeSampleFiles(dir, spec.name, g.volumes);
  return entry;
}

/** Compare a manifest entry's volumes with the manifest; returns a list of problems (empty = consistent). */
export function compareEntries(expected: ManifestSample, actual: ManifestSample): string[] {
  const problems: string[] = [];
  for (const f of expected.files) {
    const a = actual.files.find((x) => x.name === f.name);
    if (!a) problems.push(`${expected.name}/${f.name}: missing`);
    else if (a.sha256 !== f.sha256)
      problems.push(`${expected.name}/${f.name}: sha256 ${a.sha256} != manifest ${f.sha256}`);
  }
  if (JSON.stringify(expected.meta) !== JSON.stringify(actual.meta))
    problems.push(`${expected.name}: metadata differs`);
  return problems;
}
