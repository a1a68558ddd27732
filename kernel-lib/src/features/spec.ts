import type { Shape3 } from "../volume/types.js";
import { checkShape } from "../volume/check.js";
import { checkBoundary } from "../parallel/boundary.js";
import {
  checkBoolean,
  checkNumberArray,
  checkOptions,
  checkPositive,
  expectedError,
} from "../util/checks.js";
import type { BoundaryMode } from "../parallel/types.js";

/** ilastik's default scales (ilastik/applets/featureSelection/opFeatureSelection.py). */
export const ILASTIK_SCALES: readonly number[] = [0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0];

/** ilastik's six pixel-feature filters, by feature id, in ilastik's order. */
export type IlastikFilter =
  | "GaussianSmoothing"
  | "LaplacianOfGaussian"
  | "GaussianGradientMagnitude"
  | "DifferenceOfGaussians"
  | "StructureTensorEigenvalues"
  | "HessianOfGaussianEigenvalues";

/** The ilastik filters in ilastik's order (rows of its feature dialog). */
export const ILASTIK_FILTERS: readonly IlastikFilter[] = [
  "GaussianSmoothing",
  "LaplacianOfGaussian",
  "GaussianGradientMagnitude",
  "DifferenceOfGaussians",
  "StructureTensorEigenvalues",
  "HessianOfGaussianEigenvalues",
];

/**
 * Feature group, as in Osenberg et al. Fig. 3 (ilastik's dialog groups:
 * "Color/Intensity" = smooth, "Edge", "Texture"), plus `"milling"` for the
 * tailored milling-direction features.
 */
export type FeatureGroup = "smooth" | "edge" | "texture" | "milling";

/**
 * Tailored features along the milling direction (z), built for FIB/SEM
 * shine-through (Osenberg et al. 3.6). `S` is the input smoothed in-plane
 * (sigma `inPlaneSigma`, no smoothing along z, so slices stay apart). Why each
 * helps: through an opened pore the detector sees material of later slices,
 * blurred and darker with depth; as milling advances toward that material the
 * pore's signal brightens and sharpens until the material is cut, while
 * solid phases keep a stationary signal along z.
 */
export type TailoredFeature =
  /**
   * `S(z + k) - S(z)`: how much brighter the same xy position gets k slices
   * further. Near zero in solid material; positive in a pore, where material
   * seen through it comes closer (and brighter) as milling proceeds.
   */
  | "ZForwardDifference"
  /**
   * `S(z) - S(z - k)`: change since k slices back. Strongly negative where a
   * pore has just been opened (material replaced by the darker view into
   * the pore), positive where the material below a pore is reached.
   */
  | "ZBackwardDifference"
  /**
   * `(S(z + k) - S(z)) / (|S(z + k)| + |S(z)| + 1e-6)`: the forward change
   * relative to the signal level (a ratio, bounded in [-1, 1]), insensitive to
   * the slow intensity gradients across the field of view that plain
   * differences pick up.
   */
  | "ZRelativeDifference"
  /**
   * `max_{0<=j<=K} S(z + j)`: the brightest signal within K slices ahead:
   * in a pore it finds the material that shines through, in solid it is the
   * voxel's own level.
   */
  | "ZRunningMax"
  /**
   * `min_{0<=j<=K} S(z + j)`: the darkest signal within K slices ahead; with
   * the running maximum it brackets the signal's evolution during milling.
   */
  | "ZRunningMin"
  /**
   * `argmax_j - argmin_j` of `S(z + j)` over `0 <= j <= K` (in slices): the
   * distance along +z between the running maximum and minimum. Positive when
   * the brightest slice lies deeper than the darkest (a pore, dark now, above
   * the material seen through it), near zero or noisy in homogeneous solid.
   */
  | "ZExtremaDistance"
  /**
   * Gaussian derivative along z at scale sigma (3D smoothing, first
   * derivative along z): the z-gradient of Salzer et al. (2012) used by
   * method 3.3 for void detection, here at several scales.
   */
  | "ZGradient"
  /**
   * `C(z + k) - C(z)` with `C` the in-plane Gaussian gradient magnitude
   * (sigma `inPlaneSigma`): the change of local contrast between slices. The
   * view through a pore is blurred (low contrast) and sharpens as the material
   * is approached, while cut material keeps its contrast.
   */
  | "ZContrastChange";

