import type { BlockContext } from "../parallel/types.js";
import type { Shape3, Spacing3 } from "../volume/types.js";

/**
 * A ball as rows along x: row `k` is offset `(dz[k], dy[k])` from the centre
 * and spans `-w[k] .. w[k]` voxels; a voxel is inside when its centre lies
 * strictly within physical distance `r` of the ball's centre.
 * @internal
 */
export interface BallRows {
  dz: Int32Array;
  dy: Int32Array;
  w: Int32Array;
  /** Number of voxels of the ball. */
  volume: number;
  /** Largest half-width, `w` of the middle row. */
  wMax: number;
}

/** The rows of the ball of radius `r` (strict: distance `< r`). @internal */
export function ballRows(r: number, spacing: Spacing3): BallRows {
  const [sz, sy, sx] = spacing;
  const nz = Math.ceil(r / sz);
  const ny = Math.ceil(r / sy);
  const dz: number[] = [];
  const dy: number[] = [];
  const w: number[] = [];
  let volume = 0;
  let wMax = -1;
  for (let z = -nz; z <= nz; z++) {
    for (let y = -ny; y <= ny; y++) {
      const r2 = r * r;
      const inside = (x: number) => (z * sz) ** 2 + (y * sy) ** 2 + (x * sx) ** 2 < r2;
      if (!inside(0)) continue;
      // Largest x inside, from a guess corrected both ways.
      let x = Math.floor(Math.sqrt(Math.max(0, r2 - (z * sz) ** 2 - (y * sy) ** 2)) / sx);
      while (x > 0 && !inside(x)) x--;
      while (inside(x + 1)) x++;
      dz.push(z);
      dy.push(y);
      w.push(x);
      volume += 2 * x + 1;
      if (x > wMax) wMax = x;
    }
  }
  return { dz: Int32Array.from(dz), dy: Int32Array.from(dy), w: Int32Array.from(w), volume, wMax };
}

/**
 * Segments along x of the centres `centres[from..to)` (flat indices,
 * ascending): consecutive centres of a row are merged into one segment when
 * the voxels between them are fewer than `maxGap` and all `keep` (centres of
 * larger balls, whose balls at this radius are covered already, so painting
 * them again changes nothing). Returns flat `[row, x0, x1]` triples.
 * @internal
 */
export function centreSegments(
  centres: Int32Array,
  from: number,
  to: number,
  nx: number,
  maxGap: number,
  keep: (i: number) => boolean,
): Int32Array {
  const seg: number[] = [];
  let row = -1;
  let x0 = 0;
  let x1 = 0;
  for (let k = from; k < to; k++) {
    const c = centres[k]!;
    const r = Math.floor(c / nx);
    const x = c - r * nx;
    if (r === row && x - x1 - 1 <= maxGap) {
      let all = true;
      for (let i = c - (x - x1) + 1; i < c; i++) {
        if (!keep(i)) {
          all = false;
          break;
        }
      }
      if (all) {
        x1 = x;
        continue;
      }
    }
    if (row >= 0) seg.push(row, x0, x1);
    row = r;
    x0 = x;
    x1 = x;
  }
  if (row >= 0) seg.push(row, x0, x1);
  return Int32Array.from(seg);
}

/**
 * Which voxels of the planes `zLo <= z < zHi` of `out` are set (non-zero), one bit each
 * (bit `i - base` of the flat index `i`): painting then tests and sets 32 voxels per word,
 * so the many visits of voxels an earlier, larger ball already covered cost a word each.
 * @internal
 */
export interface PaintedBits {
  bits: Int32Array;
  /** Flat index of bit 0 (`zLo * ny * nx`). */
  base: number;
}

/** The {@link PaintedBits} of planes `zLo..zHi` of `out`. @internal */
export function paintedBits(out: Float32Array, shape: Shape3, zLo: number, zHi: number): PaintedBits {
  const plane = shape[1] * shape[2];
  const base = zLo * plane;
  const length = (zHi - zLo) * plane;
  const bits = new Int32Array((length + 31) >>> 5);
  for (let i = 0; i < length; i++) if (out[base + i] !== 0) bits[i >>> 5]! |= 1 << (i & 31);
  return { bits, base };
}

