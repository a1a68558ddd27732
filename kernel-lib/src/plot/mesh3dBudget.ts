import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import { decimateMesh } from "./mesh3dDecimate.js";
import { marchBinary, type TriangleMesh } from "./mesh3dMarch.js";

/**
 * Default triangle budget of a 3D figure: 200,000 triangles in total. A plotly `mesh3d`
 * figure of that size is about 3.5 MB as binary (base64) arrays and turns smoothly in
 * JupyterLab; a million triangles makes rotation lag and the notebook file large.
 */
export const DEFAULT_TRIANGLE_BUDGET = 200_000;

/**
 * Block-majority downsampling of a label volume: each `factor^3` block (smaller at the far
 * edges) becomes its most frequent label; on a tie a non-zero label wins over 0, else the
 * smaller label. The spacing grows by `factor`, the physical extent is kept (up to the
 * partial last block).
 */
export function blockMode(labels: Volume, factor: number): Volume<Int32Array> {
  const [nz, ny, nx] = labels.shape;
  const f = factor;
  const [oz, oy, ox] = [Math.ceil(nz / f), Math.ceil(ny / f), Math.ceil(nx / f)];
  const out = new Int32Array(oz * oy * ox);
  const src = labels.data;
  const block = new Int32Array(f * f * f);
  for (let bz = 0, o = 0; bz < oz; bz++)
    for (let by = 0; by < oy; by++)
      for (let bx = 0; bx < ox; bx++, o++) {
        let m = 0;
        for (let z = bz * f; z < Math.min(nz, bz * f + f); z++)
          for (let y = by * f; y < Math.min(ny, by * f + f); y++) {
            const row = (z * ny + y) * nx;
            for (let x = bx * f; x < Math.min(nx, bx * f + f); x++) block[m++] = src[row + x]!;
          }
        const values = block.subarray(0, m).sort();
        let best = values[0]!;
        let bestCount = 0;
        for (let s = 0; s < m;) {
          let e = s + 1;
          while (e < m && values[e] === values[s]) e++;
          const count = e - s;
          if (count > bestCount || (count === bestCount && best === 0)) {
            best = values[s]!;
            bestCount = count;
          }
          s = e;
        }
        out[o] = best;
      }
  const spacing = labels.spacing.map((d) => d * f) as Spacing3;
  return { data: out, shape: [oz, oy, ox], spacing };
}

/**
 * Voxel faces between label `l` and anything else (other labels, 0, outside the volume),
 * per label in `classes`. Marching cubes of a binary volume makes two triangles per such
 * face for a closed surface of genus 0 (Euler: T = 2V - 4, one vertex per face), so
 * `2 * faces` is the triangle count before it is meshed.
 */
export function boundaryFaces(labels: Volume, classes: readonly number[]): number[] {
  const [nz, ny, nx] = labels.shape;
  const d = labels.data;
  const index = new Map(classes.map((c, k) => [c, k]));
  const faces = new Array<number>(classes.length).fill(0);
  const add = (v: number) => {
    const k = index.get(v);
    if (k !== undefined) faces[k]!++;
  };
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        const v = d[i]!;
        if (x === 0) add(v);
        if (x === nx - 1) add(v);
        else if (d[i + 1] !== v) {
          add(v);
          add(d[i + 1]!);
        }
        if (y === 0) add(v);
        if (y === ny - 1) add(v);
        else if (d[i + nx] !== v) {
          add(v);
          add(d[i + nx]!);
        }
        if (z === 0) add(v);
        if (z === nz - 1) add(v);
        else if (d[i + nx * ny] !== v) {
          add(v);
          add(d[i + nx * ny]!);
        }
      }
  return faces;
}

/** Result of {@link meshLabels}. */
export interface LabelMeshes {
  /** One mesh per requested label, in the order asked. */
  meshes: { label: number; mesh: TriangleMesh }[];
  /** Block-majority downsampling factor applied before meshing (1 = full resolution). */
  factor: number;
  /** Side of the vertex-clustering cells of the decimation (mesh units, nm); 0 = not decimated. */
  cell: number;
  /** Triangles at full resolution (2 per boundary voxel face, see {@link boundaryFaces}). */
  fullTriangles: number;
  /** Triangles of the returned meshes. */
  triangles: number;
}

/** At most this many times the budget of triangles are marched before decimation. */
const MARCH_FACTOR = 16;

