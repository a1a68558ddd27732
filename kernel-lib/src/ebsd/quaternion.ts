/**
 * Unit quaternions for crystal orientations.
 *
 * Convention (the one of orix and of Rowenhorst et al. 2015, "Consistent representations of
 * and conversions between 3D rotations", with P = +1): an orientation is the PASSIVE rotation
 * that takes specimen coordinates to crystal coordinates, `v_crystal = g v_specimen`. Bunge
 * Euler angles (phi1, Phi, phi2), radians, give `g = Z(phi2) X(Phi) Z(phi1)` where Z(a) and
 * X(a) are the passive (coordinate-frame) rotations by `a` about z and x. MTEX's
 * `orientation.byEuler` is the inverse (active, crystal to specimen) of the same rotation, so
 * an MTEX quaternion is the conjugate of the one here; misorientation ANGLES agree.
 *
 * Quaternions are `[w, x, y, z]` (scalar first), with `q` and `-q` the same rotation. The
 * orientation q maps a specimen vector v to its crystal coordinates as `q v q*`, so the usual
 * (active) rotation matrix of q is the passive Bunge matrix g. Products compose right to
 * left: `multiply(a, b)` applies b first, then a. Crystal symmetry acts on the crystal side:
 * `S q` is the same orientation for every proper rotation S of the Laue group.
 */
import { expectedError } from "../util/checks.js";

/** A quaternion [w, x, y, z] (scalar first). */
export type Quaternion = [w: number, x: number, y: number, z: number];

/** Hamilton product a * b (b applied first, then a). */
export function multiply(a: readonly number[], b: readonly number[]): Quaternion {
  const [aw, ax, ay, az] = a;
  const [bw, bx, by, bz] = b;
  return [
    aw * bw - ax * bx - ay * by - az * bz,
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
  ];
}

/** The inverse of a unit quaternion (its conjugate). */
export function inverse(q: readonly number[]): Quaternion {
  return [q[0], -q[1], -q[2], -q[3]];
}

/** Scales q to unit length (throws for a zero or non-finite quaternion). */
export function normalize(q: readonly number[]): Quaternion {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  if (!(n > 0) || !Number.isFinite(n))
    throw expectedError("quaternion", "a finite non-zero [w, x, y, z]", [...q]);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/** Rotation by `angle` radians about `axis` (normalised here) as a unit quaternion. */
export function axisAngle(axis: readonly [number, number, number], angle: number): Quaternion {
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  if (!(n > 0) || !Number.isFinite(n) || !Number.isFinite(angle))
    throw expectedError("axisAngle", "a finite non-zero axis [x, y, z] and a finite angle", { axis, angle });
  const s = Math.sin(angle / 2) / n;
  return [Math.cos(angle / 2), axis[0] * s, axis[1] * s, axis[2] * s];
}

/** Rotation angle of a unit quaternion in radians, in [0, pi] (q and -q give the same). */
export function rotationAngle(q: readonly number[]): number {
  const w = Math.min(1, Math.abs(q[0]));
  return 2 * Math.acos(w);
}

/**
 * Bunge Euler angles (phi1, Phi, phi2), radians, to the passive orientation quaternion
 * (specimen to crystal, see the module comment), with w >= 0:
 * `q = [cos(Phi/2) cos(s), -sin(Phi/2) cos(d), -sin(Phi/2) sin(d), -cos(Phi/2) sin(s)]`,
 * `s = (phi1 + phi2) / 2`, `d = (phi1 - phi2) / 2`.
 */
export function eulerToQuaternion(phi1: number, Phi: number, phi2: number): Quaternion {
  if (!Number.isFinite(phi1) || !Number.isFinite(Phi) || !Number.isFinite(phi2))
    throw expectedError("Euler angles", "finite numbers (radians)", [phi1, Phi, phi2]);
  const q: Quaternion = [0, 0, 0, 0];
  eulerInto(phi1, Phi, phi2, q, 0);
  return q;
}

/** {@link eulerToQuaternion} written into `out` at `offset` (no checks; NaN in, NaN out). */
export function eulerInto(phi1: number, Phi: number, phi2: number, out: Float32Array | Float64Array | number[], offset: number): void {
  const c = Math.cos(Phi / 2), s = Math.sin(Phi / 2);
  const sig = (phi1 + phi2) / 2, del = (phi1 - phi2) / 2;
  let w = c * Math.cos(sig), x = -s * Math.cos(del), y = -s * Math.sin(del), z = -c * Math.sin(sig);
  if (w < 0) { w = -w; x = -x; y = -y; z = -z; }
  out[offset] = w; out[offset + 1] = x; out[offset + 2] = y; out[offset + 3] = z;
}

const TWO_PI = 2 * Math.PI;
const wrap = (a: number) => {
  const r = a % TWO_PI;
  return r < 0 ? r + TWO_PI : r;
};

/**
 * The inverse of {@link eulerToQuaternion}: Bunge (phi1, Phi, phi2) in radians with
 * phi1, phi2 in [0, 2 pi) and Phi in [0, pi]. At Phi = 0 (or pi) only phi1 + phi2 (or
 * phi1 - phi2) is defined: phi2 is then set to 0.
 */
export function quaternionToEuler(q: readonly number[]): [phi1: number, Phi: number, phi2: number] {
  const [w, x, y, z] = normalize(q);
  const a = Math.hypot(w, z), b = Math.hypot(x, y);
  const Phi = 2 * Math.atan2(b, a);
  if (b < 1e-12) return [wrap(2 * Math.atan2(-z, w)), 0, 0];
  if (a < 1e-12) return [wrap(2 * Math.atan2(-y, -x)), Math.PI, 0];
  const sig = Math.atan2(-z, w), del = Math.atan2(-y, -x);
  return [wrap(sig + del), Phi, wrap(sig - del)];
}

/**
 * A uniformly random rotation (Haar measure) from three uniforms in [0, 1) (Shoemake 1992),
 * with w >= 0.
 */
export function uniformRotation(u1: number, u2: number, u3: number): Quaternion {
  const a = Math.sqrt(1 - u1), b = Math.sqrt(u1);
  const q: Quaternion = [
    a * Math.sin(TWO_PI * u2), a * Math.cos(TWO_PI * u2),
    b * Math.sin(TWO_PI * u3), b * Math.cos(TWO_PI * u3),
  ];
  return q[0] < 0 ? [-q[0], -q[1], -q[2], -q[3]] : q;
}

/**
 * The 3x3 passive orientation matrix of q (row-major), `v_crystal = M v_specimen`, for
 * checks against the Bunge matrix product Z(phi2) X(Phi) Z(phi1).
 */
export function quaternionToMatrix(q: readonly number[]): number[][] {
  const [w, x, y, z] = normalize(q);
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
    [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
    [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
  ];
}
