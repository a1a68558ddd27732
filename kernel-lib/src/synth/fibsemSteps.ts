/**
 * The physical steps of {@link simulateFibsem}, one function each, applied
 * slice by slice in milling order: local pore radius, face and shine-through,
 * depth blur of the shine-through, re-deposition, face topography, and
 * detection (beam spot, shading, curtaining, flicker, drift, noise,
 * digitisation). @internal
 */
import type { Shape3, Spacing3 } from "../volume/types.js";
import type { DetectorModel, FibsemEffects } from "./fibsem.js";
import type { FibsemDraws } from "./fibsemDraws.js";
import { blur2d, chamfer2d, translate2d } from "./image2d.js";
import { CLASS } from "./nmcPhantom.js";
import { hash3 } from "./noise.js";

/** Everything fixed for one simulation run (checked options, beam geometry, texture). @internal */
export interface FibsemRun {
  /** Seed of all random effects. */
  seed: number;
  /** The structure's labels (>= 2: solid), its shape `[nz, ny, nx]` and spacing. */
  src: Uint8Array;
  shape: Shape3;
  spacing: Spacing3;
  /** The imaged region `[oz, oy, ox]`. */
  out: Shape3;
  fx: FibsemEffects;
  /** SE2 and InLens. */
  dets: DetectorModel[];
  depthBlur: number;
  psf: number;
  redepMin: number;
  redepCov: number;
  /** Curtaining: stripe width (nm) and slices over which the pattern changes. */
  curtainWidth: number;
  curtainPeriod: number;
  /** Drift: standard deviation of the per-slice random-walk step, pixels. */
  driftStep: number;
  /** (z, y) components of the beam direction, and the cosine of its angle to the face normal. */
  beam: [number, number];
  cosFace: number;
  /** Deepest slice offset searched behind a pore, and the lateral (y) shift of the beam at each. */
  tMax: number;
  yStep: Int32Array;
  /** Per detector: attenuation with depth (tapering to 0 over the last quarter of `maxDepth`). */
  atten: Float32Array[];
  /** Texture in [-1, 1] of material `m` at voxel (z, y, x). */
  texture: (m: number, z: number, y: number, x: number) => number;
}

/** Per-slice images, reused from slice to slice. @internal */
export interface SliceBuffers {
  /** Signal of each detector at each face pixel. */
  vals: [Float32Array, Float32Array];
  /** 1 on pore pixels of the face (float, for blurring), and 1 on solid ones. */
  voidMask: Float32Array;
  solidMask: Uint8Array;
  /** Depth (slices) of the surface seen: 0 solid face, 255 none within reach. */
  hitDepth: Int32Array;
  /** Local pore radius (nm) at each face pixel. */
  poreRadius: Float32Array;
  faceVoid: Uint8Array;
  rowMax: Float32Array;
  /** Re-deposition patch field, carried from slice to slice (empty before the first). */
  redField: Float32Array;
}

/** Window half-width (pixels) of the local pore radius. */
const PORE_WINDOW = 3;
/** Blur sigmas (pixels) of the depth bands of the shine-through. */
const DEPTH_LEVELS = [0, 1.5, 3, 6];

/** New buffers for slices of `plane` pixels. @internal */
export function sliceBuffers(plane: number): SliceBuffers {
  return {
    vals: [new Float32Array(plane), new Float32Array(plane)],
    voidMask: new Float32Array(plane),
    solidMask: new Uint8Array(plane),
    hitDepth: new Int32Array(plane),
    poreRadius: new Float32Array(plane),
    faceVoid: new Uint8Array(plane),
    rowMax: new Float32Array(plane),
    redField: new Float32Array(0),
  };
}

const textureAmplitude = (d: DetectorModel, m: number) =>
  m === CLASS.cbd ? d.cbdTexture : d.nmcTexture;
const materialSignal = (d: DetectorModel, m: number) => (m === CLASS.cbd ? d.cbd : d.nmc);

/**
 * Local pore radius in the face of slice z: the distance to the nearest
 * solid, maximised over a small window (pores wider than the field of view
 * count as very large), into `buf.poreRadius`, nm.
 */
export function localPoreRadius(run: FibsemRun, z: number, buf: SliceBuffers): void {
  const { src } = run;
  const [, ny, nx] = run.shape;
  const [, oy, ox] = run.out;
  const sy = run.spacing[1];
  const { faceVoid, rowMax, poreRadius } = buf;
  for (let y = 0; y < oy; y++)
    for (let x = 0; x < ox; x++) faceVoid[y * ox + x] = src[(z * ny + y) * nx + x] >= 2 ? 0 : 1;
  const dist = chamfer2d(faceVoid, oy, ox);
  const rr = PORE_WINDOW;
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
      poreRadius[y * ox + x] = Math.min(m, 4 * Math.max(oy, ox)) * sy;
    }
}

