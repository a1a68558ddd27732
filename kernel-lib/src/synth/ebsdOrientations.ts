import { multiply, quaternionToEuler, uniformRotation, type Quaternion } from "../ebsd/quaternion.js";
import { crystalSymmetry, misorientationAngle } from "../ebsd/symmetry.js";
import type { EbsdStack } from "../io/ebsdStack.js";
import type { EbsdMap, EbsdPhase } from "../io/ebsdTypes.js";
import { createRng } from "../stats/random.js";
import { checkBoolean, checkOptions, checkString, expectedError } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";
import { hash3, streamSeed } from "./noise.js";
import { checkFraction, checkNonNegative, checkRange, checkSeed } from "./options.js";

/** Options of {@link ebsdOrientations}. */
export interface EbsdOrientationsOptions {
  /**
   * Seed. Use the seed {@link simulateEbsd} was given (the sample's: ebsd-particle 1,
   * ebsd-particle-small 2) so the faint pairs are the ones its IQ images show faint. @default 1
   */
  seed?: number;
  /** Laue class of the phase (NMC, R-3m: "-3m"). @default "-3m" */
  laueClass?: string;
  /** As {@link EbsdOptions.faintFraction}: must match the IQ simulation's. @default 0.25 */
  faintFraction?: number;
  /** As {@link EbsdEffects.faintBoundaries}: false makes no pair faint. @default true */
  faintBoundaries?: boolean;
  /** Misorientation of a faint pair, degrees: uniform in this range. @default [3, 8] */
  faintAngle?: [number, number];
  /**
   * Per-voxel orientation noise, degrees: each voxel's orientation is the grain's turned by a
   * rotation vector with independent normal components of this standard deviation (so the
   * noise angle has mean 1.6 times it, and two voxels of a grain differ by about 2.3 times it).
   * @default 0.3
   */
  noise?: number;
}

/** Result of {@link ebsdOrientations}: an {@link EbsdStack} (so it feeds {@link grainsFromOrientations}) plus truth. */
export interface EbsdOrientations extends EbsdStack {
  /** Orientation of each grain label (passive quaternion [w, x, y, z], 4 per label; label 0 unused). */
  grainOrientation: Float64Array;
  /** Every pair of face-adjacent grains (a < b) with its disorientation in degrees, and whether it is faint. */
  pairs: { a: number; b: number; angle: number; faint: boolean }[];
}

/**
 * Per-grain crystal orientations and per-voxel Bunge Euler volumes for a grain-label volume, as
 * a serial-section EBSD orientation stack would give them: the orientation-route reference of
 * the simulated ebsd-particle sample.
 *
 * Grains get uniformly random orientations (Haar measure), except along "faint" pairs: the
 * adjacent grain pairs {@link simulateEbsd} draws faint (low-misorientation) boundaries for,
 * found with the same rule (a hash of the pair and the seed below `faintFraction`). Faint pairs
 * are walked breadth first from the lowest label of each faint cluster; a grain reached over a
 * faint pair gets its parent's orientation turned by `faintAngle` about a random axis: of 32
 * such draws, the one within `faintAngle` of the most other already placed faint neighbours
 * (faint pairs closing cycles), then with the largest smallest disorientation (counted up to 15
 * degrees) to the placed grains it meets over a full (non-faint) boundary. Limits (see `pairs`
 * for the angles reached): a faint pair that closes a cycle may fall outside `faintAngle`, and
 * a full boundary between two faint neighbours of one grain is at most 2 x 8 = 16 degrees;
 * other full boundaries are random (rarely below 10 degrees). Background voxels (label 0) get NaN
 * angles and phase 0; grains phase 1. Deterministic for a seed.
 * @param grains - Grain labels (Int32), 0 = background, e.g. from {@link laguerreParticle}.
 * @example
 * const s = await loadSample("ebsd-particle-small");
 * const o = ebsdOrientations(s.volumes.grains, { seed: 2 });
 * const g = grainsFromOrientations(o, { threshold: 2 });
 */
