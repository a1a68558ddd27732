import { checkBoolean, checkOneOf, checkOptions, expectedError } from "../util/checks.js";
import { checkSameShape, checkSpacing, checkVolume, formatShape } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";

/**
 * A set of voxels: a mask volume of the same shape (non-zero = in the set), a list of linear
 * voxel indices `(z * ny + y) * nx + x`, or a list of `[z, y, x]` voxel coordinates.
 */
export type VoxelSet = Volume | ArrayLike<number> | readonly (readonly [number, number, number])[];

/** Options of {@link geodesicDistance}. */
export interface GeodesicOptions {
  /** Voxel size `[dz, dy, dx]` the step lengths are measured in. @default the mask's spacing */
  spacing?: Spacing3;
  /**
   * Steps allowed between voxels: 6 (faces), 18 (faces and edges) or 26 (the full 3x3x3 cube,
   * skimage's `fully_connected=True`). @default 26
   */
  connectivity?: 6 | 18 | 26;
  /**
   * Cost per voxel (finite, >= 0, same shape as the mask): a step from a to b costs
   * `0.5 * (c_a + c_b) * length`, as `skimage.graph.MCP_Geometric`. @default 1 everywhere (the
   * distance is then the length of the shortest 26-connected polyline through the mask)
   */
  costs?: Volume;
  /** Also return each voxel's predecessor on a shortest path ({@link GeodesicField.predecessors}). @default false */
  predecessors?: boolean;
}

/** Result of {@link geodesicDistance}. */
export interface GeodesicField {
  /**
   * Geodesic distance (cumulative cost) of every voxel from the source set, float32 (summed in
   * float64); 0 on sources, `Infinity` outside the mask and on mask voxels no path reaches.
   */
  distance: Volume<Float32Array>;
  /**
   * With `predecessors: true`: the linear index of the previous voxel on one shortest path
   * from the sources, -1 on sources, unreachable voxels and voxels outside the mask.
   */
  predecessors?: Int32Array;
  /** Number of mask voxels reached (sources included). */
  reached: number;
}

const KEYS = ["spacing", "connectivity", "costs", "predecessors"];

/**
 * Linear indices of a {@link VoxelSet} in a volume of `shape`, checked in range.
 * @internal
 */
export function voxelIndices(set: unknown, name: string, shape: Shape3): Int32Array {
  const [nz, ny, nx] = shape;
  const n = nz * ny * nx;
  if (typeof set === "object" && set !== null && "shape" in set && "data" in set) {
    checkVolume(set, name);
    checkSameShape(set, name, { data: new Uint8Array(0), shape, spacing: [1, 1, 1] }, "mask");
    const data = set.data;
    let count = 0;
    for (let i = 0; i < n; i++) if (data[i] !== 0) count++;
    const out = new Int32Array(count);
    for (let i = 0, k = 0; i < n; i++) if (data[i] !== 0) out[k++] = i;
    return out;
  }
  const expected = `a mask Volume of shape ${formatShape(shape)}, an array of linear voxel indices or an array of [z, y, x]`;
  if (
    typeof set !== "object" ||
    set === null ||
    typeof (set as ArrayLike<unknown>).length !== "number"
  )
    throw expectedError(name, expected, set, TypeError);
  const list = set as ArrayLike<unknown>;
  const out = new Int32Array(list.length);
  for (let k = 0; k < list.length; k++) {
    const e = list[k];
    let i: number;
    if (typeof e === "number") {
      if (!Number.isInteger(e) || e < 0 || e >= n)
        throw expectedError(`${name}[${k}]`, `a voxel index in [0, ${n - 1}]`, e);
      i = e;
    } else if (Array.isArray(e) && e.length === 3) {
      const [z, y, x] = e as unknown[];
      const ok = (v: unknown, m: number) =>
        typeof v === "number" && Number.isInteger(v) && v >= 0 && v < m;
      if (!ok(z, nz) || !ok(y, ny) || !ok(x, nx))
        throw expectedError(`${name}[${k}]`, `[z, y, x] inside shape ${formatShape(shape)}`, e);
      i = ((z as number) * ny + (y as number)) * nx + (x as number);
    } else throw expectedError(`${name}[${k}]`, "a voxel index or [z, y, x]", e, TypeError);
    out[k] = i;
  }
  return out;
}

