/**
 * Painting of the invasion radii (the last step of {@link invasionRadius}):
 * the balls of the kept centres, largest level first, set the voxels still
 * unset. Centres are merged into segments along x (the union of the balls
 * of a row of centres is, ball row by ball row, one span), and blocks of
 * whole planes are painted in parallel, each job painting every level into
 * its own planes in order, so every voxel sees the levels as in one thread.
 * @internal
 */
import type { BlockContext } from "../parallel/types.js";
import type { Shape3, Spacing3 } from "../volume/types.js";
import {
  paintedBits,
  paintSegments,
  type BallRows,
  type PaintedBits,
} from "../morphology/ballPaint.js";

/**
 * Ball of physical radius `r` (distances `< r`) as rows: row `j` is offset
 * `(dz[j], dy[j])` from the centre and spans `-w[j] .. w[j]` along x.
 * @internal
 */
export function invasionBall(r: number, spacing: Spacing3): BallRows {
  const [sz, sy, sx] = spacing;
  const nzr = Math.ceil(r / sz);
  const nyr = Math.ceil(r / sy);
  const dz: number[] = [];
  const dy: number[] = [];
  const w: number[] = [];
  let volume = 0;
  let wMax = -1;
  for (let z = -nzr; z <= nzr; z++)
    for (let y = -nyr; y <= nyr; y++) {
      const rest = r * r - (z * sz) ** 2 - (y * sy) ** 2;
      if (rest <= 0) continue;
      // Largest x with (x sx)^2 < rest.
      let x = Math.floor(Math.sqrt(rest) / sx);
      while (x > 0 && (x * sx) ** 2 >= rest) x--;
      while (((x + 1) * sx) ** 2 < rest) x++;
      dz.push(z);
      dy.push(y);
      w.push(x);
      volume += 2 * x + 1;
      if (x > wMax) wMax = x;
    }
  return { dz: Int32Array.from(dz), dy: Int32Array.from(dy), w: Int32Array.from(w), volume, wMax };
}

/**
 * Segments `[row, x0, x1]` of the centres `list[from..to)` (flat indices,
 * ascending) of level `l`: consecutive centres of a row are merged when the
 * voxels between them are at most `maxGap` and all have an access level
 * `>= l`. Painting such a voxel's ball of this level adds nothing wrong: its
 * voxels all end with a radius at least this size (the voxel reaches it).
 * @internal
 */
export function levelSegments(
  list: Int32Array,
  from: number,
  to: number,
  acc: Uint16Array,
  l: number,
  nx: number,
  maxGap: number,
): Int32Array {
  let seg = new Int32Array(Math.max(48, 3 * (to - from)));
  let s = 0;
  let row = -1;
  let rowStart = 0;
  let x0 = 0;
  let x1 = 0;
  for (let k = from; k < to; k++) {
    const c = list[k]!;
    if (row >= 0 && c - rowStart < nx) {
      const x = c - rowStart;
      if (x - x1 - 1 <= maxGap) {
        let all = true;
        for (let i = rowStart + x1 + 1; i < c; i++) {
          if (acc[i]! < l) {
            all = false;
            break;
          }
        }
        if (all) {
          x1 = x;
          continue;
        }
      }
      seg[s++] = row;
      seg[s++] = x0;
      seg[s++] = x1;
      x0 = x;
      x1 = x;
      continue;
    }
    if (row >= 0) {
      seg[s++] = row;
      seg[s++] = x0;
      seg[s++] = x1;
    }
    row = Math.floor(c / nx);
    rowStart = row * nx;
    x0 = c - rowStart;
    x1 = x0;
  }
  if (row >= 0) {
    if (s + 3 > seg.length) {
      const grown = new Int32Array(s + 3);
      grown.set(seg);
      seg = grown;
    }
    seg[s++] = row;
    seg[s++] = x0;
    seg[s++] = x1;
  }
  return seg.subarray(0, s);
}

/** Parameters of {@link invasionPaintBlock}. @internal */
export interface InvasionPaintParams {
  /** Invasion radii being built (shared memory in workers). */
  out: Float32Array;
  /** Kept centres, level by level from the largest; ascending within a level. */
  list: Int32Array;
  /** Level `l` is `list[start[l] .. start[l - 1])`. */
  start: number[];
  /** Size of each level (level `l` has `sizes[l - 1]`). */
  sizes: number[];
  /** The levels this job paints, in order (descending). */
  levels: number[];
  spacing: Spacing3;
  /**
   * After painting, raise every voxel of access level `l` to at least `sizes[l - 1]` (the
   * last job of {@link invasionRadius}: a skipped centre is covered by its own ball).
   */
  finish: boolean;
}

