/**
 * Shared record and helpers of the EBSD map readers ({@link readAng}, {@link readCtf}).
 *
 * Units: the step and the x/y coordinates are kept as written in the file. Both EDAX/TSL
 * `.ang` and Oxford `.ctf` write micrometres (neither states the unit; `unit` is "um").
 * Multiply by 1000 for the nanometre spacing of a {@link Volume} ({@link readEbsdStack} does).
 * Euler angles are Bunge (phi1, Phi, phi2) in radians; `.ctf` degrees are converted.
 */

/** One phase of the file's phase table. */
export interface EbsdPhase {
  /** Phase id as used in the `phase` channel (`.ang`: "Phase n", `.ctf`: 1-based line order). */
  id: number;
  name: string;
  /** `.ang` only: the Formula line (may be empty). */
  formula?: string;
  /** Symmetry exactly as given: the `.ang` Symmetry code (e.g. "43") or the `.ctf` Laue group number (e.g. "9"). */
  symmetry: string;
  /** Laue class in Hermann-Mauguin notation ("m-3m", "6/mmm", "2/m", ...), or "unknown" for an unlisted code. */
  laueClass: string;
  /** Crystal system ("cubic", "hexagonal", "trigonal", "tetragonal", "orthorhombic", "monoclinic", "triclinic") or "unknown". */
  crystalSystem: string;
  /** Lattice constants a, b, c (Angstrom) and alpha, beta, gamma (degrees), when the file gives them. */
  lattice?: [a: number, b: number, c: number, alpha: number, beta: number, gamma: number];
  /** `.ctf` only: the space group number (0 when not given). */
  spaceGroup?: number;
}

/** A 2D EBSD map as read from one file: a plain record, arrays in row-major order (x fastest). */
export interface EbsdMap {
  /** Base name of the file the map was read from. */
  file: string;
  format: "ang" | "ctf";
  /** Number of rows (y) and columns (x); point (r, c) is index `r * cols + c`. */
  rows: number;
  cols: number;
  /** Only square grids are returned: hexagonal grids are resampled (see `resampledFrom`) or rejected. */
  grid: "square";
  /** Set when the file had a hexagonal grid resampled to this square one (see ebsdHex.ts): its rows, points and steps. */
  resampledFrom?: { grid: "hex"; rows: number; points: number; step: { x: number; y: number } };
  /** Step between points in x and y, in `unit` (as in the file). */
  step: { x: number; y: number };
  /** Unit of `step`, `x` and `y`: "um" for both formats. */
  unit: "um";
  /** Bunge Euler angles in radians. `.ang` points marked unindexed by OIM (all three 4*pi) are NaN. */
  phi1: Float32Array;
  Phi: Float32Array;
  phi2: Float32Array;
  /** Point coordinates as written in the file. */
  x: Float32Array;
  y: Float32Array;
  /**
   * Phase id per point, as written. `.ctf`: 0 = not indexed. `.ang`: 0 = not indexed or, in a
   * single-phase file, the sole phase (OIM writes 0 there).
   */
  phase: Int32Array;
  /**
   * Quality channels by name. `.ang`: "IQ", "CI", then the optional "SEM", "fit" and
   * "column12", "column13", ... for further columns. `.ctf`: the table columns other than
   * Phase, X, Y and the Euler angles ("Bands", "Error", "MAD", "BC", "BS").
   */
  quality: Record<string, Float32Array>;
  phases: EbsdPhase[];
  /** Header entries not interpreted above (key to raw value). */
  header: Record<string, string>;
}

const LAUE: Record<string, [string, string]> = {
  "-1": ["-1", "triclinic"],
  "2/m": ["2/m", "monoclinic"],
  mmm: ["mmm", "orthorhombic"],
  "4/m": ["4/m", "tetragonal"],
  "4/mmm": ["4/mmm", "tetragonal"],
  "-3": ["-3", "trigonal"],
  "-3m": ["-3m", "trigonal"],
  "6/m": ["6/m", "hexagonal"],
  "6/mmm": ["6/mmm", "hexagonal"],
  "m-3": ["m-3", "cubic"],
  "m-3m": ["m-3m", "cubic"],
};

