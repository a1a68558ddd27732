// Paper 2's Fig. 6: the descriptors drawn on one grain (its surface, discrete convex hull,
// PCA ellipsoid and major axis with the angles).
import { jacobiEigen3 } from "../../filters/eigen3.js";
import { quickhull } from "../../grains/hull.js";
import { marchBinary, meshTrace, sceneLayout, type TriangleMesh } from "../../plot/mesh3d.js";
import { baseLayout } from "../../plot/style.js";
import type { Figure, Trace } from "../../plot/types.js";
import { checkInteger, expectedError } from "../../util/checks.js";
import { checkVolume } from "../../volume/check.js";
import type { Volume } from "../../volume/types.js";

/** Options of {@link paper2GrainFigure}. */
export interface Paper2GrainFigureOptions {
  /** Descriptor values to print in the title (e.g. one row of grainTable). */
  descriptors?: Partial<Record<"d" | "s" | "c" | "e" | "phi" | "theta", number>>;
  width?: number;
  height?: number;
}

/**
 * One grain with what its descriptors measure (Paper 2, Fig. 6): the grain's surface
 * (marching cubes of its voxels), its convex hull (of the voxel centres, translucent),
 * the ellipsoid with the same second moments as the grain (semi-axes sqrt(5 lambda_i),
 * those of a solid ellipsoid of that covariance; wireframe) and the major axis v3 through
 * the centroid, whose azimuth phi and polar angle theta are the orientation descriptors.
 * Coordinates in nm, x y z = column, row, slice.
 * @param labels - Grain labels.
 * @param label - The grain to draw.
 * @see Furat et al., Fig. 6, Eqs. 8-14
 */
