import type { Shape3, Spacing3 } from "../volume/types.js";

/** An indexed triangle mesh in physical coordinates (x, y, z per vertex). */
export interface TriangleMesh {
  /** Vertex coordinates, `[x0, y0, z0, x1, y1, z1, ...]` (units of the spacing, nm). */
  positions: Float32Array;
  /** Triangles as vertex indices `[a0, b0, c0, a1, ...]`, counter-clockwise seen from outside. */
  triangles: Uint32Array;
}

// Cube corner c has offset (x, y, z) = (c & 1, (c >> 1) & 1, c >> 2).
const corner = (c: number): [number, number, number] => [c & 1, (c >> 1) & 1, c >> 2];

/** The 12 cube edges as [lower corner, axis (0 = x, 1 = y, 2 = z)]. */
const EDGES: [number, number][] = [];
for (let axis = 0; axis < 3; axis++)
  for (let c = 0; c < 8; c++) if ((c & (1 << axis)) === 0) EDGES.push([c, axis]);

function edgeBetween(a: number, b: number): number {
  const lo = Math.min(a, b);
  const axis = Math.log2(a ^ b);
  return EDGES.findIndex(([c, ax]) => c === lo && ax === axis);
}

/** The 6 faces as corner cycles, counter-clockwise seen from outside the cube. */
function faceCycles(): number[][] {
  const faces: number[][] = [];
  for (let axis = 0; axis < 3; axis++) {
    for (const side of [0, 1]) {
      const [u, v] = [0, 1, 2].filter((a) => a !== axis) as [number, number];
      const at = (du: number, dv: number) => (side << axis) | (du << u) | (dv << v);
      const cycle = [at(0, 0), at(1, 0), at(1, 1), at(0, 1)];
      // (q1 - q0) x (q2 - q1) must point along the outward normal (+axis for side 1).
      const [p0, p1, p2] = cycle.map(corner) as [number, number, number][];
      const d1 = p1.map((x, i) => x - p0[i]!);
      const d2 = p2.map((x, i) => x - p1[i]!);
      const normal = [
        d1[1]! * d2[2]! - d1[2]! * d2[1]!,
        d1[2]! * d2[0]! - d1[0]! * d2[2]!,
        d1[0]! * d2[1]! - d1[1]! * d2[0]!,
      ];
      if (normal[axis]! * (side === 1 ? 1 : -1) < 0) cycle.reverse();
      faces.push(cycle);
    }
  }
  return faces;
}

/** Whether cube edges `a` and `b` lie on a common face of the cube. */
function shareFace(a: number, b: number): boolean {
  const [ca, xa] = EDGES[a]!;
  const [cb, xb] = EDGES[b]!;
  for (let axis = 0; axis < 3; axis++)
    if (axis !== xa && axis !== xb && ((ca >> axis) & 1) === ((cb >> axis) & 1)) return true;
  return false;
}

/**
 * Triangulate a loop of cube-edge points by clipping ears, never with a diagonal between two
 * points on one cube face: the neighbouring cube joins such points by a segment of its own,
 * and the mesh would not be manifold there. Falls back to a fan when no such triangulation
 * exists.
 */
function triangulateLoop(loop: number[]): number[] {
  const clip = (poly: number[]): number[] | undefined => {
    if (poly.length === 3) return poly;
    for (let i = 0; i < poly.length; i++) {
      const prev = poly[(i + poly.length - 1) % poly.length]!;
      const next = poly[(i + 1) % poly.length]!;
      if (shareFace(prev, next)) continue;
      const rest = clip(poly.filter((_, k) => k !== i));
      if (rest) return [prev, poly[i]!, next, ...rest];
    }
    return undefined;
  };
  const tris = clip(loop);
  if (tris) return tris;
  const fan: number[] = [];
  for (let i = 1; i + 1 < loop.length; i++) fan.push(loop[0]!, loop[i]!, loop[i + 1]!);
  return fan;
}

