import { DIST_URL } from "../parallel/runBlock.js";
import { runTasks } from "../parallel/runTasks.js";
import { runsInline } from "../parallel/options.js";
import { getThreads } from "../parallel/pool.js";
import { toShared } from "../parallel/shared.js";
import type { ParallelOptions } from "../parallel/types.js";
import {
  checkBoolean,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkPositiveInt,
  expectedError,
} from "../util/checks.js";
import { checkVolume, formatShape } from "../volume/check.js";
import { allocate, dtypeOf } from "../volume/dtype.js";
import type { Shape3, Volume, VoxelArray } from "../volume/types.js";
import type { EstimateSettings } from "./alignEstimate.js";
import { compose, type SliceTransform } from "./alignWarp.js";
import { solvePositions, type PairShift } from "./alignSolve.js";
import {
  estimateRange,
  pairsRange,
  warpRange,
  type EstimateTask,
  type PairsTask,
  type WarpTask,
} from "./alignWorker.js";

export type { SliceTransform } from "./alignWarp.js";

/** Options of {@link alignStack}. */
export interface AlignStackOptions extends Pick<ParallelOptions, "threads" | "inline"> {
  /**
   * `"translation"`: shifts only (phase correlation); `"rigid"`: rotation about the
   * slice centre and translation (pyStackReg's RIGID_BODY), the angle found by a
   * search of the phase-correlation peak over [-maxAngle, maxAngle].
   * @default "translation"
   */
  mode?: "translation" | "rigid";
  /**
   * What each slice is registered to: `"previous"` (each slice to the one before,
   * transforms cumulated from slice 0), `"first"` (slice 0), a slice index, or
   * `"mean"`: the mean of the stack aligned with `"previous"` (two passes; the mean is in
   * slice 0's frame, as are the transforms).
   * @default "previous"
   */
  reference?: "previous" | "first" | "mean" | number;
  /**
   * With `"previous"` in translation mode: register each slice to each of the `span`
   * slices before it (pairs (z - k, z), k = 1 .. span, on the worker pool), then find all
   * positions at once by weighted least squares (weights: correlation peak / k; two
   * rounds of Huber down-weighting of pairs with large residuals). Longer pairs tie
   * distant slices together, so the per-pair biases do not add up as a random walk.
   * `span: 1` is plain slice-to-previous cumulation. Rigid mode uses 1. It helps when
   * each pair's bias is its own (test/segmentation/alignSpan.test.ts), not on the EBSD
   * samples, where longer pairs are more biased: on ebsd-particle (96 x 224 x 224) the
   * largest / mean error against `shifts` was 1.40 / 0.79 px with span 1, 2.19 / 1.34
   * with 2, 2.87 / 1.74 with 3; hence the default 1.
   * @default 1
   */
  span?: number;
  /** Refine shifts to 1 / `upsample` pixel; `false` finds whole-pixel shifts. @default true */
  subpixel?: boolean;
  /** Sub-pixel grid: shifts are found to 1 / upsample pixel (an integer >= 2). @default 20 */
  upsample?: number;
  /**
   * Before correlating, remove each slice's mean and taper its borders to 0 with a 2D window,
   * so the image edges (which a DFT sees as jumps) do not pull shifts to 0: `"tukey"`
   * (cosine taper over the outer 10 % of each side, flat inside), `"hann"` (tapers the
   * whole image), or `"none"` (correlate the slices as given, as scikit-image does).
   * @default "tukey"
   */
  window?: "tukey" | "hann" | "none";
  /**
   * Exponent p of the cross-power normalisation F conj(G) / |F conj(G)|^p: 1 is phase
   * correlation (scikit-image's `normalization="phase"`), 0 plain cross-correlation
   * (`normalization=None`).
   * @default 1
   */
  whiten?: number;
  /**
   * Weight the normalised cross-power spectrum by a Gaussian of this standard deviation in
   * cycles per pixel (frequencies run to 0.5), so noise at the finest scales weighs less;
   * 0 turns it off (scikit-image has none). The best value depends on the data: with
   * `"previous"`, the largest cumulated error on ebsd-particle-small was 0.85 px without it,
   * 0.25 px at 0.2 and 0.55 px at 0.4; on the 512 x 512 benchmark stack made from the
   * taufactor volume (test/bench/grains/align.cases.mjs), 0.83, 2.48 and 0.28 px.
   * @default 0.2
   */
  lowpass?: number;
  /** Largest |dy|, |dx| searched between a slice and its reference, pixels. @default half the slice */
  maxShift?: number;
  /** Rigid mode: largest |angle| searched, degrees. @default 5 */
  maxAngle?: number;
  /** Rigid mode: coarse angle grid step before the golden-section refinement, degrees. @default 0.5 */
  angleStep?: number;
  /** Value of output pixels whose source lies outside the slice. @default 0 */
  fill?: number;
  /** Called with (done, total) slice steps: total = 2 nz (estimating, then resampling), 4 nz for `"mean"`. */
  onProgress?: (done: number, total: number) => void;
}

