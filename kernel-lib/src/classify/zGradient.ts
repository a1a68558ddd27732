import type { Volume } from "../volume/types.js";
import {
  checkInteger,
  checkNumber,
  checkNumberArray,
  checkOneOf,
  checkOptions,
  checkPositive,
  expectedError,
} from "../util/checks.js";
import { checkSameShape, checkVolume, checkVolumes } from "../volume/check.js";
import type { ParallelOptions } from "../parallel/types.js";
import { gaussian } from "../filters/gaussian.js";
import { gaussianDerivative } from "../filters/gaussianDerivative.js";

/**
 * Options of {@link zGradientSignals}: the two signals the z-gradient void
 * detection looks at.
 */
export interface ZGradientSignalOptions extends ParallelOptions {
  /** In-plane Gaussian sigma (voxels) of the grey-value signal `S` (no smoothing along z). @default 1 */
  inPlaneSigma?: number;
  /**
   * The z signal `G`:
   * - `"drop"`: `S(z) - min_{1<=j<=K} S(z + j)`, how much darker the voxel's
   *   in-plane smoothed signal gets within the next `window` slices (the
   *   volume's last slice repeats past the end);
   * - `"derivative"`: `|∂/∂z (G_{σz,σxy,σxy} * I)|`, a Gaussian first
   *   derivative along z (scipy.ndimage.gaussian_filter with order [1, 0, 0],
   *   mode "reflect").
   * @default "drop"
   */
  zSignal?: "drop" | "derivative";
  /** Slices ahead `K` of the `"drop"` signal. @default 4 */
  window?: number;
  /** Gaussian sigma along z (slices) of the `"derivative"` signal. @default 1.5 */
  sigmaZ?: number;
  /** Gaussian sigma in-plane (voxels) of the `"derivative"` signal. @default 1 */
  sigmaXY?: number;
}

/** Thresholds of the z-gradient void detection (grey values of the smoothed SE2, and of |dS/dz|). */
export interface ZGradientThresholds {
  /** `S < dark` is void (open pores seen as dark). */
  dark: number;
  /** `S >= bright` is void (bright shine-through / background); 256 or more disables it for uint8 input. */
  bright: number;
  /** `G >= gradient` is void: the signal is not stationary along the milling direction. */
  gradient: number;
}

/** Options of {@link zGradientVoids}. */
export interface ZGradientVoidsOptions extends ZGradientSignalOptions {
  /** The thresholds (e.g. from {@link fitZGradientMethod}). */
  thresholds: ZGradientThresholds;
}

/** The signals of {@link zGradientSignals}. */
export interface ZGradientSignals {
  /** `S`: the image smoothed in-plane only, float32. */
  smooth: Volume<Float32Array>;
  /** `G`: the z signal (see {@link ZGradientSignalOptions.zSignal}), >= 0, float32. */
  gradient: Volume<Float32Array>;
}

const CLASS_IDS = {
  length: 3,
  integer: true,
  min: 0,
  max: 255,
  expected: "[void, CBD, NMC] class ids",
};

/** A threshold: any number but NaN (an infinite one disables its test). */
function thresholdValue(v: unknown, name: string): number {
  return checkNumber(v, name, { finite: false });
}

/**
 * The two signals of z-gradient void detection: the grey value smoothed in
 * the slice plane, `S = G_{σxy}^{xy} * I` (scipy.ndimage.gaussian_filter(I,
 * [0, σ, σ]), mode "reflect"), and how much it changes along the milling
 * direction z: by default the drop `G = S(z) - min_{1<=j<=K} S(z + j)`
 * within the next K slices, or the magnitude of a Gaussian z-derivative.
 *
 * Why the z-signal finds pores (Salzer et al. 2012): solid material that
 * has been cut gives a stationary signal from slice to slice until it ends,
 * while through an open pore the detector sees material lying behind the
 * milled face whose appearance changes from slice to slice as milling
 * advances (brighter pore edges fade, the view shifts). A large change
 * ahead therefore marks void even where the grey value looks like solid.
 * On the simulated fibsem-nmc sample the forward drop separates bright void
 * from NMC better than the symmetric Gaussian derivative, which is also
 * large at every phase boundary crossed along z.
 *
 * @param image - The SE2 stack (nz >= 2), any dtype.
 * @returns `S` and `G`, float32, shape of `image`.
 * @see Salzer, Spettl, Stenzel, Smått, Lindén, Manke, Schmidt (2012), Mater. Charact. 69, 115-126
 */