/**
 * Triangles (as cube-edge triples) for each of the 256 inside/outside patterns of a cube's
 * corners, derived rather than tabulated: on each face the iso-line joins the edge where the
 * boundary enters the inside corners (going counter-clockwise seen from outside) to the next
 * edge where it leaves, so on an ambiguous face the two inside corners are kept apart (the
 * inside is face-connected, as 6-connectivity). The face segments chain into closed loops
 * around the cube (each cut edge starts one segment and ends another), and each loop is
 * triangulated (see triangulateLoop), oriented so that normals point away from the inside.
 */
function buildTable(): Uint8Array[] {
  const faces = faceCycles();
  const table: Uint8Array[] = [];
  for (let code = 0; code < 256; code++) {
    const inside = (c: number) => ((code >> c) & 1) === 1;
    const next = new Int8Array(12).fill(-1);
    for (const cycle of faces) {
      const enter: number[] = [];
      const leave: number[] = [];
      const order: { edge: number; enters: boolean }[] = [];
      for (let i = 0; i < 4; i++) {
        const a = cycle[i]!;
        const b = cycle[(i + 1) % 4]!;
        if (inside(a) === inside(b)) continue;
        order.push({ edge: edgeBetween(a, b), enters: inside(b) });
      }
      for (let i = 0; i < order.length; i++) {
        if (!order[i]!.enters) continue;
        for (let j = 1; j < order.length; j++) {
          const o = order[(i + j) % order.length]!;
          if (!o.enters) {
            enter.push(order[i]!.edge);
            leave.push(o.edge);
            break;
          }
        }
      }
      for (let s = 0; s < enter.length; s++) next[enter[s]!] = leave[s]!;
    }
    const tris: number[] = [];
    const seen = new Uint8Array(12);
    for (let start = 0; start < 12; start++) {
      if (next[start] === -1 || seen[start]) continue;
      const loop: number[] = [];
      for (let e = start; !seen[e]; e = next[e]!) {
        seen[e] = 1;
        loop.push(e);
      }
      tris.push(...triangulateLoop(loop));
    }
    table.push(Uint8Array.from(tris));
  }
  return table;
}

let TABLE: Uint8Array[] | undefined;

/** The derived marching-cubes table (cube-edge triples per corner pattern). @internal */
export function marchingCubesTable(): Uint8Array[] {
  TABLE ??= buildTable();
  return TABLE;
}

/** A growable typed buffer. */
class Grow<T extends Float32Array | Uint32Array> {
  length = 0;
  constructor(public data: T) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const b = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      b.set(this.data);
      this.data = b;
    }
    this.data[this.length++] = v;
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/**
 * Marching cubes of a binary field: the surface between voxels where `inside(value)` holds
 * and the rest, at level 1/2 (every vertex is the midpoint of a cube edge, as
 * `skimage.measure.marching_cubes(mask, 0.5)`). Voxel `(z, y, x)` has its centre at
 * `((x + 1/2) dx, (y + 1/2) dy, (z + 1/2) dz)`; outside the volume counts as outside, so
 * the surface is closed. Vertices are shared between cubes (an indexed, watertight mesh).
 *
 * @param data - Voxel values, C order `[nz, ny, nx]`.
 * @param inside - Which values are inside (e.g. `v === label`).
 */
