import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  checkSquareGrid, decodeText, laueOf, lineError, numberField,
  type EbsdMap, type EbsdPhase,
} from "./ebsdTypes.js";
import { hexGridOption, looksHexagonal, resampleHex, type EbsdReadOptions } from "./ebsdHex.js";

const REQUIRED = ["Phase", "X", "Y", "Euler1", "Euler2", "Euler3"];
const DEG = Math.PI / 180;

/**
 * Reads an Oxford HKL Channel 5 `.ctf` EBSD map.
 *
 * Header: `Channel Text File`, then tab-separated `key value` lines (Prj, Author, JobMode,
 * XCells, YCells, XStep, YStep, ...), `Phases n` and n phase lines
 * (`a;b;c  alpha;beta;gamma  name  LaueGroup  SpaceGroup ...`), then the table header
 * (`Phase X Y Bands Error Euler1 Euler2 Euler3 MAD BC BS`) and one row per point.
 * Columns are found by name; Phase, X, Y and Euler1..3 are required, the others are quality
 * channels. Euler angles are degrees in the file and radians in the result. When the rows
 * have fewer values than the table header has names (and the required columns are among
 * them), the trailing names are dropped and listed in `header.MissingColumns`.
 *
 * The file does not flag hexagonal grids: a map whose odd rows are shifted by half a step is
 * resampled to a square grid of the x step by nearest neighbour (see ebsdHex.ts;
 * `resampledFrom` records the original grid), or rejected when `options.hexGrid` is "reject".
 * @param file - Path of the `.ctf` file.
 * @param options - `hexGrid`: "resample" (default) or "reject".
 * @returns The map; step in micrometres as in the file (see {@link EbsdMap}).
 */
export async function readCtf(file: string, options?: EbsdReadOptions): Promise<EbsdMap> {
  hexGridOption(options, "readCtf");
  return parseCtf(new Uint8Array(await readFile(file)), path.basename(file), options);
}

