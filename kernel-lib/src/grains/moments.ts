// One pass over an instance volume, run by run along x: voxel count, first and second
// moments of the voxel-centre coordinates and bounding box of every grain, and (when
// asked) each grain's x extent per row, which is all the convex hull needs.
import type { Volume } from "../volume/types.js";
import type { LabelIndex } from "./labelIndex.js";

/** Raw moments (voxel index units) per grain, by compact index. */
export interface GrainMoments {
  count: Float64Array;
  /** Sums of z, y, x. */
  s: [Float64Array, Float64Array, Float64Array];
  /** Sums of zz, yy, xx, zy, zx, yx. */
  ss: [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  /** Bounding box, inclusive min and exclusive max, z y x. */
  lo: [Int32Array, Int32Array, Int32Array];
  hi: [Int32Array, Int32Array, Int32Array];
  /** Rows of each grain when asked: `rowStart[i]..rowStart[i + 1]` index z, y, x0, x1 (inclusive). */
  rows: { start: Int32Array; z: Int32Array; y: Int32Array; x0: Int32Array; x1: Int32Array } | null;
}

const f64 = (n: number) => new Float64Array(n);

/** Moments and bounding boxes of all grains; with `wantRows` also their row extents. */
export function momentsPass(labels: Volume, index: LabelIndex, wantRows: boolean): GrainMoments {
  const [nz, ny, nx] = labels.shape;
  const L = labels.data;
  const n = index.labels.length;
  const count = f64(n);
  const sz = f64(n),
    sy = f64(n),
    sx = f64(n);
  const szz = f64(n),
    syy = f64(n),
    sxx = f64(n),
    szy = f64(n),
    szx = f64(n),
    syx = f64(n);
  const lz = new Int32Array(n).fill(nz),
    ly = new Int32Array(n).fill(ny),
    lx = new Int32Array(n).fill(nx);
  const hz = new Int32Array(n),
    hy = new Int32Array(n),
    hx = new Int32Array(n);
  const dense = index.dense;
  const idx = dense ? (l: number) => dense[l]! : index.indexOf;
  // Row extents: one entry per (grain, row), grown as needed.
  let cap = wantRows ? 1 << 16 : 0;
  let rg = new Int32Array(cap),
    rz = new Int32Array(cap),
    ry = new Int32Array(cap);
  let r0 = new Int32Array(cap),
    r1 = new Int32Array(cap);
  let nRows = 0;
  const lastRow = wantRows ? new Int32Array(n).fill(-1) : new Int32Array(0);
  const lastSlot = wantRows ? new Int32Array(n) : new Int32Array(0);
  const grow = (): void => {
    cap *= 2;
    const g = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    rg = g(rg);
    rz = g(rz);
    ry = g(ry);
    r0 = g(r0);
    r1 = g(r1);
  };
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = (z * ny + y) * nx;
      const rowId = z * ny + y;
      let x = 0;
      while (x < nx) {
        const l = L[row + x]!;
        let e = x + 1;
        while (e < nx && L[row + e] === l) e++;
        if (l !== 0) {
          const i = idx(l);
          const m = e - x;
          // sum of x over [x, e) and of x^2
          const s1 = (m * (x + e - 1)) / 2;
          const s2 = ((e - 1) * e * (2 * e - 1) - (x - 1) * x * (2 * x - 1)) / 6;
          count[i] += m;
          sz[i] += m * z;
          sy[i] += m * y;
          sx[i] += s1;
          szz[i] += m * z * z;
          syy[i] += m * y * y;
          sxx[i] += s2;
          szy[i] += m * z * y;
          szx[i] += z * s1;
          syx[i] += y * s1;
          if (z < lz[i]!) lz[i] = z;
          if (z + 1 > hz[i]!) hz[i] = z + 1;
          if (y < ly[i]!) ly[i] = y;
          if (y + 1 > hy[i]!) hy[i] = y + 1;
          if (x < lx[i]!) lx[i] = x;
          if (e > hx[i]!) hx[i] = e;
          if (wantRows) {
            if (lastRow[i] === rowId) r1[lastSlot[i]!] = e - 1;
            else {
              if (nRows === cap) grow();
              rg[nRows] = i;
              rz[nRows] = z;
              ry[nRows] = y;
              r0[nRows] = x;
              r1[nRows] = e - 1;
              lastRow[i] = rowId;
              lastSlot[i] = nRows++;
            }
          }
        }
        x = e;
      }
    }
  }
  let rows: GrainMoments["rows"] = null;
  if (wantRows) {
    // Counting sort of the row entries by grain (stable: rows stay in z, y order).
    const start = new Int32Array(n + 1);
    for (let r = 0; r < nRows; r++) start[rg[r]! + 1]!++;
    for (let i = 0; i < n; i++) start[i + 1] += start[i]!;
    const fill = start.slice(0, n);
    const oz = new Int32Array(nRows),
      oy = new Int32Array(nRows);
    const o0 = new Int32Array(nRows),
      o1 = new Int32Array(nRows);
    for (let r = 0; r < nRows; r++) {
      const p = fill[rg[r]!]!++;
      oz[p] = rz[r]!;
      oy[p] = ry[r]!;
      o0[p] = r0[r]!;
      o1[p] = r1[r]!;
    }
    rows = { start, z: oz, y: oy, x0: o0, x1: o1 };
  }
  return {
    count,
    s: [sz, sy, sx],
    ss: [szz, syy, sxx, szy, szx, syx],
    lo: [lz, ly, lx],
    hi: [hz, hy, hx],
    rows,
  };
}
