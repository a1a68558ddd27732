import { createHash } from "node:crypto";
import { existsSync, promises as fsp, readFileSync } from "node:fs";
import path from "node:path";
import { readTiff } from "../io/readTiff.js";
import { writeTiff } from "../io/writeTiff.js";
import { findRepoRoot } from "../io/projectRoot.js";
import { dtypeOf } from "../volume/dtype.js";
import type { DType, Shape3, Spacing3, Volume, VoxelArray } from "../volume/types.js";
import { checkShape, checkVolume } from "../volume/check.js";
import { checkManifest } from "./checkManifest.js";
import { brushStrokeLabels, type BrushStrokeOptions } from "./brushStrokes.js";
import { simulateEbsd, type EbsdOptions } from "./ebsd.js";
import { simulateFibsem, type FibsemOptions } from "./fibsem.js";
import { grainTargets } from "./grainTargets.js";
import { laguerreParticle, type LaguerreParticleOptions } from "./laguerreParticle.js";
import { nmcPhantom, type NmcPhantomOptions } from "./nmcPhantom.js";

/** Names of the FIB/SEM samples. */
export type FibsemSampleName = "fibsem-nmc" | "fibsem-nmc-small";
/** Names of the FIB-EBSD samples. */
export type EbsdSampleName = "ebsd-particle" | "ebsd-particle-small";
export type SampleName = FibsemSampleName | EbsdSampleName;

/** How a sample is made: everything the generator needs, fixed here so `npm run data` is deterministic. */
export interface SampleSpec {
  name: SampleName;
  kind: "fibsem" | "ebsd";
  description: string;
  shape: Shape3;
  spacing: Spacing3;
  seed: number;
  /** Small samples are committed to git; the others are generated at setup. */
  committed: boolean;
}

/** The default samples. */
export const SAMPLES: Readonly<Record<SampleName, Readonly<SampleSpec>>> = Object.freeze({
  "fibsem-nmc": {
    name: "fibsem-nmc",
    kind: "fibsem",
    description:
      "Simulated FIB/SEM tomography of a hierarchically porous NMC cathode (10 nm voxels), SE2 + InLens detectors with shine-through, re-deposition, curtaining, gradient, flicker and noise; truth labels (1 void, 2 CBD, 3 NMC) and sparse brush-stroke training labels with a test slice and exclusion gap.",
    shape: [160, 192, 192],
    spacing: [10, 10, 10],
    seed: 1,
    committed: false,
  },
  "fibsem-nmc-small": {
    name: "fibsem-nmc-small",
    kind: "fibsem",
    description: "Small variant of fibsem-nmc for fast tests (same physics, 48 x 96 x 96 voxels).",
    shape: [48, 96, 96],
    spacing: [10, 10, 10],
    seed: 2,
    committed: true,
  },
  "ebsd-particle": {
    name: "ebsd-particle",
    kind: "ebsd",
    description:
      "Simulated FIB-EBSD image-quality stack of a polycrystalline NMC particle (50 nm voxels, Laguerre grains of ~500 nm mean volume-equivalent diameter), misaligned slice by slice; aligned IQ, truth grain labels, boundary/interior/background targets and the applied shifts.",
    shape: [96, 224, 224],
    spacing: [50, 50, 50],
    seed: 1,
    committed: false,
  },
  "ebsd-particle-small": {
    name: "ebsd-particle-small",
    kind: "ebsd",
    description: "Small variant of ebsd-particle for fast tests (32 x 96 x 96 voxels).",
    shape: [32, 96, 96],
    spacing: [50, 50, 50],
    seed: 2,
    committed: true,
  },
});

/** A FIB/SEM sample: two detector stacks, truth and sparse labels with their protocol. */
export interface FibsemSample {
  name: string;
  kind: "fibsem";
  description: string;
  /** SE2 detector images (uint8). */
  se2: Volume<Uint8Array>;
  /** InLens detector images (uint8). */
  inlens: Volume<Uint8Array>;
  /** Ground truth: 1 void, 2 CBD, 3 NMC. */
  truth: Volume<Uint8Array>;
  /** Sparse brush-stroke training labels (0 = unlabelled). */
  labels: Volume<Uint8Array>;
  /** 1 where re-deposited material covers a pore (void in the truth). */
  redeposition: Volume<Uint8Array>;
  /** Fully labelled test slice (score on `truth` at this z). */
  testSlice: number;
  /** Slices without labels on each side of the test slice. */
  gap: number;
  /** Inclusive z range without training labels. */
  excluded: [number, number];
  /** Slices that carry brush strokes. */
  trainSlices: number[];
  /** Class names by id. */
  classes: Record<number, string>;
}