export function paper2GrainFigure(
  labels: Volume,
  label: number,
  options: Paper2GrainFigureOptions = {},
): Figure {
  checkVolume(labels, "labels", { dtypes: ["int32", "uint32", "uint16", "uint8"] });
  checkInteger(label, "label", 1);
  const [nz, ny, nx] = labels.shape;
  const [dz, dy, dx] = labels.spacing;
  const data = labels.data;
  // bounding box and the voxel centres (nm) of the grain
  let z0 = nz,
    y0 = ny,
    x0 = nx,
    z1 = -1,
    y1 = -1,
    x1 = -1;
  const pts: number[] = [];
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++)
        if (data[i] === label) {
          z0 = Math.min(z0, z);
          z1 = Math.max(z1, z);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          pts.push(x, y, z);
        }
  const n = pts.length / 3;
  if (n < 4)
    throw expectedError(
      `labels (grain ${label})`,
      "a grain of at least 4 voxels",
      `${n} voxels`,
      RangeError,
    );
  // the grain's surface, in a cropped copy padded by one voxel
  const cz = z1 - z0 + 3;
  const cy = y1 - y0 + 3;
  const cx = x1 - x0 + 3;
  const cropped = new Uint8Array(cz * cy * cx);
  for (let p = 0; p < n; p++) {
    const x = pts[3 * p]! - x0 + 1;
    const y = pts[3 * p + 1]! - y0 + 1;
    const z = pts[3 * p + 2]! - z0 + 1;
    cropped[(z * cy + y) * cx + x] = 1;
  }
  const surface = marchBinary(cropped, [cz, cy, cx], [dz, dy, dx], (v) => v === 1);
  const shift = [(x0 - 1) * dx, (y0 - 1) * dy, (z0 - 1) * dz];
  for (let v = 0; v < surface.positions.length; v++) surface.positions[v] += shift[v % 3]!;
  const traces: Trace[] = [
    meshTrace(surface, { name: `grain ${label}`, color: "#4c78a8", opacity: 1 }),
  ];
  // convex hull of the voxel centres
  const hp = {
    x: Float64Array.from({ length: n }, (_, p) => pts[3 * p]!),
    y: Float64Array.from({ length: n }, (_, p) => pts[3 * p + 1]!),
    z: Float64Array.from({ length: n }, (_, p) => pts[3 * p + 2]!),
    n,
  };
  const hull = quickhull(hp);
  if (hull) {
    const positions = new Float32Array(3 * n);
    for (let p = 0; p < n; p++) {
      positions[3 * p] = hp.x[p]! * dx;
      positions[3 * p + 1] = hp.y[p]! * dy;
      positions[3 * p + 2] = hp.z[p]! * dz;
    }
    const mesh: TriangleMesh = { positions, triangles: Uint32Array.from(hull.faces.flat()) };
    traces.push(
      meshTrace(mesh, { name: "convex hull", color: "#f58518", opacity: 0.25, flatshading: true }),
    );
  }
  // second moments (nm)
  const mean = [0, 0, 0];
  for (let p = 0; p < n; p++) {
    mean[0] += pts[3 * p]! * dx;
    mean[1] += pts[3 * p + 1]! * dy;
    mean[2] += pts[3 * p + 2]! * dz;
  }
  for (let a = 0; a < 3; a++) mean[a]! /= n;
  const cov = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const sp = [dx, dy, dz];
  for (let p = 0; p < n; p++) {
    const d = [0, 1, 2].map((a) => pts[3 * p + a]! * sp[a]! - mean[a]!);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) cov[a]![b]! += (d[a]! * d[b]!) / n;
  }
  const { values, vectors } = jacobiEigen3(cov);
  const semi = values.map((l) => Math.sqrt(5 * Math.max(0, l)));
  // ellipsoid wireframe: meridians and parallels
  const lines: { x: number[]; y: number[]; z: number[] } = { x: [], y: [], z: [] };
  const point = (u: number, w: number) => {
    const c = [Math.cos(u) * Math.sin(w), Math.sin(u) * Math.sin(w), Math.cos(w)];
    return [0, 1, 2].map(
      (a) => mean[a]! + vectors.reduce((s, vec, k) => s + vec[a]! * semi[k]! * c[k]!, 0),
    );
  };
  const push = (q: number[] | null) => {
    lines.x.push(q ? q[0]! : NaN);
    lines.y.push(q ? q[1]! : NaN);
    lines.z.push(q ? q[2]! : NaN);
  };
  for (let m = 0; m < 8; m++) {
    for (let k = 0; k <= 24; k++) push(point((m * Math.PI) / 4, (k * Math.PI) / 24));
    push(null);
  }
  for (let m = 1; m < 6; m++) {
    for (let k = 0; k <= 48; k++) push(point((k * 2 * Math.PI) / 48, (m * Math.PI) / 6));
    push(null);
  }
  traces.push({
    type: "scatter3d",
    mode: "lines",
    name: "PCA ellipsoid",
    ...lines,
    line: { color: "#54a24b", width: 2 },
    connectgaps: false,
    hoverinfo: "name",
  });
  // major axis through the centroid, pointing to +z (v3 with non-negative z component)
  let v3 = vectors[0]!;
  if (v3[2]! < 0) v3 = v3.map((c) => -c);
  const ends = [-1.25, 1.25].map((t) => [0, 1, 2].map((a) => mean[a]! + t * semi[0]! * v3[a]!));
  traces.push({
    type: "scatter3d",
    mode: "lines+markers",
    name: "major axis v3",
    x: ends.map((e) => e[0]),
    y: ends.map((e) => e[1]),
    z: ends.map((e) => e[2]),
    line: { color: "#e45756", width: 6 },
    marker: { size: 3, color: "#e45756" },
    hoverinfo: "name",
  });
  const dsc = options.descriptors ?? {};
  const fmt = (k: keyof typeof dsc, digits: number) =>
    dsc[k] !== undefined ? `${k} = ${dsc[k]!.toFixed(digits)}` : undefined;
  const title = [
    `grain ${label}`,
    fmt("d", 0) && `${fmt("d", 0)} nm`,
    fmt("s", 3),
    fmt("c", 3),
    fmt("e", 3),
    fmt("phi", 2),
    fmt("theta", 2),
  ]
    .filter(Boolean)
    .join(", ");
  return {
    data: traces,
    layout: {
      ...baseLayout({ title, width: options.width ?? 760, height: options.height ?? 620 }),
      scene: sceneLayout({}),
      showlegend: true,
    },
  };
}
