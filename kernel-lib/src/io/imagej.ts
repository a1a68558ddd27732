/**
 * The ImageJ TIFF convention: ImageJ stores stack layout and calibration as
 * `key=value` lines in the first page's ImageDescription, e.g.
 *
 * ```
 * ImageJ=1.54f
 * images=300
 * slices=300
 * unit=micron
 * spacing=0.01
 * loop=false
 * ```
 *
 * X and Y pixel sizes live in the XResolution / YResolution tags (pixels per
 * `unit`). Keys follow ImageJ's `ij.io.FileSaver.getDescriptionString` and
 * `ij.io.TiffDecoder.saveImageDescription`; tifffile's `imagej_description`
 * and `imagej_metadata` write and parse the same format.
 */

/** Parsed ImageJ description: raw string values by key. */
export type ImageJMetadata = Record<string, string>;

/** Parse an ImageJ ImageDescription, or null when `description` is not one. */
export function parseImageJDescription(description: string | undefined): ImageJMetadata | null {
  if (!description || !description.startsWith("ImageJ=")) return null;
  const meta: ImageJMetadata = {};
  for (const line of description.split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    meta[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return meta;
}

/** A positive integer entry of ImageJ metadata, or `fallback` when absent. */
export function imagejInt(meta: ImageJMetadata, key: string, fallback: number): number {
  const raw = meta[key];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : NaN;
}

/** What {@link formatImageJDescription} writes. */
export interface ImageJDescriptionFields {
  /** Number of z slices (pages). */
  slices: number;
  /** Length unit of `spacing` and of the X/Y resolution tags; omitted when undefined. */
  unit?: string;
  /** Z spacing in `unit`; omitted when undefined. */
  spacing?: number;
}

/**
 * The ImageDescription ImageJ writes for a single-channel z stack. Non-ASCII
 * characters are escaped as ImageJ does (`\u00B5`), since TIFF ASCII is 7-bit.
 */
export function formatImageJDescription(fields: ImageJDescriptionFields): string {
  const lines = ["ImageJ=1.11a"];
  if (fields.slices > 1) lines.push(`images=${fields.slices}`, `slices=${fields.slices}`);
  if (fields.unit !== undefined) lines.push(`unit=${escapeNonAscii(fields.unit)}`);
  if (fields.spacing !== undefined) lines.push(`spacing=${formatNumber(fields.spacing)}`);
  if (fields.slices > 1) lines.push("loop=false");
  return lines.join("\n") + "\n";
}

function escapeNonAscii(text: string): string {
  return text.replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
}

/** Shortest decimal that reads back to the same double (no exponent for usual sizes). */
function formatNumber(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}
