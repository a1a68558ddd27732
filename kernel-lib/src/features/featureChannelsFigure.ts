import type { Shape3 } from "../volume/types.js";
import type { Figure } from "../plot/types.js";
import { expectedError } from "../util/checks.js";
import { imagesGrid } from "../plot/grid.js";
import { parallelOptions } from "../parallel/options.js";
import type { ParallelOptions } from "../parallel/types.js";
import { computeFeatures } from "./computeFeatures.js";
import { resolveInputs, type FeatureInputs } from "./inputs.js";
import {
  featureChannels,
  featureSpec,
  ILASTIK_FILTERS,
  type FeatureChannel,
  type FeatureSpec,
  type IlastikFilter,
  type TailoredFeature,
} from "./spec.js";

export interface FeatureChannelsFigureOptions extends ParallelOptions {
  /** Feature bank to draw from. @default six channels of the first input: one per ilastik filter (σ 1.6, DoG σ 3.5) */
  spec?: FeatureSpec;
  /** Channels to show, by index or exact name. @default every channel of `spec` (at most 12) */
  channels?: readonly (number | string)[];
  /** z slice to show (negative counts from the end). @default the middle slice */
  z?: number;
  /** Panels per row. @default 3 */
  columns?: number;
  /** Figure title. */
  title?: string;
  /** Figure width in pixels. */
  width?: number;
  /** Base font size (panel titles are the long channel names). @default 11 */
  fontSize?: number;
}

/**
 * A grid of feature channels on one z slice, each with its own grey scale
 * and its ilastik-style name as title (the notebook view of "what the
 * classifier sees"). Only the shown channels are computed, for that slice
 * only, with the full 3D neighbourhood ({@link computeFeatures} with a
 * one-slice region), so a large spec (183 channels) costs nothing extra.
 *
 * @param inputs - The spec's source inputs (a volume, a list, or `{ name: volume }`).
 * @example
 * ```ts
 * show(await featureChannelsFigure({ SE2: se2 }, { spec: featureSpec({ inputs: ["SE2"], tailored: true }),
 *   channels: ["Gaussian Smoothing (σ=1.6) [SE2]", "Z Forward Difference (k=4) [SE2]"], z: 530 }));
 * ```
 */
export async function featureChannelsFigure(
  inputs: FeatureInputs,
  options: FeatureChannelsFigureOptions = {},
): Promise<Figure> {
  let spec = options.spec;
  if (spec === undefined) {
    const probe = featureSpec({ filters: { GaussianSmoothing: [0.3] } });
    const names =
      Array.isArray(inputs) || (typeof inputs === "object" && inputs !== null && "data" in inputs)
        ? probe.inputs.map((i) => i.name)
        : Object.keys(inputs).slice(0, 1);
    spec = featureSpec({
      inputs: names,
      filters: {
        GaussianSmoothing: [1.6],
        LaplacianOfGaussian: [1.6],
        GaussianGradientMagnitude: [1.6],
        DifferenceOfGaussians: [3.5],
        StructureTensorEigenvalues: [1.6],
        HessianOfGaussianEigenvalues: [1.6],
      },
    });
  }
  const volumes = resolveInputs(inputs, spec);
  const [nz, ny, nx] = volumes[0]!.shape;
  const zRaw = options.z ?? Math.floor(nz / 2);
  if (typeof zRaw !== "number" || !Number.isInteger(zRaw) || zRaw < -nz || zRaw >= nz) {
    const kind = typeof zRaw === "number" ? RangeError : TypeError;
    throw expectedError("z", `an integer slice index in [${-nz}, ${nz - 1}]`, zRaw, kind);
  }
  const z = zRaw < 0 ? nz + zRaw : zRaw;
  const all = featureChannels(spec, volumes[0]!.shape);
  let picks: FeatureChannel[];
  if (options.channels === undefined) picks = all.filter((c) => c.index === 0).slice(0, 12);
  else {
    picks = options.channels.map((c) => {
      const i = typeof c === "number" ? c : all.findIndex((ch) => ch.name === c);
      if (!Number.isInteger(i) || i < 0 || i >= all.length) {
        throw new RangeError(
          `unknown feature channel ${JSON.stringify(c)}; the spec has ${all.length} channels, e.g. "${all[0]!.name}"`,
        );
      }
      return all[i]!;
    });
  }
  // Compute only what the panels show: the picked filters and scales of the
  // picked inputs (other inputs stay sources, e.g. operands of a difference).
  const filters: Partial<Record<IlastikFilter, number[]>> = {};
  const tailored: Partial<Record<TailoredFeature, number[]>> = {};
  for (const c of picks) {
    const table = (ILASTIK_FILTERS as readonly string[]).includes(c.filter) ? filters : tailored;
    const list = ((table as Record<string, number[]>)[c.filter] ??= []);
    if (!list.includes(c.scale)) list.push(c.scale);
  }
  const shown = new Set(picks.map((c) => c.input));
  const reduced = featureSpec({
    inputs: spec.inputs.map((i) => ({ ...i, features: shown.has(i.name) })),
    filters,
    tailored: Object.keys(tailored).length > 0 ? tailored : false,
    computeIn2d: spec.computeIn2d,
    mode: spec.mode,
    inPlaneSigma: spec.inPlaneSigma,
  });
  const stack = await computeFeatures(volumes, reduced, {
    ...parallelOptions(options),
    region: { origin: [z, 0, 0], shape: [1, ny, nx] as Shape3 },
  });
  const index = new Map(stack.channels.map((c, i) => [c.name, i]));
  return imagesGrid(
    picks.map((c) => ({ image: stack.volumes[index.get(c.name)!]!, title: c.name })),
    {
      shareRange: false,
      columns: options.columns ?? 3,
      title: options.title ?? `Feature channels, slice z = ${z}`,
      width: options.width,
      fontSize: options.fontSize ?? 11,
      percentiles: [1, 99],
      colorbar: false,
    },
  );
}