/** {@link readCtf} on bytes already in memory; `name` is used in error messages and `file`. */
export function parseCtf(bytes: Uint8Array, name: string, options?: EbsdReadOptions): EbsdMap {
  const hexGrid = hexGridOption(options, "parseCtf");
  const text = decodeText(bytes, name, "an Oxford .ctf file");
  const lines = text.split(/\r\n|\n|\r/);
  if (!/^Channel Text File/i.test(lines[0].trim()))
    throw lineError(name, 1, `expected "Channel Text File" (Oxford .ctf), received ${JSON.stringify(lines[0].slice(0, 40))}`);
  const header: Record<string, string> = {};
  const phases: EbsdPhase[] = [];
  let n = 1;
  for (; n < lines.length; n++) {
    const f = lines[n].split("\t");
    if (f[0].trim() === "Phase" && f.length > 1 && f[1].trim() === "X") break;
    const key = f[0].trim();
    if (key === "Phases") {
      const count = Number(f[1]);
      if (!Number.isInteger(count) || count < 0 || count > 1000)
        throw lineError(name, n + 1, `Phases: expected a phase count, received ${JSON.stringify((f[1] ?? "").slice(0, 40))}`);
      for (let k = 0; k < count; k++) {
        n++;
        if (n >= lines.length) throw lineError(name, n, `truncated phase table: expected ${count} phase lines, received ${k}`);
        phases.push(ctfPhase(lines[n], k + 1, name, n + 1));
      }
    } else if (key !== "" && !(key in header)) header[key] = f.slice(1).join("\t").trim();
  }
  if (n >= lines.length)
    throw lineError(name, 0, `no table header, expected a line "${"Phase X Y Bands Error Euler1 Euler2 Euler3 MAD BC BS".replace(/ /g, "\\t")}"`);
  const headerLine = n + 1;
  const columns = lines[n].split("\t").map((s) => s.trim());
  const index: Record<string, number> = {};
  columns.forEach((c, i) => { if (!(c in index)) index[c] = i; });
  const missing = REQUIRED.filter((c) => !(c in index));
  if (missing.length > 0)
    throw lineError(name, headerLine, `table header lacks ${missing.join(", ")}, expected columns ${REQUIRED.join(" ")} ...`);
  // Some exports (e.g. MTEX's testdata_*.ctf) list more names than their rows have values:
  // when the first row is shorter, the trailing names are dropped (recorded in
  // header.MissingColumns) if the required columns remain.
  const firstRow = (lines[n + 1] ?? "").trim().split(/\s+/);
  if (firstRow.length < columns.length && firstRow.length > Math.max(...REQUIRED.map((c) => index[c]))) {
    header.MissingColumns = columns.slice(firstRow.length).join(" ");
    columns.length = firstRow.length;
  }
  const qualityNames = columns.filter((c, i) => c !== "" && !REQUIRED.includes(c) && index[c] === i);

  const rowsText: string[][] = [];
  const first = n + 1;
  for (n = first; n < lines.length; n++) {
    const t = lines[n].trim();
    if (t === "") {
      if (lines.slice(n).every((l) => l.trim() === "")) break;
      throw lineError(name, n + 1, `empty line inside the data, expected ${columns.length} tab-separated columns`);
    }
    const f = t.split(/\s+/);
    if (f.length !== columns.length)
      throw lineError(name, n + 1, `expected ${columns.length} columns (${columns.join(" ")}), received ${f.length}`);
    rowsText.push(f);
  }
  const count = rowsText.length;
  if (count === 0) throw lineError(name, headerLine, "no data rows after the table header");
  const lineOf = (i: number) => first + i + 1;

  const phi1 = new Float32Array(count), Phi = new Float32Array(count), phi2 = new Float32Array(count);
  const x = new Float32Array(count), y = new Float32Array(count);
  const phase = new Int32Array(count);
  const quality: Record<string, Float32Array> = {};
  for (const q of qualityNames) quality[q] = new Float32Array(count);
  const eul = [phi1, Phi, phi2];
  for (let i = 0; i < count; i++) {
    const f = rowsText[i], line = lineOf(i);
    const p = numberField(f[index.Phase], name, line, "Phase");
    if (!Number.isInteger(p) || p < 0 || (p > 0 && p > phases.length))
      throw lineError(name, line,
        `unknown phase id ${f[index.Phase]}, expected 0 (not indexed) or 1..${phases.length} (the header's phases)`);
    phase[i] = p;
    x[i] = numberField(f[index.X], name, line, "X");
    y[i] = numberField(f[index.Y], name, line, "Y");
    for (let k = 0; k < 3; k++) {
      const c = `Euler${k + 1}`;
      const v = numberField(f[index[c]], name, line, c);
      if (v < -360.01 || v > 360 * 1.01)
        throw lineError(name, line, `${c} = ${v} is outside -360..360 degrees`);
      eul[k][i] = v * DEG;
    }
    for (const q of qualityNames) quality[q][i] = numberField(f[index[q]], name, line, q);
  }

  const get = (k: string, integer: boolean) => {
    const v = Number(header[k]);
    if (header[k] === undefined || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v)))
      throw lineError(name, 0, `header ${k}: expected a positive ${integer ? "integer" : "number"}, received ${JSON.stringify(header[k]?.slice(0, 40) ?? "(missing)")}`);
    return v;
  };
  const cols = get("XCells", true), rows = get("YCells", true);
  const step = { x: get("XStep", false), y: get("YStep", false) };
  if (rows * cols !== count)
    throw lineError(name, 0, `the header grid YCells ${rows} x XCells ${cols} = ${rows * cols} points, received ${count} data rows`);
  if (hexGrid === "resample" && looksHexagonal(x, y))
    return resampleHex({ file: name, format: "ctf", unit: "um", phi1, Phi, phi2, x, y, phase, quality, phases, header }, lineOf);
  checkSquareGrid(x, y, rows, cols, step, name, lineOf);
  return {
    file: name, format: "ctf", rows, cols, grid: "square", step, unit: "um",
    phi1, Phi, phi2, x, y, phase, quality, phases, header,
  };
}

/** One phase line: `a;b;c  alpha;beta;gamma  name  Laue  SpaceGroup  ...` (tab-separated). */
function ctfPhase(line: string, id: number, name: string, lineNo: number): EbsdPhase {
  const f = line.split("\t").map((s) => s.trim());
  if (f.length < 4)
    throw lineError(name, lineNo, `phase ${id}: expected "a;b;c<TAB>alpha;beta;gamma<TAB>name<TAB>Laue group ...", received ${f.length} fields`);
  const lengths = f[0].split(";").map(Number), angles = f[1].split(";").map(Number);
  const lattice = [...lengths, ...angles];
  const phase: EbsdPhase = {
    id, name: f[2], symmetry: f[3], ...laueOf("ctf", f[3]),
  };
  if (lattice.length === 6 && lattice.every(Number.isFinite)) phase.lattice = lattice as EbsdPhase["lattice"];
  if (f.length > 4 && /^\d+$/.test(f[4])) phase.spaceGroup = Number(f[4]);
  return phase;
}
