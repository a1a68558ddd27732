// Discrete convex hull of a grain: the number of voxel centres inside or on the 3D convex
// hull of the grain's voxel centres (scikit-image's `convex_hull_image` with
// `offset_coordinates=False`, counted). The hull is found by quickhull (Barber, Dobkin &
// Huhdanpaa 1996) on integer coordinates with exact predicates (exact while the grain's
// bounding box is below 2^15 voxels a side, so that every determinant is an exact double);
// its voxels are counted slice by slice: the hull meets the plane z = k in a convex polygon
// bounded by the faces' cuts, whose rows are filled between their least and most x.

/** A point set in integer voxel coordinates, as parallel arrays. */
export interface HullPoints {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  n: number;
}

/** Faces of a hull: triangles `a[f], b[f], c[f]` (point indices), outward. */
export interface Hull {
  faces: number[][];
  /** Volume of the continuous hull (voxel units). */
  volume: number;
}

/**
 * Convex hull of points in general position or not (coplanar points on a face are
 * left out of its triangulation, which keeps the hull exact). Returns null when all points
 * lie in one plane.
 */
export function quickhull(p: HullPoints): Hull | null {
  const { x, y, z, n } = p;
  if (n < 4) return null;
  // Initial simplex: the farthest pair among the axis extremes, the point farthest from
  // their line, the point farthest from their plane.
  const ext: number[] = [0, 0, 0, 0, 0, 0];
  for (let i = 1; i < n; i++) {
    if (x[i]! < x[ext[0]!]!) ext[0] = i;
    if (x[i]! > x[ext[1]!]!) ext[1] = i;
    if (y[i]! < y[ext[2]!]!) ext[2] = i;
    if (y[i]! > y[ext[3]!]!) ext[3] = i;
    if (z[i]! < z[ext[4]!]!) ext[4] = i;
    if (z[i]! > z[ext[5]!]!) ext[5] = i;
  }
  let i0 = 0;
  let i1 = 0;
  let best = -1;
  for (const a of ext)
    for (const b of ext) {
      const d = (x[a]! - x[b]!) ** 2 + (y[a]! - y[b]!) ** 2 + (z[a]! - z[b]!) ** 2;
      if (d > best) [best, i0, i1] = [d, a, b];
    }
  if (best <= 0) return null;
  const ux = x[i1]! - x[i0]!,
    uy = y[i1]! - y[i0]!,
    uz = z[i1]! - z[i0]!;
  let i2 = -1;
  best = 0;
  for (let i = 0; i < n; i++) {
    const vx = x[i]! - x[i0]!,
      vy = y[i]! - y[i0]!,
      vz = z[i]! - z[i0]!;
    const cx = uy * vz - uz * vy,
      cy = uz * vx - ux * vz,
      cz = ux * vy - uy * vx;
    const d = cx * cx + cy * cy + cz * cz;
    if (d > best) [best, i2] = [d, i];
  }
  if (i2 < 0) return null;
  const orient = (a: number, b: number, c: number, q: number): number => {
    const ax = x[a]!,
      ay = y[a]!,
      az = z[a]!;
    const bx = x[b]! - ax,
      by = y[b]! - ay,
      bz = z[b]! - az;
    const cx = x[c]! - ax,
      cy = y[c]! - ay,
      cz = z[c]! - az;
    const qx = x[q]! - ax,
      qy = y[q]! - ay,
      qz = z[q]! - az;
    return qx * (by * cz - bz * cy) + qy * (bz * cx - bx * cz) + qz * (bx * cy - by * cx);
  };
  let i3 = -1;
  best = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(orient(i0, i1, i2, i));
    if (d > best) [best, i3] = [d, i];
  }
  if (i3 < 0) return null;

  // Faces: vertex triples a, b, c (outward), their neighbours across the edges a-b, b-c,
  // c-a, alive flags and outside sets.
  const fa: number[] = [],
    fb: number[] = [],
    fc: number[] = [];
  const nb: number[][] = [[], [], []];
  const alive: boolean[] = [];
  const mark: number[] = [];
  const outside: (number[] | null)[] = [];
  const addFace = (a: number, b: number, c: number): number => {
    const f = fa.length;
    fa.push(a);
    fb.push(b);
    fc.push(c);
    nb[0]!.push(-1);
    nb[1]!.push(-1);
    nb[2]!.push(-1);
    alive.push(true);
    mark.push(0);
    outside.push(null);
    return f;
  };
  const simplex = [i0, i1, i2, i3];
  for (const [a, b, c, o] of [
    [i0, i1, i2, i3],
    [i0, i3, i1, i2],
    [i1, i3, i2, i0],
    [i2, i3, i0, i1],
  ] as const) {
    if (orient(a, b, c, o) > 0) addFace(a, c, b);
    else addFace(a, b, c);
  }
  // Link the simplex: faces sharing an edge (u, v) hold it in opposite directions.
  for (let f = 0; f < 4; f++)
    for (let e = 0; e < 3; e++) {
      const vs = [fa[f]!, fb[f]!, fc[f]!];
      const u = vs[e]!,
        v = vs[(e + 1) % 3]!;
      for (let g = 0; g < 4; g++) {
        const ws = [fa[g]!, fb[g]!, fc[g]!];
        for (let j = 0; j < 3; j++) if (ws[j] === v && ws[(j + 1) % 3] === u) nb[e]![f] = g;
      }
    }
  const assign = (q: number, faces: number[]): void => {
    for (const f of faces) {
      if (orient(fa[f]!, fb[f]!, fc[f]!, q) > 0) {
        (outside[f] ??= []).push(q);
        return;
      }
    }
  };
  const first = [0, 1, 2, 3];
  for (let i = 0; i < n; i++) if (!simplex.includes(i)) assign(i, first);

  // Per point: the new face whose horizon edge starts / ends there (valid within one step).
  const startOf = new Int32Array(n);
  const endOf = new Int32Array(n);
  let epoch = 0;
  const stack = first.slice();
  while (stack.length > 0) {
    const f = stack.pop()!;
    const out = outside[f];
    if (!alive[f] || !out || out.length === 0) continue;
    // The farthest outside point of f (same normal, so the raw determinant ranks them).
    let apex = out[0]!;
    let far = -1;
    for (const q of out) {
      const d = orient(fa[f]!, fb[f]!, fc[f]!, q);
      if (d > far) [far, apex] = [d, q];
    }
    // Faces visible from the apex (a connected set), and the horizon edges around them:
    // u, v, the face beyond and which of its edges faces back. mark: 2 epoch = visible,
    // 2 epoch + 1 = seen and not visible.
    epoch++;
    const vis = 2 * epoch;
    const visible: number[] = [f];
    mark[f] = vis;
    const horizon: number[] = [];
    for (let h = 0; h < visible.length; h++) {
      const g = visible[h]!;
      const vs = [fa[g]!, fb[g]!, fc[g]!];
      for (let e = 0; e < 3; e++) {
        const other = nb[e]![g]!;
        if (mark[other]! < vis) {
          const seesIt = orient(fa[other]!, fb[other]!, fc[other]!, apex) > 0;
          mark[other] = seesIt ? vis : vis + 1;
          if (seesIt) visible.push(other);
        }
        if (mark[other] === vis + 1) {
          const j = nb[0]![other] === g ? 0 : nb[1]![other] === g ? 1 : 2;
          horizon.push(vs[e]!, vs[(e + 1) % 3]!, other, j);
        }
      }
    }
    const orphans: number[] = [];
    for (const g of visible) {
      alive[g] = false;
      for (const q of outside[g] ?? []) if (q !== apex) orphans.push(q);
      outside[g] = null;
    }
    const made: number[] = [];
    for (let h = 0; h < horizon.length; h += 4) {
      const u = horizon[h]!,
        v = horizon[h + 1]!,
        other = horizon[h + 2]!,
        j = horizon[h + 3]!;
      const g = addFace(u, v, apex);
      nb[0]![g] = other;
      nb[j]![other] = g;
      startOf[u] = g;
      endOf[v] = g;
      made.push(g);
    }
    for (const g of made) {
      nb[1]![g] = startOf[fb[g]!]!;
      nb[2]![g] = endOf[fa[g]!]!;
    }
    for (const q of orphans) assign(q, made);
    for (const g of made) if (outside[g]) stack.push(g);
  }
  const faces: number[][] = [];
  let volume = 0;
  for (let f = 0; f < fa.length; f++) {
    if (!alive[f]) continue;
    const a = fa[f]!,
      b = fb[f]!,
      c = fc[f]!;
    faces.push([a, b, c]);
    volume += orient(i0, a, b, c);
  }
  return { faces, volume: volume / 6 };
}

