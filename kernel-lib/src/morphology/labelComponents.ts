import { allocate } from "../volume/dtype.js";
import type { Shape3, VoxelArray } from "../volume/types.js";

/** Voxel connectivity in 3D: faces (6), faces and edges (18), faces, edges and corners (26). */
export type Connectivity = 6 | 18 | 26;

/**
 * Runs of a volume (maximal stretches of foreground along x, or of one
 * non-zero value in multi-label mode) with their component labels. Run `k`
 * lies in row `row[k]` (= z * ny + y), covers x `start[k]..end[k]` and has
 * final label `label[k]`; runs are in raster order.
 * @internal
 */
export interface LabelledRuns {
  count: number;
  runs: number;
  row: Int32Array;
  start: Int32Array;
  end: Int32Array;
  label: Int32Array;
}

/**
 * The earlier rows a run can touch, as `[dz, dy, reach]`: a run `a..b` meets
 * the runs of row `(z + dz, y + dy)` that overlap `a - reach .. b + reach`. @internal
 */
export function earlierRows(connectivity: Connectivity): [number, number, number][] {
  if (connectivity === 6) {
    return [
      [0, -1, 0],
      [-1, 0, 0],
    ];
  }
  const corner = connectivity === 26 ? 1 : 0;
  return [
    [0, -1, 1],
    [-1, -1, corner],
    [-1, 0, 1],
    [-1, 1, corner],
  ];
}

function grow(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The four bytes of a little-endian word as four bits (bit `q` set when byte
 * `q` is non-zero): each byte's high bit is set when it is non-zero (no carry
 * crosses bytes), then one multiplication gathers the four high bits.
 */
function nonZeroBits(v: number): number {
  const h = (v | ((v & 0x7f7f7f7f) + 0x7f7f7f7f)) & 0x80808080;
  return (Math.imul(h >>> 7, 0x00204081) >>> 21) & 0xf;
}

function find(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    const g = parent[parent[a]!]!;
    parent[a] = g;
    a = g;
  }
  return a;
}

/**
 * Run-based two-pass labelling in one thread. Each row is cut into runs;
 * each run is joined (union-find over runs, the root of a set being its
 * earliest run) to the runs of the earlier neighbouring rows it touches
 * under the connectivity. Final labels are numbered in raster order of each
 * component's first voxel (scipy.ndimage.label's numbering), as roots are
 * met in run order.
 *
 * @param src - Voxels, x fastest.
 * @param shape - `[nz, ny, nx]`.
 * @param connectivity - 6, 18 or 26.
 * @param multi - Components of equal non-zero values (as cc3d) instead of non-zero voxels.
 * @internal
 */
export function labelRuns(
  src: VoxelArray,
  shape: Shape3,
  connectivity: Connectivity,
  multi: boolean,
): LabelledRuns {
  const { runs, row, start, end, parent } = labelSlab(src, shape, 0, shape[0], connectivity, multi);
  // Parents are roots (earlier runs or the run itself): numbering the roots in run order (=
  // raster order of the components' first voxels) gives every run its root's number.
  const label = parent;
  let count = 0;
  for (let k = 0; k < runs; k++) {
    const p = parent[k]!;
    label[k] = p === k ? ++count : label[p]!;
  }
  return { count, runs, row, start, end, label };
}

/**
 * Runs of the planes `z0 <= z < z1` joined into components within those
 * planes (see {@link labelRuns}). @internal
 */
export interface SlabRuns {
  runs: number;
  /** Row (z * ny + y, of the whole volume) of each run. */
  row: Int32Array;
  start: Int32Array;
  end: Int32Array;
  /** Each run's root: the slab's first run (index within the slab) of its component. */
  parent: Int32Array;
  /** Runs of the slab's row `i` (counted from its first row) are `rowFirst[i] .. rowFirst[i + 1]`. */
  rowFirst: Int32Array;
}

function growTo(a: Int32Array, size: number, shared: boolean): Int32Array {
  if (!shared) return grow(a, size);
  const b = allocate("int32", Math.max(size, a.length * 2), true);
  b.set(a);
  return b;
}

/**
 * {@link labelRuns}' union-find over the planes `z0 <= z < z1` only, every
 * parent made a root; arrays in shared memory when `shared`. @internal
 */
