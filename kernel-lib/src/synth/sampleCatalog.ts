/**
 * The default samples tomolab makes (what each one is and the fixed seed that
 * makes it) and the records a sample is returned as.
 */
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import type { BrushStrokeLabels } from "./brushStrokes.js";
import { grainTargets } from "./grainTargets.js";

/** Names of the FIB/SEM samples. */
export type FibsemSampleName =
  "fibsem-nmc" | "fibsem-nmc-small" | "porous-particle" | "porous-particle-small";
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
  /**
   * FIB/SEM samples: image one whole porous secondary particle of this radius
   * (nm), centred in the imaged region ({@link porousParticle}), instead of an
   * NMC cathode phantom filling the box.
   */
  particle?: Readonly<{ radius: number }>;
}

/**
 * The small, committed variant of a default sample for fast tests: the same
 * generator and voxel size with its own shape and seed (and particle radius).
 */
function smallVariant(
  full: Readonly<SampleSpec>,
  over: Pick<SampleSpec, "name" | "shape" | "seed"> & Partial<SampleSpec>,
  note = "",
): SampleSpec {
  return {
    ...full,
    description: `Small variant of ${full.name} for fast tests (${note}${over.shape.join(" x ")} voxels).`,
    committed: true,
    ...over,
  };
}

const FIBSEM_NMC: SampleSpec = {
  name: "fibsem-nmc",
  kind: "fibsem",
  description:
    "Simulated FIB/SEM tomography of a hierarchically porous NMC cathode (10 nm voxels), SE2 + InLens detectors with shine-through, re-deposition, curtaining, gradient, flicker and noise; truth labels (1 void, 2 CBD, 3 NMC) and sparse brush-stroke training labels with a test slice and exclusion gap.",
  shape: [160, 192, 192],
  spacing: [10, 10, 10],
  seed: 1,
  committed: false,
};

const POROUS_PARTICLE: SampleSpec = {
  name: "porous-particle",
  kind: "fibsem",
  description:
    "Simulated FIB/SEM tomography of one whole hierarchically porous NMC secondary particle (radius 2.6 um, 25 nm voxels): Laguerre primaries of ~350 nm with intergranular gaps of 40-200 nm, a denser shell and missing core primaries, carbon-binder patches on its surface, void outside; SE2 + InLens images, truth labels (1 void, 2 CBD, 3 NMC), brush-stroke labels. For single-particle morphology (inner pores, volume fraction vs distance to the boundary, tortuosity, sphere intrusion).",
  shape: [248, 248, 248],
  spacing: [25, 25, 25],
  seed: 1,
  committed: false,
  particle: { radius: 2600 },
};

const EBSD_PARTICLE: SampleSpec = {
  name: "ebsd-particle",
  kind: "ebsd",
  description:
    "Simulated FIB-EBSD image-quality stack of a polycrystalline NMC particle (50 nm voxels, Laguerre grains of ~500 nm mean volume-equivalent diameter), misaligned slice by slice; aligned IQ, truth grain labels, boundary/interior/background targets and the applied shifts.",
  shape: [96, 224, 224],
  spacing: [50, 50, 50],
  seed: 1,
  committed: false,
};

/** The default samples. */
export const SAMPLES: Readonly<Record<SampleName, Readonly<SampleSpec>>> = Object.freeze({
  "fibsem-nmc": FIBSEM_NMC,
  "fibsem-nmc-small": smallVariant(
    FIBSEM_NMC,
    { name: "fibsem-nmc-small", shape: [48, 96, 96], seed: 2 },
    "same physics, ",
  ),
  "ebsd-particle": EBSD_PARTICLE,
  "ebsd-particle-small": smallVariant(EBSD_PARTICLE, {
    name: "ebsd-particle-small",
    shape: [32, 96, 96],
    seed: 2,
  }),
  "porous-particle": POROUS_PARTICLE,
  "porous-particle-small": smallVariant(POROUS_PARTICLE, {
    name: "porous-particle-small",
    shape: [104, 104, 104],
    seed: 2,
    particle: { radius: 1000 },
  }),
});

/** The brush-stroke protocol of a FIB/SEM sample: its labels, test slice, gap and labelled slices. */
export type FibsemStrokeProtocol = Pick<
  BrushStrokeLabels,
  "labels" | "testSlice" | "gap" | "excluded" | "trainSlices"
>;

/** A FIB/SEM sample: two detector stacks, truth and sparse labels with their protocol. */
export interface FibsemSample extends FibsemStrokeProtocol {
  name: string;
  kind: "fibsem";
  description: string;
  /** SE2 detector images (uint8). */
  se2: Volume<Uint8Array>;
  /** InLens detector images (uint8). */
  inlens: Volume<Uint8Array>;
  /** Ground truth: 1 void, 2 CBD, 3 NMC. */
  truth: Volume<Uint8Array>;
  /** 1 where re-deposited material covers a pore (void in the truth). */
  redeposition: Volume<Uint8Array>;
  /** Class names by id. */
  classes: Record<number, string>;
  /** Samples of one whole particle: its centre [z, y, x] and nominal radius (nm), and its primary particles. */
  particle?: ParticleInfo;
}

/** Where the particle of a single-particle FIB/SEM sample is and what it is made of. */
export interface ParticleInfo {
  /** Centre [z, y, x], nm, in the imaged region. */
  center: [number, number, number];
  /** Nominal radius, nm. */
  radius: number;
  /** Bounds of the smooth outline's radius, nm. */
  outlineRange: [number, number];
  /** Primary particles inside the outline, and how many were left out as core pores. */
  primaries: number;
  vacancies: number;
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

/** The spec of a default sample, or a RangeError listing the names. @internal */
export function specOf(name: string): SampleSpec {
  const spec = (SAMPLES as Record<string, SampleSpec>)[name];
  if (!spec) {
    throw new RangeError(
      `unknown sample ${JSON.stringify(name)}; available: ${Object.keys(SAMPLES).join(", ")}`,
    );
  }
  return spec;
}

/**
 * A sample record from its volumes (generated or read from files) and its
 * manifest metadata; an EBSD sample's boundary / interior / background masks
 * are derived from its grains. @internal
 */
export function assembleSample(
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
      ...(meta.particle ? { particle: meta.particle as ParticleInfo } : {}),
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