export function marchBinary(
  data: ArrayLike<number>,
  shape: Shape3,
  spacing: Spacing3,
  inside: (v: number) => boolean,
): TriangleMesh {
  const [nz, ny, nx] = shape;
  const [dz, dy, dx] = spacing;
  const table = marchingCubesTable();
  // Padded 0/1 corners: padded (k, j, i) is voxel (k - 1, j - 1, i - 1).
  const PY = ny + 2;
  const PX = nx + 2;
  const plane = PY * PX;
  const pad = new Uint8Array((nz + 2) * plane);
  let any = false;
  for (let z = 0, s = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      const row = ((z + 1) * PY + y + 1) * PX + 1;
      for (let x = 0; x < nx; x++, s++)
        if (inside(data[s]!)) {
          pad[row + x] = 1;
          any = true;
        }
    }
  const positions = new Grow(new Float32Array(any ? 3 * 4096 : 3));
  const triangles = new Grow(new Uint32Array(any ? 3 * 8192 : 3));
  if (!any) return { positions: positions.done(), triangles: triangles.done() };
  // Vertex ids of the edges of one cube layer: x and y edges of its lower and upper corner
  // planes, z edges between them (-1 = not made yet).
  let lowX = new Int32Array(plane).fill(-1);
  let lowY = new Int32Array(plane).fill(-1);
  let upX = new Int32Array(plane).fill(-1);
  let upY = new Int32Array(plane).fill(-1);
  const midZ = new Int32Array(plane);
  let vertices = 0;
  let kz = 0;
  const vertex = (k: number, j: number, i: number, axis: number): number => {
    const store = axis === 2 ? midZ : k === 0 ? (axis === 0 ? lowX : lowY) : axis === 0 ? upX : upY;
    const p = j * PX + i;
    let id = store[p]!;
    if (id < 0) {
      id = vertices++;
      store[p] = id;
      positions.push((i + (axis === 0 ? 0.5 : 0) - 0.5) * dx);
      positions.push((j + (axis === 1 ? 0.5 : 0) - 0.5) * dy);
      positions.push((kz + k + (axis === 2 ? 0.5 : 0) - 0.5) * dz);
    }
    return id;
  };
  for (kz = 0; kz <= nz; kz++) {
    midZ.fill(-1);
    const b0 = kz * plane;
    const b1 = b0 + plane;
    for (let j = 0; j <= ny; j++) {
      for (let i = 0; i <= nx; i++) {
        const p = j * PX + i;
        const code =
          pad[b0 + p]! |
          (pad[b0 + p + 1]! << 1) |
          (pad[b0 + p + PX]! << 2) |
          (pad[b0 + p + PX + 1]! << 3) |
          (pad[b1 + p]! << 4) |
          (pad[b1 + p + 1]! << 5) |
          (pad[b1 + p + PX]! << 6) |
          (pad[b1 + p + PX + 1]! << 7);
        if (code === 0 || code === 255) continue;
        const tri = table[code]!;
        for (let t = 0; t < tri.length; t++) {
          const [c, axis] = EDGES[tri[t]!]!;
          triangles.push(vertex(c >> 2, j + ((c >> 1) & 1), i + (c & 1), axis));
        }
      }
    }
    [lowX, upX] = [upX, lowX];
    [lowY, upY] = [upY, lowY];
    upX.fill(-1);
    upY.fill(-1);
  }
  return { positions: positions.done(), triangles: triangles.done() };
}

/** Sum of `term(a, b, c)` over the triangles of a mesh, given each corner's [x, y, z]. */
function sumTriangles(
  mesh: TriangleMesh,
  term: (a: number[], b: number[], c: number[]) => number,
): number {
  const p = mesh.positions;
  const t = mesh.triangles;
  const at = (k: number) => [p[3 * k]!, p[3 * k + 1]!, p[3 * k + 2]!];
  let sum = 0;
  for (let n = 0; n < t.length; n += 3) sum += term(at(t[n]!), at(t[n + 1]!), at(t[n + 2]!));
  return sum;
}

/** Total triangle area of a mesh. */
export function meshArea(mesh: TriangleMesh): number {
  return sumTriangles(mesh, ([ax, ay, az], [bx, by, bz], [cx, cy, cz]) => {
    const [ux, uy, uz] = [bx! - ax!, by! - ay!, bz! - az!];
    const [vx, vy, vz] = [cx! - ax!, cy! - ay!, cz! - az!];
    return Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx) / 2;
  });
}

/** Enclosed volume of a closed, outward-oriented mesh (divergence theorem). */
export function meshVolume(mesh: TriangleMesh): number {
  const triple = ([ax, ay, az]: number[], [bx, by, bz]: number[], [cx, cy, cz]: number[]) =>
    ax! * (by! * cz! - bz! * cy!) + ay! * (bz! * cx! - bx! * cz!) + az! * (bx! * cy! - by! * cx!);
  return sumTriangles(mesh, triple) / 6;
}