/** The tailored features in their channel order. */
export const TAILORED_FEATURES: readonly TailoredFeature[] = [
  "ZForwardDifference",
  "ZBackwardDifference",
  "ZRelativeDifference",
  "ZRunningMax",
  "ZRunningMin",
  "ZExtremaDistance",
  "ZGradient",
  "ZContrastChange",
];

/** Default parameters of each tailored feature (slice offsets k / window K, or sigma for ZGradient). */
export const TAILORED_DEFAULTS: Readonly<Record<TailoredFeature, readonly number[]>> = {
  ZForwardDifference: [1, 2, 4, 8],
  ZBackwardDifference: [1, 2, 4, 8],
  ZRelativeDifference: [2, 8],
  ZRunningMax: [4, 16],
  ZRunningMin: [4, 16],
  ZExtremaDistance: [4, 16],
  ZGradient: [1, 2, 4],
  ZContrastChange: [1, 4],
};

/** Title, feature group and smallest scale of each ilastik filter (as in ilastik's dialog). */
export const FILTER_INFO: Record<
  IlastikFilter,
  { title: string; group: FeatureGroup; minScale: number }
> = {
  GaussianSmoothing: { title: "Gaussian Smoothing", group: "smooth", minScale: 0.3 },
  LaplacianOfGaussian: { title: "Laplacian of Gaussian", group: "edge", minScale: 0.7 },
  GaussianGradientMagnitude: {
    title: "Gaussian Gradient Magnitude",
    group: "edge",
    minScale: 0.7,
  },
  DifferenceOfGaussians: { title: "Difference of Gaussians", group: "edge", minScale: 0.7 },
  StructureTensorEigenvalues: {
    title: "Structure Tensor Eigenvalues",
    group: "texture",
    minScale: 0.7,
  },
  HessianOfGaussianEigenvalues: {
    title: "Hessian of Gaussian Eigenvalues",
    group: "texture",
    minScale: 0.7,
  },
};

/** Title and parameter kind of each tailored feature. */
export const TAILORED_INFO: Record<TailoredFeature, { title: string; param: "k" | "K" | "σ" }> = {
  ZForwardDifference: { title: "Z Forward Difference", param: "k" },
  ZBackwardDifference: { title: "Z Backward Difference", param: "k" },
  ZRelativeDifference: { title: "Z Relative Difference", param: "k" },
  ZRunningMax: { title: "Z Running Max", param: "K" },
  ZRunningMin: { title: "Z Running Min", param: "K" },
  ZExtremaDistance: { title: "Z Extrema Distance", param: "K" },
  ZGradient: { title: "Z Gradient", param: "σ" },
  ZContrastChange: { title: "Z Contrast Change", param: "k" },
};

/** One input of a feature bank: a named detector volume, or the difference of two of them. */
export interface FeatureInput {
  name: string;
  /** `[a, b]`: this input is `a - b` of two source inputs, computed on the fly per block. */
  difference?: [string, string];
  /** `false`: a source only (e.g. an operand of a difference), no feature channels of its own. @default true */
  features?: boolean;
}