/** Depth (slices, 1..tMax) of the first solid voxel the beam meets behind pore pixel (z, y, x); 0 for none. */
function firstSurfaceBehind(run: FibsemRun, z: number, y: number, x: number): number {
  const { src, tMax, yStep } = run;
  const [nz, ny, nx] = run.shape;
  for (let t = 1; t <= tMax; t++) {
    const zz = z + t;
    const yy = y + yStep[t];
    if (zz >= nz || yy >= ny || yy < 0) break;
    if (src[(zz * ny + yy) * nx + x] >= 2) return t;
  }
  return 0;
}

/**
 * Gradient of the solid indicator at voxel (z, y, x) (3x3x3 Sobel-like sums,
 * in voxels; outside the structure counts as pore) into `g` = [gz, gy, gx].
 */
function solidGradient(run: FibsemRun, z: number, y: number, x: number, g: Float64Array): void {
  const { src } = run;
  const [nz, ny, nx] = run.shape;
  let gz = 0;
  let gy = 0;
  let gx = 0;
  if (z >= 1 && z + 1 < nz && y >= 1 && y + 1 < ny && x >= 1 && x + 1 < nx) {
    // Interior: direct indexing.
    const c = (z * ny + y) * nx + x;
    const sZ = ny * nx;
    const solid = (i: number) => (src[i] >= 2 ? 1 : 0);
    for (let a = -1; a <= 1; a++)
      for (let b = -1; b <= 1; b++) {
        gz += solid(c + sZ + a * nx + b) - solid(c - sZ + a * nx + b);
        gy += solid(c + a * sZ + nx + b) - solid(c + a * sZ - nx + b);
        gx += solid(c + a * sZ + b * nx + 1) - solid(c + a * sZ + b * nx - 1);
      }
  } else {
    const solidAt = (zz: number, yy: number, xx: number) =>
      zz >= 0 &&
      zz < nz &&
      yy >= 0 &&
      yy < ny &&
      xx >= 0 &&
      xx < nx &&
      src[(zz * ny + yy) * nx + xx] >= 2
        ? 1
        : 0;
    for (let a = -1; a <= 1; a++)
      for (let b = -1; b <= 1; b++) {
        gz += solidAt(z + 1, y + a, x + b) - solidAt(z - 1, y + a, x + b);
        gy += solidAt(z + a, y + 1, x + b) - solidAt(z + a, y - 1, x + b);
        gx += solidAt(z + a, y + b, x + 1) - solidAt(z + a, y + b, x - 1);
      }
  }
  g[0] = gz;
  g[1] = gy;
  g[2] = gx;
}

const gradient = new Float64Array(3);

/** Cosine of the beam's incidence angle on the surface at voxel (z, y, x), from the surface normal, in [0.25, 1]. */
function incidenceCosine(run: FibsemRun, z: number, y: number, x: number): number {
  solidGradient(run, z, y, x, gradient);
  const gz = gradient[0]! / run.spacing[0];
  const gy = gradient[1]! / run.spacing[1];
  const gx = gradient[2]! / run.spacing[2];
  const gn = Math.sqrt(gz * gz + gy * gy + gx * gx);
  if (!(gn > 0)) return 1;
  return Math.min(1, Math.max(0.25, Math.abs(gz * run.beam[0] + gy * run.beam[1]) / gn));
}

/**
 * The milled face of slice z and what shines through its pores: solid face
 * pixels show their material's signal with texture; pore pixels show the
 * first surface behind them (material signal x texture x tilt contrast x
 * attenuation with depth x escape through the pore opening) or the dark pore
 * floor. Writes `buf.vals`, the masks, `buf.hitDepth` and the truth of the slice.
 */
