import { checkShape, checkVolume, formatShape } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { drawRun, materialTexture } from "./fibsemDraws.js";
import {
  blurShineThrough,
  detect,
  faceAndShineThrough,
  faceTopography,
  localPoreRadius,
  redeposit,
  sliceBuffers,
  type FibsemRun,
} from "./fibsemSteps.js";
import { checkFinite, checkOptions, expectedError } from "../util/checks.js";
import { streamSeed } from "./noise.js";
import { checkFraction, checkNonNegative, checkPositive, checkSeed } from "./options.js";

/**
 * How one detector turns what the beam hits into a signal. Signals are in
 * arbitrary "yield" units (about 0-1.5); the grey value is `offset + gain * signal`.
 * Defaults: {@link SE2_DETECTOR} and {@link INLENS_DETECTOR}; override any field
 * through `FibsemOptions.se2` / `FibsemOptions.inlens`.
 */
export interface DetectorModel {
  /** Signal of NMC on the milled face (material contrast). */
  nmc: number;
  /** Signal of the carbon-binder domain on the milled face. */
  cbd: number;
  /** Signal of a pore whose line of sight meets no surface within `maxDepth` (a deep, dark pore). */
  voidFloor: number;
  /**
   * Shine-through: depth (nm, along z) over which the signal of a surface seen
   * behind a pore decays by 1/e. Large for the chamber SE2 detector (its field
   * pulls secondary electrons out of deep pores), small for InLens.
   */
  attenuationLength: number;
  /**
   * Escape of signal from inside a pore: a surface at depth d at the bottom of
   * a pore of local radius r (in the face) contributes 1 / (1 + (d / (aperture r))^2),
   * the fraction of its emission that leaves through the opening towards the
   * detector. Narrow pores go dark quickly, large pores show their far walls.
   * The chamber SE2 detector's field pulls electrons out of pores (large value).
   */
  aperture: number;
  /**
   * Topographic (tilt) contrast of surfaces seen through pores: yield scales as
   * (cos(viewAngle) / cos(alpha))^tiltExponent, alpha the incidence angle on the
   * surface, so pore walls seen at grazing incidence look bright.
   */
  tiltExponent: number;
  /** Edge brightening of solid face pixels at pore edges (relative increase). */
  edgeGain: number;
  /**
   * Pore rim glow: the pore wall just under a pore's edge is seen at grazing
   * incidence and emits strongly, so pore pixels next to the edge look bright
   * (added signal, in units of the NMC signal, at the pixel next to the edge,
   * decaying over `rimWidth`). This is the bright peak of void in SE2 histograms.
   */
  rimGain: number;
  /** Width (1/e decay) of the pore rim glow, nm. */
  rimWidth: number;
  /** One-sided shadowing across pore edges (the detector sits at -x): relative change. */
  shadowGain: number;
  /** Grain-to-grain brightness variation of NMC (relative amplitude, 3D-consistent). */
  nmcTexture: number;
  /** Granular texture of the carbon-binder domain (relative amplitude, 3D-consistent). */
  cbdTexture: number;
  /** Signal of re-deposited material covering a pore. */
  redeposit: number;
  /** Curtaining: relative amplitude of the vertical stripes. */
  curtainAmplitude: number;
  /** Slow intensity gradient across the field of view: relative amplitude. */
  gradientAmplitude: number;
  /** Slice-to-slice brightness flicker: relative standard deviation. */
  flickerAmplitude: number;
  /** Detected electrons per pixel at signal 1 (shot noise: Poisson, normal approximation). */
  dose: number;
  /** Read noise of the detector chain, standard deviation in signal units. */
  readNoise: number;
  /** Grey value per signal unit. */
  gain: number;
  /** Grey value at zero signal. */
  offset: number;
}

/** The chamber (Everhart-Thornley) SE2 detector: topography, edges, strong shine-through. */
export const SE2_DETECTOR: Readonly<DetectorModel> = Object.freeze({
  nmc: 0.55,
  cbd: 0.3,
  voidFloor: 0.08,
  attenuationLength: 200,
  aperture: 2,
  tiltExponent: 1.5,
  edgeGain: 0.35,
  rimGain: 1.6,
  rimWidth: 15,
  shadowGain: 0.25,
  nmcTexture: 0.06,
  cbdTexture: 0.25,
  redeposit: 0.5,
  curtainAmplitude: 0.06,
  gradientAmplitude: 0.08,
  flickerAmplitude: 0.03,
  dose: 300,
  readNoise: 0.015,
  gain: 150,
  offset: 8,
});

