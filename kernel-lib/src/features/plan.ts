import type { Shape3 } from "../volume/types.js";
import { vigraGaussianKernel1d, vigraKernelRadius } from "../filters/vigraGaussianKernel1d.js";
import type { BoundaryMode } from "../parallel/types.js";
import {
  featureChannels,
  scaleIn2d,
  sourceInputs,
  type FeatureChannel,
  type FeatureSpec,
  type IlastikFilter,
  type TailoredFeature,
} from "./spec.js";

/** ilastik's window sizes (kernel radius in sigmas): pre-smoothing 3.5 (`WINDOW_SIZE`), the filters 2 (`window_size_feature`). */
export const PRESMOOTH_WINDOW = 3.5;
export const FILTER_WINDOW = 2;
/** Window of the tailored features' Gaussian kernels. */
export const TAILORED_WINDOW = 3.5;

/** Correlation weights per axis and order, null where the axis is not filtered. @internal */
export type Table = [number[][] | null, number[][] | null, number[][] | null];

/** Everything the feature kernel needs for one ilastik scale. @internal */
export interface ScalePlan {
  scale: number;
  in2d: boolean;
  /** Pre-smoothing (order 0) weights per axis at `sqrt(s^2 - 1)` (s > 1) or `s`. */
  pre: (number[] | null)[];
  /** Filter kernels at `min(s, 1)`, orders 0..2, window 2. */
  filter: Table;
  /** DoG's second smoothing at `0.66 * min(s, 1)`. */
  dog: (number[] | null)[] | null;
  /** Structure tensor outer smoothing at `0.5 * min(s, 1)`. */
  outer: (number[] | null)[] | null;
  /** Channel offset (within one input's channels) of each filter selected at this scale. */
  channel: Partial<Record<IlastikFilter, number>>;
}

/** One tailored feature of the plan. @internal */
export interface TailoredPlan {
  feature: TailoredFeature;
  param: number;
  channel: number;
}

/** A feature spec resolved for one volume shape: kernels, channels, halo. @internal */
export interface FeaturePlan {
  volumeShape: Shape3;
  mode: BoundaryMode;
  channels: FeatureChannel[];
  channelsPerInput: number;
  /** Per spec input: indices into the source volumes, one (plain) or two (a - b). */
  inputs: { name: string; sources: number[] }[];
  scales: ScalePlan[];
  tailored: TailoredPlan[];
  /** In-plane smoothing weights (y, x) of the tailored signal S, order 0 and 1. */
  inPlane: number[][] | null;
  /** Largest z reach (slices) of the tailored shift/window features. */
  zReach: number;
  /** Halo per axis a block needs. */
  halo: Shape3;
}

const weights = (sigma: number, order: number, window: number) =>
  Array.from(vigraGaussianKernel1d(sigma, order, window)).reverse();
const radius = (w: number[] | null | undefined) => (w ? (w.length - 1) / 2 : 0);

/**
 * Resolve a spec for a volume shape: kernels of every scale (ilastik's
 * semantics), channel list and the halo per axis. @internal
 */
export function planFeatures(spec: FeatureSpec, volumeShape: Shape3): FeaturePlan {
  const channels = featureChannels(spec, volumeShape);
  const nz = volumeShape[0];
  const sources = sourceInputs(spec);
  const featured = spec.inputs.filter((i) => i.features !== false);
  const inputs = featured.map((i) => ({
    name: i.name,
    sources: i.difference ? i.difference.map((d) => sources.indexOf(d)) : [sources.indexOf(i.name)],
  }));
  const perInput = channels.length / featured.length;
  const halo: Shape3 = [0, 0, 0];
  const grow = (h: Shape3) => h.forEach((v, a) => (halo[a] = Math.max(halo[a]!, v)));

  // Channel offsets of the ilastik part (same layout for every input).
  const scaleMap = new Map<number, ScalePlan>();
  let c = 0;
  for (const { filter, scale } of spec.ilastik) {
    const in2d = scaleIn2d(spec, scale, nz);
    let plan = scaleMap.get(scale);
    if (!plan) {
      const pre = scale > 1 ? Math.sqrt(scale * scale - 1) : scale;
      const fs = Math.min(scale, 1);
      const axes = [0, 1, 2].map((a) => !(a === 0 && in2d));
      plan = {
        scale,
        in2d,
        pre: axes.map((on) => (on ? weights(pre, 0, PRESMOOTH_WINDOW) : null)),
        filter: axes.map((on) =>
          on ? [0, 1, 2].map((o) => weights(fs, o, FILTER_WINDOW)) : null,
        ) as Table,
        dog: null,
        outer: null,
        channel: {},
      };
      scaleMap.set(scale, plan);
    }
    const fs = Math.min(scale, 1);
    const axes = [0, 1, 2].map((a) => !(a === 0 && in2d));
    if (filter === "DifferenceOfGaussians")
      plan.dog = axes.map((on) => (on ? weights(0.66 * fs, 0, FILTER_WINDOW) : null));
    if (filter === "StructureTensorEigenvalues")
      plan.outer = axes.map((on) => (on ? weights(0.5 * fs, 0, FILTER_WINDOW) : null));
    plan.channel[filter] = c;
    c +=
      filter === "StructureTensorEigenvalues" || filter === "HessianOfGaussianEigenvalues"
        ? in2d
          ? 2
          : 3
        : 1;
  }
  const scales = [...scaleMap.values()].sort((a, b) => a.scale - b.scale);
  for (const p of scales) {
    const h = [0, 1, 2].map(
      (a) => radius(p.pre[a]) + radius(p.filter[a]?.[0]) + radius(p.outer?.[a]),
    ) as Shape3;
    grow(h);
  }

  const tailored: TailoredPlan[] = spec.tailored.map(({ feature, param }) => ({
    feature,
    param,
    channel: c++,
  }));
  let inPlane: number[][] | null = null;
  let zReach = 0;
  if (tailored.length > 0) {
    inPlane = [
      weights(spec.inPlaneSigma, 0, TAILORED_WINDOW),
      weights(spec.inPlaneSigma, 1, TAILORED_WINDOW),
    ];
    const rS = Math.max(radius(inPlane[0]), radius(inPlane[1]));
    for (const t of tailored) {
      if (t.feature === "ZGradient") {
        const r = vigraKernelRadius(t.param, 1, TAILORED_WINDOW);
        grow([
          r,
          vigraKernelRadius(t.param, 0, TAILORED_WINDOW),
          vigraKernelRadius(t.param, 0, TAILORED_WINDOW),
        ]);
      } else {
        zReach = Math.max(zReach, t.param);
        grow([t.param, rS, rS]);
      }
    }
  }
  if (c !== perInput)
    throw new Error(`internal: planned ${c} channels per input, expected ${perInput}`);
  return {
    volumeShape: [...volumeShape] as Shape3,
    mode: spec.mode,
    channels,
    channelsPerInput: perInput,
    inputs,
    scales,
    tailored,
    inPlane,
    zReach,
    halo,
  };
}

/** The halo per axis `[hz, hy, hx]` a block needs to compute a spec's features exactly (as on the whole volume). */
export function featureHalo(spec: FeatureSpec, volumeShape: Shape3): Shape3 {
  return planFeatures(spec, volumeShape).halo;
}
