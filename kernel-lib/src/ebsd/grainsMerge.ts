/**
 * Helpers of {@link grainsFromOrientations}: small-grain merging and mean orientations.
 * @internal
 */
import type { CrystalSymmetry } from "./symmetry.js";

/** The input of the grain reconstruction as flat arrays (z, y, x raster order). */
export interface Field {
  nz: number;
  ny: number;
  nx: number;
  spacing: [number, number, number];
  phi1: Float32Array;
  Phi: Float32Array;
  phi2: Float32Array;
  /** Resolved phase per point, 0 = no orientation. */
  phase: Int32Array;
  sym: Map<number, CrystalSymmetry>;
  conf: Float32Array | null;
  minConf: number;
  mad: Float32Array | null;
  maxMad: number;
  connectivity: number;
}

/**
 * Merges grains below minSize into their largest neighbouring grain of the same phase
 * (smallest grains first, ties by id; sizes as they stand when a grain's turn comes), or drops
 * them (0) when they have none; then renumbers 1..count in raster order. Edits `labels`.
 */
export function mergeSmall(
  f: Field, offs: number[][], labels: Int32Array, count: number, minSize: number,
): { merged: number; dropped: number } {
  const { nz, ny, nx, phase } = f;
  const n = labels.length;
  const size = new Int32Array(count + 1), gphase = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) { size[labels[i]]++; gphase[labels[i]] = phase[i]; }
  let merged = 0, dropped = 0;
  const root = new Int32Array(count + 1);
  for (let g = 0; g <= count; g++) root[g] = g;
  if (minSize > 1) {
    const small = new Map<number, Set<number>>();
    for (let g = 1; g <= count; g++) if (size[g] < minSize) small.set(g, new Set());
    if (small.size > 0) {
      forEachPair(nz, ny, nx, offs, (i, j) => {
        const a = labels[i], b = labels[j];
        if (a === b || a === 0 || b === 0 || gphase[a] !== gphase[b]) return;
        small.get(a)?.add(b);
        small.get(b)?.add(a);
      });
      const find = (g: number) => {
        while (root[g] !== g) { root[g] = root[root[g]]; g = root[g]; }
        return g;
      };
      const order = [...small.keys()].sort((a, b) => size[a] - size[b] || a - b);
      for (const g of order) {
        if (find(g) !== g || size[g] >= minSize) continue;
        let best = -1;
        for (const h of small.get(g)!) {
          const r = find(h);
          if (r === g || r === 0) continue;
          if (best < 0 || size[r] > size[best] || (size[r] === size[best] && r < best)) best = r;
        }
        if (best < 0) { root[g] = 0; dropped++; continue; }
        root[g] = best;
        size[best] += size[g];
        const into = small.get(best);
        if (into) for (const h of small.get(g)!) into.add(h);
        merged++;
      }
      for (let g = 1; g <= count; g++) root[g] = find(g);
    }
  }
  // renumber in raster order
  const next = new Int32Array(count + 1).fill(-1);
  next[0] = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const r = root[labels[i]];
    if (next[r] < 0) next[r] = r === 0 ? 0 : ++k;
    labels[i] = next[r];
  }
  return { merged, dropped };
}

/**
 * Per-grain phase, size and mean orientation: each point's quaternion is moved to the symmetric
 * equivalent S q nearest (largest |dot|) to a reference, sign-aligned and summed; the reference
 * is the grain's first point, then the first mean (two passes). dot(S q, r) = dot(q, S* r), so
 * each pass costs one 4-vector dot product per operator per point.
 */
export function grainMeans(
  f: Field, labels: Int32Array, q: Float32Array,
): { count: number; phase: Int32Array; size: Int32Array; orientation: Float64Array } {
  let count = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] > count) count = labels[i];
  const phase = new Int32Array(count + 1), size = new Int32Array(count + 1);
  const ref = new Float64Array(4 * (count + 1));
  for (let i = 0; i < labels.length; i++) {
    const g = labels[i];
    if (g === 0) continue;
    if (size[g]++ === 0) { phase[g] = f.phase[i]; for (let c = 0; c < 4; c++) ref[4 * g + c] = q[4 * i + c]; }
  }
  let sum = new Float64Array(4 * (count + 1));
  for (let pass = 0; pass < 2; pass++) {
    // rk[g][k] = S_k* ref_g, for every grain and operator
    const rk = new Map<number, Float64Array>();
    for (let g = 1; g <= count; g++) {
      const ops = f.sym.get(phase[g])!.ops;
      const out = new Float64Array(ops.length);
      const [rw, rx, ry, rz] = ref.subarray(4 * g, 4 * g + 4);
      for (let k = 0; k < ops.length; k += 4) {
        const w = ops[k], x = -ops[k + 1], y = -ops[k + 2], z = -ops[k + 3];
        out[k] = w * rw - x * rx - y * ry - z * rz;
        out[k + 1] = w * rx + x * rw + y * rz - z * ry;
        out[k + 2] = w * ry - x * rz + y * rw + z * rx;
        out[k + 3] = w * rz + x * ry - y * rx + z * rw;
      }
      rk.set(g, out);
    }
    sum = new Float64Array(4 * (count + 1));
    for (let i = 0; i < labels.length; i++) {
      const g = labels[i];
      if (g === 0) continue;
      const r = rk.get(g)!, ops = f.sym.get(phase[g])!.ops;
      const qw = q[4 * i], qx = q[4 * i + 1], qy = q[4 * i + 2], qz = q[4 * i + 3];
      let best = -1, bk = 0, bs = 1;
      for (let k = 0; k < r.length; k += 4) {
        const d = qw * r[k] + qx * r[k + 1] + qy * r[k + 2] + qz * r[k + 3];
        if (Math.abs(d) > best) { best = Math.abs(d); bk = k; bs = d < 0 ? -1 : 1; }
      }
      // S q with S = ops[bk], times the sign
      const w = ops[bk], x = ops[bk + 1], y = ops[bk + 2], z = ops[bk + 3];
      sum[4 * g] += bs * (w * qw - x * qx - y * qy - z * qz);
      sum[4 * g + 1] += bs * (w * qx + x * qw + y * qz - z * qy);
      sum[4 * g + 2] += bs * (w * qy - x * qz + y * qw + z * qx);
      sum[4 * g + 3] += bs * (w * qz + x * qy - y * qx + z * qw);
    }
    for (let g = 1; g <= count; g++) {
      const b = 4 * g;
      let nrm = Math.hypot(sum[b], sum[b + 1], sum[b + 2], sum[b + 3]);
      if (!(nrm > 0)) nrm = 1;
      const s = sum[b] < 0 ? -1 / nrm : 1 / nrm;
      for (let c = 0; c < 4; c++) ref[b + c] = sum[b + c] * s;
    }
  }
  return { count, phase, size, orientation: ref };
}

/** Calls fn(i, j) for each neighbour pair once (j after i in the forward offsets). */
export function forEachPair(nz: number, ny: number, nx: number, offs: number[][], fn: (i: number, j: number) => void): void {
  for (const [dz, dy, dx] of offs) {
    const d = (dz * ny + dy) * nx + dx;
    const y0 = Math.max(0, -dy), y1 = Math.min(ny, ny - dy), x0 = Math.max(0, -dx), x1 = Math.min(nx, nx - dx);
    for (let z = 0; z < nz - dz; z++)
      for (let y = y0; y < y1; y++) {
        const row = (z * ny + y) * nx;
        for (let x = x0; x < x1; x++) fn(row + x, row + x + d);
      }
  }
}