/**
 * Set `value` (non-zero) on the voxels of `out` still 0 inside the balls centred on the
 * voxels of each segment (the union of a segment's balls is, row by row, one span per ball
 * row), in the planes `zLo <= z < zHi` only. The spans are walked a word of 32 voxels at a
 * time through `painted` (the bits of those planes, kept up to date here).
 * @internal
 */
export function paintSegments(
  out: Float32Array,
  seg: Int32Array,
  ball: BallRows,
  value: number,
  shape: Shape3,
  zLo: number,
  zHi: number,
  painted: PaintedBits,
): void {
  const [nz, ny, nx] = shape;
  const { dz, dy, w } = ball;
  const m = w.length;
  const { bits, base } = painted;
  for (let s = 0; s < seg.length; s += 3) {
    const row = seg[s]!;
    const z = Math.floor(row / ny);
    const y = row - z * ny;
    const x0 = seg[s + 1]!;
    const x1 = seg[s + 2]!;
    for (let k = 0; k < m; k++) {
      const zz = z + dz[k]!;
      const yy = y + dy[k]!;
      if (zz < zLo || zz >= zHi || zz >= nz || yy < 0 || yy >= ny) continue;
      const o = (zz * ny + yy) * nx;
      const a = o + Math.max(0, x0 - w[k]!);
      const b = o + Math.min(nx - 1, x1 + w[k]!);
      const la = a - base;
      const lb = b - base;
      const wa = la >>> 5;
      const wb = lb >>> 5;
      for (let word = wa; word <= wb; word++) {
        let mask = -1;
        if (word === wa) mask = -1 << (la & 31);
        if (word === wb && (lb & 31) !== 31) mask &= (1 << ((lb & 31) + 1)) - 1;
        let missing = mask & ~bits[word]!;
        if (missing === 0) continue;
        bits[word]! |= missing;
        const first = base + (word << 5);
        while (missing !== 0) {
          const lowest = missing & -missing;
          out[first + 31 - Math.clz32(lowest)] = value;
          missing ^= lowest;
        }
      }
    }
  }
}

/** Parameters of {@link paintBlock}. @internal */
export interface PaintBlockParams {
  /** Local thickness being built (shared memory in workers). */
  out: Float32Array;
  /** Centres (flat indices), band by band, ascending within a band. */
  centres: Int32Array;
  /** Band `k` is `centres[first[k] .. first[k + 1])`. */
  first: number[];
  /** Ball radius of each band. */
  sizes: number[];
  /** Lowest distance of each band's centres (descending). */
  lower: number[];
  /** The bands this job paints, in order. */
  bands: number[];
  spacing: Spacing3;
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
 * Block kernel of the painted sizes of localThickness: for each band in
 * order, paints the balls of its centres into the block's planes (blocks
 * hold whole planes, so every voxel is painted by one job, bands in order,
 * as in one thread). The input is the distance transform. @internal
 */
export function paintBlock(ctx: BlockContext<PaintBlockParams>): void {
  const { out, centres, first, sizes, lower, bands, spacing } = ctx.params;
  const dt = ctx.inputs[0]!.data;
  const shape = ctx.volumeShape;
  const [nz, ny, nx] = shape;
  const zLo = ctx.origin[0];
  const zHi = zLo + ctx.shape[0];
  const plane = ny * nx;
  const painted = paintedBits(out, shape, zLo, zHi);
  for (const k of bands) {
    const r = sizes[k]!;
    const ball = ballRows(r, spacing);
    const reach = Math.ceil(r / spacing[0]);
    const from = lowerBound(centres, first[k]!, first[k + 1]!, Math.max(0, zLo - reach) * plane);
    const to = lowerBound(centres, from, first[k + 1]!, Math.min(nz, zHi + reach) * plane);
    if (from === to) continue;
    const older = k === 0 ? Infinity : lower[k - 1]!;
    const seg = centreSegments(centres, from, to, nx, 2 * ball.wMax + 1, (i) => {
      const d = dt[i]!;
      return d >= older && d < Infinity;
    });
    paintSegments(out, seg, ball, r, shape, zLo, zHi, painted);
  }
}
