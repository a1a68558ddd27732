// Grain descriptors of Furat et al. (section 2.4, Eqs. 8-14) as a column table, one row
// per grain, in the manner of scikit-image's `regionprops_table`.
import { checkBoolean, checkOneOf, checkOptions, expectedError } from "../util/checks.js";
import { checkSpacing } from "../volume/check.js";
import type { Spacing3, Volume } from "../volume/types.js";
import { croftonPass } from "./crofton.js";
import { hullVoxels, type HullPoints } from "./hull.js";
import { checkLabels, labelIndex } from "./labelIndex.js";
import { momentsPass, type GrainMoments } from "./moments.js";
import { axisAngles, pca } from "./shape.js";

/** Columns of {@link grainTable}; `d, s, c, e, phi, theta` are Paper 2's characteristics. */
export const GRAIN_PROPERTIES = [
  "voxels",
  "volume",
  "d",
  "surfaceArea",
  "s",
  "convexVoxels",
  "convexVolume",
  "c",
  "e",
  "phi",
  "theta",
  "lambda1",
  "lambda2",
  "lambda3",
  "majorZ",
  "majorY",
  "majorX",
  "centroidZ",
  "centroidY",
  "centroidX",
  "bboxZ0",
  "bboxY0",
  "bboxX0",
  "bboxZ1",
  "bboxY1",
  "bboxX1",
  "border",
  "background",
] as const;
export type GrainProperty = (typeof GRAIN_PROPERTIES)[number];

/** Result of {@link grainTable}: `label` and the requested columns (flags as Uint8Array). */
export type GrainTable = { label: Float64Array; border?: Uint8Array; background?: Uint8Array } & {
  [K in Exclude<GrainProperty, "border" | "background">]?: Float64Array;
};

/** Options of {@link grainTable}. */
export interface GrainTableOptions {
  /** Voxel size [dz, dy, dx] (nm). @default labels.spacing */
  spacing?: Spacing3;
  /** Leave out grains that touch the volume's border (cut by the field of view), as the paper. @default true */
  excludeBorder?: boolean;
  /** Columns to compute (`label` always comes). @default all of {@link GRAIN_PROPERTIES} */
  properties?: readonly GrainProperty[];
  /** Called with the fraction done (0..1) after each pass. */
  onProgress?: (fraction: number) => void;
}

/**
 * One row per grain: `label` plus the requested columns, each a typed array.
 * - `voxels` count, `volume` V (nm^3), `d` = (6 V / pi)^(1/3) (Eq. 8).
 * - `surfaceArea` a (nm^2): Crofton estimate in 13 directions (crofton.ts; within 1 % on
 *   digitised balls and ellipsoids of radius 8-20 voxels, see test/grains), `s` =
 *   (36 pi V^2)^(1/3) / a (Eq. 9).
 * - `convexVoxels`: voxels of the discrete convex hull (voxel centres inside or on the
 *   hull of the grain's voxel centres, hull.ts), `convexVolume` (nm^3), `c` = voxels /
 *   convexVoxels (Eq. 10; 1 for a digitally convex grain).
 * - PCA of the voxel-centre coordinates (nm, population covariance): eigenvalues
 *   `lambda1 <= lambda2 <= lambda3` (nm^2), `e` = sqrt(lambda1 / lambda3) (Eq. 13, NaN for
 *   a single voxel), major axis v3 (`majorZ, majorY, majorX`, majorZ >= 0) and its azimuth
 *   `phi` = atan2(vy, vx) in [-pi, pi) and polar angle `theta` = acos(vz) in [0, pi/2]
 *   (Eq. 14; z is the milling direction, slice index).
 * - `centroidZ/Y/X` (nm, voxel centres at index * spacing), bounding box `bboxZ0..bboxX1`
 *   (voxel indices, half-open as skimage's `bbox`), `border` (1 when the box touches the
 *   volume's border), `background` (1 when a face neighbour is background 0).
 * Moments come from one pass over the volume; the Crofton pass is a second one; the hull
 * of each grain uses only its row ends.
 * @param labels - Grain labels (uint8, uint16, int32, uint32; 0 = background).
 */
