import type { Shape3 } from "../volume/types.js";
import type { Figure } from "../plot/types.js";
import { imagesGrid } from "../plot/grid.js";
import type { ParallelOptions } from "../parallel/types.js";
import { computeFeatures } from "./computeFeatures.js";
import { resolveInputs, type FeatureInputs } from "./inputs.js";
import { featureSpec, type FeatureSpec } from "./spec.js";

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
}

/**
 * A grid of feature channels on one z slice, each with its own grey scale
 * and its ilastik-style name as title (the notebook view of "what the
 * classifier sees"). The features are computed for that slice only, with
 * the full 3D neighbourhood ({@link computeFeatures} with a one-slice region).
 *
 * @param inputs - The spec's source inputs (a volume, a list, or `{ name: volume }`).
 * @example
 * ```ts
 * show(await featureChannelsFigure({ SE2: se2 }, { spec: featureSpec({ inputs: ["SE2"], tailored: true }),
 *   channels: ["Gaussian Smoothing (σ=1.6) [SE2]", "Z Forward Difference (k=4) [SE2]"], z: 530 }));
 * ```
 */
export async function featureChannelsFigure(inputs: FeatureInputs, options: FeatureChannelsFigureOptions = {}): Promise<Figure> {
  let spec = options.spec;
  if (spec === undefined) {
    const probe = featureSpec({ filters: { GaussianSmoothing: [0.3] } });
    const names = Array.isArray(inputs) || (typeof inputs === "object" && inputs !== null && "data" in inputs) ? probe.inputs.map((i) => i.name) : Object.keys(inputs).slice(0, 1);
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
  const z = zRaw < 0 ? nz + zRaw : zRaw;
  if (!Number.isInteger(z) || z < 0 || z >= nz) throw new RangeError(`\`z\` must be an integer slice index in [-${nz}, ${nz}), received ${String(zRaw)}`);
  const stack = await computeFeatures(volumes, spec, {
    region: { origin: [z, 0, 0], shape: [1, ny, nx] as Shape3 },
    threads: options.threads,
    inline: options.inline,
    signal: options.signal,
  });
  let picks: number[];
  if (options.channels === undefined) {
    picks = stack.channels.map((_, i) => i).filter((i) => stack.channels[i]!.index === 0).slice(0, 12);
  } else {
    picks = options.channels.map((c) => {
      const i = typeof c === "number" ? c : stack.channels.findIndex((ch) => ch.name === c);
      if (!Number.isInteger(i) || i < 0 || i >= stack.channels.length) {
        throw new RangeError(`unknown feature channel ${JSON.stringify(c)}; the spec has ${stack.channels.length} channels, e.g. "${stack.channels[0]!.name}"`);
      }
      return i;
    });
  }
  return imagesGrid(
    picks.map((i) => ({ image: stack.volumes[i]!, title: stack.channels[i]!.name })),
    {
      shareRange: false,
      columns: options.columns ?? 3,
      title: options.title ?? `Feature channels, slice z = ${z}`,
      width: options.width,
      percentiles: [1, 99],
      colorbar: false,
    },
  );
}
