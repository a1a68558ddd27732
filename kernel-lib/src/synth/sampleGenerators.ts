/**
 * The sample generators: a FIB/SEM sample (NMC phantom or an external
 * structure, imaged with both detectors, brush-stroke labels) and a FIB-EBSD
 * sample (Laguerre particle imaged as IQ with misalignment), made to order or
 * from a default sample's spec.
 */
import { checkShape, checkVolume } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { brushStrokeLabels, type BrushStrokeOptions } from "./brushStrokes.js";
import { simulateEbsd, type EbsdOptions } from "./ebsd.js";
import { simulateFibsem, type FibsemOptions } from "./fibsem.js";
import { laguerreParticle, type LaguerreParticleOptions } from "./laguerreParticle.js";
import { nmcPhantom, type NmcPhantomOptions } from "./nmcPhantom.js";
import { porousParticle, type PorousParticleOptions } from "./porousParticle.js";
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

/** Paper 2's labelled slices (26, 37, 49, 60 of 91) scaled to `nz` slices. */
function labelledSlicesFor(nz: number): number[] {
  return [...new Set([26, 37, 49, 60].map((z) => Math.min(nz - 1, Math.round((z / 91) * nz))))];
}

/** Volumes and metadata of a freshly generated sample. @internal */
export interface GeneratedSample {
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
  /** Microstructure options (ignored with `structure` or `particle`). */
  phantom?: Omit<NmcPhantomOptions, "spacing" | "seed">;
  /**
   * Image one whole porous secondary particle ({@link porousParticle}) centred
   * in the imaged region instead of a cathode phantom (ignored with `structure`);
   * its metadata is returned as `particle`. Re-deposition is then off unless
   * `imaging.effects.redeposition` says otherwise: the simulator's patches form
   * in any large pore region at the face, which around a free particle is the
   * open space outside it (isolated grey patches in the void), where milled
   * material would rather settle on the trench walls.
   */
  particle?: Omit<PorousParticleOptions, "spacing" | "seed" | "center">;
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

function fibsemGenerated(options: FibsemSampleOptions): GeneratedSample {
  const spacing = options.spacing ?? options.structure?.spacing ?? [10, 10, 10];
  const seed = options.seed ?? 1;
  const maxDepth = options.imaging?.maxDepth ?? 400;
  const viewAngle = options.imaging?.viewAngle ?? 36;
  // Margins so that the last slices and the +y edge still have material behind them.
  const mz = Math.ceil(maxDepth / spacing[0]);
  const my = Math.ceil((maxDepth * Math.tan((viewAngle * Math.PI) / 180)) / spacing[1]) + 1;
  let structure = options.structure;
  let shape = options.shape;
  let particle: Record<string, unknown> | undefined;
  if (structure) {
    checkVolume(structure, "structure", { dtypes: ["uint8"] });
    const [sz, sy, sx] = structure.shape;
    shape ??= sz > mz && sy > my ? [sz - mz, sy - my, sx] : [sz, sy, sx];
  } else {
    shape ??= [160, 192, 192];
    checkShape(shape);
    const withMargins: Shape3 = [shape[0] + mz, shape[1] + my, shape[2]];
    if (options.particle) {
      const center = shape.map((n, a) => (n * spacing[a]) / 2) as [number, number, number];
      const p = porousParticle(withMargins, { ...options.particle, spacing, seed, center });
      structure = p.labels;
      particle = {
        center: p.center,
        radius: p.radius,
        outlineRange: p.outlineRange,
        primaries: p.primaries,
        vacancies: p.vacancies,
      };
    } else {
      structure = nmcPhantom(withMargins, { ...options.phantom, spacing, seed });
    }
  }
  const effects = {
    ...(particle && !options.structure ? { redeposition: false } : {}),
    ...options.imaging?.effects,
  };
  const sim = simulateFibsem(structure, {
    ...options.imaging,
    effects,
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
      ...(particle ? { particle } : {}),
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

function ebsdGenerated(options: EbsdSampleOptions): GeneratedSample {
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

/** Make a default sample from its spec (shape, spacing, seed). @internal */
export function generateSpec(spec: SampleSpec): GeneratedSample {
  const { shape, spacing, seed } = spec;
  return spec.kind === "fibsem"
    ? fibsemGenerated({ shape, spacing, seed, ...(spec.particle && { particle: spec.particle }) })
    : ebsdGenerated({ shape, spacing, seed });
}

/** A made-to-order sample record from its generated volumes (`volume` names the one whose shape and spacing it has). */
function customSample(
  kind: SampleSpec["kind"],
  g: GeneratedSample,
  volume: string,
  seed: number | undefined,
): Sample {
  const { shape, spacing } = g.volumes[volume];
  const what = kind === "fibsem" ? "FIB/SEM" : "FIB-EBSD";
  return assembleSample(
    {
      name: "custom" as SampleName,
      kind,
      description: `custom ${what} sample ${shape.join("x")}`,
      shape,
      spacing,
      seed: seed ?? 1,
      committed: false,
    },
    g.volumes,
    g.meta,
  );
}

/**
 * A FIB/SEM sample made to order (the default samples use this with fixed
 * seeds): an NMC phantom with margins (or one whole porous particle, or an
 * external structure) imaged with both detectors, and brush-stroke labels
 * around a test slice.
 * @example
 * const s = fibsemSample({ shape: [64, 128, 128], seed: 5, imaging: { effects: { redeposition: false } } });
 * const p = fibsemSample({ shape: [104, 104, 104], spacing: [25, 25, 25], particle: { radius: 1000 } });
 */
export function fibsemSample(options: FibsemSampleOptions = {}): FibsemSample {
  return customSample("fibsem", fibsemGenerated(options), "se2", options.seed) as FibsemSample;
}

/**
 * A FIB-EBSD sample made to order: a Laguerre particle imaged as IQ with misalignment.
 * @example
 * const s = ebsdSample({ shape: [48, 128, 128], particle: { meanDiameter: 400 } });
 */
export function ebsdSample(options: EbsdSampleOptions = {}): EbsdSample {
  return customSample("ebsd", ebsdGenerated(options), "iq", options.seed) as EbsdSample;
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
  const g = generateSpec(spec);
  return assembleSample(spec, g.volumes, g.meta);
}