/** Options of {@link featureSpec}. */
export interface FeatureSpecOptions {
  /**
   * Inputs by name, e.g. `["SE2", "InLens", { name: "SE2 - InLens", difference: ["SE2", "InLens"] }]`.
   * Source inputs (plain names) are given as volumes to the compute functions.
   * @default ["raw"]
   */
  inputs?: readonly (string | FeatureInput)[];
  /**
   * ilastik filters x scales, like ilastik's feature dialog: per filter `true`
   * (every scale of `scales` the filter allows: Gaussian smoothing from 0.3,
   * the others from 0.7), `false` (none) or a list of scales. Filters left out
   * take `true` when `filters` is omitted altogether, `false` otherwise.
   * @default all six filters at all their scales (61 channels per input in 3D, 49 in 2D)
   */
  filters?: Partial<Record<IlastikFilter, boolean | readonly number[]>>;
  /** The scale list used for `true` entries. @default {@link ILASTIK_SCALES} */
  scales?: readonly number[];
  /**
   * Tailored milling-direction features: `true` for {@link TAILORED_DEFAULTS},
   * or per feature `true` / `false` / a parameter list. 3D volumes only.
   * @default false
   */
  tailored?: boolean | Partial<Record<TailoredFeature, boolean | readonly number[]>>;
  /**
   * Which scales are computed slice by slice (ilastik's "in 2D" check boxes):
   * `"auto"` computes a scale in 2D when the volume is too thin for it in z
   * (`ceil(3.5 s) + 1 > nz`, the scales ilastik refuses in 3D), `true` all,
   * `false` none, or a list of scales.
   * @default "auto"
   */
  computeIn2d?: "auto" | boolean | readonly number[];
  /** Boundary extension; vigra's (and ilastik's) is `"mirror"`. @default "mirror" */
  mode?: BoundaryMode;
  /** In-plane Gaussian sigma (voxels) of the tailored features' smoothed signal and contrast. @default 1 */
  inPlaneSigma?: number;
}

/** A resolved, JSON-serialisable feature selection (see {@link featureSpec}). */
export interface FeatureSpec {
  inputs: FeatureInput[];
  /** Selected ilastik filters and scales, in ilastik's order (filter, then scale). */
  ilastik: { filter: IlastikFilter; scale: number }[];
  /** Selected tailored features, in {@link TAILORED_FEATURES} order, then parameter. */
  tailored: { feature: TailoredFeature; param: number }[];
  computeIn2d: "auto" | boolean | number[];
  mode: BoundaryMode;
  inPlaneSigma: number;
}

/** One output channel of a feature bank. */
export interface FeatureChannel {
  /** ilastik-style name, e.g. `Hessian of Gaussian Eigenvalues (σ=1.6) [SE2] #2`. */
  name: string;
  group: FeatureGroup;
  /** Input name. */
  input: string;
  /** Filter id (an {@link IlastikFilter} or {@link TailoredFeature}). */
  filter: IlastikFilter | TailoredFeature;
  /** Scale (ilastik filters, ZGradient) or slice offset / window (other tailored features). */
  scale: number;
  /** Eigenvalue index (0 = largest) for the eigenvalue filters, else 0. */
  index: number;
  /** Whether the scale is computed slice by slice in a 3D volume. */
  in2d: boolean;
}

/** Python-style float text: `1.0`, `0.3`, `10.0`. @internal */
export function formatScale(s: number): string {
  return Number.isInteger(s) ? s.toFixed(1) : String(s);
}

function positiveList(
  value: unknown,
  name: string,
  integer: boolean,
  expected = `a list of ${integer ? "positive integers" : "positive numbers"}`,
): number[] {
  const list = checkNumberArray(value, name, { min: 0, minOpen: true, integer, expected });
  return [...new Set(list)].sort((a, b) => a - b);
}

/**
 * A feature selection: which ilastik filters at which scales and which
 * tailored features, for which inputs. Defaults reproduce ilastik's full
 * feature matrix (61 channels per input in 3D, 49 in 2D).
 *
 * @example
 * ```ts
 * // Osenberg et al. 3.5: three inputs x 61 ilastik features = 183 channels
 * const spec = featureSpec({ inputs: ["SE2", "InLens", { name: "SE2 - InLens", difference: ["SE2", "InLens"] }] });
 * // a subset, like ticking boxes in ilastik's dialog, plus tailored z features
 * const small = featureSpec({ filters: { GaussianSmoothing: [0.7, 1.6], HessianOfGaussianEigenvalues: [1.6] }, tailored: true });
 * ```
 * @see ilastik lazyflow/operators/opPixelFeaturesPresmoothed.py
 */
