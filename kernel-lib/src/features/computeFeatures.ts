import type { Shape3, Spacing3, Volume, VoxelArray } from "../volume/types.js";
import { checkShape } from "../volume/check.js";
import { checkNumberArray, checkOneOf, expectedError } from "../util/checks.js";
import { allocate, dtypeOf } from "../volume/dtype.js";
import { forEachBlock, mapBlocks } from "../parallel/mapBlocks.js";
import { parallelOptions, runsInline } from "../parallel/options.js";
import { isShared, toShared } from "../parallel/shared.js";
import type { ParallelOptions } from "../parallel/types.js";
import type { FeatureKernelParams, FeatureTarget } from "./featureKernel.js";
import { featureBlockShape, resolveInputs, type FeatureInputs } from "./inputs.js";
import { planFeatures } from "./plan.js";
import type { FeatureChannel, FeatureSpec } from "./spec.js";

/** A box of a volume: first voxel and shape, `[z, y, x]`. */
export interface Region {
  origin: Shape3;
  shape: Shape3;
}

/** Features of a region: every channel, in one float32 array. */
export interface FeatureStack {
  /** Channel descriptions (names, groups), in channel order. */
  channels: FeatureChannel[];
  /** The region of the volume the features cover. */
  origin: Shape3;
  shape: Shape3;
  spacing: Spacing3;
  /**
   * `"channels"`: channel c occupies `data[c * V .. (c + 1) * V)`, V = voxels
   * of `shape`, x fastest; `"samples"`: voxel v's channels are
   * `data[v * C .. (v + 1) * C)` (a samples x features matrix for a classifier).
   */
  layout: "channels" | "samples";
  data: Float32Array;
  /** One volume per channel (views into `data`; empty for layout `"samples"`). */
  volumes: Volume<Float32Array>[];
}

export interface ComputeFeaturesOptions extends ParallelOptions {
  /** Compute only this box of the volume (its features as if computed on the whole volume). @default the whole volume */
  region?: Region;
  /** Memory layout of the result (see {@link FeatureStack.layout}). @default "channels" */
  layout?: "channels" | "samples";
  /** Array to write into (length >= channels x region voxels), e.g. to reuse memory between regions; in shared memory unless the job runs inline. */
  out?: Float32Array;
  /** @internal Reused crop buffers (featureBlocks). */
  cropCache?: CropCache;
}

/** The memory layouts of a feature stack. */
const LAYOUTS = ["channels", "samples"] as const;

function checkRegion(region: unknown, shape: Shape3): Region {
  const r = region as Region;
  if (typeof r !== "object" || r === null)
    throw expectedError("region", "{ origin, shape }", region, TypeError);
  checkShape(r.shape, "region.shape");
  checkNumberArray(r.origin, "region.origin", { length: 3, integer: true, min: 0 });
  if (r.origin.some((v, a) => v + r.shape[a]! > shape[a]!)) {
    throw new RangeError(
      `\`region\` (origin ${JSON.stringify(r.origin)}, shape ${JSON.stringify(r.shape)}) must lie inside the volume of shape ${shape.join("x")}`,
    );
  }
  return { origin: [...r.origin] as Shape3, shape: [...r.shape] as Shape3 };
}

/**
 * Run the feature kernel ({@link featureKernel}) over `volumes` with the halo
 * the features need, for its side effect on `target` (a region's stack or
 * the rows of the labelled voxels). @internal
 */
export function runFeatureKernel(
  volumes: Volume[],
  spec: FeatureSpec,
  target: FeatureTarget,
  halo: Shape3,
  options: ParallelOptions,
): Promise<void> {
  return forEachBlock<FeatureKernelParams>(
    volumes,
    { module: "features/featureKernel.js", name: "featureKernel", params: { spec, target } },
    { ...options, halo, mode: spec.mode },
  );
}

