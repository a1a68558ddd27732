/**
 * The engine of sphere intrusion shared by {@link porosimetry} and
 * {@link innerPores}: from the distance transform of the pore space, the
 * access level of every voxel (a maximin flood from the inlets), then the
 * invasion radius of every voxel (balls of the accessible centres, largest
 * first). @internal
 */
import { distanceTransform } from "../morphology/distanceTransform.js";
import { forEachBlock } from "../parallel/mapBlocks.js";
import { parallelOptions, runsInline } from "../parallel/options.js";
import { getThreads } from "../parallel/pool.js";
import type { ParallelOptions } from "../parallel/types.js";
import { allocate } from "../volume/dtype.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import {
  invasionBall,
  levelTable,
  type CentreListParams,
  type InvasionPaintParams,
  type KeepParams,
  type LevelParams,
} from "./invasionPaint.js";

/** Relative slack on comparisons of float32 distances with exact radii. */
const SLACK = 1e-6;
/** Paint balls directly when that touches fewer than this many voxels per voxel of the volume (else one EDT). */
const PAINT_FACTOR = 6;

/** Neighbour steps [dz, dy, dx] of a connectivity (6: faces, 26: faces, edges, corners). */
function steps(connectivity: 6 | 26): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const k = Math.abs(dz) + Math.abs(dy) + Math.abs(dx);
        if (k === 0 || (connectivity === 6 && k > 1)) continue;
        out.push([dz, dy, dx]);
      }
  return out;
}

/**
 * Level of every voxel: the 1-based index of the largest size `<= dt` (sizes
 * ascending), 0 outside the pore space or below the smallest size; written
 * into the volume padded by one voxel on each side (the padding at 0), by
 * blocks of whole planes on the pool.
 */
async function levelsOf(
  dt: Float32Array,
  pore: ArrayLike<number>,
  sizes: readonly number[],
  shape: Shape3,
  spacing: Spacing3,
  par: ParallelOptions,
  inline: boolean,
  threads: number,
): Promise<Uint16Array> {
  const [nz, ny, nx] = shape;
  const out = allocate("uint16", (nz + 2) * (ny + 2) * (nx + 2), !inline) as Uint16Array;
  const params: LevelParams = { out, ...levelTable(sizes, SLACK) };
  const kernel = { module: "transport/invasionPaint.js", name: "levelsBlock", params };
  const inputs = [
    { data: dt, shape, spacing },
    { data: pore as Volume["data"], shape, spacing },
  ];
  const bz = Math.max(1, Math.ceil(nz / (4 * threads)));
  await forEachBlock(inputs, kernel, { ...par, inline, blockShape: [bz, ny, nx] });
  return out;
}

/**
 * Access level: for every voxel, the largest `L` such that a path of
 * neighbours (the connectivity) with levels `>= L` joins it to an inlet voxel
 * (the maximin, or widest, path). This is the grayscale reconstruction by
 * dilation of the inlets' levels under the levels, computed as in Vincent's
 * hybrid algorithm (a forward and a backward raster scan, then a
 * propagation from the voxels that can still rise, here by a queue per level,
 * largest first, so each voxel is raised once), which reads the arrays in
 * memory order for most voxels.
 * @param level - Levels in the volume padded by one voxel (padding 0), from {@link levelsOf}.
 * @returns The access levels (unpadded; shared memory when `shared`).
 */
