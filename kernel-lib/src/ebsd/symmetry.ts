/**
 * Crystal symmetry for misorientations: the proper rotations of the eleven Laue classes as
 * unit quaternions, and misorientation angles under them.
 *
 * Axes (the Cartesian crystal frame, as MTEX's and orix's defaults): cubic and tetragonal and
 * orthorhombic: x, y, z along a, b, c. Hexagonal and trigonal: z along c, x along a1; the
 * two-fold axes of 622 lie every 30 degrees from x, those of 32 (the "321" setting, e.g.
 * NMC's R-3m) along a1, a2, a3 (0, 120, 240 degrees). Monoclinic: the two-fold axis along y
 * (b unique, the usual setting of beta != 90, e.g. the .ctf glaucophane phase).
 */
import { expectedError, formatChoices } from "../util/checks.js";
import { axisAngle, type Quaternion } from "./quaternion.js";

/** The Laue classes (Hermann-Mauguin), as {@link EbsdPhase.laueClass} writes them. */
export const LAUE_CLASSES = ["m-3m", "m-3", "6/mmm", "6/m", "-3m", "-3", "4/mmm", "4/m", "mmm", "2/m", "-1"] as const;
export type LaueClass = (typeof LAUE_CLASSES)[number];

/** The proper rotation group of one Laue class. */
export interface CrystalSymmetry {
  laueClass: LaueClass;
  /** The rotation point group (Hermann-Mauguin): "432", "23", "622", "6", "32", "3", "422", "4", "222", "2", "1". */
  pointGroup: string;
  /** Number of proper rotations. */
  size: number;
  /** The rotations, 4 numbers [w, x, y, z] each (w >= 0), identity first. */
  ops: Float64Array;
}

const POINT_GROUP: Record<LaueClass, string> = {
  "m-3m": "432", "m-3": "23", "6/mmm": "622", "6/m": "6", "-3m": "32", "-3": "3",
  "4/mmm": "422", "4/m": "4", mmm: "222", "2/m": "2", "-1": "1",
};

/** Holohedral Laue class of a crystal system, used when a phase has no Laue class. */
const SYSTEM_LAUE: Record<string, LaueClass> = {
  cubic: "m-3m", hexagonal: "6/mmm", trigonal: "-3m", tetragonal: "4/mmm",
  orthorhombic: "mmm", monoclinic: "2/m", triclinic: "-1",
};

type Axis = [number, number, number];
const PI = Math.PI;

/** n-fold rotations about an axis (angles 2 pi k / n, k = 1..n-1). */
function fold(axis: Axis, n: number): Quaternion[] {
  const out: Quaternion[] = [];
  for (let k = 1; k < n; k++) out.push(axisAngle(axis, (2 * PI * k) / n));
  return out;
}
const inPlane = (deg: number): Axis => [Math.cos((deg * PI) / 180), Math.sin((deg * PI) / 180), 0];

function rotations(laue: LaueClass): Quaternion[] {
  const id: Quaternion = [1, 0, 0, 0];
  const X: Axis = [1, 0, 0], Y: Axis = [0, 1, 0], Z: Axis = [0, 0, 1];
  const cube3 = ([[1, 1, 1], [-1, 1, 1], [1, -1, 1], [1, 1, -1]] as Axis[]).flatMap((a) => fold(a, 3));
  const two = (axes: Axis[]) => axes.flatMap((a) => fold(a, 2));
  switch (laue) {
    case "m-3": return [id, ...two([X, Y, Z]), ...cube3];
    case "m-3m": return [
      id, ...two([X, Y, Z]), ...cube3,
      ...[X, Y, Z].flatMap((a) => [axisAngle(a, PI / 2), axisAngle(a, -PI / 2)]),
      ...two([[1, 1, 0], [1, -1, 0], [1, 0, 1], [1, 0, -1], [0, 1, 1], [0, 1, -1]]),
    ];
    case "6/m": return [id, ...fold(Z, 6)];
    case "6/mmm": return [id, ...fold(Z, 6), ...two([0, 30, 60, 90, 120, 150].map(inPlane))];
    case "-3": return [id, ...fold(Z, 3)];
    case "-3m": return [id, ...fold(Z, 3), ...two([0, 120, 240].map(inPlane))];
    case "4/m": return [id, ...fold(Z, 4)];
    case "4/mmm": return [id, ...fold(Z, 4), ...two([X, Y, [1, 1, 0], [1, -1, 0]])];
    case "mmm": return [id, ...two([X, Y, Z])];
    case "2/m": return [id, ...two([Y])];
    case "-1": return [id];
  }
}

const cache = new Map<LaueClass, CrystalSymmetry>();

/**
 * The proper rotations of a Laue class, or of the Laue class of an EBSD phase
 * ({@link EbsdPhase}: its `laueClass`, else the holohedral class of its `crystalSystem`,
 * e.g. "cubic" gives m-3m). Point-group names ("432", "622", "32", ...) are accepted too.
 * @throws naming the expected classes for an unknown one.
 */
export function crystalSymmetry(
  laue: string | { laueClass?: string; crystalSystem?: string; name?: string },
): CrystalSymmetry {
  const key = resolve(laue);
  let sym = cache.get(key);
  if (!sym) {
    const qs = rotations(key);
    const ops = new Float64Array(qs.length * 4);
    qs.forEach((q, i) => {
      const s = q[0] < -1e-15 || (Math.abs(q[0]) <= 1e-15 && firstNonZero(q) < 0) ? -1 : 1;
      for (let k = 0; k < 4; k++) ops[4 * i + k] = s * q[k];
    });
    sym = Object.freeze({ laueClass: key, pointGroup: POINT_GROUP[key], size: qs.length, ops });
    cache.set(key, sym);
  }
  return sym;
}

