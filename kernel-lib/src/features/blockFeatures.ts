/**
 * Worker-side computation of a feature bank on one block: the heart of
 * {@link computeFeatures}, {@link featureBlocks} and {@link featuresAtLabels},
 * and usable from any custom block kernel (e.g. one that predicts labels
 * right after computing features, so features never leave the worker).
 */
import type { Shape3 } from "../volume/types.js";
import type { BlockInput } from "../parallel/types.js";
import { getArena, type Arena } from "../filters/arena.js";
import {
  allocImage,
  cropImage,
  extendBorder,
  imageData,
  separableBank,
  separableFilter,
  type AxisKernels,
  type Img,
} from "../filters/imagePasses.js";
import {
  eigenImages,
  gradientOrders,
  hessianOrders,
  outerProducts,
} from "../filters/gaussianFamilyBlock.js";
import { vigraGaussianKernel1d } from "../filters/vigraGaussianKernel1d.js";
import {
  planFeatures,
  TAILORED_WINDOW,
  type FeaturePlan,
  type ScalePlan,
  type TailoredPlan,
} from "./plan.js";
import type { FeatureSpec } from "./spec.js";

/** The part of a block context the feature computation uses. */
export interface FeatureBlockSource {
  /** Source inputs in `sourceInputs(spec)` order (extra inputs after them are ignored). */
  inputs: readonly BlockInput[];
  /** First voxel of the core. */
  origin: Shape3;
  /** Core shape. */
  shape: Shape3;
  /** Halo of the padded block; at least {@link featureHalo}. */
  halo: Shape3;
  volumeShape: Shape3;
}

/** Receives each channel's core (x fastest, `shape` voxels; valid only during the call). */
export type FeatureSink = (channel: number, core: Float32Array) => void;

const ZERO: Shape3 = [0, 0, 0];
let planCache: { key: string; plan: FeaturePlan } | undefined;

/** The plan of a spec for a volume shape, cached per thread. @internal */
export function cachedPlan(spec: FeatureSpec, volumeShape: Shape3): FeaturePlan {
  const key = JSON.stringify([spec, volumeShape]);
  if (planCache?.key !== key) planCache = { key, plan: planFeatures(spec, volumeShape) };
  return planCache.plan;
}

/** Margin-0 copy of an image's core (or the image itself when it has no margin). */
function core(arena: Arena, img: Img): Img {
  return img.margin.every((m) => m === 0) ? img : cropImage(arena, img, ZERO);
}

function newCore(arena: Arena, shape: Shape3, f: (d: Float32Array) => void): Img {
  const img = allocImage(arena, shape, ZERO);
  f(imageData(arena, img));
  return img;
}