export function accessLevels(
  level: Uint16Array,
  inlets: Uint8Array | null,
  shape: Shape3,
  connectivity: 6 | 26,
  shared = false,
): Uint16Array {
  const [nz, ny, nx] = shape;
  const px = nx + 2;
  const py = ny + 2;
  const pp = py * px;
  const j = new Uint16Array(level.length);
  // Seeds: the inlets' levels.
  const rowOf = (z: number, y: number) => ((z + 1) * py + y + 1) * px + 1;
  if (inlets) {
    for (let z = 0, i = 0; z < nz; z++)
      for (let y = 0; y < ny; y++) {
        const o = rowOf(z, y) - i;
        for (const end = i + nx; i < end; i++) if (inlets[i] !== 0) j[o + i] = level[o + i]!;
      }
  } else {
    // The six faces (four when nz = 1: a 2D volume has no z faces).
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++) {
        const o = rowOf(z, y);
        if ((nz > 1 && (z === 0 || z === nz - 1)) || y === 0 || y === ny - 1) {
          for (let p = o; p < o + nx; p++) j[p] = level[p]!;
        } else {
          j[o] = level[o]!;
          j[o + nx - 1] = level[o + nx - 1]!;
        }
      }
  }
  const all = steps(connectivity).map(([dz, dy, dx]) => dz * pp + dy * px + dx);
  const before = Int32Array.from(all.filter((d) => d < 0));
  const after = Int32Array.from(all.filter((d) => d > 0));
  const half = before.length;
  const six = connectivity === 6;
  // Forward scan: max over the voxel and its preceding neighbours, clipped by the level.
  for (let z = 1; z <= nz; z++)
    for (let y = 1; y <= ny; y++) {
      const row = (z * py + y) * px;
      for (let p = row + 1; p <= row + nx; p++) {
        const c = level[p]!;
        if (c === 0) continue;
        let m = j[p]!;
        if (six) {
          const a = j[p - 1]!;
          const b = j[p - px]!;
          const d = j[p - pp]!;
          if (a > m) m = a;
          if (b > m) m = b;
          if (d > m) m = d;
        } else {
          for (let q = 0; q < half && m < c; q++) {
            const v = j[p + before[q]!]!;
            if (v > m) m = v;
          }
        }
        j[p] = m < c ? m : c;
      }
    }
  // Backward scan, listing the voxels still below their level ("open": they may rise).
  let open = new Int32Array(1 << 16);
  let nOpen = 0;
  for (let z = nz; z >= 1; z--)
    for (let y = ny; y >= 1; y--) {
      const row = (z * py + y) * px;
      for (let p = row + nx; p > row; p--) {
        const c = level[p]!;
        if (c === 0) continue;
        let m = j[p]!;
        if (six) {
          const a = j[p + 1]!;
          const b = j[p + px]!;
          const d = j[p + pp]!;
          if (a > m) m = a;
          if (b > m) m = b;
          if (d > m) m = d;
        } else {
          for (let q = 0; q < half && m < c; q++) {
            const v = j[p + after[q]!]!;
            if (v > m) m = v;
          }
        }
        if (m < c) {
          j[p] = m;
          if (nOpen === open.length) {
            const grown = new Int32Array(2 * nOpen);
            grown.set(open);
            open = grown;
          }
          open[nOpen++] = p;
        } else j[p] = c;
      }
    }
  // Propagation from every voxel above an open neighbour (the padding has level 0: never
  // entered), through a queue per level taken from the largest down: a voxel raised while
  // level L is taken gets its final value min(L, its level) at once, so it is queued once.
  const buckets: Int32Array[] = [];
  const sizes: number[] = [];
  const push = (v: number, p: number) => {
    let b = buckets[v];
    const n = sizes[v] ?? 0;
    if (b === undefined || n === b.length) {
      const grown = new Int32Array(Math.max(1024, 2 * n));
      if (b !== undefined) grown.set(b);
      b = buckets[v] = grown;
    }
    b[n] = p;
    sizes[v] = n + 1;
  };
  const offsets = Int32Array.from(all);
  const m = offsets.length;
  const queued = new Uint8Array(j.length);
  let top = 0;
  for (let o = 0; o < nOpen; o++) {
    const q = open[o]!;
    const jq = j[q]!;
    for (let t = 0; t < m; t++) {
      const p = q + offsets[t]!;
      const jp = j[p]!;
      if (jp > jq && queued[p] === 0) {
        queued[p] = 1;
        push(jp, p);
        if (jp > top) top = jp;
      }
    }
  }
  for (let l = top; l >= 1; l--) {
    for (let r = 0; r < (sizes[l] ?? 0); r++) {
      const p = buckets[l]![r]!;
      // A seed raised since it was queued went to a higher level's queue.
      if (j[p] !== l) continue;
      for (let t = 0; t < m; t++) {
        const q = p + offsets[t]!;
        const jq = j[q]!;
        if (jq < l) {
          const mq = level[q]!;
          if (jq !== mq) {
            const v = l < mq ? l : mq;
            j[q] = v;
            push(v, q);
          }
        }
      }
    }
    buckets[l] = new Int32Array(0);
  }
  const acc = allocate("uint16", nz * ny * nx, shared);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++, i += nx) {
      const o = rowOf(z, y);
      acc.set(j.subarray(o, o + nx), i);
    }
  return acc;
}