/** The InLens detector: mostly material contrast (CBD dark), weak shine-through. */
export const INLENS_DETECTOR: Readonly<DetectorModel> = Object.freeze({
  nmc: 0.62,
  cbd: 0.24,
  voidFloor: 0.05,
  attenuationLength: 90,
  aperture: 0.8,
  tiltExponent: 0.3,
  edgeGain: 0.1,
  rimGain: 0.15,
  rimWidth: 10,
  shadowGain: 0.03,
  nmcTexture: 0.04,
  cbdTexture: 0.2,
  redeposit: 0.42,
  curtainAmplitude: 0.04,
  gradientAmplitude: 0.05,
  flickerAmplitude: 0.02,
  dose: 250,
  readNoise: 0.015,
  gain: 200,
  offset: 8,
});

/** Switches for each imaging effect (for ablation studies). */
export interface FibsemEffects {
  /** Surfaces behind pores seen through them, darker and blurrier with depth. @default true */
  shineThrough: boolean;
  /** Tilt contrast of surfaces behind pores, pore rim glow, edge brightening and one-sided shadowing. @default true */
  topography: boolean;
  /** Grain-to-grain NMC brightness and granular CBD texture. @default true */
  texture: boolean;
  /** Milled material settling in large pores near the face (solid-looking, void in the truth). @default true */
  redeposition: boolean;
  /** Vertical stripes from milling, varying slowly with z. @default true */
  curtaining: boolean;
  /** Slow intensity gradient across the field of view. @default true */
  gradient: boolean;
  /** Slice-to-slice brightness flicker. @default true */
  flicker: boolean;
  /** Shot noise and read noise. @default true */
  noise: boolean;
  /** Small random-walk drift of the images against the truth (returned in `drift`). @default false */
  drift: boolean;
}

export interface FibsemOptions {
  /** Seed of all random effects (each effect has its own stream). @default 1 */
  seed?: number;
  /**
   * The imaged region `[oz, oy, ox]` at the origin of the structure. Material
   * beyond it (larger z, y) is only seen through pores, so a structure with
   * margins avoids an artificial "nothing behind" at the last slices. @default the structure's shape
   */
  outputShape?: Shape3;
  /**
   * Angle between the electron beam and the milling direction z, degrees: the
   * beam looks into a pore at this angle, so a surface at depth d appears
   * shifted by d tan(angle) along +y (36 = 90 - 54 degrees of a Zeiss
   * crossbeam). @default 36
   */
  viewAngle?: number;
  /** Deepest surface behind a pore that can contribute signal, nm. @default 400 */
  maxDepth?: number;
  /** Blur of shine-through, Gaussian sigma in pixels per 100 nm of depth (capped at 6 pixels). @default 3 */
  depthBlur?: number;
  /** Beam spot (point spread), Gaussian sigma in pixels. @default 0.6 */
  psf?: number;
  /** SE2 detector model (partial overrides of {@link SE2_DETECTOR}). */
  se2?: Partial<DetectorModel>;
  /** InLens detector model (partial overrides of {@link INLENS_DETECTOR}). */
  inlens?: Partial<DetectorModel>;
  /** Effect switches (partial overrides of the defaults). */
  effects?: Partial<FibsemEffects>;
  /** Re-deposition: only in-face pore regions farther than this from any solid, nm. @default 50 */
  redepositionMinDistance?: number;
  /** Re-deposition: fraction of those regions covered. @default 0.12 */
  redepositionCoverage?: number;
  /** Curtaining: stripe width (correlation length along x), nm. @default 25 */
  curtainWidth?: number;
  /** Curtaining: number of slices over which the stripe pattern changes completely. @default 30 */
  curtainPeriod?: number;
  /** Drift: standard deviation of the per-slice random-walk step, pixels. @default 0.3 */
  driftStep?: number;
}

/** Result of {@link simulateFibsem}. */
export interface FibsemSimulation {
  /** SE2 image stack, uint8. */
  se2: Volume<Uint8Array>;
  /** InLens image stack, uint8. */
  inlens: Volume<Uint8Array>;
  /** Ground truth of the imaged region (1 void, 2 CBD, 3 NMC). */
  truth: Volume<Uint8Array>;
  /** 1 where re-deposited material covers a pore on the face (always void in the truth). */
  redeposition: Volume<Uint8Array>;
  /**
   * Depth in slices of the surface seen at each pixel: 0 on solid face pixels,
   * 1..n behind a pore, 255 when no surface was seen within `maxDepth`.
   */
  shineDepth: Volume<Uint8Array>;
  /** Image shift [dy, dx] (pixels) applied to each slice relative to the truth ([0, 0] without drift). */
  drift: [number, number][];
}

