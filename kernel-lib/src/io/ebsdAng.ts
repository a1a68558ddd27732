import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  checkSquareGrid, decodeText, laueOf, lineError, numberField,
  type EbsdMap, type EbsdPhase,
} from "./ebsdTypes.js";
import { checkHexCount, hexGridOption, resampleHex, type EbsdReadOptions } from "./ebsdHex.js";

const COLUMNS = "phi1 Phi phi2 x y IQ CI phase ...";
const EXTRA = ["SEM", "fit"];
/** OIM marks unindexed points with all three angles 4*pi. */
const FOUR_PI = 4 * Math.PI;

/**
 * Reads an EDAX/TSL OIM `.ang` EBSD map.
 *
 * The `#` header gives the phases (Phase n, MaterialName, Formula, Symmetry, LatticeConstants)
 * and the grid (GRID, XSTEP, YSTEP, NCOLS_ODD, NCOLS_EVEN, NROWS). When the grid lines are
 * absent (some converters, e.g. TEM ACOM exports, write only `GRID: SqrGrid`), the grid is
 * inferred from the x/y columns. Data rows have at least 8 numeric columns
 * (phi1 Phi phi2 x y IQ CI phase), optionally followed by SEM signal, fit and more.
 *
 * Hexagonal grids (`GRID: HexGrid`) are resampled to a square grid of the hex x step by
 * nearest neighbour (see ebsdHex.ts; `resampledFrom` records the original grid), or rejected
 * with an error when `options.hexGrid` is "reject".
 * Angles above 2*pi*1.01 (other than OIM's 4*pi unindexed marker) are rejected as likely degrees.
 * @param file - Path of the `.ang` file.
 * @param options - `hexGrid`: "resample" (default) or "reject".
 * @returns The map; step in micrometres as in the file (see {@link EbsdMap}).
 */
export async function readAng(file: string, options?: EbsdReadOptions): Promise<EbsdMap> {
  hexGridOption(options, "readAng");
  return parseAng(new Uint8Array(await readFile(file)), path.basename(file), options);
}