const EPS = 1e-9;

/** Lattice points inside or on the convex polygon of the points (xs[i], ys[i]). */
export function latticeCount2d(xs: number[], ys: number[]): number {
  const m = xs.length;
  if (m === 0) return 0;
  // Monotone chain (Andrew 1979) on the points sorted by x then y.
  const order = Array.from({ length: m }, (_, i) => i).sort(
    (a, b) => xs[a]! - xs[b]! || ys[a]! - ys[b]!,
  );
  const cross = (o: number, a: number, b: number) =>
    (xs[a]! - xs[o]!) * (ys[b]! - ys[o]!) - (ys[a]! - ys[o]!) * (xs[b]! - xs[o]!);
  const chain: number[] = [];
  for (const pass of [order, order.slice().reverse()]) {
    const start = chain.length;
    for (const i of pass) {
      while (
        chain.length >= start + 2 &&
        cross(chain[chain.length - 2]!, chain[chain.length - 1]!, i) <= EPS
      )
        chain.pop();
      chain.push(i);
    }
    chain.pop();
  }
  if (chain.length === 0) chain.push(order[0]!);
  let ylo = Infinity;
  let yhi = -Infinity;
  for (const i of chain) {
    ylo = Math.min(ylo, ys[i]!);
    yhi = Math.max(yhi, ys[i]!);
  }
  const y0 = Math.ceil(ylo - EPS);
  const y1 = Math.floor(yhi + EPS);
  if (y1 < y0) return 0;
  const lo = new Float64Array(y1 - y0 + 1).fill(Infinity);
  const hi = new Float64Array(y1 - y0 + 1).fill(-Infinity);
  const put = (yi: number, xv: number) => {
    const r = yi - y0;
    if (xv < lo[r]!) lo[r] = xv;
    if (xv > hi[r]!) hi[r] = xv;
  };
  const h = chain.length;
  for (let e = 0; e < h; e++) {
    const a = chain[e]!;
    const b = chain[(e + 1) % h]!;
    const ax = xs[a]!,
      ay = ys[a]!,
      bx = xs[b]!,
      by = ys[b]!;
    const ya = Math.ceil(Math.min(ay, by) - EPS);
    const yb = Math.floor(Math.max(ay, by) + EPS);
    for (let yi = ya; yi <= yb; yi++) {
      if (Math.abs(by - ay) <= EPS) {
        put(yi, ax);
        put(yi, bx);
      } else {
        const t = Math.min(1, Math.max(0, (yi - ay) / (by - ay)));
        put(yi, ax + t * (bx - ax));
      }
    }
  }
  let count = 0;
  for (let r = 0; r < lo.length; r++) {
    if (hi[r]! < lo[r]!) continue;
    const c = Math.floor(hi[r]! + EPS) - Math.ceil(lo[r]! - EPS) + 1;
    if (c > 0) count += c;
  }
  return count;
}

