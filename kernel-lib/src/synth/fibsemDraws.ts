/**
 * The random draws and the material texture of one {@link simulateFibsem}
 * run; each effect has its own stream of the seed, so switching one effect
 * off leaves the others' draws unchanged. @internal
 */
import { createRng, type Rng } from "../stats/random.js";
import type { Spacing3 } from "../volume/types.js";
import type { FibsemRun } from "./fibsemSteps.js";
import { blur2d } from "./image2d.js";
import { CLASS } from "./nmcPhantom.js";
import { streamSeed, valueNoise3 } from "./noise.js";

/** Random draws of a run, each effect from its own stream. @internal */
export interface FibsemDraws {
  /** Per slice, the flicker of each detector (standard normal, correlated 0.6). */
  flicker: number[][];
  /** Per slice, the image shift [dy, dx] (pixels). */
  drift: [number, number][];
  /** Curtain stripe profiles (unit variance along x), keyframes every `curtainPeriod` slices. */
  curtains: Float32Array[];
  /** Phase and tilt of the slow intensity gradient. */
  gPhase: number;
  gTilt: number;
  /** Re-deposition: the patch field's generator and salt. */
  redepRng: Rng;
  redepSalt: number;
  /** Shot and read noise: the generator and a table of 2^16 standard normal variates. */
  noiseRng: Rng;
  normalTable: Float32Array;
}

/**
 * Texture in [-1, 1] at a voxel: fine granules in CBD (~20 nm), grain-scale
 * patches in NMC (~60 nm), 3D-consistent value noise. Coordinates are rotated
 * off the lattice axes so the noise shows no grid.
 */
export function materialTexture(
  spacing: Spacing3,
  salt: number,
): (m: number, z: number, y: number, x: number) => number {
  const [tz, ty, tx] = spacing;
  return (m, z, y, x) => {
    const pz = z * tz;
    const py = y * ty;
    const px = x * tx;
    const u = 0.36 * pz + 0.48 * py - 0.8 * px;
    const v = -0.8 * pz + 0.6 * py;
    const w = 0.48 * pz + 0.64 * py + 0.6 * px;
    if (m === CLASS.cbd) return 2 * valueNoise3(u / 20, v / 20, w / 20, salt ^ 0x1234) - 1;
    return 2 * valueNoise3(u / 60, v / 60, w / 60, salt) - 1;
  };
}

/** The random draws of a run: flicker, drift, curtains, gradient, re-deposition and noise streams. */
export function drawRun(run: FibsemRun): FibsemDraws {
  const { seed } = run;
  const [oz, , ox] = run.out;
  const frng = createRng(streamSeed(seed, "flicker"));
  const flicker = Array.from({ length: oz }, () => {
    const a = frng.normal();
    const b = 0.6 * a + 0.8 * frng.normal();
    return [a, b];
  });
  const drng = createRng(streamSeed(seed, "drift"));
  const { driftStep } = run;
  const drift: [number, number][] = [];
  let py = 0;
  let px = 0;
  for (let z = 0; z < oz; z++) {
    if (run.fx.drift && z > 0) {
      py += driftStep * drng.normal();
      px += driftStep * drng.normal();
    }
    drift.push([py, px]);
  }
  const widthPx = run.curtainWidth / run.spacing[2];
  const curtains = curtainProfiles(seed, oz, ox, run.curtainPeriod, widthPx);
  const grng = createRng(streamSeed(seed, "gradient"));
  const gPhase = grng.next() * 2 * Math.PI;
  const gTilt = grng.normal() * 0.3;
  const redepSalt = streamSeed(seed, "redeposition");
  // Noise draws: a table of 2^16 standard normal variates indexed by 16-bit random numbers
  // (two per 32-bit draw), far faster than a transform per pixel and as good for image noise.
  const noiseRng = createRng(streamSeed(seed, "noise"));
  const normalTable = new Float32Array(65536);
  for (let i = 0; i < normalTable.length; i++) normalTable[i] = noiseRng.normal();
  return {
    flicker,
    drift,
    curtains,
    gPhase,
    gTilt,
    redepRng: createRng(redepSalt),
    redepSalt,
    noiseRng,
    normalTable,
  };
}

/**
 * Curtain stripe profiles along x (unit variance): keyframes every `period`
 * slices (interpolated between), white noise with a few strong stripes,
 * blurred to the stripe width (`widthPx` pixels).
 */
function curtainProfiles(
  seed: number,
  oz: number,
  ox: number,
  period: number,
  widthPx: number,
): Float32Array[] {
  const crng = createRng(streamSeed(seed, "curtaining"));
  const nKeys = Math.ceil(oz / period) + 2;
  const keys: Float32Array[] = [];
  for (let k = 0; k < nKeys; k++) {
    const white = new Float32Array(ox);
    for (let x = 0; x < ox; x++) white[x] = crng.normal();
    for (let s = 0; s < Math.max(1, Math.round(ox / 40)); s++)
      white[crng.int(ox)] += 4 * crng.normal();
    const prof = blur2d(white, 1, ox, Math.max(0.5, widthPx));
    let m = 0;
    let v = 0;
    for (let x = 0; x < ox; x++) m += prof[x];
    m /= ox;
    for (let x = 0; x < ox; x++) v += (prof[x] - m) ** 2;
    const sd = Math.sqrt(v / ox) || 1;
    for (let x = 0; x < ox; x++) prof[x] = (prof[x] - m) / sd;
    keys.push(prof);
  }
  return keys;
}