export function ebsdOrientations(grains: Volume<Int32Array>, options: EbsdOrientationsOptions = {}): EbsdOrientations {
  checkVolume(grains, "grains", { dtypes: ["int32"] });
  const opts = checkOptions(options, "options", ["seed", "laueClass", "faintFraction", "faintBoundaries", "faintAngle", "noise"]);
  const seed = checkSeed(opts.seed ?? 1);
  const laue = checkString(opts.laueClass ?? "-3m", "laueClass", true);
  const sym = crystalSymmetry(laue);
  const faintFraction = checkFraction(opts.faintFraction ?? 0.25, "faintFraction");
  const faintOn = checkBoolean(opts.faintBoundaries ?? true, "faintBoundaries");
  const [aLo, aHi] = checkRange(opts.faintAngle ?? [3, 8], "faintAngle");
  if (aHi > 30) throw expectedError("faintAngle", "[min, max] degrees with max <= 30", opts.faintAngle);
  const noise = checkNonNegative(opts.noise ?? 0.3, "noise");
  const [nz, ny, nx] = grains.shape;
  const g = grains.data;
  const n = g.length;
  let maxLabel = 0;
  for (let i = 0; i < n; i++) {
    if (g[i] < 0) throw new RangeError(`grains: labels must be >= 0, received ${g[i]} at index ${i}`);
    if (g[i] > maxLabel) maxLabel = g[i];
  }
  // face-adjacent pairs
  const keys = new Set<number>();
  const W = maxLabel + 1;
  const add = (a: number, b: number) => {
    if (a === b || a === 0 || b === 0) return;
    keys.add(a < b ? a * W + b : b * W + a);
  };
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const i = (z * ny + y) * nx + x;
        if (x + 1 < nx) add(g[i], g[i + 1]);
        if (y + 1 < ny) add(g[i], g[i + nx]);
        if (z + 1 < nz) add(g[i], g[i + nx * ny]);
      }
  const pairSalt = streamSeed(seed, "boundary-visibility");
  const list = [...keys].sort((p, q) => p - q).map((k) => {
    const a = Math.floor(k / W), b = k % W;
    return { a, b, angle: 0, faint: faintOn && hash3(a, b, 1, pairSalt) < faintFraction };
  });
  const faintNbrs = new Map<number, number[]>(), otherNbrs = new Map<number, number[]>();
  const push = (m: Map<number, number[]>, a: number, b: number) => (m.get(a) ?? m.set(a, []).get(a)!).push(b);
  for (const p of list) {
    const m = p.faint ? faintNbrs : otherNbrs;
    push(m, p.a, p.b);
    push(m, p.b, p.a);
  }
  const present = new Uint8Array(W);
  for (let i = 0; i < n; i++) present[g[i]] = 1;
  const rng = createRng(streamSeed(seed, "grain-orientations"));
  const orient = new Float64Array(4 * W);
  const done = new Uint8Array(W);
  const set = (label: number, q: readonly number[]) => { for (let k = 0; k < 4; k++) orient[4 * label + k] = q[k]; done[label] = 1; };
  const get = (label: number): Quaternion => [orient[4 * label], orient[4 * label + 1], orient[4 * label + 2], orient[4 * label + 3]];
  for (let root = 1; root < W; root++) {
    if (!present[root] || done[root]) continue;
    set(root, uniformRotation(rng.next(), rng.next(), rng.next()));
    const queue = [root];
    for (let h = 0; h < queue.length; h++) {
      const p = queue[h];
      for (const c of faintNbrs.get(p) ?? []) {
        if (done[c]) continue;
        // CANDIDATES draws; keep the one farthest (largest smallest disorientation) from the
        // grains already placed that touch c over a full (non-faint) boundary
        let best: Quaternion = [1, 0, 0, 0], bestScore = -1;
        for (let t = 0; t < CANDIDATES; t++) {
          const angle = ((aLo + (aHi - aLo) * rng.next()) * Math.PI) / 180;
          const axis = randomAxis(rng);
          const s = Math.sin(angle / 2);
          const cand = multiply([Math.cos(angle / 2), s * axis[0], s * axis[1], s * axis[2]], get(p));
          // first: how many placed faint neighbours it is within faintAngle of; then the smallest
          // angle to the placed full-boundary neighbours, counted up to 15 degrees
          let full = 15;
          for (const o of otherNbrs.get(c) ?? []) if (done[o]) full = Math.min(full, misorientationAngle(cand, get(o), sym) / DEG);
          let ok = 0;
          for (const o of faintNbrs.get(c) ?? []) {
            if (!done[o] || o === p) continue;
            const a = misorientationAngle(cand, get(o), sym) / DEG;
            if (a >= aLo && a <= aHi) ok++;
          }
          const score = ok * 100 + full;
          if (score > bestScore) { bestScore = score; best = cand; }
        }
        set(c, best);
        queue.push(c);
      }
    }
  }
  for (const p of list) p.angle = (misorientationAngle(get(p.a), get(p.b), sym) * 180) / Math.PI;

  const phi1 = new Float32Array(n), Phi = new Float32Array(n), phi2 = new Float32Array(n);
  const phase = new Int32Array(n);
  const nrng = createRng(streamSeed(seed, "orientation-noise"));
  const sd = (noise * Math.PI) / 180;
  for (let i = 0; i < n; i++) {
    const l = g[i];
    if (l === 0) { phi1[i] = Phi[i] = phi2[i] = NaN; continue; }
    let q: readonly number[] = get(l);
    if (sd > 0) {
      const vx = sd * nrng.normal(), vy = sd * nrng.normal(), vz = sd * nrng.normal();
      const t = Math.hypot(vx, vy, vz);
      const s = t > 0 ? Math.sin(t / 2) / t : 0;
      q = multiply([Math.cos(t / 2), vx * s, vy * s, vz * s], q);
    }
    const e = quaternionToEuler(q);
    phi1[i] = e[0]; Phi[i] = e[1]; phi2[i] = e[2];
    phase[i] = 1;
  }
  const vol = <T extends Float32Array | Int32Array>(data: T): Volume<T> =>
    ({ data, shape: [nz, ny, nx], spacing: [...grains.spacing] });
  const ph: EbsdPhase = { id: 1, name: "NMC (simulated)", symmetry: "", laueClass: sym.laueClass, crystalSystem: systemOf(sym.laueClass) };
  const plane = ny * nx;
  const gx = new Float32Array(plane), gy = new Float32Array(plane);
  for (let p = 0; p < plane; p++) { gx[p] = ((p % nx) * grains.spacing[2]) / 1000; gy[p] = (Math.floor(p / nx) * grains.spacing[1]) / 1000; }
  const sections: EbsdMap[] = Array.from({ length: nz }, (_, z) => ({
    file: `simulated-${z}`, format: "ang", rows: ny, cols: nx, grid: "square",
    step: { x: grains.spacing[2] / 1000, y: grains.spacing[1] / 1000 }, unit: "um",
    phi1: phi1.subarray(z * plane, (z + 1) * plane), Phi: Phi.subarray(z * plane, (z + 1) * plane),
    phi2: phi2.subarray(z * plane, (z + 1) * plane), x: gx, y: gy, phase: phase.subarray(z * plane, (z + 1) * plane),
    quality: {}, phases: [ph], header: {},
  }));
  return {
    phi1: vol(phi1), Phi: vol(Phi), phi2: vol(phi2), phase: vol(phase), quality: {}, sections,
    grainOrientation: orient, pairs: list,
  };
}

const CANDIDATES = 32;
const DEG = Math.PI / 180;

function randomAxis(rng: { normal(): number }): [number, number, number] {
  for (;;) {
    const a = rng.normal(), b = rng.normal(), c = rng.normal();
    const r = Math.hypot(a, b, c);
    if (r > 1e-9) return [a / r, b / r, c / r];
  }
}

function systemOf(laue: string): string {
  if (laue.startsWith("m-3")) return "cubic";
  if (laue.startsWith("6")) return "hexagonal";
  if (laue.startsWith("-3")) return "trigonal";
  if (laue.startsWith("4")) return "tetragonal";
  return laue === "mmm" ? "orthorhombic" : laue === "2/m" ? "monoclinic" : "triclinic";
}