/** Result of {@link alignStack}. */
export interface AlignStackResult<T extends VoxelArray = VoxelArray> {
  /** The aligned stack: same dtype, shape and spacing; pixels from outside a slice take `fill`. */
  aligned: Volume<T>;
  /**
   * Per slice, where its content moved relative to the reference: slice(y, x) =
   * reference(y - dy, x - dx) for a translation (the convention of the EBSD sample's
   * `shifts`, so transforms[z] = { dy: shifts[z][0], dx: shifts[z][1] }); with a rotation,
   * reference point p (relative to the slice centre) appears at R(angle) p + (dy, dx),
   * R as the simulators rotate. With `"previous"`, cumulated so slice 0 is the identity.
   */
  transforms: SliceTransform[];
}

const OPTION_KEYS = [
  "mode",
  "reference",
  "span",
  "subpixel",
  "upsample",
  "window",
  "whiten",
  "lowpass",
  "maxShift",
  "maxAngle",
  "angleStep",
  "fill",
  "onProgress",
  "threads",
  "inline",
] as const;

const WORKER_URL = new URL("segmentation/alignWorker.js", DIST_URL).href;

const ROUND: Record<string, { lo: number; hi: number } | null> = {
  uint8: { lo: 0, hi: 255 },
  uint16: { lo: 0, hi: 65535 },
  int32: { lo: -2147483648, hi: 2147483647 },
  uint32: { lo: 0, hi: 4294967295 },
  float32: null,
};

/**
 * Align the slices of an image stack (e.g. FIB-SEM or FIB-EBSD serial sections)
 * by translation or rigid transforms. Translations come from phase correlation
 * (normalised cross-power spectrum, Hann window), refined below a pixel by an
 * upsampled DFT around the peak (as scikit-image's `phase_cross_correlation`
 * with `upsample_factor`); rigid mode first searches the rotation that
 * maximises the correlation peak. Slices are estimated on the worker pool
 * (pairs are independent also with `"previous"`; their transforms are then
 * cumulated) and resampled bilinearly.
 * @param stack - nz >= 2 slices, any dtype; float32 must be finite.
 * @param options - See {@link AlignStackOptions}.
 * @returns `{ aligned, transforms }`.
 * @throws TypeError / RangeError for a non-volume, a single slice, slices under 4 x 4
 *   pixels, non-finite values, or bad options.
 * @example
 * const s = await loadSample("ebsd-particle-small");
 * const { aligned, transforms } = await alignStack(s.iq);
 * // transforms[z].dy, .dx recover s.shifts[z]
 */