/** ilastik's filters at one scale, from the padded input `src`. */
function ilastikScale(
  arena: Arena,
  src: Img,
  p: ScalePlan,
  block: FeatureBlockSource,
  mode: FeaturePlan["mode"],
  base: number,
  sink: FeatureSink,
): void {
  const shape = block.shape;
  const sel = p.channel;
  const has = (f: keyof typeof sel) => sel[f] !== undefined;
  const axes = [0, 1, 2].filter((a) => p.filter[a] !== null);
  const rf = p.filter.map((k) => (k ? (k[0]!.length - 1) / 2 : 0));
  const ro = (p.outer ?? [null, null, null]).map((w) => (w ? (w.length - 1) / 2 : 0));
  const pMargin = [0, 1, 2].map((a) => rf[a]! + ro[a]!) as Shape3;

  // Pre-smoothing (window 3.5), then the filters run on the pre-smoothed
  // block as they would on a whole pre-smoothed volume.
  const P = separableFilter(arena, src, p.pre, pMargin);
  extendBorder(arena, P, block.origin, block.volumeShape, mode, 0);

  const orders: Shape3[] = [];
  const margins: Shape3[] = [];
  const want = (o: Shape3, m: Shape3 = ZERO) => {
    const key = o.join();
    let i = orders.findIndex((x) => x.join() === key);
    if (i < 0) {
      orders.push(o);
      margins.push([...m] as Shape3);
      i = orders.length - 1;
    } else margins[i] = margins[i]!.map((v, a) => Math.max(v, m[a]!)) as Shape3;
    return i;
  };
  const iG = has("GaussianSmoothing") || has("DifferenceOfGaussians") ? want([0, 0, 0]) : -1;
  const stMargin = ro as Shape3;
  const iGrad =
    has("GaussianGradientMagnitude") || has("StructureTensorEigenvalues")
      ? gradientOrders(axes).map((o) =>
          want(o, has("StructureTensorEigenvalues") ? stMargin : ZERO),
        )
      : [];
  const iHess =
    has("HessianOfGaussianEigenvalues") || has("LaplacianOfGaussian")
      ? hessianOrders(axes).map((o) =>
          has("HessianOfGaussianEigenvalues") || o.some((v) => v === 2) ? want(o) : -1,
        )
      : [];
  const imgs = separableBank(arena, P, p.filter as unknown as AxisKernels, orders, margins);

  if (has("GaussianSmoothing")) sink(base + sel.GaussianSmoothing!, imageData(arena, imgs[iG]!));
  if (has("DifferenceOfGaussians")) {
    const G2 = separableFilter(arena, P, p.dog!, ZERO);
    const d = newCore(arena, shape, (out) => {
      const a = imageData(arena, imgs[iG]!);
      const b = imageData(arena, G2);
      for (let i = 0; i < out.length; i++) out[i] = a[i]! - b[i]!;
    });
    sink(base + sel.DifferenceOfGaussians!, imageData(arena, d));
    arena.free(d.ptr);
    arena.free(G2.ptr);
  }
  arena.free(P.ptr);
  if (iG >= 0) arena.free(imgs[iG]!.ptr);

  if (iHess.length > 0) {
    const hess = iHess.map((i) => (i >= 0 ? imgs[i]! : null));
    if (has("LaplacianOfGaussian")) {
      const diag = hessianOrders(axes)
        .map((o, k) => (o.some((v) => v === 2) ? hess[k]! : null))
        .filter((x): x is Img => x !== null);
      const lap = newCore(arena, shape, (out) => {
        const parts = diag.map((h) => imageData(arena, h));
        out.set(parts[0]!);
        for (let k = 1; k < parts.length; k++) {
          const s = parts[k]!;
          for (let i = 0; i < out.length; i++) out[i] = out[i]! + s[i]!;
        }
      });
      sink(base + sel.LaplacianOfGaussian!, imageData(arena, lap));
      arena.free(lap.ptr);
    }
    if (has("HessianOfGaussianEigenvalues")) {
      const eig = eigenImages(arena, hess as Img[], shape);
      eig.forEach((e, k) => {
        sink(base + sel.HessianOfGaussianEigenvalues! + k, imageData(arena, e));
        arena.free(e.ptr);
      });
    }
    for (const h of hess) if (h) arena.free(h.ptr);
  }

  if (iGrad.length > 0) {
    const grad = iGrad.map((i) => imgs[i]!);
    if (has("GaussianGradientMagnitude")) {
      const parts = grad.map((g) => core(arena, g));
      const mag = newCore(arena, shape, (out) => {
        const d = parts.map((g) => imageData(arena, g));
        out.fill(0);
        for (const s of d) for (let i = 0; i < out.length; i++) out[i] = out[i]! + s[i]! * s[i]!;
        for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]!);
      });
      sink(base + sel.GaussianGradientMagnitude!, imageData(arena, mag));
      arena.free(mag.ptr);
      parts.forEach((g, k) => g !== grad[k] && arena.free(g.ptr));
    }
    if (has("StructureTensorEigenvalues")) {
      const products = outerProducts(arena, grad);
      const tensor = products.map((t) => {
        extendBorder(arena, t, block.origin, block.volumeShape, mode, 0);
        const s = separableFilter(arena, t, p.outer!, ZERO);
        arena.free(t.ptr);
        return s;
      });
      const eig = eigenImages(arena, tensor, shape);
      eig.forEach((e, k) => {
        sink(base + sel.StructureTensorEigenvalues! + k, imageData(arena, e));
        arena.free(e.ptr);
      });
      for (const t of tensor) arena.free(t.ptr);
    }
    for (const g of grad) arena.free(g.ptr);
  }
}