/**
 * Lattice points inside or on a 3D hull. The hull meets the plane z = k in a convex polygon
 * whose boundary is made of the faces' cuts by the plane, so each row y of the plane is
 * filled between the least and most x of those cuts at y (faces lying in the plane add
 * their edges). No sorting: each face visits only the planes it spans.
 */
export function latticeCount3d(p: HullPoints, hull: Hull): number {
  const { x, y, z } = p;
  let zlo = Infinity,
    zhi = -Infinity,
    ylo = Infinity,
    yhi = -Infinity;
  for (const f of hull.faces)
    for (const v of f) {
      zlo = Math.min(zlo, z[v]!);
      zhi = Math.max(zhi, z[v]!);
      ylo = Math.min(ylo, y[v]!);
      yhi = Math.max(yhi, y[v]!);
    }
  const ny = yhi - ylo + 1;
  const size = (zhi - zlo + 1) * ny;
  const lo = new Float64Array(size).fill(Infinity);
  const hi = new Float64Array(size).fill(-Infinity);
  let base = 0;
  const put = (yi: number, xv: number) => {
    const r = base + yi - ylo;
    if (xv < lo[r]!) lo[r] = xv;
    if (xv > hi[r]!) hi[r] = xv;
  };
  // Rasterise the segment (ax, ay)-(bx, by) of the current plane into its rows.
  const segment = (ax: number, ay: number, bx: number, by: number) => {
    const y0 = Math.ceil(Math.min(ay, by) - EPS);
    const y1 = Math.floor(Math.max(ay, by) + EPS);
    if (Math.abs(by - ay) <= EPS) {
      for (let yi = y0; yi <= y1; yi++) {
        put(yi, ax);
        put(yi, bx);
      }
      return;
    }
    for (let yi = y0; yi <= y1; yi++) {
      const t = Math.min(1, Math.max(0, (yi - ay) / (by - ay)));
      put(yi, ax + t * (bx - ax));
    }
  };
  const cx = [0, 0, 0, 0];
  const cy = [0, 0, 0, 0];
  for (const f of hull.faces) {
    const a = f[0]!,
      b = f[1]!,
      c = f[2]!;
    const za = z[a]!,
      zb = z[b]!,
      zc = z[c]!;
    const k0 = Math.min(za, zb, zc);
    const k1 = Math.max(za, zb, zc);
    for (let k = k0; k <= k1; k++) {
      base = (k - zlo) * ny;
      if (za === k && zb === k && zc === k) {
        segment(x[a]!, y[a]!, x[b]!, y[b]!);
        segment(x[b]!, y[b]!, x[c]!, y[c]!);
        segment(x[c]!, y[c]!, x[a]!, y[a]!);
        continue;
      }
      let m = 0;
      for (let e = 0; e < 3; e++) {
        const u = f[e]!,
          v = f[(e + 1) % 3]!;
        const zu = z[u]!,
          zv = z[v]!;
        if (zu === k) {
          cx[m] = x[u]!;
          cy[m++] = y[u]!;
        } else if ((zu < k && zv > k) || (zu > k && zv < k)) {
          const t = (k - zu) / (zv - zu);
          cx[m] = x[u]! + t * (x[v]! - x[u]!);
          cy[m++] = y[u]! + t * (y[v]! - y[u]!);
        }
      }
      if (m === 1) segment(cx[0]!, cy[0]!, cx[0]!, cy[0]!);
      else if (m >= 2) segment(cx[0]!, cy[0]!, cx[1]!, cy[1]!);
    }
  }
  let count = 0;
  for (let r = 0; r < size; r++) {
    if (hi[r]! < lo[r]!) continue;
    const c = Math.floor(hi[r]! + EPS) - Math.ceil(lo[r]! - EPS) + 1;
    if (c > 0) count += c;
  }
  return count;
}

/**
 * Voxels of the discrete convex hull of a point set in integer voxel coordinates (see the
 * file comment). Points in one axis-aligned plane are counted in that plane; points in one
 * oblique plane (a rare thin grain) return `fallback` (the grain's own voxel count).
 */
export function hullVoxels(p: HullPoints, fallback: number): number {
  const hull = quickhull(p);
  if (hull) return latticeCount3d(p, hull);
  const { x, y, z, n } = p;
  const constant = (a: Float64Array) => a.subarray(0, n).every((v) => v === a[0]);
  const arr = (a: Float64Array) => Array.from(a.subarray(0, n));
  if (constant(z)) return latticeCount2d(arr(x), arr(y));
  if (constant(y)) return latticeCount2d(arr(x), arr(z));
  if (constant(x)) return latticeCount2d(arr(y), arr(z));
  return fallback;
}