export async function alignStack<T extends VoxelArray>(
  stack: Volume<T>,
  options: AlignStackOptions = {},
): Promise<AlignStackResult<T>> {
  checkVolume(stack, "stack");
  const [nz, ny, nx] = stack.shape;
  if (nz < 2)
    throw new RangeError(
      `\`stack\` must have at least 2 slices (nz >= 2) to align, received shape ${formatShape(stack.shape)} (a 2D image)`,
    );
  if (ny < 4 || nx < 4)
    throw new RangeError(
      `\`stack\` slices must be at least 4 x 4 pixels, received shape ${formatShape(stack.shape)}`,
    );
  const opts = checkOptions(options, "options", OPTION_KEYS, "option");
  const settings = alignSettings(opts, ny, nx);
  const refOpt = opts.reference ?? "previous";
  if (typeof refOpt === "number") checkInteger(refOpt, "reference", 0, nz - 1);
  else checkOneOf(refOpt, "reference", ["previous", "first", "mean"] as const);
  const span = checkInteger(opts.span ?? 1, "span", 1, 64);
  if (span > 1 && (refOpt !== "previous" || settings.mode !== "translation"))
    throw new RangeError(
      `\`span\` > 1 needs reference "previous" and mode "translation", received span ${span} with reference ${JSON.stringify(refOpt)} and mode "${settings.mode}"`,
    );
  const fill = checkNumber(opts.fill ?? 0, "fill");
  const onProgress = opts.onProgress;
  if (onProgress !== undefined && typeof onProgress !== "function")
    throw expectedError("onProgress", "a function (done, total) => void", onProgress, TypeError);
  const dtype = dtypeOf(stack.data);
  if (dtype === "float32") {
    const d = stack.data;
    for (let i = 0; i < d.length; i++)
      if (!Number.isFinite(d[i])) {
        const z = Math.floor(i / (ny * nx));
        throw new RangeError(
          `\`stack\` must hold finite values, received ${d[i]} at slice ${z} (index ${i})`,
        );
      }
  }

  const threads = Math.min(checkPositiveInt(opts.threads ?? getThreads(), "threads"), getThreads());
  if (opts.inline !== undefined) checkOneOf(opts.inline, "inline", [true, false, "auto"] as const);
  const inline = runsInline(stack.shape, { threads: opts.threads, inline: opts.inline });
  const shared = inline ? stack : toShared(stack);
  const chunks = inline ? 1 : Math.min(nz, 4 * threads);
  const ranges = Array.from({ length: chunks }, (_, i): [number, number] => [
    Math.floor((i * nz) / chunks),
    Math.floor(((i + 1) * nz) / chunks),
  ]);
  // "mean" first aligns to the previous slice, then registers every slice to the mean of
  // that aligned stack (the mean of the stack as given would pull each slice to itself).
  const passes = refOpt === "mean" ? 2 : 1;
  const total = 2 * passes * nz;
  let done = 0;
  onProgress?.(0, total);
  const job: Job = {
    data: shared.data,
    shape: stack.shape,
    ranges,
    threads,
    inline,
    step: (n) => {
      done += n;
      onProgress?.(done, total);
    },
  };
  const round = ROUND[dtype];
  let transforms: SliceTransform[];
  if (refOpt === "mean") {
    const first = cumulate(await estimate(job, "previous", settings));
    const out = allocate("float32", stack.data.length, !inline);
    await warp(job, out, first, fill, null);
    const mean = meanSlice(out, nz, ny * nx, !inline);
    transforms = await estimate(job, mean, settings);
  } else {
    const reference = refOpt === "previous" ? "previous" : refOpt === "first" ? 0 : refOpt;
    if (span > 1) transforms = await estimatePairs(job, span, settings);
    else transforms = await estimate(job, reference, settings);
    if (reference === "previous" && span === 1) transforms = cumulate(transforms);
  }
  const out = allocate(dtype, stack.data.length, !inline) as T;
  await warp(job, out, transforms, fill, round);
  return {
    aligned: { data: out, shape: [...stack.shape], spacing: [...stack.spacing] },
    transforms,
  };
}

/** One alignment's data and how its slice ranges run. */
interface Job {
  data: VoxelArray;
  shape: Shape3;
  ranges: [number, number][];
  threads: number;
  inline: boolean;
  step: (slices: number) => void;
}

/** Transforms of every slice against `reference`, range by range (in workers unless inline). */
async function estimate(
  job: Job,
  reference: EstimateTask["reference"],
  settings: EstimateSettings,
): Promise<SliceTransform[]> {
  const tasks: EstimateTask[] = job.ranges.map(([from, to]) => ({
    op: "estimate",
    data: job.data,
    shape: job.shape,
    from,
    to,
    reference,
    settings,
  }));
  const parts = job.inline
    ? tasks.map((t) => {
        const r = estimateRange(t);
        job.step(t.to - t.from);
        return r;
      })
    : await runTasks<EstimateTask, SliceTransform[]>(tasks, {
        filename: WORKER_URL,
        threads: job.threads,
        onDone: (i) => job.step(tasks[i].to - tasks[i].from),
      });
  return parts.flat();
}