/**
 * Centres of level `l` whose ball adds something (as lists per level): a
 * centre is skipped when its ball lies inside the ball of a neighbour
 * (26-neighbour `c'` with `size(c') >= size(c) + |c - c'|`), or when every
 * in-bounds face neighbour has a level `>= l` (each ball voxel but the centre
 * is then nearer to one of them: stepping towards it ends at a kept centre of
 * at least this size or at the voxel itself, a centre of at least this size,
 * which the caller sets to its own size afterwards). Neither changes the maximum.
 */
async function essentialCentres(
  acc: Uint16Array,
  sizes: readonly number[],
  shape: Shape3,
  spacing: Spacing3,
  par: ParallelOptions,
  inline: boolean,
  threads: number,
): Promise<{ start: Int32Array; list: Int32Array }> {
  const [nz, ny, nx] = shape;
  const plane = ny * nx;
  const k = sizes.length;
  // Face neighbours first (j < 6), then edges and corners.
  const nb = steps(26).sort(
    (u, v) =>
      Math.abs(u[0]) +
      Math.abs(u[1]) +
      Math.abs(u[2]) -
      (Math.abs(v[0]) + Math.abs(v[1]) + Math.abs(v[2])),
  );
  const m = nb.length;
  const flat = Int32Array.from(nb, ([dz, dy, dx]) => dz * plane + dy * nx + dx);
  const dist = nb.map(([dz, dy, dx]) =>
    Math.hypot(dz * spacing[0], dy * spacing[1], dx * spacing[2]),
  );
  // contain[l * 26 + j]: smallest level whose size >= size(l) + dist[j] (k + 1: none).
  const contain = new Uint16Array((k + 1) * m);
  for (let l = 1; l <= k; l++)
    for (let j = 0; j < m; j++) {
      const need = (sizes[l - 1]! + dist[j]!) * (1 - SLACK);
      let q = l + 1;
      while (q <= k && sizes[q - 1]! < need) q++;
      contain[l * m + j] = q;
    }
  // A ball of one voxel adds nothing to the centre's own size (set afterwards).
  const selfOnly = Uint8Array.from({ length: k + 1 }, (_, l) =>
    l > 0 && invasionBall(sizes[l - 1]!, spacing).volume === 1 ? 1 : 0,
  );
  const bz = Math.max(1, Math.ceil(nz / (4 * threads)));
  const blockShape: Shape3 = [bz, shape[1], shape[2]];
  const blocks = Math.ceil(nz / bz);
  const keep = allocate("uint8", acc.length, !inline) as Uint8Array;
  // counts[b * (k + 1) + l]: kept centres of level l in block b (blocks of whole planes).
  const counts = allocate("int32", blocks * (k + 1), !inline) as Int32Array;
  const params: KeepParams = {
    keep,
    counts,
    flat: Array.from(flat),
    steps: nb,
    contain: Array.from(contain),
    selfOnly: Array.from(selfOnly),
  };
  const input = { data: acc, shape, spacing };
  const kernel = { module: "transport/invasionPaint.js", name: "keepBlock", params };
  await forEachBlock(input, kernel, { ...par, inline, blockShape });
  // Levels stored from the largest down: level l occupies [start[l], start[l - 1]), ascending
  // within a level; block b writes its level-l centres from offsets[b * (k + 1) + l].
  const start = new Int32Array(k + 2);
  const offsets = allocate("int32", blocks * (k + 1), !inline) as Int32Array;
  for (let l = k; l >= 1; l--) {
    let at = start[l]!;
    for (let c = 0; c < blocks; c++) {
      offsets[c * (k + 1) + l] = at;
      at += counts[c * (k + 1) + l]!;
    }
    start[l - 1] = at;
  }
  const list = allocate("int32", start[0]!, !inline) as Int32Array;
  const fill: CentreListParams = { keep, list, offsets, levels: k };
  const fillKernel = {
    module: "transport/invasionPaint.js",
    name: "centreListBlock",
    params: fill,
  };
  await forEachBlock(input, fillKernel, { ...par, inline, blockShape });
  return { start, list };
}