/** A FIB-EBSD sample: IQ stack as acquired and aligned, truth grains, U-Net targets and the applied shifts. */
export interface EbsdSample {
  name: string;
  kind: "ebsd";
  description: string;
  /** IQ images as acquired (misaligned), uint8. */
  iq: Volume<Uint8Array>;
  /** IQ images before misalignment, uint8. */
  iqAligned: Volume<Uint8Array>;
  /** Truth grain labels (0 = background). */
  grains: Volume<Int32Array>;
  /** Target codes: 1 boundary, 2 interior, 3 background. */
  targets: Volume<Uint8Array>;
  boundary: Volume<Uint8Array>;
  interior: Volume<Uint8Array>;
  background: Volume<Uint8Array>;
  /** Translation [dy, dx] applied to each slice: iq[z](y, x) = iqAligned[z](y - dy, x - dx). */
  shifts: [number, number][];
  /** Rotation applied to each slice, degrees. */
  rotations: number[];
  /** The slices to treat as hand-labelled for training (Paper 2 labelled z = 26, 37, 49, 60 of 91). */
  labelledSlices: number[];
}

export type Sample = FibsemSample | EbsdSample;

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

function specOf(name: string): SampleSpec {
  const spec = (SAMPLES as Record<string, SampleSpec>)[name];
  if (!spec) {
    throw new RangeError(
      `unknown sample ${JSON.stringify(name)}; available: ${Object.keys(SAMPLES).join(", ")}`,
    );
  }
  return spec;
}

/** Paper 2's labelled slices (26, 37, 49, 60 of 91) scaled to `nz` slices. */
function labelledSlicesFor(nz: number): number[] {
  return [...new Set([26, 37, 49, 60].map((z) => Math.min(nz - 1, Math.round((z / 91) * nz))))];
}

/** Volumes and metadata of a freshly generated sample. */
interface Generated {
  volumes: Record<string, Volume>;
  meta: Record<string, unknown>;
}

export interface FibsemSampleOptions {
  /** Imaged region [nz, ny, nx]. @default [160, 192, 192] */
  shape?: Shape3;
  /** Voxel size in nm. @default [10, 10, 10] */
  spacing?: Spacing3;
  /** Seed of structure, imaging and labels. @default 1 */
  seed?: number;
  /** Microstructure options (ignored with `structure`). */
  phantom?: Omit<NmcPhantomOptions, "spacing" | "seed">;
  /** Imaging options (seed and outputShape are set from this call). */
  imaging?: Omit<FibsemOptions, "seed" | "outputShape">;
  /** Brush-stroke options (seed is set from this call). */
  labels?: Omit<BrushStrokeOptions, "seed">;
  /**
   * An external structure to image instead of a phantom (labels 1 void, 2 CBD,
   * 3 NMC, e.g. `remapLabels(electrode, TAUFACTOR_ELECTRODE_CLASSES)`); `shape`
   * then defaults to the structure's shape less the margins the shine-through
   * needs behind the last slice and beyond the +y edge (40 slices and 30 rows at the defaults), when it is larger than those.
   */
  structure?: Volume<Uint8Array>;
}

function fibsemGenerated(options: FibsemSampleOptions): Generated {
  const spacing = options.spacing ?? options.structure?.spacing ?? [10, 10, 10];
  const seed = options.seed ?? 1;
  const maxDepth = options.imaging?.maxDepth ?? 400;
  const viewAngle = options.imaging?.viewAngle ?? 36;
  // Margins so that the last slices and the +y edge still have material behind them.
  const mz = Math.ceil(maxDepth / spacing[0]);
  const my = Math.ceil((maxDepth * Math.tan((viewAngle * Math.PI) / 180)) / spacing[1]) + 1;
  let structure = options.structure;
  let shape = options.shape;
  if (structure) {
    checkVolume(structure, "structure", { dtypes: ["uint8"] });
    const [sz, sy, sx] = structure.shape;
    shape ??= sz > mz && sy > my ? [sz - mz, sy - my, sx] : [sz, sy, sx];
  } else {
    shape ??= [160, 192, 192];
    checkShape(shape);
    structure = nmcPhantom([shape[0] + mz, shape[1] + my, shape[2]], {
      ...options.phantom,
      spacing,
      seed,
    });
  }
  const sim = simulateFibsem(structure, {
    ...options.imaging,
    outputShape: shape,
    seed,
    maxDepth,
    viewAngle,
  });
  const strokes = brushStrokeLabels(sim.truth, { ...options.labels, seed });
  return {
    volumes: {
      se2: sim.se2,
      inlens: sim.inlens,
      truth: sim.truth,
      labels: strokes.labels,
      redeposition: sim.redeposition,
    },
    meta: {
      testSlice: strokes.testSlice,
      gap: strokes.gap,
      excluded: strokes.excluded,
      trainSlices: strokes.trainSlices,
      labelCounts: strokes.counts,
      strokes: strokes.strokes,
      classes: { 0: "unlabelled", 1: "void", 2: "CBD", 3: "NMC" },
      structureShape: structure.shape,
    },
  };
}