export function featureSpec(options: FeatureSpecOptions = {}): FeatureSpec {
  const rawInputs = options.inputs ?? ["raw"];
  if (!Array.isArray(rawInputs) || rawInputs.length === 0) {
    const kind = Array.isArray(rawInputs) ? RangeError : TypeError;
    throw expectedError("inputs", "a non-empty list of names", rawInputs, kind);
  }
  const inputs: FeatureInput[] = rawInputs.map((i, n) => {
    if (typeof i === "string" && i.length > 0) return { name: i };
    if (typeof i === "object" && i !== null && typeof i.name === "string" && i.name.length > 0) {
      const flag = i.features === false ? { features: false } : {};
      if (i.features !== undefined) checkBoolean(i.features, `inputs[${n}].features`);
      if (i.difference === undefined) return { name: i.name, ...flag };
      if (Array.isArray(i.difference) && i.difference.length === 2)
        return { name: i.name, difference: [i.difference[0], i.difference[1]], ...flag };
    }
    throw expectedError(`inputs[${n}]`, "a name or { name, difference: [a, b] }", i, TypeError);
  });
  const names = inputs.map((i) => i.name);
  if (new Set(names).size !== names.length)
    throw new RangeError(`input names must be unique, received ${JSON.stringify(names)}`);
  for (const i of inputs) {
    if (!i.difference) continue;
    for (const d of i.difference) {
      const src = inputs.find((j) => j.name === d);
      if (!src || src.difference) {
        throw new RangeError(
          `input "${i.name}": difference operand "${d}" must be a source input (one of ${inputs
            .filter((j) => !j.difference)
            .map((j) => `"${j.name}"`)
            .join(", ")})`,
        );
      }
    }
  }
  if (inputs.every((i) => i.features === false)) {
    throw new RangeError("`inputs` must include at least one input with features");
  }
  if (inputs.every((i) => i.difference))
    throw new RangeError("`inputs` must include at least one source input");

  const scales = positiveList(options.scales ?? ILASTIK_SCALES, "scales", false);
  const ilastik: FeatureSpec["ilastik"] = [];
  const filters = options.filters;
  if (filters !== undefined) checkOptions(filters, "filters", ILASTIK_FILTERS, "filter");
  for (const filter of ILASTIK_FILTERS) {
    const sel = filters === undefined ? true : (filters[filter] ?? false);
    const min = FILTER_INFO[filter].minScale;
    let list: number[];
    if (sel === true) list = scales.filter((s) => s >= min);
    else if (sel === false) list = [];
    else {
      list = positiveList(sel, `filters.${filter}`, false);
      const bad = list.filter((s) => s < min);
      if (bad.length) {
        throw new RangeError(
          `${filter} needs scales >= ${min} (as in ilastik), received ${bad.join(", ")}`,
        );
      }
    }
    for (const scale of list) ilastik.push({ filter, scale });
  }

  const tailored: FeatureSpec["tailored"] = [];
  const t = options.tailored ?? false;
  if (t !== false) {
    if (t !== true && (typeof t !== "object" || t === null))
      throw expectedError(
        "tailored",
        "true, false or an object of tailored features",
        t,
        TypeError,
      );
    if (t !== true) checkOptions(t, "tailored", TAILORED_FEATURES, "tailored feature");
    for (const feature of TAILORED_FEATURES) {
      const sel = t === true ? true : (t[feature] ?? false);
      const integer = feature !== "ZGradient";
      const list =
        sel === true
          ? [...TAILORED_DEFAULTS[feature]]
          : sel === false
            ? []
            : positiveList(sel, `tailored.${feature}`, integer);
      for (const param of list) tailored.push({ feature, param });
    }
  }
  if (ilastik.length === 0 && tailored.length === 0)
    throw new RangeError(
      "the feature selection is empty: select at least one filter or tailored feature",
    );

  const c2 = options.computeIn2d ?? "auto";
  let computeIn2d: FeatureSpec["computeIn2d"];
  if (c2 === "auto" || c2 === true || c2 === false) computeIn2d = c2;
  else {
    const expected = '"auto", true, false or a list of positive scales';
    computeIn2d = positiveList(c2, "computeIn2d", false, expected);
  }
  const { mode } = checkBoundary(options.mode ?? "mirror");
  const inPlaneSigma = checkPositive(options.inPlaneSigma ?? 1, "inPlaneSigma");
  return { inputs, ilastik, tailored, computeIn2d, mode, inPlaneSigma };
}