export async function zGradientSignals(
  image: Volume,
  options: ZGradientSignalOptions = {},
): Promise<ZGradientSignals> {
  checkVolume(image, "image");
  if (image.shape[0] < 2)
    throw new RangeError(
      `\`image\` must have at least 2 slices for a z-gradient, received shape ${image.shape.join("x")}`,
    );
  const inPlane = checkPositive(options.inPlaneSigma ?? 1, "inPlaneSigma");
  const sz = checkPositive(options.sigmaZ ?? 1.5, "sigmaZ");
  const sxy = checkPositive(options.sigmaXY ?? 1, "sigmaXY");
  const par: ParallelOptions = {
    threads: options.threads,
    inline: options.inline,
    blockShape: options.blockShape,
    signal: options.signal,
  };
  const zSignal = checkOneOf(options.zSignal ?? "drop", "zSignal", ["drop", "derivative"]);
  const K = checkInteger(options.window ?? 4, "window", 1);
  const smooth = await gaussian(image, [0, inPlane, inPlane], { ...par, mode: "reflect" });
  if (zSignal === "derivative") {
    const gradient = await gaussianDerivative(image, [sz, sxy, sxy], [1, 0, 0], {
      ...par,
      mode: "reflect",
    });
    const g = gradient.data;
    for (let i = 0; i < g.length; i++) g[i] = Math.abs(g[i]!);
    return { smooth, gradient };
  }
  return { smooth, gradient: forwardDrop(smooth, K) };
}

/** `S(z) - min_{1<=j<=K} S(min(z + j, nz - 1))` per voxel. */
function forwardDrop(S: Volume<Float32Array>, K: number): Volume<Float32Array> {
  const [nz, ny, nx] = S.shape;
  const P = ny * nx;
  const out = new Float32Array(S.data.length);
  const mn = new Float32Array(P);
  for (let z = 0; z < nz; z++) {
    mn.fill(Infinity);
    for (let j = 1; j <= K; j++) {
      const o = Math.min(z + j, nz - 1) * P;
      for (let i = 0; i < P; i++) if (S.data[o + i]! < mn[i]!) mn[i] = S.data[o + i]!;
    }
    const o = z * P;
    for (let i = 0; i < P; i++) out[o + i] = S.data[o + i]! - mn[i]!;
  }
  return { data: out, shape: [...S.shape], spacing: [...S.spacing] };
}

/**
 * Void mask from the z-gradient signals and thresholds (see
 * {@link zGradientSignals}): a voxel is void when
 * `S < dark`, or `S >= bright`, or `G >= gradient`.
 * @returns Uint8 mask, 1 = void.
 */
export function voidsFromSignals(
  signals: ZGradientSignals,
  thresholds: ZGradientThresholds,
): Volume<Uint8Array> {
  const dark = thresholdValue(thresholds?.dark, "thresholds.dark");
  const bright = thresholdValue(thresholds?.bright, "thresholds.bright");
  const grad = thresholdValue(thresholds?.gradient, "thresholds.gradient");
  const s = signals.smooth.data;
  const g = signals.gradient.data;
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    out[i] = v < dark || v >= bright || g[i]! >= grad ? 1 : 0;
  }
  return { data: out, shape: [...signals.smooth.shape], spacing: [...signals.smooth.spacing] };
}

