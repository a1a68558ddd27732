/**
 * The engine of sphere intrusion shared by {@link porosimetry} and
 * {@link innerPores}: from the distance transform of the pore space, the
 * access level of every voxel (a maximin flood from the inlets), then the
 * invasion radius of every voxel (balls of the accessible centres, largest
 * first). @internal
 */
import { distanceTransform } from "../morphology/distanceTransform.js";
import { forEachFaceVoxel } from "../morphology/neighbours.js";
import type { ParallelOptions } from "../parallel/types.js";
import type { Shape3, Spacing3 } from "../volume/types.js";

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
 * ascending), 0 outside the pore space or below the smallest size.
 */
function levelsOf(dt: Float32Array, pore: Uint8Array, sizes: readonly number[]): Uint16Array {
  const out = new Uint16Array(dt.length);
  const k = sizes.length;
  const lo = Float64Array.from(sizes, (s) => s * (1 - SLACK));
  // start[b]: the level at the start of bin b of width step over [lo[0], lo[k - 1]).
  const bins = 4096;
  const base = lo[0]!;
  const step = (lo[k - 1]! - base) / bins || 1;
  const start = new Uint16Array(bins + 1);
  for (let b = 0, a = 0; b <= bins; b++) {
    const d = base + b * step;
    while (a < k && lo[a]! <= d) a++;
    start[b] = a;
  }
  for (let i = 0; i < dt.length; i++) {
    if (pore[i] === 0) continue;
    const d = dt[i]!;
    if (d < base) continue;
    if (d >= lo[k - 1]!) {
      out[i] = k;
      continue;
    }
    let a = start[Math.min(bins, Math.floor((d - base) / step))]!;
    while (a > 1 && lo[a - 1]! > d) a--;
    while (a < k && lo[a]! <= d) a++;
    out[i] = a;
  }
  return out;
}

/** 1 on the voxels of the volume's faces (where a neighbour may lie outside), else 0. */
function edgeMask(shape: Shape3): Uint8Array {
  const [nz, ny, nx] = shape;
  const out = new Uint8Array(nz * ny * nx);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      if (z === 0 || z === nz - 1 || y === 0 || y === ny - 1) {
        out.fill(1, i, i + nx);
      } else {
        out[i] = 1;
        out[i + nx - 1] = 1;
      }
      i += nx;
    }
  return out;
}

/** A growable stack of voxel indices. */
class Stack {
  data = new Int32Array(256);
  length = 0;
  push(i: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = i;
  }
}

/**
 * Access level: for every voxel, the largest `L` such that a path of
 * neighbours (the connectivity) with levels `>= L` joins it to an inlet voxel
 * (the maximin, or widest, path; bucket queue, linear in the voxels).
 */
export function accessLevels(
  level: Uint16Array,
  inlets: Uint8Array | null,
  shape: Shape3,
  connectivity: 6 | 26,
  k: number,
): Uint16Array {
  const [, ny, nx] = shape;
  const plane = ny * nx;
  const acc = new Uint16Array(level.length);
  const buckets = Array.from({ length: k + 1 }, () => new Stack());
  const seed = (i: number) => {
    const l = level[i]!;
    if (l > 0 && acc[i] === 0) {
      acc[i] = l;
      buckets[l]!.push(i);
    }
  };
  if (inlets) {
    for (let i = 0; i < level.length; i++) if (inlets[i] !== 0) seed(i);
  } else forEachFaceVoxel(shape, seed);
  const nb = steps(connectivity);
  const flat = Int32Array.from(nb, ([dz, dy, dx]) => dz * plane + dy * nx + dx);
  const m = nb.length;
  const edge = edgeMask(shape);
  for (let l = k; l >= 1; l--) {
    const bucket = buckets[l]!;
    while (bucket.length > 0) {
      const p = bucket.data[--bucket.length]!;
      if (acc[p] !== l) continue;
      const onEdge = edge[p] !== 0;
      for (let j = 0; j < m; j++) {
        if (onEdge && !inGrid(p, nb[j]!, shape)) continue;
        const q = p + flat[j]!;
        const lq = level[q]!;
        const c = lq < l ? lq : l;
        if (c > acc[q]!) {
          acc[q] = c;
          buckets[c]!.push(q);
        }
      }
    }
    bucket.data = new Int32Array(0);
  }
  return acc;
}

/** Ball of physical radius `r` (distances `< r`) as rows: [dz, dy, half-width in x]. */
function ballRows(r: number, spacing: Spacing3): Int32Array {
  const [sz, sy, sx] = spacing;
  const nzr = Math.ceil(r / sz);
  const nyr = Math.ceil(r / sy);
  const rows: number[] = [];
  for (let dz = -nzr; dz <= nzr; dz++)
    for (let dy = -nyr; dy <= nyr; dy++) {
      const rest = r * r - (dz * sz) ** 2 - (dy * sy) ** 2;
      if (rest <= 0) continue;
      // Largest w with (w sx)^2 < rest.
      let w = Math.floor(Math.sqrt(rest) / sx);
      while (w > 0 && (w * sx) ** 2 >= rest) w--;
      while (((w + 1) * sx) ** 2 < rest) w++;
      rows.push(dz, dy, w);
    }
  return Int32Array.from(rows);
}

function ballVoxels(rows: Int32Array): number {
  let n = 0;
  for (let j = 2; j < rows.length; j += 3) n += 2 * rows[j]! + 1;
  return n;
}

