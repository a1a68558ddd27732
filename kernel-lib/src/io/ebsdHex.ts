/**
 * Hexagonal-grid EBSD maps resampled to a square grid (nearest neighbour), for the readers
 * {@link readAng} and {@link readCtf}.
 *
 * A hex grid has rows `hy = sx * sqrt(3) / 2` apart whose points are `sx` apart, every other
 * row shifted by `sx / 2` (EDAX/TSL `GRID: HexGrid` writes NCOLS_ODD points in the first row
 * and NCOLS_EVEN = NCOLS_ODD - 1 in the shifted ones; Oxford writes the same count per row).
 * The square grid has the step `sx` (the hex x step) in both x and y, starts at the first
 * point (x0, y0) and covers x0 .. the largest x and y0 .. the last row's y: rows at
 * y0 + k sx, columns at x0 + c sx. Each square point takes every channel (angles, phase,
 * quality) of its nearest hex point (Euclidean; ties: the earlier point in the file). No
 * interpolation, so orientations are never averaged. The result records the original grid in
 * `resampledFrom`.
 */
import { expectedError } from "../util/checks.js";
import { lineError, type EbsdMap } from "./ebsdTypes.js";

/** Options of the EBSD readers. */
export interface EbsdReadOptions {
  /** What to do with a hexagonal grid: resample it to a square grid, or throw. @default "resample" */
  hexGrid?: "resample" | "reject";
}

/** The `hexGrid` option, checked. */
export function hexGridOption(options: EbsdReadOptions | undefined, fn: string): "resample" | "reject" {
  if (options === undefined) return "resample";
  if (options === null || typeof options !== "object")
    throw expectedError(`${fn} options`, "an object { hexGrid }", options, TypeError);
  for (const k of Object.keys(options))
    if (k !== "hexGrid") throw new RangeError(`\`${fn} options.${k}\` is not an option; expected hexGrid`);
  const v = options.hexGrid ?? "resample";
  if (v !== "resample" && v !== "reject")
    throw expectedError(`${fn} options.hexGrid`, `"resample" or "reject"`, v);
  return v;
}

/** True when the second row (points after y first changes) starts half an x step right of the first. */
export function looksHexagonal(x: Float32Array, y: Float32Array): boolean {
  let n0 = 1;
  while (n0 < x.length && y[n0] === y[0]) n0++;
  if (n0 < 2 || n0 >= x.length) return false;
  const sx = x[1] - x[0];
  return sx > 0 && Math.abs(x[n0] - x[0] - sx / 2) <= 0.02 * sx;
}

type Points = Omit<EbsdMap, "rows" | "cols" | "grid" | "step" | "resampledFrom">;

/**
 * Resamples a hex-grid map (points in file order, row by row) to the square grid described in
 * the module comment. Throws, naming the line, when the points are not a hex grid.
 */
export function resampleHex(p: Points, lineOf: (i: number) => number): EbsdMap {
  const { x, y, file } = p;
  const n = x.length;
  // rows: runs of equal y
  const start: number[] = [], len: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0 || y[i] !== y[i - 1]) { start.push(i); len.push(0); }
    len[len.length - 1]++;
  }
  const R = start.length;
  const sx = x[1] - x[0];
  if (R < 2 || !(sx > 0))
    throw lineError(file, lineOf(0), `hexagonal grid: expected at least 2 rows of 2 points, received ${R} row(s), x step ${sx}`);
  const hy = y[start[1]] - y[0];
  if (!(hy > 0)) throw lineError(file, lineOf(start[1]), `hexagonal grid: expected rows with increasing y, received a y step of ${hy}`);
  const tol = 0.02 * sx;
  for (let r = 0; r < R; r++) {
    const s = start[r];
    const ex0 = x[0] + (r % 2 === 1 ? sx / 2 : 0);
    if (Math.abs(x[s] - ex0) > tol || Math.abs(y[s] - y[0] - r * hy) > 0.02 * hy)
      throw lineError(file, lineOf(s),
        `hexagonal grid: row ${r} should start at (x ${+ex0.toPrecision(7)}, y ${+(y[0] + r * hy).toPrecision(7)}), ` +
          `received (x ${+x[s].toPrecision(7)}, y ${+y[s].toPrecision(7)})`);
    for (let c = 1; c < len[r]; c++)
      if (Math.abs(x[s + c] - x[s] - c * sx) > tol)
        throw lineError(file, lineOf(s + c),
          `hexagonal grid: x ${+x[s + c].toPrecision(7)}, expected ${+(x[s] + c * sx).toPrecision(7)} (row ${r}, step ${sx})`);
  }
  let xmax = -Infinity;
  for (let r = 0; r < R; r++) xmax = Math.max(xmax, x[start[r] + len[r] - 1]);
  const cols = Math.floor((xmax - x[0]) / sx + 1e-6) + 1;
  const rows = Math.floor((y[start[R - 1]] - y[0]) / sx + 1e-6) + 1;
  const pick = new Int32Array(rows * cols);
  for (let k = 0; k < rows; k++) {
    const Y = y[0] + k * sx;
    const rc = Math.round((Y - y[0]) / hy);
    for (let c = 0; c < cols; c++) {
      const X = x[0] + c * sx;
      let best = -1, bestD = Infinity;
      for (let r = Math.max(0, rc - 1); r <= Math.min(R - 1, rc + 1); r++) {
        const s = start[r];
        const j = s + Math.min(len[r] - 1, Math.max(0, Math.round((X - x[s]) / sx)));
        for (const i of [j - 1, j, j + 1]) {
          if (i < s || i >= s + len[r]) continue;
          const d = (x[i] - X) ** 2 + (y[i] - Y) ** 2;
          if (d < bestD || (d === bestD && i < best)) { bestD = d; best = i; }
        }
      }
      pick[k * cols + c] = best;
    }
  }
  const take = <T extends Float32Array | Int32Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(pick.length);
    for (let i = 0; i < pick.length; i++) out[i] = a[pick[i]];
    return out;
  };
  const gx = new Float32Array(rows * cols), gy = new Float32Array(rows * cols);
  for (let k = 0; k < rows; k++)
    for (let c = 0; c < cols; c++) { gx[k * cols + c] = x[0] + c * sx; gy[k * cols + c] = y[0] + k * sx; }
  const quality: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(p.quality)) quality[k] = take(v);
  return {
    file, format: p.format, rows, cols, grid: "square", step: { x: sx, y: sx }, unit: "um",
    phi1: take(p.phi1), Phi: take(p.Phi), phi2: take(p.phi2), x: gx, y: gy, phase: take(p.phase),
    quality, phases: p.phases, header: p.header,
    resampledFrom: { grid: "hex", rows: R, points: n, step: { x: sx, y: hy } },
  };
}

/** Checks a hex `.ang` point count against its header (NROWS, NCOLS_ODD, NCOLS_EVEN), when present. */
export function checkHexCount(header: Record<string, string>, count: number, file: string): void {
  const nr = Number(header.NROWS), odd = Number(header.NCOLS_ODD), even = Number(header.NCOLS_EVEN);
  if (![nr, odd, even].every((v) => Number.isInteger(v) && v > 0)) return;
  const expected = Math.ceil(nr / 2) * odd + Math.floor(nr / 2) * even;
  if (expected !== count)
    throw lineError(file, 0,
      `HexGrid: NROWS ${nr} with NCOLS_ODD ${odd} / NCOLS_EVEN ${even} = ${expected} points, received ${count} data rows`);
}