/** The steps of a connectivity: flat offsets in a grid padded by one voxel, and lengths. */
function steps(connectivity: number, spacing: Spacing3, py: number, px: number) {
  const offsets: number[] = [];
  const lengths: number[] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const order = Math.abs(dz) + Math.abs(dy) + Math.abs(dx);
        if (order === 0 || (connectivity === 6 && order > 1) || (connectivity === 18 && order > 2))
          continue;
        offsets.push((dz * py + dy) * px + dx);
        const a = dz * spacing[0];
        const b = dy * spacing[1];
        const c = dx * spacing[2];
        lengths.push(Math.sqrt(a * a + b * b + c * c));
      }
  return { offsets: Int32Array.from(offsets), lengths: Float64Array.from(lengths) };
}

/**
 * Multi-source geodesic distance through a mask: for every voxel of `mask`, the length of the
 * shortest chain of steps between mask voxels (26-connected by default, step length
 * `sqrt((dz sz)^2 + (dy sy)^2 + (dx sx)^2)` with the anisotropic spacing) from the nearest
 * voxel of `sources`. With `costs`, the cumulative cost `sum 0.5 (c_a + c_b) length` instead.
 *
 * Exact Dijkstra on float64 (a binary heap on typed arrays, stale entries skipped): the same
 * numbers as `skimage.graph.MCP_Geometric(costs, fully_connected=True,
 * sampling=spacing).find_costs(sources)` with `costs` = 1 (or the given costs) in the mask and
 * `inf` outside, up to the rounding of equal-length paths summed in another order, then
 * rounded to float32. Runs on the calling thread; working memory about 9 bytes per voxel
 * (13 with `predecessors`, 8 more with `costs`) and the heap of the front, besides the result
 * (4 bytes per voxel, 8 with `predecessors`).
 *
 * @param mask - Voxels that paths may use (non-zero), any dtype; 2D when nz = 1.
 * @param sources - Where the distance is 0: a {@link VoxelSet}, non-empty, every voxel in the mask.
 * @returns The distance field (mask's shape and spacing), optionally predecessors.
 * @throws RangeError on an empty mask, an empty source set, sources outside the mask, a shape mismatch.
 */
export async function geodesicDistance(
  mask: Volume,
  sources: VoxelSet,
  options: GeodesicOptions = {},
): Promise<GeodesicField> {
  return Promise.resolve(geodesicDistanceSync(mask, sources, options));
}

/** Synchronous body of {@link geodesicDistance}. @internal */
export function geodesicDistanceSync(
  mask: Volume,
  sources: VoxelSet,
  options: GeodesicOptions = {},
): GeodesicField {
  checkVolume(mask, "mask");
  checkOptions(options, "options", KEYS);
  const spacing = [...(options.spacing ?? mask.spacing)] as Spacing3;
  checkSpacing(spacing, "options.spacing");
  const connectivity = checkOneOf(options.connectivity ?? 26, "options.connectivity", [6, 18, 26]);
  const wantPred = checkBoolean(options.predecessors ?? false, "options.predecessors");
  const shape = [...mask.shape] as Shape3;
  const [nz, ny, nx] = shape;
  const n = nz * ny * nx;
  const m = mask.data;
  let inMask = 0;
  for (let i = 0; i < n; i++) if (m[i] !== 0) inMask++;
  if (inMask === 0)
    throw new RangeError("`mask` must have at least one non-zero voxel, received an empty mask");
  const src = voxelIndices(sources, "sources", shape);
  if (src.length === 0)
    throw new RangeError("`sources` must hold at least one voxel, received an empty set");
  let outside = 0;
  for (let k = 0; k < src.length; k++) if (m[src[k]!] === 0) outside++;
  if (outside > 0)
    throw new RangeError(
      `\`sources\` must lie in \`mask\`: ${outside} of ${src.length} source voxels are outside it`,
    );
  let costs: Volume | undefined;
  if (options.costs !== undefined) {
    costs = options.costs;
    checkVolume(costs, "options.costs");
    checkSameShape(costs, "options.costs", mask, "mask");
    for (let i = 0; i < n; i++) {
      const c = costs.data[i]!;
      if (m[i] !== 0 && !(c >= 0 && c < Infinity))
        throw expectedError("options.costs", "finite and >= 0 in the mask", c);
    }
  }

  // Work in a grid padded by one empty voxel on every side: no bounds checks per step.
  const px = nx + 2;
  const py = ny + 2;
  const np = (nz + 2) * py * px;
  const open = new Uint8Array(np);
  const cost = costs ? new Float64Array(np) : undefined;
  // Each voxel i of the grid with its index p in the padded grid.
  const eachVoxel = (visit: (i: number, p: number) => void): void => {
    for (let z = 0, i = 0; z < nz; z++)
      for (let y = 0; y < ny; y++) {
        let p = ((z + 1) * py + y + 1) * px + 1;
        for (let x = 0; x < nx; x++, i++, p++) visit(i, p);
      }
  };
  eachVoxel((i, p) => {
    if (m[i] !== 0) {
      open[p] = 1;
      if (cost) cost[p] = costs!.data[i]!;
    }
  });
  const toPadded = (i: number) => {
    const x = i % nx;
    const t = (i - x) / nx;
    const y = t % ny;
    return (((t - y) / ny + 1) * py + y + 1) * px + x + 1;
  };
  const { offsets, lengths } = steps(connectivity, spacing, py, px);
  const dist = new Float64Array(np).fill(Infinity);
  const pred = wantPred ? new Int32Array(np).fill(-1) : undefined;
  const { reached } = dijkstra(
    open,
    cost,
    dist,
    pred,
    Int32Array.from(src, toPadded),
    offsets,
    lengths,
  );

  const out = new Float32Array(n);
  const predOut = pred ? new Int32Array(n) : undefined;
  eachVoxel((i, p) => {
    out[i] = dist[p]!;
    if (predOut) {
      const q = pred![p]!;
      if (q < 0) predOut[i] = -1;
      else {
        const qx = (q % px) - 1;
        const t = Math.floor(q / px);
        const qy = (t % py) - 1;
        const qz = Math.floor(t / py) - 1;
        predOut[i] = (qz * ny + qy) * nx + qx;
      }
    }
  });
  const field: GeodesicField = {
    distance: { data: out, shape, spacing: [...mask.spacing] },
    reached,
  };
  if (predOut) field.predecessors = predOut;
  return field;
}