/** Whether the neighbour at offset `[dz, dy, dx]` of voxel `p` lies in the grid (for voxels at its edge). */
function inGrid(p: number, [dz, dy, dx]: readonly number[], shape: Shape3): boolean {
  const [nz, ny, nx] = shape;
  const plane = ny * nx;
  const z = Math.floor(p / plane) + dz!;
  const y = Math.floor((p % plane) / nx) + dy!;
  const x = (p % nx) + dx!;
  return z >= 0 && z < nz && y >= 0 && y < ny && x >= 0 && x < nx;
}

/** Set `value` on the unset voxels of the balls (rows) around `centres`. */
function paint(
  out: Float32Array,
  centres: Int32Array,
  count: number,
  rows: Int32Array,
  value: number,
  shape: Shape3,
): void {
  const [nz, ny, nx] = shape;
  const plane = ny * nx;
  for (let c = 0; c < count; c++) {
    const p = centres[c]!;
    const z = Math.floor(p / plane);
    const y = Math.floor((p - z * plane) / nx);
    const x = p - z * plane - y * nx;
    for (let j = 0; j < rows.length; j += 3) {
      const zz = z + rows[j]!;
      const yy = y + rows[j + 1]!;
      if (zz < 0 || zz >= nz || yy < 0 || yy >= ny) continue;
      const w = rows[j + 2]!;
      const base = zz * plane + yy * nx;
      const end = base + (x + w < nx ? x + w : nx - 1);
      for (let i = base + (x - w > 0 ? x - w : 0); i <= end; i++) if (out[i] === 0) out[i] = value;
    }
  }
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
function essentialCentres(
  acc: Uint16Array,
  sizes: readonly number[],
  shape: Shape3,
  spacing: Spacing3,
): { start: Int32Array; list: Int32Array } {
  const [, ny, nx] = shape;
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
    l > 0 && ballVoxels(ballRows(sizes[l - 1]!, spacing)) === 1 ? 1 : 0,
  );
  const edge = edgeMask(shape);
  const keep = new Uint8Array(acc.length);
  const counts = new Int32Array(k + 2);
  for (let p = 0; p < acc.length; p++) {
    const l = acc[p]!;
    if (l === 0 || selfOnly[l] === 1) continue;
    const row = l * m;
    let allFaces = true;
    let contained = false;
    if (edge[p] === 0) {
      for (let j = 0; j < 6; j++) {
        const lq = acc[p + flat[j]!]!;
        if (lq >= contain[row + j]!) {
          contained = true;
          break;
        }
        if (lq < l) allFaces = false;
      }
      if (contained || allFaces) continue;
      for (let j = 6; j < m; j++) {
        if (acc[p + flat[j]!]! >= contain[row + j]!) {
          contained = true;
          break;
        }
      }
      if (contained) continue;
    } else {
      for (let j = 0; j < m; j++) {
        if (!inGrid(p, nb[j]!, shape)) continue;
        const lq = acc[p + flat[j]!]!;
        if (lq >= contain[row + j]!) {
          contained = true;
          break;
        }
        if (j < 6 && lq < l) allFaces = false;
      }
      if (contained || allFaces) continue;
    }
    keep[p] = 1;
    counts[l]++;
  }
  const start = new Int32Array(k + 2);
  for (let l = k; l >= 1; l--) start[l - 1] = start[l]! + counts[l]!;
  // Levels stored from the largest down: level l occupies [start[l], start[l - 1]).
  const list = new Int32Array(start[0]!);
  const fill = Int32Array.from(start);
  for (let p = 0; p < acc.length; p++) if (keep[p]) list[fill[acc[p]!]!++] = p;
  return { start, list };
}

/**
 * Invasion radius of every voxel: the largest size `r` such that the voxel
 * lies within distance `< r` of a centre whose access level reaches `r`
 * (0: never reached).
 */
export async function invasionRadius(
  pore: Uint8Array,
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
  const acc = accessLevels(levelsOf(dt, pore, sizes), inlets, shape, connectivity, k);
  const { start, list } = essentialCentres(acc, sizes, shape, spacing);
  const out = new Float32Array(n);
  let mask: Uint8Array | undefined;
  for (let l = k; l >= 1; l--) {
    const from = start[l]!;
    const count = start[l - 1]! - from;
    if (count === 0) continue;
    const r = sizes[l - 1]!;
    const rows = ballRows(r, spacing);
    const centres = list.subarray(from, from + count);
    if (count * ballVoxels(rows) < PAINT_FACTOR * n) {
      paint(out, centres, count, rows, r, shape);
      continue;
    }
    mask ??= new Uint8Array(n);
    mask.fill(1);
    for (let c = 0; c < count; c++) mask[centres[c]!] = 0;
    const d2 = await distanceTransform({ data: mask, shape, spacing }, { ...par, squared: true });
    const r2 = r * r * (1 - SLACK);
    for (let i = 0; i < n; i++) if (out[i] === 0 && d2.data[i]! < r2) out[i] = r;
  }
  // A skipped centre's ball voxels are covered by other balls of at least its size, except
  // possibly the centre itself, which its own ball covers.
  for (let i = 0; i < n; i++) {
    const l = acc[i]!;
    if (l > 0 && out[i]! < sizes[l - 1]!) out[i] = sizes[l - 1]!;
  }
  return out;
}