/** Copy `region` of each channel volume into `data` (`"channels"` or `"samples"` layout). */
function copyRegion(
  channels: Volume[],
  region: Region,
  data: Float32Array,
  layout: "channels" | "samples",
): void {
  const C = channels.length;
  const [rz, ry, rx] = region.shape;
  const voxels = rz * ry * rx;
  channels.forEach((vol, c) => {
    const [, ny, nx] = vol.shape;
    for (let z = 0; z < rz; z++) {
      for (let y = 0; y < ry; y++) {
        const from = ((region.origin[0] + z) * ny + region.origin[1] + y) * nx + region.origin[2];
        const to = (z * ry + y) * rx;
        if (layout === "channels") {
          data.set(vol.data.subarray(from, from + rx), c * voxels + to);
        } else {
          for (let x = 0; x < rx; x++) data[(to + x) * C + c] = vol.data[from + x]!;
        }
      }
    }
  });
}

/** Reusable memory for the crops of {@link computeFeatures} (see {@link featureBlocks}). @internal */
export interface CropCache {
  buffers: (ArrayBufferView | undefined)[];
}

/**
 * Copy of the box `start`/`shape` of a volume (inside it), in shared memory
 * when `shared`, reusing `cache[i]` when it is large enough.
 */
function cropBox(
  volume: Volume,
  start: Shape3,
  shape: Shape3,
  shared: boolean,
  cache: CropCache | undefined,
  i: number,
): Volume {
  const n = shape[0] * shape[1] * shape[2];
  const dtype = dtypeOf(volume.data);
  let data = cache?.buffers[i] as VoxelArray | undefined;
  if (
    data === undefined ||
    data.length < n ||
    dtypeOf(data) !== dtype ||
    (shared && !isShared(data))
  ) {
    data = allocate(dtype, n, shared);
    if (cache) cache.buffers[i] = data;
  }
  data = data.subarray(0, n);
  const [, ny, nx] = volume.shape;
  const [sz, sy, sx] = shape;
  for (let z = 0; z < sz; z++) {
    for (let y = 0; y < sy; y++) {
      const from = ((start[0] + z) * ny + start[1] + y) * nx + start[2];
      data.set(volume.data.subarray(from, from + sx), (z * sy + y) * sx);
    }
  }
  return { data, shape: [...shape] as Shape3, spacing: [...volume.spacing] as Spacing3 };
}

/**
 * Compute a feature bank ({@link featureSpec}: ilastik's filters with
 * ilastik's semantics, tailored milling-direction features) on a volume or
 * a region of it, blockwise on the worker pool with the halo the features
 * need. Only the region's features are held: a region's result equals the
 * same voxels of a whole-volume computation.
 *
 * Memory: channels x region voxels x 4 bytes for the result, plus one
 * padded block per thread. To go through a large volume, use
 * {@link featureBlocks} (one region at a time) or {@link featuresAtLabels}
 * (labelled voxels only).
 *
 * @param inputs - The spec's source inputs: a volume, a list, or `{ name: volume }`.
 * @param spec - From {@link featureSpec}.
 * @returns The features, with channel names and groups.
 * @example
 * ```ts
 * const spec = featureSpec({ inputs: ["SE2"] });
 * const f = await computeFeatures({ SE2: se2 }, spec, { region: { origin: [530, 0, 0], shape: [1, ny, nx] } });
 * f.channels[10].name; // "Laplacian of Gaussian (σ=1.6) [SE2]"
 * ```
 * @see ilastik lazyflow/operators/opPixelFeaturesPresmoothed.py
 */