/** EDAX/TSL `.ang` Symmetry codes to Laue class (20 and 21 are monoclinic settings). */
const ANG_SYMMETRY: Record<string, string> = {
  "1": "-1", "2": "2/m", "20": "2/m", "21": "2/m", "22": "mmm", "4": "4/m", "42": "4/mmm",
  "3": "-3", "32": "-3m", "6": "6/m", "62": "6/mmm", "23": "m-3", "43": "m-3m",
};

/** Oxford `.ctf` Laue group numbers 1..11 to Laue class. */
const CTF_LAUE = ["", "-1", "2/m", "mmm", "4/m", "4/mmm", "-3", "-3m", "6/m", "6/mmm", "m-3", "m-3m"];

/** Laue class and crystal system of a symmetry code as written in `.ang` or `.ctf`. */
export function laueOf(format: "ang" | "ctf", code: string): { laueClass: string; crystalSystem: string } {
  const key = code.trim();
  const hm = format === "ang" ? ANG_SYMMETRY[key] : CTF_LAUE[/^\d+$/.test(key) ? Number(key) : -1];
  const entry = hm ? LAUE[hm] : undefined;
  return entry
    ? { laueClass: entry[0], crystalSystem: entry[1] }
    : { laueClass: "unknown", crystalSystem: "unknown" };
}

/** Error naming the file and (1-based) line. */
export function lineError(file: string, line: number, message: string): Error {
  return new Error(line > 0 ? `${file} line ${line}: ${message}` : `${file}: ${message}`);
}

/** The file's text, after checks for emptiness and binary content. */
export function decodeText(bytes: Uint8Array, file: string, what: string): string {
  if (bytes.length === 0) throw lineError(file, 0, `empty file, expected ${what}`);
  const probe = bytes.subarray(0, Math.min(bytes.length, 1 << 16));
  let control = 0;
  for (const b of probe) {
    if (b === 0) throw lineError(file, 0, `binary content (NUL byte), expected ${what} (a text file)`);
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  if (control > probe.length / 100)
    throw lineError(file, 0, `binary content (${control} control bytes), expected ${what} (a text file)`);
  return new TextDecoder("utf-8").decode(bytes);
}

/** A decimal number as EBSD exports write it (no hex, binary, "Infinity" or digit separators). */
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Parses a numeric field strictly (decimal notation only, no trailing garbage, finite). */
export function numberField(token: string, file: string, line: number, name: string): number {
  const v = DECIMAL.test(token) ? Number(token) : NaN;
  if (!Number.isFinite(v))
    throw lineError(file, line, `${name}: expected a finite number, received ${JSON.stringify(token.slice(0, 40))}`);
  return v;
}

/**
 * Checks that the points lie on a row-major square grid (x fastest) and returns nothing;
 * throws naming the first point that does not, and says "hexagonal grid" when odd rows are
 * shifted by half a step (the layout of hex-grid exports, which the readers do not resample).
 */
export function checkSquareGrid(
  x: Float32Array, y: Float32Array, rows: number, cols: number,
  step: { x: number; y: number }, file: string, lineOf: (i: number) => number,
): void {
  const x0 = x[0], y0 = y[0];
  const tolX = 0.02 * step.x, tolY = 0.02 * step.y;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const ex = x0 + c * step.x, ey = y0 + r * step.y;
      if (Math.abs(x[i] - ex) <= tolX && Math.abs(y[i] - ey) <= tolY) continue;
      if (r % 2 === 1 && Math.abs(x[i] - ex - step.x / 2) <= tolX)
        throw lineError(file, lineOf(i),
          `hexagonal grid (odd rows shifted by half a step), expected a square grid: ` +
            `hexagonal grids are not supported; re-export on a square grid`);
      throw lineError(file, lineOf(i),
        `point (x ${+x[i].toPrecision(7)}, y ${+y[i].toPrecision(7)}) is off the square grid of ${cols} x ${rows} points, ` +
          `expected (x ${+ex.toPrecision(7)}, y ${+ey.toPrecision(7)}) for row ${r}, column ${c}`);
    }
  }
}