/** The tailored milling-direction features (see {@link TailoredFeature}), from the padded input `src`. */
function tailoredFeatures(
  arena: Arena,
  src: Img,
  plan: FeaturePlan,
  block: FeatureBlockSource,
  base: number,
  sink: FeatureSink,
): void {
  const shape = block.shape;
  const [cz, cy, cx] = shape;
  const planeN = cy * cx;
  const mode = plan.mode;
  const shifts = plan.tailored.filter(
    (t) => t.feature !== "ZGradient" && t.feature !== "ZContrastChange",
  );
  const contrast = plan.tailored.filter((t) => t.feature === "ZContrastChange");
  const emit = (t: TailoredPlan, f: (out: Float32Array) => void) => {
    const img = newCore(arena, shape, f);
    sink(base + t.channel, imageData(arena, img));
    arena.free(img.ptr);
  };
  const w0 = plan.inPlane![0]!;
  const w1 = plan.inPlane![1]!;
  if (shifts.length > 0) {
    const K = Math.max(...shifts.map((t) => t.param));
    const S = separableFilter(arena, src, [null, w0, w0], [K, 0, 0]);
    extendBorder(arena, S, block.origin, block.volumeShape, mode, 0);
    // S at core voxel i shifted by dz slices: s[i + (K + dz) * planeN].
    for (const t of shifts) {
      const k = t.param;
      emit(t, (out) => {
        const s = imageData(arena, S);
        const o0 = K * planeN;
        const n = cz * planeN;
        switch (t.feature) {
          case "ZForwardDifference":
            for (let i = 0; i < n; i++) out[i] = s[o0 + i + k * planeN]! - s[o0 + i]!;
            break;
          case "ZBackwardDifference":
            for (let i = 0; i < n; i++) out[i] = s[o0 + i]! - s[o0 + i - k * planeN]!;
            break;
          case "ZRelativeDifference":
            for (let i = 0; i < n; i++) {
              const a = s[o0 + i + k * planeN]!;
              const b = s[o0 + i]!;
              out[i] = (a - b) / (Math.abs(a) + Math.abs(b) + 1e-6);
            }
            break;
          case "ZRunningMax":
          case "ZRunningMin": {
            const sign = t.feature === "ZRunningMax" ? 1 : -1;
            for (let i = 0; i < n; i++) {
              let m = sign * s[o0 + i]!;
              for (let j = 1; j <= k; j++) m = Math.max(m, sign * s[o0 + i + j * planeN]!);
              out[i] = sign * m;
            }
            break;
          }
          case "ZExtremaDistance":
            for (let i = 0; i < n; i++) {
              let hi = s[o0 + i]!;
              let lo = hi;
              let jHi = 0;
              let jLo = 0;
              for (let j = 1; j <= k; j++) {
                const v = s[o0 + i + j * planeN]!;
                if (v > hi) {
                  hi = v;
                  jHi = j;
                }
                if (v < lo) {
                  lo = v;
                  jLo = j;
                }
              }
              out[i] = jHi - jLo;
            }
            break;
          default:
            throw new Error(`internal: unexpected tailored feature ${t.feature}`);
        }
      });
    }
    arena.free(S.ptr);
  }
  if (contrast.length > 0) {
    const K = Math.max(...contrast.map((t) => t.param));
    const [gy, gx] = separableBank(
      arena,
      src,
      [null, [w0, w1], [w0, w1]] as unknown as AxisKernels,
      [
        [0, 1, 0],
        [0, 0, 1],
      ],
      [K, 0, 0],
    );
    const C = allocImage(arena, shape, [K, 0, 0]);
    {
      const c = imageData(arena, C);
      const a = imageData(arena, gy!);
      const b = imageData(arena, gx!);
      for (let i = 0; i < c.length; i++) c[i] = Math.sqrt(a[i]! * a[i]! + b[i]! * b[i]!);
    }
    arena.free(gy!.ptr);
    arena.free(gx!.ptr);
    extendBorder(arena, C, block.origin, block.volumeShape, mode, 0);
    for (const t of contrast) {
      emit(t, (out) => {
        const c = imageData(arena, C);
        const o0 = K * planeN;
        const dk = t.param * planeN;
        for (let i = 0; i < out.length; i++) out[i] = c[o0 + i + dk]! - c[o0 + i]!;
      });
    }
    arena.free(C.ptr);
  }
  for (const t of plan.tailored) {
    if (t.feature !== "ZGradient") continue;
    const sigma = t.param;
    const g0 = gaussWeights(sigma, 0);
    const g1 = gaussWeights(sigma, 1);
    const [g] = separableBank(
      arena,
      src,
      [[g0, g1], [g0], [g0]] as unknown as AxisKernels,
      [[1, 0, 0]],
      ZERO,
    );
    sink(base + t.channel, imageData(arena, g!));
    arena.free(g!.ptr);
  }
}