/**
 * Invasion radius of every voxel: the largest size `r` such that the voxel
 * lies within distance `< r` of a centre whose access level reaches `r`
 * (0: never reached).
 */
export async function invasionRadius(
  pore: ArrayLike<number>,
  dt: Float32Array,
  inlets: Uint8Array | null,
  shape: Shape3,
  spacing: Spacing3,
  sizes: readonly number[],
  connectivity: 6 | 26,
  par: ParallelOptions,
): Promise<Float32Array> {
  const k = sizes.length;
  const n = pore.length;
  const inline = runsInline(shape, parallelOptions(par));
  const threads = Math.max(1, inline ? 1 : Math.min(par.threads ?? getThreads(), getThreads()));
  const level = await levelsOf(dt, pore, sizes, shape, spacing, par, inline, threads);
  const acc = accessLevels(level, inlets, shape, connectivity, !inline);
  const { start, list } = await essentialCentres(acc, sizes, shape, spacing, par, inline, threads);
  const out = allocate("float32", n, !inline);
  const input = { data: acc, shape, spacing };
  // Levels painted as balls go to the pool in runs of consecutive levels (each job owns whole
  // planes); a level with many centres takes one distance transform of its centres instead.
  let painted: number[] = [];
  // The last job also raises each voxel to its own level's size (see below).
  const flush = async (finish = false) => {
    if (painted.length === 0 && !finish) return;
    const params: InvasionPaintParams = {
      out,
      list,
      start: Array.from(start),
      sizes: [...sizes],
      levels: painted,
      spacing,
      finish,
    };
    const kernel = { module: "transport/invasionPaint.js", name: "invasionPaintBlock", params };
    const bz = Math.max(1, Math.ceil(shape[0] / (4 * threads)));
    await forEachBlock(input, kernel, { ...par, inline, blockShape: [bz, shape[1], shape[2]] });
    painted = [];
  };
  let mask: Uint8Array | undefined;
  for (let l = k; l >= 1; l--) {
    const from = start[l]!;
    const count = start[l - 1]! - from;
    if (count === 0) continue;
    const r = sizes[l - 1]!;
    if (count * invasionBall(r, spacing).volume < PAINT_FACTOR * n) {
      painted.push(l);
      continue;
    }
    await flush();
    mask ??= new Uint8Array(n);
    mask.fill(1);
    for (let c = from; c < from + count; c++) mask[list[c]!] = 0;
    const d2 = await distanceTransform({ data: mask, shape, spacing }, { ...par, squared: true });
    const r2 = r * r * (1 - SLACK);
    for (let i = 0; i < n; i++) if (out[i] === 0 && d2.data[i]! < r2) out[i] = r;
  }
  // A skipped centre's ball voxels are covered by other balls of at least its size, except
  // possibly the centre itself, which its own ball covers: the last job sets each voxel of
  // access level l to at least size l.
  await flush(true);
  return out;
}