export function labelSlab(
  src: VoxelArray,
  shape: Shape3,
  z0: number,
  z1: number,
  connectivity: Connectivity,
  multi: boolean,
  shared = false,
): SlabRuns {
  const [, ny, nx] = shape;
  const r0 = z0 * ny;
  const rows = (z1 - z0) * ny;
  const rowFirst = allocate("int32", rows + 1, shared);
  let cap = Math.max(1024, (rows * nx) >> 4);
  let row: Int32Array = allocate("int32", cap, shared);
  let start: Int32Array = allocate("int32", cap, shared);
  let end: Int32Array = allocate("int32", cap, shared);
  let parent: Int32Array = allocate("int32", cap, shared);
  let runs = 0;
  const nbrs = earlierRows(connectivity);
  // Mask mode on bytes with rows on 4-byte boundaries: rows are read as 32-bit words.
  const words =
    LITTLE_ENDIAN && !multi && src instanceof Uint8Array && src.byteOffset % 4 === 0 && nx % 4 === 0
      ? new Uint32Array(src.buffer, src.byteOffset, src.length >> 2)
      : undefined;
  const nbrFirst = new Int32Array(nbrs.length);
  const nbrLast = new Int32Array(nbrs.length);
  const nbrReach = new Int32Array(nbrs.length);
  const nbrBase = new Int32Array(nbrs.length);
  for (let z = z0, r = r0; z < z1; z++) {
    for (let y = 0; y < ny; y++, r++) {
      rowFirst[r - r0] = runs;
      const base = r * nx;
      // Cut the row into runs.
      if (words !== undefined) {
        // 32 voxels at a time: a bit mask of the non-zero bytes, then one step per transition.
        let wi = base >> 2;
        let open = 0;
        for (let x0 = 0; x0 < nx; x0 += 32) {
          const nw = Math.min(8, (nx - x0) >> 2);
          let mask = 0;
          for (let q = 0; q < nw; q++) mask |= nonZeroBits(words[wi++]!) << (4 * q);
          let t = (mask ^ ((mask << 1) | open)) >>> 0;
          open = mask >>> 31;
          while (t !== 0) {
            const i = 31 - Math.clz32(t & -t);
            t &= t - 1;
            if (((mask >>> i) & 1) !== 0) {
              if (runs === cap) {
                cap *= 2;
                row = growTo(row, cap, shared);
                start = growTo(start, cap, shared);
                end = growTo(end, cap, shared);
                parent = growTo(parent, cap, shared);
              }
              row[runs] = r;
              start[runs] = x0 + i;
              parent[runs] = runs;
            } else end[runs++] = x0 + i - 1;
          }
        }
        if (open !== 0) end[runs++] = nx - 1;
      } else {
        for (let x = 0; x < nx;) {
          const v = src[base + x]!;
          if (v === 0) {
            x++;
            continue;
          }
          const a = x;
          if (multi) while (x < nx && src[base + x] === v) x++;
          else while (x < nx && src[base + x] !== 0) x++;
          if (runs === cap) {
            cap *= 2;
            row = growTo(row, cap, shared);
            start = growTo(start, cap, shared);
            end = growTo(end, cap, shared);
            parent = growTo(parent, cap, shared);
          }
          row[runs] = r;
          start[runs] = a;
          end[runs] = x - 1;
          parent[runs] = runs;
          runs++;
        }
      }
      const last = runs;
      const first = rowFirst[r - r0]!;
      if (first === last) continue;
      // Earlier neighbouring rows inside the volume, with their run ranges.
      let m = 0;
      for (const [dz, dy, reach] of nbrs) {
        const zz = z + dz;
        const yy = y + dy;
        if (zz < z0 || yy < 0 || yy >= ny) continue;
        const rr = zz * ny + yy - r0;
        const lo = rowFirst[rr]!;
        const hi = rr + 1 === r - r0 ? first : rowFirst[rr + 1]!;
        if (lo === hi) continue;
        nbrFirst[m] = lo;
        nbrLast[m] = hi;
        nbrReach[m] = reach;
        nbrBase[m] = (rr + r0) * nx;
        m++;
      }
      for (let k = first; k < last; k++) {
        const a = start[k]!;
        const b = end[k]!;
        const v = multi ? src[base + a]! : 1;
        let root = k;
        for (let q = 0; q < m; q++) {
          const reach = nbrReach[q]!;
          const hi = nbrLast[q]!;
          let j = nbrFirst[q]!;
          while (j < hi && end[j]! < a - reach) j++;
          nbrFirst[q] = j;
          for (; j < hi && start[j]! <= b + reach; j++) {
            if (multi && src[nbrBase[q]! + start[j]!] !== v) continue;
            const other = find(parent, j);
            if (other < root) {
              parent[root] = other;
              root = other;
            } else if (other > root) parent[other] = root;
          }
        }
      }
    }
  }
  rowFirst[rows] = runs;
  // Parents always point to earlier runs: one pass in run order makes every parent a root.
  for (let k = 0; k < runs; k++) parent[k] = parent[parent[k]!]!;
  return { runs, row, start, end, parent, rowFirst };
}

/**
 * Label the components of `src` into `out` (0 = background): {@link labelRuns}
 * painted back as voxels.
 * @param out - Receives the labels; overwritten entirely.
 * @returns The number of components.
 * @internal
 */
export function labelComponents(
  src: VoxelArray,
  shape: Shape3,
  connectivity: Connectivity,
  multi: boolean,
  out: Int32Array,
): number {
  const r = labelRuns(src, shape, connectivity, multi);
  paintRuns(r, shape[2], out);
  return r.count;
}

/**
 * Write the labels of runs into `out`; the voxels between runs are set to 0
 * unless `zeroed` says `out` is all 0 already. @internal
 */
export function paintRuns(r: LabelledRuns, nx: number, out: Int32Array, zeroed = false): void {
  if (!zeroed) out.fill(0);
  const { row, start, end, label } = r;
  for (let k = 0; k < r.runs; k++) {
    const o = row[k]! * nx;
    const l = label[k]!;
    const b = o + end[k]!;
    for (let i = o + start[k]!; i <= b; i++) out[i] = l;
  }
}
