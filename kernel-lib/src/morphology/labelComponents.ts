import type { Shape3, VoxelArray } from "../volume/types.js";

/** Voxel connectivity in 3D: faces (6), faces and edges (18), faces, edges and corners (26). */
export type Connectivity = 6 | 18 | 26;

/** The neighbours scanned before a voxel in raster order, as [dz, dy, dx], for a connectivity. */
export function backwardNeighbours(connectivity: Connectivity): [number, number, number][] {
  const list: [number, number, number][] = [];
  for (let dz = -1; dz <= 0; dz++) {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if (dz === 0 && (dy > 0 || (dy === 0 && dx >= 0))) continue;
        const order = Math.abs(dz) + Math.abs(dy) + Math.abs(dx);
        if (
          order === 1 ||
          (order === 2 && connectivity >= 18) ||
          (order === 3 && connectivity === 26)
        )
          list.push([dz, dy, dx]);
      }
    }
  }
  return list;
}

function find(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    const g = parent[parent[a]!]!;
    parent[a] = g;
    a = g;
  }
  return a;
}

/**
 * Two-pass union-find labelling in one thread: raster scan giving each
 * foreground voxel the provisional label of its first labelled backward
 * neighbour (or a new one) and joining the others (the root of a set is its
 * smallest label), then one pass writing final labels numbered in raster
 * order of each component's first voxel (scipy.ndimage.label's numbering).
 *
 * @param src - Voxels, x fastest.
 * @param shape - `[nz, ny, nx]`.
 * @param connectivity - 6, 18 or 26.
 * @param multi - Components of equal non-zero values (as cc3d) instead of non-zero voxels.
 * @param out - Receives the labels (0 = background).
 * @returns The number of components.
 * @internal
 */
export function labelComponents(
  src: VoxelArray,
  shape: Shape3,
  connectivity: Connectivity,
  multi: boolean,
  out: Int32Array,
): number {
  const [nz, ny, nx] = shape;
  const plane = ny * nx;
  const nbrs = backwardNeighbours(connectivity);
  let parent = new Int32Array(1024);
  let next = 1;
  const offs = new Int32Array(nbrs.length);
  const dxs = new Int32Array(nbrs.length);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      // Neighbours valid for this row (dz, dy within the volume); dx checked per voxel.
      let m = 0;
      for (const [dz, dy, dx] of nbrs) {
        if (z + dz < 0 || y + dy < 0 || y + dy >= ny) continue;
        offs[m] = dz * plane + dy * nx + dx;
        dxs[m] = dx;
        m++;
      }
      // With 26 neighbours, a foreground left neighbour is already joined to every backward
      // neighbour except those at dx = +1 (the first m1 after sorting).
      let m1 = 0;
      if (connectivity === 26) {
        for (let k = 0; k < m; k++) {
          if (dxs[k] === 1) {
            const o = offs[k]!;
            offs[k] = offs[m1]!;
            dxs[k] = dxs[m1]!;
            offs[m1] = o;
            dxs[m1] = 1;
            m1++;
          }
        }
      }
      const row = z * plane + y * nx;
      for (let x = 0; x < nx; x++) {
        const i = row + x;
        const v = src[i]!;
        if (v === 0) {
          out[i] = 0;
          continue;
        }
        let cur = 0;
        let kEnd = m;
        if (m1 > 0 && x > 0 && out[i - 1] !== 0 && (!multi || src[i - 1] === v)) {
          cur = out[i - 1]!;
          kEnd = x === nx - 1 ? 0 : m1;
        }
        for (let k = 0; k < kEnd; k++) {
          const dx = dxs[k]!;
          if ((dx < 0 && x === 0) || (dx > 0 && x === nx - 1)) continue;
          const j = i + offs[k]!;
          const lj = out[j]!;
          if (lj === 0 || lj === cur || (multi && src[j] !== v)) continue;
          if (cur === 0) cur = find(parent, lj);
          else {
            const a = find(parent, cur);
            const b = find(parent, lj);
            if (a < b) parent[b] = a;
            else if (b < a) parent[a] = b;
            cur = a < b ? a : b;
          }
        }
        if (cur === 0) {
          if (next >= parent.length) {
            const grown = new Int32Array(parent.length * 2);
            grown.set(parent);
            parent = grown;
          }
          parent[next] = next;
          cur = next++;
        }
        out[i] = cur;
      }
    }
  }
  // Final numbering: roots in increasing order (= raster order of first voxels).
  const final = new Int32Array(next);
  let count = 0;
  for (let l = 1; l < next; l++) {
    const r = find(parent, l);
    final[l] = r === l ? ++count : final[r]!;
  }
  for (let i = 0; i < out.length; i++) out[i] = final[out[i]!]!;
  return count;
}