/** Positions from pairs spanning up to `span` slices, solved by weighted least squares. */
async function estimatePairs(job: Job, span: number, settings: EstimateSettings): Promise<SliceTransform[]> {
  const nz = job.shape[0];
  const tasks: PairsTask[] = job.ranges.map(([from, to]) => ({
    op: "pairs",
    data: job.data,
    shape: job.shape,
    from,
    to,
    span: Math.min(span, nz - 1),
    settings,
  }));
  const parts = job.inline
    ? tasks.map((t) => {
        const r = pairsRange(t);
        job.step(t.to - t.from);
        return r;
      })
    : await runTasks<PairsTask, PairShift[]>(tasks, {
        filename: WORKER_URL,
        threads: job.threads,
        onDone: (i) => job.step(tasks[i].to - tasks[i].from),
      });
  const positions = solvePositions(nz, parts.flat(), 2);
  return positions.map(([dy, dx]) => ({ dy, dx, angle: 0 }));
}

/** Resample every slice of the job's stack into `out` by undoing its transform. */
async function warp(
  job: Job,
  out: VoxelArray,
  transforms: SliceTransform[],
  fill: number,
  round: WarpTask["round"],
): Promise<void> {
  const tasks: WarpTask[] = job.ranges.map(([from, to]) => ({
    op: "warp",
    data: job.data,
    shape: job.shape,
    out,
    from,
    to,
    transforms: transforms.slice(from, to),
    fill,
    round,
  }));
  if (job.inline)
    for (const t of tasks) {
      warpRange(t);
      job.step(t.to - t.from);
    }
  else
    await runTasks<WarpTask, null>(tasks, {
      filename: WORKER_URL,
      threads: job.threads,
      onDone: (i) => job.step(tasks[i].to - tasks[i].from),
    });
}

/** Slice-to-previous transforms cumulated from slice 0. */
function cumulate(pairwise: SliceTransform[]): SliceTransform[] {
  const out: SliceTransform[] = [pairwise[0]];
  for (let z = 1; z < pairwise.length; z++) out.push(compose(out[z - 1], pairwise[z]));
  return out;
}

/** Check the correlation options and fill in defaults. @internal */
export function alignSettings(
  opts: Omit<AlignStackOptions, "reference" | "fill" | "onProgress" | "threads" | "inline">,
  ny: number,
  nx: number,
): EstimateSettings {
  const mode = checkOneOf(opts.mode ?? "translation", "mode", ["translation", "rigid"] as const);
  const subpixel = checkBoolean(opts.subpixel ?? true, "subpixel");
  const upsample = checkInteger(opts.upsample ?? 20, "upsample", 2, 1000);
  const window = checkOneOf(opts.window ?? "tukey", "window", ["tukey", "hann", "none"] as const);
  const whiten = checkNumber(opts.whiten ?? 1, "whiten", { min: 0, max: 1 });
  const lowpass = checkNumber(opts.lowpass ?? 0.2, "lowpass", { min: 0 });
  const maxShift = checkNumber(opts.maxShift ?? Math.max(ny, nx), "maxShift", { min: 0 });
  const maxAngle = checkNumber(opts.maxAngle ?? 5, "maxAngle", { min: 0, max: 45, minOpen: true });
  const angleStep = checkNumber(opts.angleStep ?? 0.5, "angleStep", { min: 0, minOpen: true });
  return {
    mode,
    upsample: subpixel ? upsample : 1,
    window,
    whiten,
    lowpass,
    maxShift,
    maxAngle,
    angleStep: Math.min(angleStep, maxAngle),
  };
}

/** Mean of the nz slices of `data` (plane values each), as float32 (shared when asked). */
function meanSlice(data: VoxelArray, nz: number, plane: number, shared: boolean): Float32Array {
  const acc = new Float64Array(plane);
  for (let z = 0; z < nz; z++) {
    const base = z * plane;
    for (let p = 0; p < plane; p++) acc[p] += data[base + p];
  }
  const out = allocate("float32", plane, shared);
  for (let p = 0; p < plane; p++) out[p] = acc[p] / nz;
  return out;
}
