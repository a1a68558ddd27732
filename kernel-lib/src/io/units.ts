/**
 * Length units found in microscopy file metadata, and their size in
 * nanometres (tomolab's spacing convention).
 */

const NM_PER_UNIT: Record<string, number> = {
  m: 1e9,
  meter: 1e9,
  metre: 1e9,
  cm: 1e7,
  centimeter: 1e7,
  centimetre: 1e7,
  mm: 1e6,
  millimeter: 1e6,
  millimetre: 1e6,
  um: 1e3,
  "\u00b5m": 1e3, // micro sign
  "\u03bcm": 1e3, // Greek small mu
  micron: 1e3,
  microns: 1e3,
  micrometer: 1e3,
  micrometre: 1e3,
  nm: 1,
  nanometer: 1,
  nanometre: 1,
  "\u00e5": 0.1, // å (lower-cased Å)
  "\u212b": 0.1, // Angstrom sign
  angstrom: 0.1,
  pm: 1e-3,
};

/**
 * Undo ImageJ's escaping of non-ASCII characters in TIFF descriptions
 * (`\u00B5m` is written for µm) and trim the result.
 */
export function unescapeUnit(unit: string): string {
  return unit
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .trim();
}

/**
 * Nanometres per `unit` (`"micron"`, `"um"`, `"µm"`, `"nm"`, `"mm"`, ...), or
 * undefined for a unit that is not a length (e.g. `"pixel"`, `"inch"` is
 * deliberately absent: TIFF dots per inch are a print setting).
 */
export function nanometresPer(unit: string): number | undefined {
  return NM_PER_UNIT[unescapeUnit(unit).toLowerCase()];
}