export interface EbsdSampleOptions {
  /** Volume [nz, ny, nx]. @default [96, 224, 224] */
  shape?: Shape3;
  /** Voxel size in nm. @default [50, 50, 50] */
  spacing?: Spacing3;
  /** Seed of tessellation and imaging. @default 1 */
  seed?: number;
  /** Particle and grain options. */
  particle?: Omit<LaguerreParticleOptions, "spacing" | "seed">;
  /** IQ imaging and misalignment options (seed is set from this call). */
  imaging?: Omit<EbsdOptions, "seed">;
}

function ebsdGenerated(options: EbsdSampleOptions): Generated {
  const shape = options.shape ?? [96, 224, 224];
  const spacing = options.spacing ?? [50, 50, 50];
  const seed = options.seed ?? 1;
  const { grains, count } = laguerreParticle(shape, { ...options.particle, spacing, seed });
  const sim = simulateEbsd(grains, { ...options.imaging, seed });
  return {
    volumes: { iq: sim.iq, iqAligned: sim.iqAligned, grains, targets: sim.targets },
    meta: {
      shifts: sim.shifts,
      rotations: sim.rotations,
      grainCount: count,
      labelledSlices: labelledSlicesFor(shape[0]),
      targetCodes: { 1: "boundary", 2: "interior", 3: "background" },
    },
  };
}

function generate(spec: SampleSpec): Generated {
  return spec.kind === "fibsem"
    ? fibsemGenerated({ shape: spec.shape, spacing: spec.spacing, seed: spec.seed })
    : ebsdGenerated({ shape: spec.shape, spacing: spec.spacing, seed: spec.seed });
}

/**
 * A FIB/SEM sample made to order (the default samples use this with fixed
 * seeds): an NMC phantom with margins (or an external structure) imaged with
 * both detectors, and brush-stroke labels around a test slice.
 * @example
 * const s = fibsemSample({ shape: [64, 128, 128], seed: 5, imaging: { effects: { redeposition: false } } });
 */
export function fibsemSample(options: FibsemSampleOptions = {}): FibsemSample {
  const g = fibsemGenerated(options);
  const shape = g.volumes.se2.shape;
  return assemble(
    {
      name: "custom" as SampleName,
      kind: "fibsem",
      description: `custom FIB/SEM sample ${shape.join("x")}`,
      shape,
      spacing: g.volumes.se2.spacing,
      seed: options.seed ?? 1,
      committed: false,
    },
    g.volumes,
    g.meta,
  ) as FibsemSample;
}

/**
 * A FIB-EBSD sample made to order: a Laguerre particle imaged as IQ with misalignment.
 * @example
 * const s = ebsdSample({ shape: [48, 128, 128], particle: { meanDiameter: 400 } });
 */
export function ebsdSample(options: EbsdSampleOptions = {}): EbsdSample {
  const g = ebsdGenerated(options);
  const shape = g.volumes.iq.shape;
  return assemble(
    {
      name: "custom" as SampleName,
      kind: "ebsd",
      description: `custom FIB-EBSD sample ${shape.join("x")}`,
      shape,
      spacing: g.volumes.iq.spacing,
      seed: options.seed ?? 1,
      committed: false,
    },
    g.volumes,
    g.meta,
  ) as EbsdSample;
}