function firstNonZero(q: Quaternion): number {
  for (const v of q) if (Math.abs(v) > 1e-15) return v;
  return 0;
}

function resolve(laue: unknown): LaueClass {
  const known = LAUE_CLASSES as readonly string[];
  if (typeof laue === "string") {
    const t = laue.trim();
    if (known.includes(t)) return t as LaueClass;
    const fromPg = (Object.keys(POINT_GROUP) as LaueClass[]).find((k) => POINT_GROUP[k] === t);
    if (fromPg) return fromPg;
    if (t.toLowerCase() in SYSTEM_LAUE) return SYSTEM_LAUE[t.toLowerCase()];
    throw expectedError("Laue class", `one of ${formatChoices(known)} (or a point group or crystal system)`, laue);
  }
  if (typeof laue === "object" && laue !== null) {
    const p = laue as { laueClass?: unknown; crystalSystem?: unknown; name?: unknown };
    if (typeof p.laueClass === "string" && known.includes(p.laueClass)) return p.laueClass as LaueClass;
    if (typeof p.crystalSystem === "string" && p.crystalSystem in SYSTEM_LAUE) return SYSTEM_LAUE[p.crystalSystem];
    throw new RangeError(
      `phase ${JSON.stringify(p.name ?? "")}: unknown symmetry (laueClass ${JSON.stringify(p.laueClass)}, ` +
        `crystalSystem ${JSON.stringify(p.crystalSystem)}); expected a Laue class ${formatChoices(known)} ` +
        `or a crystal system ${formatChoices(Object.keys(SYSTEM_LAUE))}`);
  }
  throw expectedError("Laue class", "a string or an EBSD phase { laueClass, crystalSystem }", laue, TypeError);
}

/**
 * Largest |w| of S_k d over the operators, where d = q1 * q2^-1 (passive orientations): the
 * cosine of half the smallest angle. Internal fast path of {@link misorientationAngle}.
 * w(S d) = S . conj(d) (4D dot product), so only dot products are needed.
 */
export function maxCosHalf(ops: Float64Array, dw: number, dx: number, dy: number, dz: number): number {
  let best = 0;
  for (let k = 0; k < ops.length; k += 4) {
    const w = Math.abs(ops[k] * dw + ops[k + 1] * dx + ops[k + 2] * dy + ops[k + 3] * dz);
    if (w > best) best = w;
  }
  return best;
}

/**
 * Misorientation angle (radians, in [0, pi]) between two passive orientations.
 *
 * With the same symmetry on both sides (one phase) this is the disorientation angle
 * min over i, j of angle(S_i q2 q1^-1 S_j^-1). Because the angle of a rotation is unchanged
 * by conjugation and the operators form a group, that double minimum equals the single
 * minimum over k of angle(S_k q2 q1^-1): |G| products instead of |G|^2. With a second,
 * different symmetry (two phases), the double minimum is taken in full.
 * @param q1 - Orientation [w, x, y, z].
 * @param q2 - Orientation [w, x, y, z].
 * @param sym - Symmetry of q1 (and of q2 when `sym2` is omitted); default no symmetry.
 */
export function misorientationAngle(
  q1: readonly number[], q2: readonly number[], sym?: CrystalSymmetry, sym2?: CrystalSymmetry,
): number {
  for (const [q, n] of [[q1, "q1"], [q2, "q2"]] as const)
    if (!Array.isArray(q) && !ArrayBuffer.isView(q) || q.length !== 4 || ![...q].every(Number.isFinite))
      throw expectedError(n, "a quaternion [w, x, y, z] of 4 finite numbers", q);
  const n1 = Math.hypot(q1[0], q1[1], q1[2], q1[3]), n2 = Math.hypot(q2[0], q2[1], q2[2], q2[3]);
  if (!(n1 > 0) || !(n2 > 0)) throw expectedError("q1, q2", "non-zero quaternions", [q1, q2]);
  const a = q1.map((v) => v / n1), b = q2.map((v) => v / n2);
  // d = q1 * conj(q2) = conj(m) with m = q2 * q1^-1
  const d = [
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3],
    -a[0] * b[1] + a[1] * b[0] - a[2] * b[3] + a[3] * b[2],
    -a[0] * b[2] + a[1] * b[3] + a[2] * b[0] - a[3] * b[1],
    -a[0] * b[3] - a[1] * b[2] + a[2] * b[1] + a[3] * b[0],
  ];
  const s1 = sym ?? crystalSymmetry("-1");
  if (sym2 === undefined || sym2 === s1 || sym2.laueClass === s1.laueClass) {
    return 2 * Math.acos(Math.min(1, maxCosHalf(s1.ops, d[0], d[1], d[2], d[3])));
  }
  // two phases: min over S2_i m S1_j^-1; w(S2_i m S1_j^-1) = S2_i . conj(m S1_j^-1)
  let best = 0;
  const o = s1.ops;
  for (let j = 0; j < o.length; j += 4) {
    // e = S1_j * conj(m) = S1_j * d  = conj(m S1_j^-1)
    const e0 = o[j] * d[0] - o[j + 1] * d[1] - o[j + 2] * d[2] - o[j + 3] * d[3];
    const e1 = o[j] * d[1] + o[j + 1] * d[0] + o[j + 2] * d[3] - o[j + 3] * d[2];
    const e2 = o[j] * d[2] - o[j + 1] * d[3] + o[j + 2] * d[0] + o[j + 3] * d[1];
    const e3 = o[j] * d[3] + o[j + 1] * d[2] - o[j + 2] * d[1] + o[j + 3] * d[0];
    best = Math.max(best, maxCosHalf(sym2.ops, e0, e1, e2, e3));
  }
  return 2 * Math.acos(Math.min(1, best));
}