/**
 * Dijkstra from `starts` over the voxels with `open[p] = 1` (a padded grid whose border is 0),
 * filling `dist` (pre-set to Infinity) and `pred`. A binary min-heap of (key, voxel) pairs in
 * two parallel typed arrays; a voxel is pushed again whenever its tentative distance drops,
 * and entries whose key exceeds the voxel's distance are skipped when popped.
 */
function dijkstra(
  open: Uint8Array,
  cost: Float64Array | undefined,
  dist: Float64Array,
  pred: Int32Array | undefined,
  starts: Int32Array,
  offsets: Int32Array,
  lengths: Float64Array,
): { reached: number } {
  let cap = Math.max(1024, starts.length * 2); // sources fit without growing
  let keys = new Float64Array(cap);
  let nodes = new Int32Array(cap);
  let size = 0;
  // Sources all have key 0: a heap of equal keys needs no sifting.
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k]!;
    if (dist[s] === 0) continue;
    dist[s] = 0;
    keys[size] = 0;
    nodes[size++] = s;
  }
  const nsteps = offsets.length;
  let reached = 0;
  while (size > 0) {
    const du = keys[0]!;
    const u = nodes[0]!;
    // Pop: move the last entry to the root and sift it down.
    size--;
    if (size > 0) {
      const lk = keys[size]!;
      const ln = nodes[size]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= size) break;
        let ck = keys[c]!;
        const r = c + 1;
        if (r < size) {
          const rk = keys[r]!;
          if (rk < ck) {
            c = r;
            ck = rk;
          }
        }
        if (ck >= lk) break;
        keys[i] = ck;
        nodes[i] = nodes[c]!;
        i = c;
      }
      keys[i] = lk;
      nodes[i] = ln;
    }
    if (du > dist[u]!) continue; // stale entry
    reached++;
    const cu = cost ? cost[u]! : 1;
    for (let s = 0; s < nsteps; s++) {
      const v = u + offsets[s]!;
      if (open[v] === 0) continue;
      const dv = cost ? du + lengths[s]! * 0.5 * (cu + cost[v]!) : du + lengths[s]!;
      if (dv >= dist[v]!) continue;
      dist[v] = dv;
      if (pred) pred[v] = u;
      // Push and sift up.
      if (size === cap) {
        cap *= 2;
        const k2 = new Float64Array(cap);
        k2.set(keys);
        keys = k2;
        const n2 = new Int32Array(cap);
        n2.set(nodes);
        nodes = n2;
      }
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        const pk = keys[p]!;
        if (pk <= dv) break;
        keys[i] = pk;
        nodes[i] = nodes[p]!;
        i = p;
      }
      keys[i] = dv;
      nodes[i] = v;
    }
  }
  return { reached };
}