/**
 * Void detection from the change of the signal along the milling direction
 * (Osenberg et al. method 3.3, after Salzer et al. 2012): void where the
 * in-plane smoothed SE2 signal is dark (open pore), very bright (shine-through
 * background) or not stationary along z (see {@link zGradientSignals}). See {@link zGradientSignals}.
 *
 * @param se2 - SE2 stack (nz >= 2).
 * @param options - Signal scales and the {@link ZGradientThresholds}.
 * @returns Uint8 mask of `se2`'s shape, 1 = void, 0 = solid.
 * @example
 * ```ts
 * const fit = await fitZGradientMethod(fib.se2, fib.inlens, fib.labels);
 * const voids = await zGradientVoids(fib.se2, { thresholds: fit.voids });
 * ```
 */
export async function zGradientVoids(
  se2: Volume,
  options: ZGradientVoidsOptions,
): Promise<Volume<Uint8Array>> {
  const { thresholds } = checkOptions(options, "options");
  if (typeof thresholds !== "object" || thresholds === null)
    throw expectedError("options.thresholds", "{ dark, bright, gradient }", thresholds, TypeError);
  return voidsFromSignals(await zGradientSignals(se2, options), thresholds);
}

/** Options of {@link zGradientMethod}. */
export interface ZGradientMethodOptions extends ZGradientVoidsOptions {
  /** InLens grey value splitting the solid: `< solid` is CBD, else NMC (Paper 1: 0-89 CBD). @default 90 */
  solid?: number;
  /** Class ids [void, CBD, NMC]. @default [1, 2, 3] */
  classes?: [number, number, number];
}

/**
 * Osenberg et al. method 3.3: z-gradient void detection on SE2
 * ({@link zGradientVoids}), then a single InLens threshold on the solid
 * (InLens shows material contrast: CBD dark, NMC bright).
 * @param se2 - SE2 stack.
 * @param inlens - InLens stack, same shape.
 * @returns Class volume (default 1 void, 2 CBD, 3 NMC), shape of `se2`.
 */
export async function zGradientMethod(
  se2: Volume,
  inlens: Volume,
  options: ZGradientMethodOptions,
): Promise<Volume<Uint8Array>> {
  checkVolume(inlens, "inlens");
  checkSameShape(inlens, "inlens", se2, "se2");
  const voids = await zGradientVoids(se2, options);
  return splitSolid(voids, inlens, options.solid ?? 90, options.classes ?? [1, 2, 3]);
}

function splitSolid(
  voids: Volume<Uint8Array>,
  inlens: Volume,
  solid: number,
  classes: [number, number, number],
): Volume<Uint8Array> {
  thresholdValue(solid, "solid");
  checkNumberArray(classes, "classes", CLASS_IDS);
  const out = new Uint8Array(voids.data.length);
  const il = inlens.data;
  for (let i = 0; i < out.length; i++)
    out[i] = voids.data[i] ? classes[0] : il[i]! < solid ? classes[1] : classes[2];
  return { data: out, shape: [...voids.shape], spacing: [...voids.spacing] };
}

/** Options of {@link fitZGradientMethod}. */
export interface FitZGradientOptions extends ZGradientSignalOptions {
  /** Class ids [void, CBD, NMC] in `labels`. @default [1, 2, 3] */
  classes?: [number, number, number];
  /** Number of candidate values per threshold (quantiles of the labelled voxels' signals). @default 48 */
  candidates?: number;
  /** Precomputed {@link zGradientSignals} of `se2` (the scale options are then ignored). */
  signals?: ZGradientSignals;
}

/** Result of {@link fitZGradientMethod}. */
export interface FittedZGradient {
  voids: ZGradientThresholds;
  /** InLens threshold: `< solid` is CBD. */
  solid: number;
  /** Balanced accuracy (mean recall of void and solid) of the void detection on the labelled voxels. */
  voidScore: number;
  /** Balanced accuracy (mean recall of CBD and NMC) of the InLens threshold on the labelled solid voxels. */
  solidScore: number;
  /** The signals, for reuse with {@link voidsFromSignals}. */
  signals: ZGradientSignals;
}