/**
 * Meshes of the surfaces of some labels of a label volume within a triangle budget. Each
 * label is meshed by marching cubes ({@link marchBinary}) and, when the meshes exceed the
 * budget, decimated by vertex clustering ({@link decimateMesh}) with the smallest cell (in
 * steps of 25 %) whose result fits: the surfaces keep their shape to about one cell. Only
 * when the full-resolution surface would exceed 16 times the budget is the volume first
 * coarsened by block majority (the smallest factor that brings it under that), which bounds
 * the time and memory of marching a large volume.
 */
export function meshLabels(
  labels: Volume,
  classes: readonly number[],
  budget: number = DEFAULT_TRIANGLE_BUDGET,
): LabelMeshes {
  const full = boundaryFaces(labels, classes).reduce((a, b) => a + 2 * b, 0);
  let factor = 1;
  let vol: Volume = labels;
  const marchBudget = MARCH_FACTOR * budget;
  if (full > marchBudget) {
    factor = Math.max(2, Math.floor(Math.sqrt(full / marchBudget)));
    for (;;) {
      vol = blockMode(labels, factor);
      const predicted = boundaryFaces(vol, classes).reduce((a, b) => a + 2 * b, 0);
      if (predicted <= marchBudget || vol.data.length === 1) break;
      factor++;
    }
  }
  let meshes = classes.map((label) => ({
    label,
    mesh: marchBinary(vol.data, vol.shape as Shape3, vol.spacing, (v) => v === label),
  }));
  const count = (ms: typeof meshes) => ms.reduce((a, m) => a + m.mesh.triangles.length / 3, 0);
  let triangles = count(meshes);
  let cell = 0;
  if (triangles > budget) {
    const voxel = Math.min(...vol.spacing);
    let k = Math.max(1.25, Math.sqrt(triangles / budget));
    for (;;) {
      cell = k * voxel;
      const decimated = meshes.map(({ label, mesh }) => ({
        label,
        mesh: decimateMesh(mesh, cell),
      }));
      const t = count(decimated);
      if (t <= budget || t === 0) {
        meshes = decimated;
        triangles = t;
        break;
      }
      k *= 1.25;
    }
  }
  return { meshes, factor, cell, fullTriangles: full, triangles };
}

/**
 * Mesh each instance label separately inside its bounding box (plus a one-voxel margin), so
 * that many particles cost about one pass over the volume. Positions are in the volume's
 * physical frame.
 */
export function meshInstances(labels: Volume, count: number): TriangleMesh[] {
  const [nz, ny, nx] = labels.shape;
  const d = labels.data;
  const lo = new Int32Array(3 * (count + 1)).fill(2 ** 30);
  const hi = new Int32Array(3 * (count + 1)).fill(-1);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        const l = d[i]!;
        if (l <= 0 || l > count) continue;
        const b = 3 * l;
        if (z < lo[b]!) lo[b] = z;
        if (y < lo[b + 1]!) lo[b + 1] = y;
        if (x < lo[b + 2]!) lo[b + 2] = x;
        if (z > hi[b]!) hi[b] = z;
        if (y > hi[b + 1]!) hi[b + 1] = y;
        if (x > hi[b + 2]!) hi[b + 2] = x;
      }
  const [dz, dy, dx] = labels.spacing;
  const meshes: TriangleMesh[] = [];
  for (let l = 1; l <= count; l++) {
    const b = 3 * l;
    if (hi[b]! < 0) {
      meshes.push({ positions: new Float32Array(0), triangles: new Uint32Array(0) });
      continue;
    }
    const [z0, y0, x0] = [lo[b]!, lo[b + 1]!, lo[b + 2]!];
    const shape: Shape3 = [hi[b]! - z0 + 1, hi[b + 1]! - y0 + 1, hi[b + 2]! - x0 + 1];
    const crop = new Int32Array(shape[0] * shape[1] * shape[2]);
    for (let z = 0, o = 0; z < shape[0]; z++)
      for (let y = 0; y < shape[1]; y++) {
        const row = ((z + z0) * ny + y + y0) * nx + x0;
        for (let x = 0; x < shape[2]; x++) crop[o++] = d[row + x]!;
      }
    const mesh = marchBinary(crop, shape, labels.spacing, (v) => v === l);
    const p = mesh.positions;
    for (let v = 0; v < p.length; v += 3) {
      p[v] = p[v]! + x0 * dx;
      p[v + 1] = p[v + 1]! + y0 * dy;
      p[v + 2] = p[v + 2]! + z0 * dz;
    }
    meshes.push(mesh);
  }
  return meshes;
}
