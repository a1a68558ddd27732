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
    const iy = Math.floor(t.dy);
    const ix = Math.floor(t.dx);
    const fy = t.dy - iy;
    const fx = t.dx - ix;
    for (let y = 0; y < ny; y++) {
      const sy = y + iy;
      for (let x = 0; x < nx; x++) {
        const sx = x + ix;
        const i = y * nx + x;
        if (fy === 0 && fx === 0) {
          store(i, at(sy, sx));
          continue;
        }
        const top = (1 - fx) * at(sy, sx) + fx * at(sy, sx + 1);
        const bottom = (1 - fx) * at(sy + 1, sx) + fx * at(sy + 1, sx + 1);
        store(i, (1 - fy) * top + fy * bottom);
      }
    }
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