export function grainTable(labels: Volume, options: GrainTableOptions = {}): GrainTable {
  checkLabels(labels);
  const o = checkOptions(options, "options", [
    "spacing",
    "excludeBorder",
    "properties",
    "onProgress",
  ]);
  const spacing = o.spacing ?? labels.spacing;
  checkSpacing(spacing, "options.spacing");
  const excludeBorder = checkBoolean(o.excludeBorder ?? true, "options.excludeBorder");
  const props = o.properties ?? GRAIN_PROPERTIES;
  if (!Array.isArray(props))
    throw expectedError("options.properties", "an array of property names", props, TypeError);
  props.forEach((p, i) => checkOneOf(p, `options.properties[${i}]`, GRAIN_PROPERTIES));
  if (o.onProgress !== undefined && typeof o.onProgress !== "function")
    throw expectedError("options.onProgress", "a function", o.onProgress, TypeError);
  const want = new Set<GrainProperty>(props);
  const needSurface = want.has("surfaceArea") || want.has("s") || want.has("background");
  const needHull = want.has("convexVoxels") || want.has("convexVolume") || want.has("c");
  const progress = o.onProgress ?? (() => {});

  const index = labelIndex(labels);
  const m = momentsPass(labels, index, needHull);
  progress(needSurface || needHull ? 0.4 : 1);
  const crofton = needSurface ? croftonPass(labels, index, spacing, false) : null;
  if (needSurface) progress(needHull ? 0.7 : 1);

  const [nz, ny, nx] = labels.shape;
  const [lz, ly, lx] = m.lo;
  const [hz, hy, hx] = m.hi;
  const n = index.labels.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const touches =
      lz[i] === 0 || ly[i] === 0 || lx[i] === 0 || hz[i] === nz || hy[i] === ny || hx[i] === nx;
    if (!excludeBorder || !touches) keep.push(i);
  }
  const rows = keep.length;
  const col = () => new Float64Array(rows);
  const t: Record<string, Float64Array | Uint8Array> = { label: col() };
  for (const p of GRAIN_PROPERTIES)
    if (want.has(p)) t[p] = p === "border" || p === "background" ? new Uint8Array(rows) : col();
  const set = (name: GrainProperty, r: number, v: number) => {
    const c = t[name];
    if (c) c[r] = v;
  };
  const [dz, dy, dx] = spacing;
  const voxelVolume = dz * dy * dx;
  const hullPts: HullPoints = {
    x: new Float64Array(0),
    y: new Float64Array(0),
    z: new Float64Array(0),
    n: 0,
  };
  keep.forEach((i, r) => {
    t.label![r] = index.labels[i]!;
    const cnt = m.count[i]!;
    const V = cnt * voxelVolume;
    set("voxels", r, cnt);
    set("volume", r, V);
    set("d", r, Math.cbrt((6 * V) / Math.PI));
    const mz = m.s[0][i]! / cnt,
      my = m.s[1][i]! / cnt,
      mx = m.s[2][i]! / cnt;
    set("centroidZ", r, mz * dz);
    set("centroidY", r, my * dy);
    set("centroidX", r, mx * dx);
    const [szz, syy, sxx, szy, szx, syx] = m.ss;
    const czz = (szz[i]! / cnt - mz * mz) * dz * dz;
    const cyy = (syy[i]! / cnt - my * my) * dy * dy;
    const cxx = (sxx[i]! / cnt - mx * mx) * dx * dx;
    const czy = (szy[i]! / cnt - mz * my) * dz * dy;
    const czx = (szx[i]! / cnt - mz * mx) * dz * dx;
    const cyx = (syx[i]! / cnt - my * mx) * dy * dx;
    const { lambda, major } = pca(czz, czy, czx, cyy, cyx, cxx);
    set("lambda1", r, lambda[0]);
    set("lambda2", r, lambda[1]);
    set("lambda3", r, lambda[2]);
    const single = lambda[2] === 0;
    set("e", r, single ? NaN : Math.sqrt(lambda[0] / lambda[2]));
    const { phi, theta } = axisAngles(major);
    set("majorZ", r, single ? NaN : major[0]);
    set("majorY", r, single ? NaN : major[1]);
    set("majorX", r, single ? NaN : major[2]);
    set("phi", r, single ? NaN : phi);
    set("theta", r, single ? NaN : theta);
    set("bboxZ0", r, lz[i]!);
    set("bboxY0", r, ly[i]!);
    set("bboxX0", r, lx[i]!);
    set("bboxZ1", r, hz[i]!);
    set("bboxY1", r, hy[i]!);
    set("bboxX1", r, hx[i]!);
    set(
      "border",
      r,
      lz[i] === 0 || ly[i] === 0 || lx[i] === 0 || hz[i] === nz || hy[i] === ny || hx[i] === nx
        ? 1
        : 0,
    );
    if (crofton) {
      const a = crofton.area[i]!;
      set("surfaceArea", r, a);
      set("s", r, Math.cbrt(36 * Math.PI * V * V) / a);
      set("background", r, crofton.background[i]!);
    }
    if (needHull) {
      const h = hullVoxels(rowEnds(m, i, hullPts), cnt);
      set("convexVoxels", r, h);
      set("convexVolume", r, h * voxelVolume);
      set("c", r, cnt / h);
    }
  });
  progress(1);
  return t as GrainTable;
}

/**
 * Hull candidates of grain i: per slice z, the vertices of the 2D hull of its row ends (a
 * point that is not extreme in its own slice is not extreme in 3D). Rows come in (z, y)
 * order, so each slice's left ends (x0) give the chain of least x and the right ends (x1)
 * the chain of most x by one monotone-chain scan each. Coordinates are relative to the
 * grain's bounding box (so the hull's predicates stay exact). Reuses `p`'s buffers.
 */
function rowEnds(m: GrainMoments, i: number, p: HullPoints): HullPoints {
  const rows = m.rows!;
  const a = rows.start[i]!;
  const b = rows.start[i + 1]!;
  const need = 2 * (b - a);
  if (p.x.length < need) {
    p.x = new Float64Array(2 * need);
    p.y = new Float64Array(2 * need);
    p.z = new Float64Array(2 * need);
  }
  let k = 0;
  const { x: px, y: py, z: pz } = p;
  for (let s = a; s < b;) {
    const zAbs = rows.z[s]!;
    const z = zAbs - m.lo[0][i]!;
    let e = s;
    while (e < b && rows.z[e] === zAbs) e++;
    for (const side of [-1, 1]) {
      const xs = side < 0 ? rows.x0 : rows.x1;
      const first = k;
      for (let r = s; r < e; r++) {
        const y = rows.y[r]! - m.lo[1][i]!;
        const x = xs[r]! - m.lo[2][i]!;
        // Pop while the last two points and this one do not turn outwards (side -1: the
        // chain of least x bends towards -x; side 1 towards +x).
        while (k - first >= 2) {
          const oy = py[k - 2]!,
            ox = px[k - 2]!;
          const cr = (py[k - 1]! - oy) * (x - ox) - (px[k - 1]! - ox) * (y - oy);
          if (side * cr >= 0) k--;
          else break;
        }
        px[k] = x;
        py[k] = y;
        pz[k++] = z;
      }
    }
    s = e;
  }
  p.n = k;
  return p;
}