function lowerBound(a: Int32Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Paint level `l`'s centres `list[from..to)` into the planes `zLo <= z < zHi` of `out`.
 * @internal
 */
export function paintLevel(
  out: Float32Array,
  acc: Uint16Array,
  list: Int32Array,
  from: number,
  to: number,
  l: number,
  ball: BallRows,
  value: number,
  shape: Shape3,
  zLo: number,
  zHi: number,
  painted: PaintedBits,
): void {
  const [, ny, nx] = shape;
  const plane = ny * nx;
  const reach = ball.dz.length === 0 ? 0 : ball.dz[ball.dz.length - 1]!;
  const a = lowerBound(list, from, to, Math.max(0, zLo - reach) * plane);
  const b = lowerBound(list, a, to, (zHi + reach) * plane);
  if (a === b) return;
  const seg = levelSegments(list, a, b, acc, l, nx, 2 * ball.wMax + 1);
  paintSegments(out, seg, ball, value, shape, zLo, zHi, painted);
}

/**
 * Block kernel: paints the levels of `params.levels` into the block's
 * planes (blocks hold whole planes). The input is the access levels. @internal
 */
export function invasionPaintBlock(ctx: BlockContext<InvasionPaintParams>): void {
  const { out, list, start, sizes, levels, spacing, finish } = ctx.params;
  const acc = ctx.inputs[0]!.data as Uint16Array;
  const zLo = ctx.origin[0];
  const zHi = zLo + ctx.shape[0];
  const shape = ctx.volumeShape;
  if (levels.length > 0) {
    const painted = paintedBits(out, shape, zLo, zHi);
    for (const l of levels) {
      const r = sizes[l - 1]!;
      const ball = invasionBall(r, spacing);
      paintLevel(out, acc, list, start[l]!, start[l - 1]!, l, ball, r, shape, zLo, zHi, painted);
    }
  }
  if (!finish) return;
  const size = Float32Array.from([0, ...sizes]);
  const plane = shape[1] * shape[2];
  for (let i = zLo * plane, end = zHi * plane; i < end; i++) {
    const s = size[acc[i]!]!;
    if (out[i]! < s) out[i] = s;
  }
}

/** Parameters of {@link keepBlock}. @internal */
export interface KeepParams {
  /** Receives 1 on the kept centres of the block (shared memory in workers). */
  keep: Uint8Array;
  /**
   * `counts[b * (k + 1) + l]` receives the number of kept centres of level `l` in block `b`
   * (blocks of whole planes; k levels).
   */
  counts: Int32Array;
  /** Flat offsets of the 26 neighbours, faces first. */
  flat: number[];
  /** `[dz, dy, dx]` of the same neighbours. */
  steps: [number, number, number][];
  /** `contain[l * 26 + j]`: the smallest level whose ball holds level `l`'s from neighbour `j`. */
  contain: number[];
  /** 1 for levels whose ball is one voxel. */
  selfOnly: number[];
}

/**
 * Block kernel of the centre test of {@link invasionRadius}: a voxel of
 * access level `l` is kept unless its ball lies inside the ball of a
 * neighbour (`level(neighbour) >= contain[l][j]`), or all its in-grid face
 * neighbours have a level `>= l`, or its ball is one voxel. The input is the
 * access levels; any block shape. @internal
 */
export function keepBlock(ctx: BlockContext<KeepParams>): void {
  const {
    keep,
    counts,
    flat: flatList,
    steps,
    contain: containList,
    selfOnly: selfList,
  } = ctx.params;
  const acc = ctx.inputs[0]!.data as Uint16Array;
  const [nz, ny, nx] = ctx.volumeShape;
  const [oz, oy, ox] = ctx.origin;
  const [cz, cy, cx] = ctx.shape;
  const flat = Int32Array.from(flatList);
  const contain = Uint16Array.from(containList);
  const selfOnly = Uint8Array.from(selfList);
  const m = flat.length;
  const k1 = selfOnly.length;
  const count = new Int32Array(k1);
  for (let z = oz; z < oz + cz; z++)
    for (let y = oy; y < oy + cy; y++) {
      const edgeRow = z === 0 || z === nz - 1 || y === 0 || y === ny - 1;
      const rowBase = (z * ny + y) * nx;
      for (let x = ox; x < ox + cx; x++) {
        const p = rowBase + x;
        const l = acc[p]!;
        if (l === 0 || selfOnly[l] === 1) continue;
        const row = l * m;
        let allFaces = true;
        let contained = false;
        if (!edgeRow && x > 0 && x < nx - 1) {
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
            const [dz, dy, dx] = steps[j]!;
            const zz = z + dz;
            const yy = y + dy;
            const xx = x + dx;
            if (zz < 0 || zz >= nz || yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
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
        count[l]++;
      }
    }
  counts.set(count, ctx.index * k1);
}

/** Parameters of {@link centreListBlock}. @internal */
export interface CentreListParams {
  /** 1 on the kept centres, from {@link keepBlock}. */
  keep: Uint8Array;
  /** Receives the centres (flat indices), level by level, ascending within a level. */
  list: Int32Array;
  /** `offsets[b * (levels + 1) + l]`: where block `b` writes its first centre of level `l`. */
  offsets: Int32Array;
  /** Number of levels. */
  levels: number;
}

/**
 * Block kernel: lists the block's kept centres by level (blocks of whole
 * planes, as in the {@link keepBlock} job that counted them). The input is
 * the access levels. @internal
 */
export function centreListBlock(ctx: BlockContext<CentreListParams>): void {
  const { keep, list, offsets, levels } = ctx.params;
  const acc = ctx.inputs[0]!.data as Uint16Array;
  const plane = ctx.volumeShape[1] * ctx.volumeShape[2];
  const at = offsets.slice(ctx.index * (levels + 1), (ctx.index + 1) * (levels + 1));
  for (let p = ctx.origin[0] * plane, end = p + ctx.shape[0] * plane; p < end; p++)
    if (keep[p] !== 0) list[at[acc[p]!]!++] = p;
}

/** Bins that map a distance to its level (see {@link levelsBlock}). @internal */
export interface LevelTable {
  /** The sizes, ascending, lowered by the slack. */
  lo: number[];
  /** `start[b]`: the level at the start of bin `b` of width `step` from `lo[0]`. */
  start: number[];
  base: number;
  step: number;
}

/** The bins of {@link levelsBlock} for `sizes` (ascending). @internal */
export function levelTable(sizes: readonly number[], slack: number): LevelTable {
  const k = sizes.length;
  const lo = sizes.map((s) => s * (1 - slack));
  const bins = 4096;
  const base = lo[0]!;
  const step = (lo[k - 1]! - base) / bins || 1;
  const start: number[] = [];
  for (let b = 0, a = 0; b <= bins; b++) {
    const d = base + b * step;
    while (a < k && lo[a]! <= d) a++;
    start.push(a);
  }
  return { lo, start, base, step };
}

/** Parameters of {@link levelsBlock}. @internal */
export interface LevelParams extends LevelTable {
  /** Receives the levels, in the volume padded by one voxel on each side (shared memory in workers). */
  out: Uint16Array;
}

/**
 * Block kernel of the levels of {@link invasionRadius}: the 1-based index of
 * the largest size `<= dt` (0 outside the pore space or below the smallest
 * size) of each voxel of the block's planes, into the padded volume. Inputs:
 * the distance transform, the pore mask. @internal
 */
export function levelsBlock(ctx: BlockContext<LevelParams>): void {
  const { out, base, step } = ctx.params;
  const lo = Float64Array.from(ctx.params.lo);
  const start = Uint16Array.from(ctx.params.start);
  const dt = ctx.inputs[0]!.data as Float32Array;
  const pore = ctx.inputs[1]!.data;
  const [, ny, nx] = ctx.volumeShape;
  const k = lo.length;
  const bins = start.length - 1;
  const inv = 1 / step;
  const top = lo[k - 1]!;
  const px = nx + 2;
  const py = ny + 2;
  const z0 = ctx.origin[0];
  for (let z = z0, i = z0 * ny * nx; z < z0 + ctx.shape[0]; z++)
    for (let y = 0; y < ny; y++) {
      const o = ((z + 1) * py + y + 1) * px + 1 - i;
      for (const end = i + nx; i < end; i++) {
        const d = dt[i]!;
        if (!(d >= base) || pore[i] === 0) continue;
        if (d >= top) {
          out[o + i] = k;
          continue;
        }
        let a = start[Math.min(bins, Math.floor((d - base) * inv))]!;
        while (a > 1 && lo[a - 1]! > d) a--;
        while (a < k && lo[a]! <= d) a++;
        out[o + i] = a;
      }
    }
}