/** Sorted unique candidate thresholds at evenly spaced quantiles of `values`. */
function quantileCandidates(values: Float32Array, n: number): number[] {
  const sorted = Float32Array.from(values).sort();
  const out = new Set<number>();
  for (let k = 0; k <= n; k++) {
    const i = Math.min(sorted.length - 1, Math.round((k / n) * (sorted.length - 1)));
    out.add(sorted[i]!);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Fit the thresholds of {@link zGradientMethod} on sparse training labels
 * (brush strokes): the void thresholds (dark, bright, gradient) maximise the
 * balanced accuracy void vs solid over a grid of candidate values (quantiles
 * of the labelled voxels' signals, plus "off"), evaluated exactly on the
 * labelled voxels; the InLens threshold maximises the balanced accuracy CBD
 * vs NMC on the labelled solid voxels (integer grey values).
 *
 * @param se2 - SE2 stack.
 * @param inlens - InLens stack, same shape.
 * @param labels - Sparse labels, same shape, 0 = unlabelled.
 * @returns Thresholds, their training scores and the signals.
 */
export async function fitZGradientMethod(
  se2: Volume,
  inlens: Volume,
  labels: Volume,
  options: FitZGradientOptions = {},
): Promise<FittedZGradient> {
  checkVolumes({ se2, inlens, labels });
  const [cVoid, cCbd, cNmc] = checkNumberArray(options.classes ?? [1, 2, 3], "classes", CLASS_IDS);
  const nCand = checkInteger(options.candidates ?? 48, "candidates", 2);
  const signals = options.signals ?? (await zGradientSignals(se2, options));
  const lab = labels.data;
  const idx: number[] = [];
  for (let i = 0; i < lab.length; i++) {
    const c = lab[i];
    if (c === cVoid || c === cCbd || c === cNmc) idx.push(i);
  }
  const n = idx.length;
  const isVoid = new Uint8Array(n);
  const s = new Float32Array(n);
  const g = new Float32Array(n);
  let nVoid = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    isVoid[k] = lab[i] === cVoid ? 1 : 0;
    nVoid += isVoid[k]!;
    s[k] = signals.smooth.data[i]!;
    g[k] = signals.gradient.data[i]!;
  }
  const nSolid = n - nVoid;
  if (nVoid === 0 || nSolid === 0)
    throw new RangeError(
      `\`labels\` must hold void (${cVoid}) and solid (${cCbd}/${cNmc}) voxels, received ${nVoid} void and ${nSolid} solid`,
    );
  // Candidate grids; bin each voxel by them so the search is a 3D count table.
  const sc = quantileCandidates(s, nCand);
  const gc = quantileCandidates(g, nCand);
  const darkC = [-Infinity, ...sc];
  const brightC = [...sc, Infinity];
  const gradC = [...gc, Infinity];
  const binOf = (v: number, cands: number[]): number => {
    // number of candidates <= v
    let lo = 0;
    let hi = cands.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (cands[m]! <= v) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const SB = sc.length + 1;
  const GB = gc.length + 1;
  // counts[(sBin * GB + gBin) * 2 + isVoid]
  const counts = new Float64Array(SB * GB * 2);
  for (let k = 0; k < n; k++) counts[(binOf(s[k]!, sc) * GB + binOf(g[k]!, gc)) * 2 + isVoid[k]!]++;
  // cum[sBin][gBin] over gBin < b: solid-predicted set for fixed (dark, bright, gradient) is
  // s in [dark, bright) and g < gradient; with candidate bins that is sBin in (iD, iB], gBin <= iG.
  // Prefix over g then accumulate over s ranges.
  const pre = new Float64Array((SB + 1) * (GB + 1) * 2); // pre[(a*(GB+1)+b)*2+v] = count s-bin < a, g-bin < b
  for (let a = 0; a < SB; a++) {
    for (let b = 0; b < GB; b++) {
      for (let v = 0; v < 2; v++) {
        pre[((a + 1) * (GB + 1) + b + 1) * 2 + v] =
          counts[(a * GB + b) * 2 + v]! +
          pre[(a * (GB + 1) + b + 1) * 2 + v]! +
          pre[((a + 1) * (GB + 1) + b) * 2 + v]! -
          pre[(a * (GB + 1) + b) * 2 + v]!;
      }
    }
  }
  let best = -1;
  let bestT: ZGradientThresholds = { dark: -Infinity, bright: Infinity, gradient: Infinity };
  for (let iD = 0; iD < darkC.length; iD++) {
    // s >= darkC[iD]  <=>  sBin >= iD (bin = number of candidates <= s; darkC[iD] = sc[iD-1])
    const a0 = iD;
    for (let iB = 0; iB < brightC.length; iB++) {
      // s < brightC[iB] = sc[iB] <=> sBin <= iB
      const a1 = iB + 1;
      if (a1 <= a0) continue;
      for (let iG = 0; iG < gradC.length; iG++) {
        // g < gradC[iG] = gc[iG] <=> gBin <= iG
        const b1 = iG + 1;
        const box = (v: number): number =>
          pre[(a1 * (GB + 1) + b1) * 2 + v]! -
          pre[(a0 * (GB + 1) + b1) * 2 + v]! -
          pre[a1 * (GB + 1) * 2 + v]! +
          pre[a0 * (GB + 1) * 2 + v]!;
        const solidRight = box(0);
        const voidWrong = box(1);
        const score = 0.5 * (solidRight / nSolid + (nVoid - voidWrong) / nVoid);
        if (score > best + 1e-12) {
          best = score;
          bestT = { dark: darkC[iD]!, bright: brightC[iB]!, gradient: gradC[iG]! };
        }
      }
    }
  }
  // Infinite "off" values as plain numbers that JSON keeps.
  const voids: ZGradientThresholds = {
    dark: Number.isFinite(bestT.dark) ? bestT.dark : -1,
    bright: Number.isFinite(bestT.bright) ? bestT.bright : 1e9,
    gradient: Number.isFinite(bestT.gradient) ? bestT.gradient : 1e9,
  };
  // InLens threshold on the labelled solid voxels.
  const hist = [new Float64Array(257), new Float64Array(257)]; // CBD, NMC; by floor(grey)
  for (const i of idx) {
    const c = lab[i];
    if (c === cVoid) continue;
    const v = Math.max(0, Math.min(256, Math.floor(inlens.data[i]!)));
    hist[c === cCbd ? 0 : 1]![v]++;
  }
  const nC = hist[0]!.reduce((a, b) => a + b, 0);
  const nN = hist[1]!.reduce((a, b) => a + b, 0);
  let solid = 90;
  let solidScore = NaN;
  if (nC > 0 && nN > 0) {
    let below = [0, 0];
    solidScore = -1;
    for (let t = 0; t <= 257; t++) {
      const score = 0.5 * (below[0]! / nC + (nN - below[1]!) / nN);
      if (score > solidScore + 1e-12) {
        solidScore = score;
        solid = t;
      }
      if (t < 257) below = [below[0]! + hist[0]![t]!, below[1]! + hist[1]![t]!];
    }
  }
  return { voids, solid, voidScore: best, solidScore, signals };
}

/** Class volume from fitted signals: {@link voidsFromSignals}, then the InLens split. @internal */
export function zGradientFromSignals(
  signals: ZGradientSignals,
  inlens: Volume,
  thresholds: ZGradientThresholds,
  solid: number,
  classes: [number, number, number] = [1, 2, 3],
): Volume<Uint8Array> {
  return splitSolid(voidsFromSignals(signals, thresholds), inlens, solid, classes);
}