const DEFAULT_EFFECTS: FibsemEffects = {
  shineThrough: true,
  topography: true,
  texture: true,
  redeposition: true,
  curtaining: true,
  gradient: true,
  flicker: true,
  noise: true,
  drift: false,
};

function detector(
  base: Readonly<DetectorModel>,
  over: Partial<DetectorModel> | undefined,
  name: string,
): DetectorModel {
  checkOptions(over, name, Object.keys(base), "detector parameter");
  const d = { ...base, ...(over ?? {}) };
  for (const [k, v] of Object.entries(d)) {
    if (k === "attenuationLength" || k === "dose" || k === "rimWidth" || k === "aperture")
      checkPositive(v, `${name}.${k}`);
    else if (k === "gain" || k === "offset") checkFinite(v, `${name}.${k}`);
    else checkNonNegative(v, `${name}.${k}`);
  }
  return d;
}

/**
 * Simulate FIB/SEM serial-sectioning images of a three-phase structure with
 * two detectors at once (the angled chamber SE2 detector and the InLens
 * detector), slice by slice in milling order (+z).
 *
 * Physics, per slice z (each effect switchable in `effects`):
 * - the milled face shows the material cut at z with phase contrast
 *   (`nmc`, `cbd` per detector) and 3D-consistent texture;
 * - shine-through: where the face is a pore, the beam travels on into the
 *   open pore (at `viewAngle` to z, so laterally shifted along +y) and the
 *   detector sees the first solid surface behind the face, at depth d and
 *   z' > z (material that truly exists there): the surface's material signal
 *   times its tilt contrast, times exp(-d / attenuationLength), times the
 *   fraction 1 / (1 + (d / (aperture r))^2) that escapes a pore of local radius r,
 *   blurred by `depthBlur` per 100 nm (splatted by depth bands, so a deep dark
 *   pixel stays dark beside a sharp wall). Narrow or deep pores are dark, walls
 *   of open pores show through, so void grey values spread over both solids' ranges.
 *   Why z carries information (sources, from their abstracts): shine-through hides the
 *   solid's extent in a single slice (Prill and Schladitz, Scanning, 2013, simulated FIB/SEM
 *   of porous media), a structure is located at its last occurrence along z, after which
 *   it is milled away (Salzer et al., Mater. Charact. 69, 2012), and shine-through features
 *   move in the image from slice to slice while the milled face does not (Moroni and
 *   Thiele, Ultramicroscopy 219, 2020, segmentation by optical flow). Here the first two
 *   follow from the geometry (a wall behind the face is the face `d / spacing` slices
 *   later) and the third from `viewAngle` (a wall at depth d is seen shifted by
 *   d tan(viewAngle) along +y, so it drifts by spacing tan(viewAngle) per slice). How
 *   bright a wall seen through a pore is against the face (the attenuation, escape and
 *   tilt terms) is not calibrated against either source: their full texts, with the
 *   Monte-Carlo yields, were not at hand;
 * - topography: pore rim glow (the wall just under a pore edge, seen at grazing
 *   incidence: the bright void peak above NMC in SE2), edge brightening of solid
 *   edges and one-sided shadowing;
 * - re-deposition: milled material settling in large pores near the face,
 *   which looks like solid but is void in the truth;
 * - curtaining stripes along y varying with z, a slow intensity gradient,
 *   slice-to-slice flicker, shot + read noise, optional drift.
 *
 * The same geometry is seen by both detectors; they differ in material
 * contrast (InLens shows CBD much darker than NMC), in how far they see into
 * pores (SE2 far, InLens little) and in topographic sensitivity, so their
 * difference carries information about carbon.
 *
 * @param structure - Labels 1 = void, 2 = CBD, 3 = NMC (any value >= 2 is solid);
 *   e.g. {@link nmcPhantom} or a relabelled real volume ({@link remapLabels}).
 * @returns uint8 SE2 and InLens stacks, the truth of the imaged region and diagnostics.
 * @see Osenberg et al., Sect. 2.1 (artefacts), Fig. 2
 * @example
 * const structure = nmcPhantom([80, 112, 96], { seed: 1 });
 * const sim = simulateFibsem(structure, { outputShape: [48, 96, 96] });
 */
