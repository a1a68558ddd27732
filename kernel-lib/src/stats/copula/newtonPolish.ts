/**
 * Newton polish of a copula likelihood's minimum in free coordinates: the
 * gradient and Hessian from central differences, step halving. @internal
 */

/**
 * Newton's method for a smooth 2-D minimum, with the gradient and Hessian from
 * central differences (6 evaluations per step) and step halving; falls back to a
 * scaled gradient step where the Hessian is not positive definite.
 */
export function newtonPolish2(
  f: (z: number[]) => number,
  z0: number[],
  f0: number,
  maxIter = 12,
  stopAtBounds = true,
): { z: number[]; f: number; bound: boolean[] } {
  let z = z0.slice();
  const bound = [false, false];
  let fz = f0;
  const h = 1e-3;
  for (let it = 0; it < maxIter; it++) {
    const x = z[0]!;
    const y = z[1]!;
    const fxp = f([x + h, y]);
    const fxm = f([x - h, y]);
    const fyp = f([x, y + h]);
    const fym = f([x, y - h]);
    const fpp = f([x + h, y + h]);
    const fmm = f([x - h, y - h]);
    const g0 = (fxp - fxm) / (2 * h);
    const g1 = (fyp - fym) / (2 * h);
    const h00 = (fxp - 2 * fz + fxm) / (h * h);
    const h11 = (fyp - 2 * fz + fym) / (h * h);
    const h01 = (fpp - fxp - fyp + 2 * fz - fxm - fym + fmm) / (2 * h * h);
    if (![g0, g1, h00, h11, h01].every(Number.isFinite)) break;
    const det = h00 * h11 - h01 * h01;
    let d0: number;
    let d1: number;
    let newton = true;
    if (h00 > 0 && h11 > 0 && det > 1e-12 * h00 * h11) {
      d0 = -(h11 * g0 - h01 * g1) / det;
      d1 = -(h00 * g1 - h01 * g0) / det;
    } else {
      // Not convex here: a diagonally scaled descent step (at most 1 per coordinate).
      newton = false;
      d0 = -g0 / (Math.abs(h00) + Math.abs(g0) + 1e-300);
      d1 = -g1 / (Math.abs(h11) + Math.abs(g1) + 1e-300);
    }
    // Limit the step to 1 in free coordinates.
    const len = Math.hypot(d0, d1);
    if (len > 1) {
      d0 /= len;
      d1 /= len;
    }
    // A full step heading into a bound's flat tail: leave it to the caller's bound polish.
    // (Against a bound in free coordinates f ~ a + b e^-|z|: Newton steps of about 1.)
    if (stopAtBounds) {
      bound[0] = Math.abs(x + d0) > 5 && d0 * x > 0 && Math.abs(d0) > 0.3;
      bound[1] = Math.abs(y + d1) > 5 && d1 * y > 0 && Math.abs(d1) > 0.3;
      if (bound[0] || bound[1]) break;
    }
    const pred = -(g0 * d0 + g1 * d1);
    if (!(pred > 1e-10)) break;
    let t = 1;
    let accepted = false;
    for (let ls = 0; ls < 12; ls++) {
      const zn = [x + t * d0, y + t * d1];
      const fn = f(zn);
      if (fn <= fz) {
        const gain = fz - fn;
        z = zn;
        fz = fn;
        accepted = true;
        // A descent step that gains little is creeping along a flat direction (a bound in
        // free coordinates): stop, the caller polishes bounds in natural coordinates.
        if (gain < 1e-9 || (!newton && gain < 1e-7)) return { z, f: fz, bound };
        break;
      }
      t /= 2;
    }
    if (!accepted || pred < 1e-9) break;
  }
  return { z, f: fz, bound };
}

/** One-dimensional Newton polish with central differences (3 evaluations per step). */
export function newtonPolish1(
  f: (z: number) => number,
  z0: number,
  f0: number,
  maxIter = 10,
): { z: number; f: number } {
  let z = z0;
  let fz = f0;
  const h = 1e-3;
  for (let it = 0; it < maxIter; it++) {
    const fp = f(z + h);
    const fm = f(z - h);
    const g = (fp - fm) / (2 * h);
    const hh = (fp - 2 * fz + fm) / (h * h);
    if (!Number.isFinite(g) || !Number.isFinite(hh)) break;
    let d = hh > 0 ? -g / hh : -Math.sign(g);
    if (Math.abs(d) > 1) d = Math.sign(d);
    if (!(Math.abs(g * d) > 1e-10)) break;
    let accepted = false;
    for (let ls = 0; ls < 12; ls++) {
      const fn = f(z + d);
      if (fn <= fz) {
        const gain = fz - fn;
        z += d;
        fz = fn;
        accepted = true;
        if (gain < 1e-9) return { z, f: fz };
        break;
      }
      d /= 2;
    }
    if (!accepted) break;
  }
  return { z, f: fz };
}