export function faceAndShineThrough(
  run: FibsemRun,
  z: number,
  buf: SliceBuffers,
  truth: Uint8Array,
): void {
  const { src, fx, dets, yStep, atten, cosFace } = run;
  const [, ny, nx] = run.shape;
  const [, oy, ox] = run.out;
  const sz = run.spacing[0];
  const plane = oy * ox;
  const { vals, voidMask, solidMask, hitDepth, poreRadius } = buf;
  for (let y = 0; y < oy; y++) {
    for (let x = 0; x < ox; x++) {
      const p = y * ox + x;
      const m = src[(z * ny + y) * nx + x];
      truth[z * plane + p] = m;
      if (m >= 2) {
        solidMask[p] = 1;
        voidMask[p] = 0;
        hitDepth[p] = 0;
        const tx = run.texture(m, z, y, x);
        for (let k = 0; k < 2; k++)
          vals[k][p] = materialSignal(dets[k], m) * (1 + textureAmplitude(dets[k], m) * tx);
        continue;
      }
      solidMask[p] = 0;
      voidMask[p] = 1;
      const hit = fx.shineThrough ? firstSurfaceBehind(run, z, y, x) : 0;
      if (hit === 0) {
        hitDepth[p] = 255;
        for (let k = 0; k < 2; k++) vals[k][p] = dets[k].voidFloor;
        continue;
      }
      hitDepth[p] = hit;
      const zz = z + hit;
      const yy = y + yStep[hit];
      const hm = src[(zz * ny + yy) * nx + x];
      const cosA = fx.topography ? incidenceCosine(run, zz, yy, x) : 1;
      const tx = run.texture(hm, zz, yy, x);
      for (let k = 0; k < 2; k++) {
        const d = dets[k];
        let tilt = fx.topography ? Math.pow(cosFace / cosA, d.tiltExponent) : 1;
        if (tilt > 3) tilt = 3;
        const q = (hit * sz) / (d.aperture * poreRadius[p]);
        const escape = 1 / (1 + q * q);
        vals[k][p] =
          materialSignal(d, hm) *
            (1 + textureAmplitude(d, hm) * tx) *
            tilt *
            atten[k][hit] *
            escape +
          d.voidFloor;
      }
    }
  }
}

/**
 * Depth-dependent blur of the shine-through, restricted to the pores. Each
 * pore pixel spreads its signal with the blur of its own depth ("splatting"
 * by depth bands, with linear weights between neighbouring bands), then the
 * sum is normalised by the spread pore mask: a deep dark pixel stays dark
 * beside a sharp bright wall.
 */