export function simulateFibsem(structure: Volume, options: FibsemOptions = {}): FibsemSimulation {
  const run = resolveRun(structure, options);
  const draws = drawRun(run);
  const [oz, oy, ox] = run.out;
  const plane = oy * ox;
  const se2 = new Uint8Array(oz * plane);
  const inlens = new Uint8Array(oz * plane);
  const redep = new Uint8Array(oz * plane);
  const depth = new Uint8Array(oz * plane);
  const truth = new Uint8Array(oz * plane);
  const buf = sliceBuffers(plane);
  const { fx } = run;
  for (let z = 0; z < oz; z++) {
    localPoreRadius(run, z, buf);
    faceAndShineThrough(run, z, buf, truth);
    if (fx.shineThrough && run.depthBlur > 0) blurShineThrough(run, buf);
    if (fx.redeposition && run.redepCov > 0) redeposit(run, z, buf, draws, redep);
    if (fx.topography) faceTopography(run, buf);
    for (let p = 0; p < plane; p++) depth[z * plane + p] = buf.hitDepth[p];
    detect(run, z, 0, buf, draws, se2);
    detect(run, z, 1, buf, draws, inlens);
  }
  const vol = (data: Uint8Array): Volume<Uint8Array> => ({
    data,
    shape: [oz, oy, ox],
    spacing: [...run.spacing],
  });
  return {
    se2: vol(se2),
    inlens: vol(inlens),
    truth: vol(truth),
    redeposition: vol(redep),
    shineDepth: vol(depth),
    drift: draws.drift,
  };
}

/** Check the structure and the options; the beam geometry and texture of the run. */
function resolveRun(structure: Volume, options: FibsemOptions): FibsemRun {
  checkVolume(structure, "structure", { dtypes: ["uint8"] });
  const [nz, ny, nx] = structure.shape;
  const outShape = options.outputShape ?? structure.shape;
  checkShape(outShape, "outputShape");
  const [oz, oy, ox] = outShape;
  if (oz > nz || oy > ny || ox > nx) {
    throw new RangeError(
      `\`outputShape\` (${formatShape(outShape)}) must fit inside the structure (shape ${formatShape(structure.shape)})`,
    );
  }
  const seed = checkSeed(options.seed ?? 1);
  const viewAngle = options.viewAngle ?? 36;
  if (!(typeof viewAngle === "number" && viewAngle >= 0 && viewAngle < 80))
    throw expectedError("viewAngle", "in [0, 80) degrees", viewAngle);
  const maxDepth = checkPositive(options.maxDepth ?? 400, "maxDepth");
  const depthBlur = checkNonNegative(options.depthBlur ?? 3, "depthBlur");
  const psf = checkNonNegative(options.psf ?? 0.6, "psf");
  const redepMin = checkNonNegative(
    options.redepositionMinDistance ?? 50,
    "redepositionMinDistance",
  );
  const redepCov = checkFraction(options.redepositionCoverage ?? 0.12, "redepositionCoverage");
  const curtainWidth = checkPositive(options.curtainWidth ?? 25, "curtainWidth");
  const curtainPeriod = checkPositive(options.curtainPeriod ?? 30, "curtainPeriod");
  const driftStep = checkNonNegative(options.driftStep ?? 0.3, "driftStep");
  checkOptions(options.effects, "effects", Object.keys(DEFAULT_EFFECTS), "effect");
  const fx: FibsemEffects = { ...DEFAULT_EFFECTS, ...(options.effects ?? {}) };
  const dets = [
    detector(SE2_DETECTOR, options.se2, "se2"),
    detector(INLENS_DETECTOR, options.inlens, "inlens"),
  ];
  const spacing = [...structure.spacing] as Spacing3;
  const [sz, sy] = spacing;
  const theta = (viewAngle * Math.PI) / 180;
  const tMax = Math.max(1, Math.min(254, Math.floor(maxDepth / sz)));
  const yStep = new Int32Array(tMax + 1);
  for (let t = 0; t <= tMax; t++) yStep[t] = Math.round((t * sz * Math.tan(theta)) / sy);
  // Attenuation with depth; over the last quarter of `maxDepth` it tapers linearly to 0, so the
  // cut-off leaves no step between surfaces just within reach and those beyond it.
  const atten = dets.map((d) => {
    const a = new Float32Array(tMax + 1);
    for (let t = 0; t <= tMax; t++) {
      const taper = Math.min(1, Math.max(0, (tMax + 1 - t) / (0.25 * tMax + 1)));
      a[t] = Math.exp((-t * sz) / d.attenuationLength) * taper;
    }
    return a;
  });
  return {
    seed,
    src: structure.data as Uint8Array,
    shape: [nz, ny, nx],
    spacing,
    out: [oz, oy, ox],
    fx,
    dets,
    depthBlur,
    psf,
    redepMin,
    redepCov,
    curtainWidth,
    curtainPeriod,
    driftStep,
    beam: [Math.cos(theta), Math.sin(theta)],
    cosFace: Math.cos(theta),
    tMax,
    yStep,
    atten,
    texture: fx.texture ? materialTexture(spacing, streamSeed(seed, "texture")) : () => 0,
  };
}
