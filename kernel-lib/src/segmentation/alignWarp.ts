/**
 * Rigid slice transforms of the stack alignment: the convention, composition
 * and the bilinear resampling that undoes them.
 *
 * A transform { dy, dx, angle } says where a slice's content went: the point p
 * of the reference (relative to the slice centre ((ny - 1) / 2, (nx - 1) / 2))
 * appears at R p + (dy, dx) in the slice, R the rotation by `angle` degrees as
 * the simulators apply it, R (vy, vx) = (c vy + s vx, -s vy + c vx). For a pure
 * translation, slice(y, x) = reference(y - dy, x - dx).
 * @internal
 */

/** Where a slice's content moved relative to the reference (see the module comment). */
export interface SliceTransform {
  /** Translation along y, pixels. */
  dy: number;
  /** Translation along x, pixels. */
  dx: number;
  /** Rotation about the slice centre, degrees (0 in translation mode). */
  angle: number;
}

/** R v for the rotation by `angle` degrees (the module comment's R). */
export function rotate(angle: number, vy: number, vx: number): [number, number] {
  const a = (angle * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  return [c * vy + s * vx, -s * vy + c * vx];
}

/** The transform doing `first`, then `second`: p -> R2 (R1 p + s1) + s2. */
export function compose(first: SliceTransform, second: SliceTransform): SliceTransform {
  const [ry, rx] = rotate(second.angle, first.dy, first.dx);
  return { dy: ry + second.dy, dx: rx + second.dx, angle: first.angle + second.angle };
}

/**
 * Undo a transform by bilinear resampling: out(q) = src(R (q - c) + c + (dy, dx)),
 * so out is the slice brought back onto the reference. Samples outside the
 * slice take `fill`. A whole-pixel translation copies values exactly.
 * @param src - The slice, ny nx values starting at `offset`.
 * @param out - ny nx values written from `outOffset`.
 * @param round - Round and clamp to [lo, hi] (integer outputs) instead of storing as is.
 */
export function unwarpSlice(
  src: ArrayLike<number>,
  offset: number,
  ny: number,
  nx: number,
  t: SliceTransform,
  fill: number,
  out: { [i: number]: number },
  outOffset: number,
  round?: { lo: number; hi: number },
): void {
  const store = (i: number, v: number) => {
    if (round) {
      const r = Math.round(v);
      out[outOffset + i] = r < round.lo ? round.lo : r > round.hi ? round.hi : r;
    } else out[outOffset + i] = v;
  };
  const at = (y: number, x: number) =>
    y < 0 || y >= ny || x < 0 || x >= nx ? fill : src[offset + y * nx + x];
  if (t.angle === 0) {
    translateSlice(src, offset, ny, nx, t.dy, t.dx, store, at);
    return;
  }
  const cy = (ny - 1) / 2;
  const cx = (nx - 1) / 2;
  const a = (t.angle * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const vy = y - cy;
      const vx = x - cx;
      const qy = c * vy + s * vx + cy + t.dy;
      const qx = -s * vy + c * vx + cx + t.dx;
      const y0 = Math.floor(qy);
      const x0 = Math.floor(qx);
      const fy = qy - y0;
      const fx = qx - x0;
      const top = (1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1);
      const bottom = (1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1);
      store(y * nx + x, (1 - fy) * top + fy * bottom);
    }
  }
}

/**
 * The translation case of {@link unwarpSlice}: out(y, x) = src(y + dy, x + dx), bilinear
 * with fixed weights; pixels whose four neighbours are inside read them directly, the
 * others through `at` (which gives `fill` outside).
 */
function translateSlice(
  src: ArrayLike<number>,
  offset: number,
  ny: number,
  nx: number,
  dy: number,
  dx: number,
  store: (i: number, v: number) => void,
  at: (y: number, x: number) => number,
): void {
  const iy = Math.floor(dy);
  const ix = Math.floor(dx);
  const fy = dy - iy;
  const fx = dx - ix;
  const w00 = (1 - fy) * (1 - fx);
  const w01 = (1 - fy) * fx;
  const w10 = fy * (1 - fx);
  const w11 = fy * fx;
  // Columns x whose sources x + ix and x + ix + 1 are both inside: [x0, x1).
  const x0 = Math.max(0, -ix);
  const x1 = Math.max(x0, Math.min(nx, nx - 1 - ix));
  for (let y = 0; y < ny; y++) {
    const sy = y + iy;
    const rowInside = sy >= 0 && sy + 1 < ny;
    const edgeOnly = (x: number) => {
      const v = w00 * at(sy, x + ix) + w01 * at(sy, x + ix + 1) + w10 * at(sy + 1, x + ix) + w11 * at(sy + 1, x + ix + 1);
      store(y * nx + x, fy === 0 && fx === 0 ? at(sy, x + ix) : v);
    };
    if (!rowInside) {
      for (let x = 0; x < nx; x++) edgeOnly(x);
      continue;
    }
    for (let x = 0; x < x0; x++) edgeOnly(x);
    const r0 = offset + sy * nx + ix;
    const r1 = r0 + nx;
    if (fy === 0 && fx === 0) for (let x = x0; x < x1; x++) store(y * nx + x, src[r0 + x]);
    else
      for (let x = x0; x < x1; x++)
        store(
          y * nx + x,
          w00 * src[r0 + x] + w01 * src[r0 + x + 1] + w10 * src[r1 + x] + w11 * src[r1 + x + 1],
        );
    for (let x = x1; x < nx; x++) edgeOnly(x);
  }
}
