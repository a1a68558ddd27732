import { createRng } from "../stats/random.js";
import { checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";
import { grainTargets, type GrainTargets } from "./grainTargets.js";
import { blur2d, warp2d } from "./image2d.js";
import { hash3, streamSeed } from "./noise.js";
import { checkBoolean, checkOptions, expectedError } from "../util/checks.js";
import { checkFraction, checkNonNegative, checkRange, checkSeed } from "./options.js";

/** Switches for each effect of the IQ model (for ablation studies). */
export interface EbsdEffects {
  /** Dark grain boundaries. @default true */
  boundaries: boolean;
  /** Some boundaries (low-angle) only faintly visible. @default true */
  faintBoundaries: boolean;
  /** Pattern-quality noise and mottling inside grains, texture in the background. @default true */
  texture: boolean;
  /** Smooth intensity drifts across the field of view and between slices. @default true */
  drift: boolean;
  /** Detector noise. @default true */
  noise: boolean;
  /** Random per-slice translations (and rotations if `rotationStep` > 0). @default true */
  misalignment: boolean;
}

export interface EbsdOptions {
  /** Seed of all random effects (each effect has its own stream). @default 1 */
  seed?: number;
  /** Range of the per-grain image quality (orientation dependent), uniform. @default [0.45, 0.9] */
  iqRange?: [number, number];
  /** Relative pattern-quality noise inside grains. @default 0.05 */
  grainNoise?: number;
  /** Relative darkening at a fully visible grain boundary. @default 0.55 */
  boundaryDepth?: number;
  /** Width (Gaussian sigma) of the dark boundary band, nm. @default 35 */
  boundaryWidth?: number;
  /** Fraction of grain pairs whose boundary is faint (low misorientation). @default 0.25 */
  faintFraction?: number;
  /** Visibility of a faint boundary relative to a full one. @default 0.2 */
  faintVisibility?: number;
  /** Image quality of the background (outside the particle). @default 0.1 */
  background?: number;
  /** Relative amplitude of the smooth intensity drift. @default 0.12 */
  driftAmplitude?: number;
  /** Additive detector noise, standard deviation (IQ units, 1 = white). @default 0.04 */
  noise?: number;
  /** Standard deviation of the per-slice random-walk translation step, pixels. @default 1 */
  shiftStep?: number;
  /** Allow subpixel shifts (bilinear); otherwise shifts are whole pixels and exact. @default false */
  subpixel?: boolean;
  /** Standard deviation of the per-slice random-walk rotation step, degrees. @default 0 */
  rotationStep?: number;
  /** Effect switches (partial overrides). */
  effects?: Partial<EbsdEffects>;
}

/** Result of {@link simulateEbsd}. */
export interface EbsdSimulation extends GrainTargets {
  /** The IQ stack as acquired (misaligned), uint8. */
  iq: Volume<Uint8Array>;
  /** The same images before misalignment (aligned with the truth), uint8. */
  iqAligned: Volume<Uint8Array>;
  /** Truth grain labels (the input), 0 = background. */
  grains: Volume<Int32Array>;
  /**
   * Per-slice translation [dy, dx] in pixels applied to each aligned slice:
   * iq[z](y, x) = iqAligned[z](y - dy, x - dx) (after the rotation, if any). Slice 0 is [0, 0].
   */
  shifts: [number, number][];
  /** Per-slice rotation about the slice centre, degrees (all 0 unless `rotationStep` > 0). */
  rotations: number[];
}

const DEFAULT_EFFECTS: EbsdEffects = {
  boundaries: true,
  faintBoundaries: true,
  texture: true,
  drift: true,
  noise: true,
  misalignment: true,
};

/**
 * Simulate an FIB-EBSD image-quality (IQ) stack of a polycrystalline particle:
 * per-grain brightness (pattern quality depends on orientation) with noise and
 * mottling inside grains, dark grain boundaries of realistic width (pattern
 * overlap) where some boundaries are only faint (low misorientation), a slightly
 * dark particle rim, a dark textured background, smooth intensity drifts, and
 * random per-slice misalignment (translations, optionally rotations) returned
 * as truth so alignment can be scored. Also returns the three U-Net targets
 * (boundary, interior, background) of Paper 2.
 * @param grains - Grain labels (Int32), 0 = background, e.g. from {@link laguerreParticle}.
 * @see Furat et al., Sects. 2.2-2.3, Figs. 1-2
 * @example
 * const { grains } = laguerreParticle([32, 96, 96]);
 * const { iq, shifts, boundary } = simulateEbsd(grains, { seed: 1 });
 */
export function simulateEbsd(
  grains: Volume<Int32Array>,
  options: EbsdOptions = {},
): EbsdSimulation {
  checkVolume(grains, "grains", { dtypes: ["int32"] });
  const seed = checkSeed(options.seed ?? 1);
  const [iqLo, iqHi] = checkRange(options.iqRange ?? [0.45, 0.9], "iqRange");
  if (iqHi > 1) throw expectedError("iqRange", "[min, max] within (0, 1]", options.iqRange);
  const grainNoise = checkNonNegative(options.grainNoise ?? 0.05, "grainNoise");
  const depth = checkFraction(options.boundaryDepth ?? 0.55, "boundaryDepth");
  const width = checkNonNegative(options.boundaryWidth ?? 35, "boundaryWidth");
  const faintFraction = checkFraction(options.faintFraction ?? 0.25, "faintFraction");
  const faintVis = checkFraction(options.faintVisibility ?? 0.2, "faintVisibility");
  const bg = checkFraction(options.background ?? 0.1, "background");
  const driftAmp = checkNonNegative(options.driftAmplitude ?? 0.12, "driftAmplitude");
  const noiseSd = checkNonNegative(options.noise ?? 0.04, "noise");
  const shiftStep = checkNonNegative(options.shiftStep ?? 1, "shiftStep");
  const rotStep = checkNonNegative(options.rotationStep ?? 0, "rotationStep");
  const subpixel = checkBoolean(options.subpixel ?? false, "subpixel");
  const effects = checkOptions(options.effects, "effects", Object.keys(DEFAULT_EFFECTS), "effect");
  for (const [k, v] of Object.entries(effects)) checkBoolean(v, `effects.${k}`);
  const fx: EbsdEffects = { ...DEFAULT_EFFECTS, ...effects };

  const [nz, ny, nx] = grains.shape;
  const plane = ny * nx;
  const g = grains.data;
  const targets = grainTargets(grains);
  const grainSalt = streamSeed(seed, "grain-iq");
  const pairSalt = streamSeed(seed, "boundary-visibility");
  const grainIq = (label: number) => iqLo + (iqHi - iqLo) * hash3(label, 0, 0, grainSalt);
  const visibility = (a: number, b: number) => {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const u = hash3(lo, hi, 1, pairSalt);
    if (fx.faintBoundaries && u < faintFraction) return faintVis;
    return 0.7 + 0.3 * hash3(lo, hi, 2, pairSalt);
  };
  const trng = createRng(streamSeed(seed, "texture"));
  const nrng = createRng(streamSeed(seed, "noise"));
  const drng = createRng(streamSeed(seed, "drift"));
  const driftPhase = [drng.next() * 2 * Math.PI, drng.next() * 2 * Math.PI];
  const sliceGain = Array.from({ length: nz }, () => 1 + 0.03 * drng.normal());
  const mrng = createRng(streamSeed(seed, "misalignment"));
  const shifts: [number, number][] = [];
  const rotations: number[] = [];
  {
    let sy = 0;
    let sx = 0;
    let a = 0;
    for (let z = 0; z < nz; z++) {
      if (fx.misalignment && z > 0) {
        sy += shiftStep * mrng.normal();
        sx += shiftStep * mrng.normal();
        a += rotStep * mrng.normal();
      }
      shifts.push(subpixel ? [sy, sx] : [Math.round(sy), Math.round(sx)]);
      rotations.push(a);
    }
  }

  const aligned = new Uint8Array(nz * plane);
  const iq = new Uint8Array(nz * plane);
  const bandSigma = width / grains.spacing[1];
  const img = new Float32Array(plane);
  const band = new Float32Array(plane);
  const white = new Float32Array(plane);
  for (let z = 0; z < nz; z++) {
    // Boundary strength: the strongest visibility among differing neighbours (6-neighbourhood).
    band.fill(0);
    const base = z * plane;
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const p = y * nx + x;
        const i = base + p;
        const v = g[i];
        if (v === 0) continue;
        let s = 0;
        const look = (j: number) => {
          const w = g[j];
          if (w === v) return;
          // The particle rim darkens a little too (patterns degrade at the edge).
          const vis = w === 0 ? 0.35 : visibility(v, w);
          if (vis > s) s = vis;
        };
        if (x > 0) look(i - 1);
        if (x + 1 < nx) look(i + 1);
        if (y > 0) look(i - nx);
        if (y + 1 < ny) look(i + nx);
        if (z > 0) look(i - plane);
        if (z + 1 < nz) look(i + plane);
        band[p] = s;
      }
    const bandBlur = fx.boundaries
      ? bandSigma > 0
        ? blur2d(band, ny, nx, bandSigma)
        : band
      : null;
    // Mottling inside grains and texture of the background: smoothed random fields.
    let mottle: Float32Array | null = null;
    if (fx.texture) {
      for (let p = 0; p < plane; p++) white[p] = trng.normal();
      mottle = blur2d(white, ny, nx, 1.5);
      // A Gaussian of sigma s scales white noise's sd by 1 / (2 sqrt(pi) s): back to unit sd.
      const unitSd = 2 * Math.sqrt(Math.PI) * 1.5;
      for (let p = 0; p < plane; p++) mottle[p] *= unitSd;
    }
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const p = y * nx + x;
        const v = g[base + p];
        let q: number;
        if (v === 0) {
          q = bg * (1 + (mottle ? 0.3 * mottle[p] : 0));
        } else {
          q = grainIq(v) * (1 + (mottle ? grainNoise * mottle[p] : 0));
          if (bandBlur) q *= 1 - depth * Math.min(1, 1.8 * bandBlur[p]);
        }
        if (fx.drift) {
          const d =
            0.6 * Math.cos((2 * Math.PI * 0.7 * x) / nx + driftPhase[0] + 0.03 * z) +
            0.4 * Math.sin((2 * Math.PI * 0.5 * y) / ny + driftPhase[1] - 0.02 * z);
          q *= (1 + driftAmp * d) * sliceGain[z];
        }
        if (fx.noise)
          q +=
            noiseSd * nrng.normal() + (v !== 0 && fx.texture ? grainNoise * q * nrng.normal() : 0);
        img[p] = q;
      }
    for (let p = 0; p < plane; p++) {
      const u = Math.round(255 * img[p]);
      aligned[base + p] = u < 0 ? 0 : u > 255 ? 255 : u;
    }
    const [dy, dx] = shifts[z];
    const angle = (rotations[z] * Math.PI) / 180;
    if (dy === 0 && dx === 0 && angle === 0) {
      iq.set(aligned.subarray(base, base + plane), base);
    } else {
      const src = new Float32Array(plane);
      for (let p = 0; p < plane; p++) src[p] = aligned[base + p];
      const moved = warp2d(src, ny, nx, angle, dy, dx, Math.round(255 * bg));
      for (let p = 0; p < plane; p++) {
        const u = Math.round(moved[p]);
        iq[base + p] = u < 0 ? 0 : u > 255 ? 255 : u;
      }
    }
  }
  const vol = (data: Uint8Array): Volume<Uint8Array> => ({
    data,
    shape: [nz, ny, nx],
    spacing: [...grains.spacing],
  });
  return { iq: vol(iq), iqAligned: vol(aligned), grains, shifts, rotations, ...targets };
}