/** Correlation weights of the tailored features' Gaussian kernels. */
function gaussWeights(sigma: number, order: number): number[] {
  return Array.from(vigraGaussianKernel1d(sigma, order, TAILORED_WINDOW)).reverse();
}

/**
 * Compute every channel of a feature bank for one block's core, in this
 * thread, and hand each channel to `sink` (channel index as in
 * {@link featureChannels}). The inputs are read padded by `block.halo`
 * (which must be at least {@link featureHalo}); the result equals the
 * whole-volume computation (ilastik's semantics, vigra's kernels and border)
 * for any block layout.
 *
 * Call it from a block kernel of your own to consume features inside the
 * worker, e.g. `computeBlockFeatures(ctx, spec, (c, core) => ...)`.
 *
 * @param block - A `BlockContext` or the same fields.
 * @param spec - From {@link featureSpec}.
 * @param sink - Receives each channel's core (valid only during the call).
 */
export function computeBlockFeatures(
  block: FeatureBlockSource,
  spec: FeatureSpec,
  sink: FeatureSink,
): void {
  const plan = cachedPlan(spec, block.volumeShape);
  for (let a = 0; a < 3; a++) {
    if (block.halo[a]! < plan.halo[a]!) {
      throw new RangeError(
        `feature block: halo ${block.halo.join(",")} is smaller than the ${plan.halo.join(",")} the features need`,
      );
    }
  }
  const arena = getArena();
  arena.reset();
  try {
    plan.inputs.forEach((input, n) => {
      const base = n * plan.channelsPerInput;
      const src = allocImage(arena, block.shape, block.halo);
      block.inputs[input.sources[0]!]!.readInto(imageData(arena, src));
      if (input.sources.length === 2) {
        const tmp = allocImage(arena, block.shape, block.halo);
        block.inputs[input.sources[1]!]!.readInto(imageData(arena, tmp));
        const a = imageData(arena, src);
        const b = imageData(arena, tmp);
        for (let i = 0; i < a.length; i++) a[i] = a[i]! - b[i]!;
        arena.free(tmp.ptr);
      }
      for (const p of plan.scales) ilastikScale(arena, src, p, block, plan.mode, base, sink);
      if (plan.tailored.length > 0) tailoredFeatures(arena, src, plan, block, base, sink);
      arena.free(src.ptr);
    });
  } finally {
    arena.reset();
  }
}