export function blurShineThrough(run: FibsemRun, buf: SliceBuffers): void {
  const [, oy, ox] = run.out;
  const plane = oy * ox;
  const { vals, voidMask } = buf;
  const band = depthBands(run, buf);
  const nL = DEPTH_LEVELS.length;
  const num = [new Float32Array(plane), new Float32Array(plane)];
  const den = new Float32Array(plane);
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
    const sl = DEPTH_LEVELS[l];
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

/** Weight of each pore pixel in each depth band (band-major, `DEPTH_LEVELS.length` planes). */
function depthBands(run: FibsemRun, buf: SliceBuffers): Float32Array {
  const [, oy, ox] = run.out;
  const plane = oy * ox;
  const nL = DEPTH_LEVELS.length;
  const band = new Float32Array(plane * nL);
  for (let p = 0; p < plane; p++) {
    if (!buf.voidMask[p]) continue;
    const t = buf.hitDepth[p] === 255 ? run.tMax : buf.hitDepth[p];
    const s = Math.min(DEPTH_LEVELS[nL - 1], (run.depthBlur * t * run.spacing[0]) / 100);
    let l = 0;
    while (l + 1 < nL && DEPTH_LEVELS[l + 1] < s) l++;
    const f = l + 1 < nL ? (s - DEPTH_LEVELS[l]) / (DEPTH_LEVELS[l + 1] - DEPTH_LEVELS[l]) : 0;
    band[l * plane + p] = 1 - f;
    if (l + 1 < nL) band[(l + 1) * plane + p] = f;
  }
  return band;
}

/** Distance (pixels, chamfer) of each pore pixel of the face to the nearest solid one. */
function poreDistance(buf: SliceBuffers, oy: number, ox: number): Float32Array {
  const poreMask = new Uint8Array(oy * ox);
  for (let p = 0; p < poreMask.length; p++) poreMask[p] = buf.voidMask[p] ? 1 : 0;
  return chamfer2d(poreMask, oy, ox);
}

/**
 * Re-deposition in large pores near the face of slice z: milled material
 * settles in patches (~60 nm, a smoothed random field partly renewed with
 * every cut) where the pore is farther than `redepMin` from any solid, and
 * looks solid (void in the truth). Marks `redep` where it covers the pixel.
 */
export function redeposit(
  run: FibsemRun,
  z: number,
  buf: SliceBuffers,
  draws: FibsemDraws,
  redep: Uint8Array,
): void {
  const [, oy, ox] = run.out;
  const plane = oy * ox;
  const sy = run.spacing[1];
  const { vals } = buf;
  const { dets } = run;
  const dist = poreDistance(buf, oy, ox);
  const minPx = run.redepMin / sy;
  const white = new Float32Array(plane);
  for (let p = 0; p < plane; p++) white[p] = draws.redepRng.normal();
  const fresh = blur2d(white, oy, ox, 30 / sy);
  if (buf.redField.length !== plane) buf.redField = fresh;
  else for (let p = 0; p < plane; p++) buf.redField[p] = 0.8 * buf.redField[p] + 0.6 * fresh[p];
  const noise = buf.redField;
  const eligible: number[] = [];
  for (let p = 0; p < plane; p++) if (dist[p] >= minPx) eligible.push(p);
  if (eligible.length === 0) return;
  const sorted = eligible.map((p) => noise[p]).sort((a, b) => a - b);
  const thr = sorted[Math.min(sorted.length - 1, Math.floor((1 - run.redepCov) * sorted.length))];
  for (const p of eligible) {
    const ramp = Math.min(1, (dist[p] - minPx) / Math.max(1, minPx));
    const o = Math.min(1, Math.max(0, (noise[p] - thr) / 0.02)) * ramp;
    if (o <= 0) continue;
    const y = Math.floor(p / ox);
    const x = p - y * ox;
    const grain = 1 + 0.2 * (2 * hash3(z, y, x, draws.redepSalt) - 1);
    for (let k = 0; k < 2; k++) vals[k][p] += o * (dets[k].redeposit * grain - vals[k][p]);
    if (o > 0.5) redep[z * plane + p] = 1;
  }
}

/**
 * Topography on the face: the pore rim glow (the wall just under a pore's
 * edge, seen at grazing incidence), edge brightening of solid pixels at pore
 * edges and one-sided shadowing across edges (the detector sits at -x).
 */
export function faceTopography(run: FibsemRun, buf: SliceBuffers): void {
  const [, oy, ox] = run.out;
  const plane = oy * ox;
  const sy = run.spacing[1];
  const { dets } = run;
  const { vals, voidMask, solidMask } = buf;
  const rim = poreDistance(buf, oy, ox);
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

/**
 * Detector k's image of slice z: beam spot (point spread), slow intensity
 * gradient, curtaining stripes (strongest near the top edge where they
 * start), slice flicker and drift, then shot and read noise and
 * digitisation to uint8 into `out` (the detector's stack).
 */
export function detect(
  run: FibsemRun,
  z: number,
  k: number,
  buf: SliceBuffers,
  draws: FibsemDraws,
  out: Uint8Array,
): void {
  const [oz, oy, ox] = run.out;
  const plane = oy * ox;
  const { fx } = run;
  const d = run.dets[k];
  const kz = z / run.curtainPeriod;
  const k0 = Math.floor(kz);
  const kf = kz - k0;
  const keys = draws.curtains;
  let img: Float32Array = run.psf > 0 ? blur2d(buf.vals[k], oy, ox, run.psf) : buf.vals[k].slice();
  const gA = fx.gradient ? d.gradientAmplitude : 0;
  const cA = fx.curtaining ? d.curtainAmplitude : 0;
  const fl = fx.flicker ? 1 + d.flickerAmplitude * draws.flicker[z][k] : 1;
  const gy = Math.cos(draws.gPhase + (2 * Math.PI * z) / Math.max(oz * 3, 1));
  for (let y = 0; y < oy; y++) {
    const ry = oy > 1 ? (2 * y) / (oy - 1) - 1 : 0;
    const fade = 1 - (0.5 * y) / oy;
    for (let x = 0; x < ox; x++) {
      const rx = ox > 1 ? (2 * x) / (ox - 1) - 1 : 0;
      const stripe = keys[k0][x] + kf * (keys[k0 + 1][x] - keys[k0][x]);
      const p = y * ox + x;
      img[p] *= (1 + gA * (0.8 * gy * ry + draws.gTilt * rx)) * (1 + cA * stripe * fade) * fl;
    }
  }
  const [dy, dx] = draws.drift[z];
  if (fx.drift && (dy !== 0 || dx !== 0)) img = translate2d(img, oy, ox, dy, dx, d.voidFloor);
  const { noiseRng, normalTable } = draws;
  for (let p = 0; p < plane; p++) {
    let s = img[p];
    if (fx.noise) {
      const mu = Math.max(0, s) * d.dose;
      const r = noiseRng.uint32();
      s =
        (mu + Math.sqrt(mu) * normalTable[r >>> 16]) / d.dose +
        d.readNoise * normalTable[r & 0xffff];
    }
    const g = Math.round(d.offset + d.gain * s);
    out[z * plane + p] = g < 0 ? 0 : g > 255 ? 255 : g;
  }
}