/** Check a spec received from outside (e.g. after JSON round trips). @internal */
export function checkSpec(spec: unknown): asserts spec is FeatureSpec {
  const s = spec as FeatureSpec;
  if (
    typeof s !== "object" ||
    s === null ||
    !Array.isArray(s.inputs) ||
    !Array.isArray(s.ilastik) ||
    !Array.isArray(s.tailored)
  ) {
    throw expectedError("spec", "a FeatureSpec made by featureSpec()", spec, TypeError);
  }
}

/** Whether scale `s` is computed slice by slice for a volume with `nz` slices. @internal */
export function scaleIn2d(spec: FeatureSpec, s: number, nz: number): boolean {
  if (nz === 1) return true;
  const c = spec.computeIn2d;
  if (c === "auto") return Math.ceil(3.5 * s) + 1 > nz;
  if (typeof c === "boolean") return c;
  return c.includes(s);
}

/**
 * The output channels of a feature bank for a volume shape, in order: input
 * by input (in `spec.inputs` order); within an input the ilastik channels in
 * ilastik's order (filter, scale, eigenvalue index), then the tailored ones.
 * Eigenvalue filters give 3 channels per scale in 3D and 2 when the scale is
 * computed in 2D (nz = 1, or the scale's 2D flag).
 *
 * @param spec - From {@link featureSpec}.
 * @param shape - Volume shape `[nz, ny, nx]`.
 */
export function featureChannels(spec: FeatureSpec, shape: Shape3): FeatureChannel[] {
  checkSpec(spec);
  checkShape(shape, "shape");
  const nz = shape[0];
  if (nz === 1 && spec.tailored.length > 0) {
    throw new RangeError(
      "tailored milling-direction features need a 3D volume (nz > 1), received a 2D image",
    );
  }
  const out: FeatureChannel[] = [];
  for (const input of spec.inputs.filter((i) => i.features !== false)) {
    for (const { filter, scale } of spec.ilastik) {
      const info = FILTER_INFO[filter];
      const in2d = scaleIn2d(spec, scale, nz);
      const suffix = in2d && nz > 1 ? " in 2D" : "";
      const base = `${info.title} (σ=${formatScale(scale)})${suffix} [${input.name}]`;
      const multi =
        filter === "StructureTensorEigenvalues" || filter === "HessianOfGaussianEigenvalues";
      const count = multi ? (in2d ? 2 : 3) : 1;
      for (let k = 0; k < count; k++) {
        out.push({
          name: multi ? `${base} #${k}` : base,
          group: info.group,
          input: input.name,
          filter,
          scale,
          index: k,
          in2d: in2d && nz > 1,
        });
      }
    }
    for (const { feature, param } of spec.tailored) {
      const info = TAILORED_INFO[feature];
      const p = info.param === "σ" ? formatScale(param) : String(param);
      out.push({
        name: `${info.title} (${info.param}=${p}) [${input.name}]`,
        group: "milling",
        input: input.name,
        filter: feature,
        scale: param,
        index: 0,
        in2d: false,
      });
    }
  }
  return out;
}

/** Names of the source inputs (those the caller supplies as volumes), in order. */
export function sourceInputs(spec: FeatureSpec): string[] {
  return spec.inputs.filter((i) => !i.difference).map((i) => i.name);
}