export async function computeFeatures(
  inputs: FeatureInputs,
  spec: FeatureSpec,
  options: ComputeFeaturesOptions = {},
): Promise<FeatureStack> {
  const volumes = resolveInputs(inputs, spec);
  const volumeShape = [...volumes[0]!.shape] as Shape3;
  const region =
    options.region === undefined
      ? { origin: [0, 0, 0] as Shape3, shape: volumeShape }
      : checkRegion(options.region, volumeShape);
  const layout = checkOneOf(options.layout ?? "channels", "layout", LAYOUTS);
  const plan = planFeatures(spec, volumeShape);
  const C = plan.channels.length;
  const voxels = region.shape[0] * region.shape[1] * region.shape[2];
  const inline = runsInline(volumeShape, options);
  let data: Float32Array;
  if (options.out !== undefined) {
    if (!(options.out instanceof Float32Array) || options.out.length < C * voxels) {
      const kind = options.out instanceof Float32Array ? RangeError : TypeError;
      const expected = `a Float32Array of at least ${C * voxels} elements (${C} channels x ${voxels} voxels)`;
      throw expectedError("out", expected, options.out, kind);
    }
    if (!inline && !isShared(options.out))
      throw new TypeError(
        "`out` must be in shared memory (a SharedArrayBuffer) to be written by worker threads",
      );
    data = options.out.subarray(0, C * voxels);
  } else data = allocate("float32", C * voxels, !inline) as Float32Array;

  // A region is computed on a crop of the inputs: the region grown by the
  // halo and clipped to the volume. Inside the volume the crop holds the
  // real neighbourhood; where it meets the volume border the job's boundary
  // extension is the volume's, so the region's features are exactly the
  // whole-volume ones, and the job only plans blocks near the region. The
  // crop starts a whole number of blocks before the region, so the blocks
  // tile the region exactly (no block computes voxels outside it but at the
  // region's far end when the block shape does not divide it).
  const whole = region.shape.every((n, a) => n === volumeShape[a]);
  let blockShape = options.blockShape ?? featureBlockShape(region.shape, 2 ** 19);
  blockShape = blockShape.map((b, a) => Math.min(b, region.shape[a]!)) as Shape3;
  let jobVolumes: Volume[];
  let jobRegion: Region;
  if (whole) {
    jobVolumes = inline ? volumes : volumes.map((v) => toShared(v));
    jobRegion = region;
  } else {
    const start = region.origin.map((o, a) =>
      Math.max(0, o - Math.ceil(plan.halo[a]! / blockShape[a]!) * blockShape[a]!),
    ) as Shape3;
    const end = region.origin.map((o, a) =>
      Math.min(volumeShape[a]!, o + region.shape[a]! + plan.halo[a]!),
    );
    const cropShape = start.map((s0, a) => end[a]! - s0) as Shape3;
    jobVolumes = volumes.map((v, i) => cropBox(v, start, cropShape, !inline, options.cropCache, i));
    jobRegion = {
      origin: region.origin.map((o, a) => o - start[a]!) as Shape3,
      shape: region.shape,
    };
  }
  const target: FeatureTarget = {
    kind: "region",
    origin: jobRegion.origin,
    shape: jobRegion.shape,
    data,
    layout,
    channels: C,
  };
  if (options.cluster !== undefined) {
    // On a cluster: every channel of the job's volumes as mapBlocks outputs,
    // then the region copied out in the asked layout.
    const outs = await mapBlocks<{ spec: FeatureSpec }>(
      jobVolumes,
      { module: "features/featureKernel.js", name: "featureOutputsKernel", params: { spec } },
      { ...parallelOptions(options), blockShape, halo: plan.halo, mode: spec.mode, channels: C },
    );
    copyRegion(outs, jobRegion, data, layout);
  } else {
    await runFeatureKernel(jobVolumes, spec, target, plan.halo, {
      ...parallelOptions(options),
      inline,
      blockShape,
    });
  }
  const spacing = [...volumes[0]!.spacing] as Spacing3;
  return {
    channels: plan.channels,
    origin: region.origin,
    shape: region.shape,
    spacing,
    layout,
    data,
    volumes:
      layout === "channels"
        ? plan.channels.map((_, c) => ({
            data: data.subarray(c * voxels, (c + 1) * voxels),
            shape: [...region.shape] as Shape3,
            spacing: [...spacing] as Spacing3,
          }))
        : [],
  };
}