/** {@link readAng} on bytes already in memory; `name` is used in error messages and `file`. */
export function parseAng(bytes: Uint8Array, name: string, options?: EbsdReadOptions): EbsdMap {
  const hexGrid = hexGridOption(options, "parseAng");
  const text = decodeText(bytes, name, "an EDAX/TSL .ang file");
  const lines = text.split(/\r\n|\n|\r/);
  const header: Record<string, string> = {};
  const phases: EbsdPhase[] = [];
  let current: EbsdPhase | undefined;
  let n = 0;
  for (; n < lines.length; n++) {
    const line = lines[n];
    if (!line.startsWith("#")) {
      if (line.trim() === "" && n < lines.length - 1 && lines[n + 1].startsWith("#")) continue;
      break;
    }
    const body = line.slice(1).trim().replace(/#$/, "").trim();
    const m = /^([A-Za-z_][\w-]*)\s*:?\s*(.*)$/.exec(body);
    if (!m) continue;
    const [, key, value] = m;
    const v = value.trim();
    if (key === "Phase" && /^\d+$/.test(v)) {
      current = { id: Number(v), name: "", symmetry: "", laueClass: "unknown", crystalSystem: "unknown" };
      phases.push(current);
    } else if (key === "MaterialName" || key === "Formula" || key === "Symmetry" || key === "LatticeConstants") {
      if (!current) {
        current = { id: 1, name: "", symmetry: "", laueClass: "unknown", crystalSystem: "unknown" };
        phases.push(current);
      }
      if (key === "MaterialName") current.name = v;
      else if (key === "Formula") current.formula = v;
      else if (key === "Symmetry") Object.assign(current, { symmetry: v }, laueOf("ang", v));
      else {
        const nums = v.split(/\s+/).map(Number);
        if (nums.length >= 6 && nums.slice(0, 6).every(Number.isFinite))
          current.lattice = nums.slice(0, 6) as EbsdPhase["lattice"];
      }
    } else if (!(key in header)) header[key] = v;
  }
  if (n >= lines.length || lines.slice(n).every((l) => l.trim() === ""))
    throw lineError(name, 0, `no data rows after the header, expected rows of ${COLUMNS}`);

  const grid = header.GRID;
  const hex = grid !== undefined && /^HexGrid/i.test(grid);
  if (grid !== undefined && !/^SqrGrid/i.test(grid) && !(hex && hexGrid === "resample")) {
    if (hex)
      throw lineError(name, 0,
        "GRID: HexGrid: hexagonal grids are not supported with hexGrid: \"reject\"; use the default hexGrid: \"resample\" or re-export on a square grid (SqrGrid)");
    throw lineError(name, 0, `GRID: expected SqrGrid or HexGrid, received ${JSON.stringify(grid)}`);
  }

  // data rows
  const first = n;
  const rowsText: string[][] = [];
  let ncol = -1;
  for (; n < lines.length; n++) {
    const t = lines[n].trim();
    if (t === "") {
      if (lines.slice(n).every((l) => l.trim() === "")) break;
      throw lineError(name, n + 1, `empty line inside the data, expected ${ncol} numeric columns (${COLUMNS})`);
    }
    if (t.startsWith("#")) throw lineError(name, n + 1, `header line inside the data, expected ${ncol} numeric columns (${COLUMNS})`);
    const f = t.split(/\s+/);
    if (ncol < 0) {
      if (f.length < 8) throw lineError(name, n + 1, `expected at least 8 numeric columns (${COLUMNS}), received ${f.length}`);
      ncol = f.length;
    } else if (f.length !== ncol) {
      throw lineError(name, n + 1, `expected ${ncol} numeric columns (${COLUMNS}) as in line ${first + 1}, received ${f.length}`);
    }
    rowsText.push(f);
  }
  const count = rowsText.length;
  const lineOf = (i: number) => first + i + 1;
  const phi1 = new Float32Array(count), Phi = new Float32Array(count), phi2 = new Float32Array(count);
  const x = new Float32Array(count), y = new Float32Array(count);
  const phase = new Int32Array(count);
  const names = ["IQ", "CI", ...EXTRA];
  for (let k = 10; k < ncol; k++) names.push(`column${k + 1}`);
  const quality: Record<string, Float32Array> = {};
  for (const q of names.slice(0, ncol - 6)) quality[q] = new Float32Array(count);
  const qArrays = names.slice(0, ncol - 6).map((q) => quality[q]);
  const ANGLES = ["phi1", "Phi", "phi2"];
  for (let i = 0; i < count; i++) {
    const f = rowsText[i], line = lineOf(i);
    const a = [0, 1, 2].map((k) => numberField(f[k], name, line, ANGLES[k]));
    if (a.every((v) => Math.abs(v - FOUR_PI) < 1e-3)) {
      phi1[i] = Phi[i] = phi2[i] = NaN;
    } else {
      for (let k = 0; k < 3; k++)
        if (a[k] < -0.01 || a[k] > 2 * Math.PI * 1.01)
          throw lineError(name, line,
            `${ANGLES[k]} = ${a[k]} is outside 0..2pi: .ang Euler angles are radians (this looks like degrees)`);
      phi1[i] = a[0]; Phi[i] = a[1]; phi2[i] = a[2];
    }
    x[i] = numberField(f[3], name, line, "x");
    y[i] = numberField(f[4], name, line, "y");
    for (let k = 0; k < qArrays.length; k++)
      qArrays[k][i] = numberField(f[k === 0 ? 5 : k === 1 ? 6 : k + 6], name, line, names[k]);
    const p = numberField(f[7], name, line, "phase");
    if (!Number.isInteger(p) || p < 0) throw lineError(name, line, `phase: expected a non-negative integer id, received ${f[7]}`);
    phase[i] = p;
  }
  const known = new Set(phases.map((p) => p.id));
  for (let i = 0; i < count; i++)
    if (phase[i] !== 0 && !known.has(phase[i]))
      throw lineError(name, lineOf(i),
        `unknown phase id ${phase[i]}, expected 0 or one of the header phases [${[...known].join(", ")}]`);

  if (hex) {
    checkHexCount(header, count, name);
    return resampleHex({ file: name, format: "ang", unit: "um", phi1, Phi, phi2, x, y, phase, quality, phases, header }, lineOf);
  }
  const { rows, cols, step } = angGrid(header, x, y, name, first);
  if (rows * cols !== count)
    throw lineError(name, 0,
      `the header grid NROWS ${rows} x NCOLS ${cols} = ${rows * cols} points, received ${count} data rows`);
  checkSquareGrid(x, y, rows, cols, step, name, lineOf);
  return {
    file: name, format: "ang", rows, cols, grid: "square", step, unit: "um",
    phi1, Phi, phi2, x, y, phase, quality, phases, header,
  };
}

/** The grid from the header, or inferred from the coordinates when the header has none. */
function angGrid(
  header: Record<string, string>, x: Float32Array, y: Float32Array, name: string, first: number,
): { rows: number; cols: number; step: { x: number; y: number } } {
  const has = ["XSTEP", "YSTEP", "NCOLS_ODD", "NCOLS_EVEN", "NROWS"].filter((k) => k in header);
  if (has.length > 0) {
    const get = (k: string, integer: boolean) => {
      const v = Number(header[k]);
      if (header[k] === undefined || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v)))
        throw lineError(name, 0, `header ${k}: expected a positive ${integer ? "integer" : "number"}, received ${JSON.stringify(header[k] ?? "(missing)")}`);
      return v;
    };
    const odd = get("NCOLS_ODD", true), even = get("NCOLS_EVEN", true);
    if (odd !== even)
      throw lineError(name, 0,
        `NCOLS_ODD ${odd} != NCOLS_EVEN ${even}: a hexagonal grid, which is not supported (not resampled); re-export on a square grid`);
    return { rows: get("NROWS", true), cols: odd, step: { x: get("XSTEP", false), y: get("YSTEP", false) } };
  }
  // inferred: columns = points before y first changes
  let cols = 1;
  while (cols < x.length && y[cols] === y[0]) cols++;
  const rows = Math.floor(x.length / cols);
  if (rows * cols !== x.length)
    throw lineError(name, 0,
      `no grid in the header and ${x.length} data rows are not a whole number of rows of ${cols} points (from y of line ${first + 1})`);
  const sx = cols > 1 ? x[1] - x[0] : 1, sy = rows > 1 ? y[cols] - y[0] : sx;
  if (!(sx > 0) || !(sy > 0))
    throw lineError(name, first + 2, `no grid in the header and the x/y steps inferred from the data are not positive (x ${sx}, y ${sy})`);
  return { rows, cols, step: { x: sx, y: sy } };
}