function assemble(
  spec: SampleSpec,
  volumes: Record<string, Volume>,
  meta: Record<string, unknown>,
): Sample {
  if (spec.kind === "fibsem") {
    return {
      name: spec.name,
      kind: "fibsem",
      description: spec.description,
      se2: volumes.se2 as Volume<Uint8Array>,
      inlens: volumes.inlens as Volume<Uint8Array>,
      truth: volumes.truth as Volume<Uint8Array>,
      labels: volumes.labels as Volume<Uint8Array>,
      redeposition: volumes.redeposition as Volume<Uint8Array>,
      testSlice: meta.testSlice as number,
      gap: meta.gap as number,
      excluded: meta.excluded as [number, number],
      trainSlices: meta.trainSlices as number[],
      classes: meta.classes as Record<number, string>,
    };
  }
  const t = grainTargets(volumes.grains);
  return {
    name: spec.name,
    kind: "ebsd",
    description: spec.description,
    iq: volumes.iq as Volume<Uint8Array>,
    iqAligned: volumes.iqAligned as Volume<Uint8Array>,
    grains: volumes.grains as Volume<Int32Array>,
    targets: volumes.targets as Volume<Uint8Array>,
    boundary: t.boundary,
    interior: t.interior,
    background: t.background,
    shifts: meta.shifts as [number, number][],
    rotations: meta.rotations as number[],
    labelledSlices: meta.labelledSlices as number[],
  };
}

function manifestEntry(spec: SampleSpec, g: Generated): ManifestSample {
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
 * Generate a default sample in memory (no files), deterministically from its
 * fixed seed. `fibsem-nmc` takes tens of seconds; prefer {@link loadSample}.
 * @param name - One of {@link SAMPLES}.
 */
export function generateSample(name: FibsemSampleName): FibsemSample;
export function generateSample(name: EbsdSampleName): EbsdSample;
export function generateSample(name: SampleName): Sample;
export function generateSample(name: SampleName): Sample {
  const spec = specOf(name);
  const g = generate(spec);
  return assemble(spec, g.volumes, g.meta);
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
  const g = generate(spec);
  const entry = manifestEntry(spec, g);
  await fsp.mkdir(path.join(dir, spec.name), { recursive: true });
  for (const f of entry.files) {
    await writeTiff(path.join(dir, f.file), g.volumes[f.name], {
      compression: "deflate",
      level: 6,
      overwrite: true,
    });
  }
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

/**
 * Load a default sample with one call: reads `data-samples/<name>/*.tif`,
 * checks each volume's sha256 against `data-samples/manifest.json`, and
 * returns the volumes with their metadata. Missing files are generated (or,
 * with `generate: false`, an error says to run `npm run data`). Results are
 * cached per process.
 * @param name - "fibsem-nmc", "fibsem-nmc-small", "ebsd-particle" or "ebsd-particle-small".
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
  const verify = options.verify ?? true;
  const key = `${path.resolve(dir)}::${name}::${verify}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const manifest = readManifest(dir);
  const entry = manifest?.samples.find((s) => s.name === name);
  if (entry && entry.kind !== spec.kind)
    throw new RangeError(
      `sample manifest ${path.join(dir, "manifest.json")}: sample ${JSON.stringify(name)} has kind ${JSON.stringify(entry.kind)}, this version of tomolab makes it as ${JSON.stringify(spec.kind)}; regenerate with \`npm run data -- --force --update-manifest\``,
    );
  if (verify && !entry) {
    throw new Error(
      `sample ${JSON.stringify(name)} is not in the manifest ${path.join(dir, "manifest.json")}; run \`npm run data\` in the project root`,
    );
  }
  const present =
    entry !== undefined && entry.files.every((f) => existsSync(path.join(dir, f.file)));
  let sample: Sample;
  if (present) {
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
    sample = assemble(spec, volumes, entry.meta);
  } else {
    if (options.generate === false) {
      throw new Error(
        `sample ${JSON.stringify(name)} is missing in ${dir}; run \`npm run data\` in the project root to generate it (or call loadSample with generate: true)`,
      );
    }
    const g = generate(spec);
    if (verify && entry) {
      const problems = compareEntries(entry, manifestEntry(spec, g));
      if (problems.length > 0) {
        throw new Error(
          `generated sample ${JSON.stringify(name)} does not match the manifest (${problems.join("; ")}); the generator changed: update the manifest with \`npm run data -- --update-manifest\``,
        );
      }
    }
    // Save for next time when the folder is writable; a failure here is not an error.
    try {
      await fsp.mkdir(path.join(dir, name), { recursive: true });
      for (const [k, v] of Object.entries(g.volumes)) {
        await writeTiff(path.join(dir, name, `${k}.tif`), v, {
          compression: "deflate",
          overwrite: true,
        });
      }
    } catch {
      // read-only checkout: keep the in-memory sample
    }
    sample = assemble(spec, g.volumes, g.meta);
  }
  cache.set(key, sample);
  return sample;
}
