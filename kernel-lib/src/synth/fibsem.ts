import { createRng } from "../stats/random.js";
import { checkShape, checkVolume, formatShape } from "../volume/check.js";
import type { Shape3, Volume } from "../volume/types.js";
import { blur2d, chamfer2d, translate2d } from "./image2d.js";
import { CLASS } from "./nmcPhantom.js";
import { hash3, valueNoise3, streamSeed } from "./noise.js";
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
  const d = { ...base, ...(over ?? {}) };
  for (const [k, v] of Object.entries(d)) {
    if (!(k in base))
      throw new RangeError(
        `\`${name}.${k}\` is not a detector parameter; expected one of ${Object.keys(base).join(", ")}`,
      );
    if (k === "attenuationLength" || k === "dose" || k === "rimWidth" || k === "aperture")
      checkPositive(v, `${name}.${k}`);
    else if (k === "gain" || k === "offset") {
      if (!Number.isFinite(v))
        throw new RangeError(`\`${name}.${k}\` must be a finite number, received ${String(v)}`);
    } else checkNonNegative(v, `${name}.${k}`);
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
 *   of open pores show through, so void grey values spread over both solids' ranges;
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
  checkVolume(structure, "structure", { dtypes: ["uint8"] });
  const [nz, ny, nx] = structure.shape;
  const [sz, sy] = structure.spacing;
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
  if (!(viewAngle >= 0 && viewAngle < 80))
    throw new RangeError(`\`viewAngle\` must be in [0, 80) degrees, received ${viewAngle}`);
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
  for (const k of Object.keys(options.effects ?? {})) {
    if (!(k in DEFAULT_EFFECTS)) {
      throw new RangeError(
        `\`effects.${k}\` is not an effect; expected one of ${Object.keys(DEFAULT_EFFECTS).join(", ")}`,
      );
    }
  }
  const fx: FibsemEffects = { ...DEFAULT_EFFECTS, ...(options.effects ?? {}) };
  const dets = [
    detector(SE2_DETECTOR, options.se2, "se2"),
    detector(INLENS_DETECTOR, options.inlens, "inlens"),
  ];

  const src = structure.data as Uint8Array;
  const solidAt = (z: number, y: number, x: number) =>
    z >= 0 && z < nz && y >= 0 && y < ny && x >= 0 && x < nx && src[(z * ny + y) * nx + x] >= 2
      ? 1
      : 0;
  const theta = (viewAngle * Math.PI) / 180;
  const beam = [Math.cos(theta), Math.sin(theta)]; // (z, y) components of the beam direction
  const cosFace = Math.cos(theta);
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

  const texSalt = streamSeed(seed, "texture");
  // Texture in [-1, 1] at a voxel: fine granules in CBD (~20 nm), grain-scale patches in NMC
  // (~60 nm). Coordinates are rotated off the lattice axes so the value noise shows no grid.
  const [tz, ty, tx0] = structure.spacing;
  const texture = (m: number, z: number, y: number, x: number): number => {
    if (!fx.texture) return 0;
    const pz = z * tz;
    const py = y * ty;
    const px = x * tx0;
    const u = 0.36 * pz + 0.48 * py - 0.8 * px;
    const v = -0.8 * pz + 0.6 * py;
    const w = 0.48 * pz + 0.64 * py + 0.6 * px;
    if (m === CLASS.cbd) return 2 * valueNoise3(u / 20, v / 20, w / 20, texSalt ^ 0x1234) - 1;
    return 2 * valueNoise3(u / 60, v / 60, w / 60, texSalt) - 1;
  };
  const amp = (d: DetectorModel, m: number) => (m === CLASS.cbd ? d.cbdTexture : d.nmcTexture);
  const materialSignal = (d: DetectorModel, m: number) => (m === CLASS.cbd ? d.cbd : d.nmc);

  // Per-slice random draws, each effect from its own stream.
  const frng = createRng(streamSeed(seed, "flicker"));
  const flicker = Array.from({ length: oz }, () => {
    const a = frng.normal();
    const b = 0.6 * a + 0.8 * frng.normal();
    return [a, b];
  });
  const drng = createRng(streamSeed(seed, "drift"));
  const drift: [number, number][] = [];
  {
    let py = 0;
    let px = 0;
    for (let z = 0; z < oz; z++) {
      if (fx.drift && z > 0) {
        py += driftStep * drng.normal();
        px += driftStep * drng.normal();
      }
      drift.push([py, px]);
    }
  }
  // Curtain stripe profiles: keyframes every `curtainPeriod` slices, interpolated.
  const crng = createRng(streamSeed(seed, "curtaining"));
  const nKeys = Math.ceil(oz / curtainPeriod) + 2;
  const keys: Float32Array[] = [];
  for (let k = 0; k < nKeys; k++) {
    const white = new Float32Array(ox);
    for (let x = 0; x < ox; x++) white[x] = crng.normal();
    // A few strong stripes on top of fine ones.
    for (let s = 0; s < Math.max(1, Math.round(ox / 40)); s++)
      white[crng.int(ox)] += 4 * crng.normal();
    const prof = blur2d(white, 1, ox, Math.max(0.5, curtainWidth / structure.spacing[2]));
    let m = 0;
    let v = 0;
    for (let x = 0; x < ox; x++) m += prof[x];
    m /= ox;
    for (let x = 0; x < ox; x++) v += (prof[x] - m) ** 2;
    const sd = Math.sqrt(v / ox) || 1;
    for (let x = 0; x < ox; x++) prof[x] = (prof[x] - m) / sd;
    keys.push(prof);
  }
  const grng = createRng(streamSeed(seed, "gradient"));
  const gPhase = grng.next() * 2 * Math.PI;
  const gTilt = grng.normal() * 0.3;
  const redSalt = streamSeed(seed, "redeposition");
  const rrng = createRng(redSalt);
  let redField: Float32Array = new Float32Array(0);
  // Noise draws: a table of 2^16 standard normal variates indexed by 16-bit random numbers
  // (two per 32-bit draw), far faster than a transform per pixel and as good for image noise.
  const nrng = createRng(streamSeed(seed, "noise"));
  const normalTable = new Float32Array(65536);
  for (let i = 0; i < normalTable.length; i++) normalTable[i] = nrng.normal();

  const plane = oy * ox;
  const se2 = new Uint8Array(oz * plane);
  const inlens = new Uint8Array(oz * plane);
  const redep = new Uint8Array(oz * plane);
  const depth = new Uint8Array(oz * plane);
  const truth = new Uint8Array(oz * plane);
  const levels = [0, 1.5, 3, 6];

  const vals = [new Float32Array(plane), new Float32Array(plane)];
  const voidMask = new Float32Array(plane);
  const solidMask = new Uint8Array(plane);
  const hitDepth = new Int32Array(plane);

  const faceVoid = new Uint8Array(plane);
  const rowMax = new Float32Array(plane);
  const poreRadius = new Float32Array(plane);
  const rr = 3; // window half-width (pixels) of the local pore radius
  for (let z = 0; z < oz; z++) {
    // 0. Local pore radius in the face: distance to the nearest solid, maximised over a small window.
    for (let y = 0; y < oy; y++)
      for (let x = 0; x < ox; x++) faceVoid[y * ox + x] = src[(z * ny + y) * nx + x] >= 2 ? 0 : 1;
    const dist = chamfer2d(faceVoid, oy, ox);
    for (let y = 0; y < oy; y++)
      for (let x = 0; x < ox; x++) {
        let m = 0;
        for (let k = Math.max(0, x - rr); k <= Math.min(ox - 1, x + rr); k++)
          m = Math.max(m, dist[y * ox + k]);
        rowMax[y * ox + x] = m;
      }
    for (let y = 0; y < oy; y++)
      for (let x = 0; x < ox; x++) {
        let m = 0;
        for (let k = Math.max(0, y - rr); k <= Math.min(oy - 1, y + rr); k++)
          m = Math.max(m, rowMax[k * ox + x]);
        // Pores wider than the field of view count as very large.
        poreRadius[y * ox + x] = Math.min(m, 4 * Math.max(oy, ox)) * sy;
      }
    // 1. Face and shine-through.
    for (let y = 0; y < oy; y++) {
      for (let x = 0; x < ox; x++) {
        const p = y * ox + x;
        const m = src[(z * ny + y) * nx + x];
        truth[z * plane + p] = m;
        if (m >= 2) {
          solidMask[p] = 1;
          voidMask[p] = 0;
          hitDepth[p] = 0;
          const tx = texture(m, z, y, x);
          for (let k = 0; k < 2; k++)
            vals[k][p] = materialSignal(dets[k], m) * (1 + amp(dets[k], m) * tx);
          continue;
        }
        solidMask[p] = 0;
        voidMask[p] = 1;
        let hit = 0;
        if (fx.shineThrough) {
          for (let t = 1; t <= tMax; t++) {
            const zz = z + t;
            const yy = y + yStep[t];
            if (zz >= nz || yy >= ny || yy < 0) break;
            if (src[(zz * ny + yy) * nx + x] >= 2) {
              hit = t;
              break;
            }
          }
        }
        if (hit === 0) {
          hitDepth[p] = 255;
          for (let k = 0; k < 2; k++) vals[k][p] = dets[k].voidFloor;
          continue;
        }
        hitDepth[p] = hit;
        const zz = z + hit;
        const yy = y + yStep[hit];
        const hm = src[(zz * ny + yy) * nx + x];
        // Surface normal from the solid indicator's gradient (3x3x3 Sobel-like sums), in physical units.
        let cosA = 1;
        if (fx.topography) {
          let gz = 0;
          let gy = 0;
          let gx = 0;
          if (zz >= 1 && zz + 1 < nz && yy >= 1 && yy + 1 < ny && x >= 1 && x + 1 < nx) {
            // Interior: direct indexing.
            const c = (zz * ny + yy) * nx + x;
            const sZ = ny * nx;
            for (let a = -1; a <= 1; a++)
              for (let b = -1; b <= 1; b++) {
                gz +=
                  (src[c + sZ + a * nx + b] >= 2 ? 1 : 0) - (src[c - sZ + a * nx + b] >= 2 ? 1 : 0);
                gy +=
                  (src[c + a * sZ + nx + b] >= 2 ? 1 : 0) - (src[c + a * sZ - nx + b] >= 2 ? 1 : 0);
                gx +=
                  (src[c + a * sZ + b * nx + 1] >= 2 ? 1 : 0) -
                  (src[c + a * sZ + b * nx - 1] >= 2 ? 1 : 0);
              }
          } else {
            for (let a = -1; a <= 1; a++)
              for (let b = -1; b <= 1; b++) {
                gz += solidAt(zz + 1, yy + a, x + b) - solidAt(zz - 1, yy + a, x + b);
                gy += solidAt(zz + a, yy + 1, x + b) - solidAt(zz + a, yy - 1, x + b);
                gx += solidAt(zz + a, yy + b, x + 1) - solidAt(zz + a, yy + b, x - 1);
              }
          }
          gz /= sz;
          gy /= sy;
          gx /= structure.spacing[2];
          const gn = Math.sqrt(gz * gz + gy * gy + gx * gx);
          if (gn > 0)
            cosA = Math.min(1, Math.max(0.25, Math.abs(gz * beam[0] + gy * beam[1]) / gn));
        }
        const tx = texture(hm, zz, yy, x);
        for (let k = 0; k < 2; k++) {
          const d = dets[k];
          let tilt = fx.topography ? Math.pow(cosFace / cosA, d.tiltExponent) : 1;
          if (tilt > 3) tilt = 3;
          const q = (hit * sz) / (d.aperture * poreRadius[p]);
          const escape = 1 / (1 + q * q);
          vals[k][p] =
            materialSignal(d, hm) * (1 + amp(d, hm) * tx) * tilt * atten[k][hit] * escape +
            d.voidFloor;
        }
      }
    }

    // 2. Depth-dependent blur of the shine-through, restricted to the pores. Each pore pixel
    // spreads its signal with the blur of its own depth ("splatting" by depth bands, with
    // linear weights between neighbouring bands), then the sum is normalised by the spread
    // pore mask: a deep dark pixel stays dark beside a sharp bright wall.
    if (fx.shineThrough && depthBlur > 0) {
      const nL = levels.length;
      const num = [new Float32Array(plane), new Float32Array(plane)];
      const den = new Float32Array(plane);
      const band = new Float32Array(plane * nL);
      for (let p = 0; p < plane; p++) {
        if (!voidMask[p]) continue;
        const t = hitDepth[p] === 255 ? tMax : hitDepth[p];
        const s = Math.min(levels[nL - 1], (depthBlur * t * sz) / 100);
        let l = 0;
        while (l + 1 < nL && levels[l + 1] < s) l++;
        const f = l + 1 < nL ? (s - levels[l]) / (levels[l + 1] - levels[l]) : 0;
        band[l * plane + p] = 1 - f;
        if (l + 1 < nL) band[(l + 1) * plane + p] = f;
      }
      const w = new Float32Array(plane);
      const wv = [new Float32Array(plane), new Float32Array(plane)];
      for (let l = 0; l < nL; l++) {
        let any = false;
        for (let p = 0; p < plane; p++) {
          const b = band[l * plane + p];
          if (b > 0) any = true;
          w[p] = b;
          wv[0][p] = b * vals[0][p];
          wv[1][p] = b * vals[1][p];
        }
        if (!any) continue;
        const sl = levels[l];
        const bw = sl > 0 ? blur2d(w, oy, ox, sl) : w;
        const b0 = sl > 0 ? blur2d(wv[0], oy, ox, sl) : wv[0];
        const b1 = sl > 0 ? blur2d(wv[1], oy, ox, sl) : wv[1];
        for (let p = 0; p < plane; p++) {
          den[p] += bw[p];
          num[0][p] += b0[p];
          num[1][p] += b1[p];
        }
      }
      for (let p = 0; p < plane; p++) {
        if (!voidMask[p] || den[p] < 1e-6) continue;
        vals[0][p] = num[0][p] / den[p];
        vals[1][p] = num[1][p] / den[p];
      }
    }

    // 3. Re-deposition in large pores near the face.
    if (fx.redeposition && redepCov > 0) {
      const poreMask = new Uint8Array(plane);
      for (let p = 0; p < plane; p++) poreMask[p] = voidMask[p] ? 1 : 0;
      const dist = chamfer2d(poreMask, oy, ox);
      const minPx = redepMin / sy;
      // Patches ~60 nm across (a smoothed random field), partly renewed with every cut.
      const white = new Float32Array(plane);
      for (let p = 0; p < plane; p++) white[p] = rrng.normal();
      const fresh = blur2d(white, oy, ox, 30 / sy);
      if (redField.length !== plane) redField = fresh;
      else for (let p = 0; p < plane; p++) redField[p] = 0.8 * redField[p] + 0.6 * fresh[p];
      const noise = redField;
      const eligible: number[] = [];
      for (let p = 0; p < plane; p++) if (dist[p] >= minPx) eligible.push(p);
      if (eligible.length > 0) {
        const sorted = eligible.map((p) => noise[p]).sort((a, b) => a - b);
        const thr = sorted[Math.min(sorted.length - 1, Math.floor((1 - redepCov) * sorted.length))];
        for (const p of eligible) {
          const ramp = Math.min(1, (dist[p] - minPx) / Math.max(1, minPx));
          const o = Math.min(1, Math.max(0, (noise[p] - thr) / 0.02)) * ramp;
          if (o <= 0) continue;
          const y = Math.floor(p / ox);
          const x = p - y * ox;
          const grain = 1 + 0.2 * (2 * hash3(z, y, x, redSalt) - 1);
          for (let k = 0; k < 2; k++) vals[k][p] += o * (dets[k].redeposit * grain - vals[k][p]);
          if (o > 0.5) redep[z * plane + p] = 1;
        }
      }
    }

    // 4. Topography on the face: pore rim glow, edge brightening and one-sided shadowing.
    if (fx.topography) {
      const poreMask = new Uint8Array(plane);
      for (let p = 0; p < plane; p++) poreMask[p] = voidMask[p] ? 1 : 0;
      const rim = chamfer2d(poreMask, oy, ox);
      for (let p = 0; p < plane; p++) {
        if (!voidMask[p]) continue;
        const dpx = rim[p] - 1; // 0 next to the edge
        for (let k = 0; k < 2; k++) {
          const d = dets[k];
          vals[k][p] += d.rimGain * d.nmc * Math.exp((-dpx * sy) / d.rimWidth);
        }
      }
      const edge = blur2d(voidMask, oy, ox, 1);
      const solidF = new Float32Array(plane);
      for (let p = 0; p < plane; p++) solidF[p] = solidMask[p];
      const shade = blur2d(solidF, oy, ox, 2);
      for (let y = 0; y < oy; y++)
        for (let x = 0; x < ox; x++) {
          const p = y * ox + x;
          const dxs = (x + 1 < ox ? shade[p + 1] : shade[p]) - (x > 0 ? shade[p - 1] : shade[p]);
          for (let k = 0; k < 2; k++) {
            let f = 1 + dets[k].shadowGain * 2 * dxs;
            if (solidMask[p]) f *= 1 + dets[k].edgeGain * Math.min(1, 2 * edge[p]);
            vals[k][p] *= Math.max(0.1, f);
          }
        }
    }

    for (let p = 0; p < plane; p++) depth[z * plane + p] = hitDepth[p];

    // 5. Beam spot, gradient, curtaining, flicker, drift, noise, digitisation.
    const kz = z / curtainPeriod;
    const k0 = Math.floor(kz);
    const kf = kz - k0;
    for (let k = 0; k < 2; k++) {
      const d = dets[k];
      let img: Float32Array = psf > 0 ? blur2d(vals[k], oy, ox, psf) : vals[k].slice();
      const gA = fx.gradient ? d.gradientAmplitude : 0;
      const cA = fx.curtaining ? d.curtainAmplitude : 0;
      const fl = fx.flicker ? 1 + d.flickerAmplitude * flicker[z][k] : 1;
      const gy = Math.cos(gPhase + (2 * Math.PI * z) / Math.max(oz * 3, 1));
      for (let y = 0; y < oy; y++) {
        const ry = oy > 1 ? (2 * y) / (oy - 1) - 1 : 0;
        const fade = 1 - (0.5 * y) / oy; // curtains are strongest near the top edge where they start
        for (let x = 0; x < ox; x++) {
          const rx = ox > 1 ? (2 * x) / (ox - 1) - 1 : 0;
          const stripe = keys[k0][x] + kf * (keys[k0 + 1][x] - keys[k0][x]);
          const p = y * ox + x;
          img[p] *= (1 + gA * (0.8 * gy * ry + gTilt * rx)) * (1 + cA * stripe * fade) * fl;
        }
      }
      if (fx.drift && (drift[z][0] !== 0 || drift[z][1] !== 0)) {
        img = translate2d(img, oy, ox, drift[z][0], drift[z][1], d.voidFloor);
      }
      const out = k === 0 ? se2 : inlens;
      for (let p = 0; p < plane; p++) {
        let s = img[p];
        if (fx.noise) {
          const mu = Math.max(0, s) * d.dose;
          const r = nrng.uint32();
          s =
            (mu + Math.sqrt(mu) * normalTable[r >>> 16]) / d.dose +
            d.readNoise * normalTable[r & 0xffff];
        }
        const g = Math.round(d.offset + d.gain * s);
        out[z * plane + p] = g < 0 ? 0 : g > 255 ? 255 : g;
      }
    }
  }

  const spacing = [...structure.spacing] as [number, number, number];
  const vol = (data: Uint8Array): Volume<Uint8Array> => ({
    data,
    shape: [oz, oy, ox],
    spacing: [...spacing],
  });
  return {
    se2: vol(se2),
    inlens: vol(inlens),
    truth: vol(truth),
    redeposition: vol(redep),
    shineDepth: vol(depth),
    drift,
  };
}
