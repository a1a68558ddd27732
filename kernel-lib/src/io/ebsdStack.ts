import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { checkPositive, describeValue } from "../util/checks.js";
import type { Volume } from "../volume/types.js";
import { readAng } from "./ebsdAng.js";
import { readCtf } from "./ebsdCtf.js";
import type { EbsdMap } from "./ebsdTypes.js";

/** Options of {@link readEbsdStack}. */
export interface ReadEbsdStackOptions {
  /** Distance between consecutive sections in nanometres (required, > 0). */
  spacingZ: number;
}

/** Serial EBSD sections stacked into volumes (z = section, in the order of the files). */
export interface EbsdStack {
  /** Bunge Euler angles in radians, one volume each. */
  phi1: Volume<Float32Array>;
  Phi: Volume<Float32Array>;
  phi2: Volume<Float32Array>;
  /** Phase ids as in the files. */
  phase: Volume<Int32Array>;
  /** Quality channels present in every section: `.ang` "IQ", "CI" (...), `.ctf` "BC", "BS", "MAD" (...). */
  quality: Record<string, Volume<Float32Array>>;
  /** The section maps as read (phase tables, headers, file names). */
  sections: EbsdMap[];
}

/**
 * Reads serial EBSD sections (`.ang` or `.ctf`, one map per file) and stacks them into volumes.
 * All sections must have the same grid (rows, columns and step); the error names the first
 * file that differs. Spacing is `[spacingZ, yStep * 1000, xStep * 1000]` nm (the file steps
 * are micrometres).
 * @param source - A list of files (stacked in the given order) or a folder (its `.ang`/`.ctf`
 *   files in natural name order, e.g. s2 before s10; one format only).
 * @param options - `spacingZ` in nm (no default).
 */
export async function readEbsdStack(
  source: string | readonly string[],
  options: ReadEbsdStackOptions,
): Promise<EbsdStack> {
  if (options === null || typeof options !== "object")
    throw new Error(`readEbsdStack options: expected an object with spacingZ, received ${describeValue(options)}`);
  const spacingZ = checkPositive(options.spacingZ, "spacingZ");
  const files = await listFiles(source);
  const sections: EbsdMap[] = [];
  for (const f of files) {
    const ext = path.extname(f).toLowerCase();
    if (ext === ".ang") sections.push(await readAng(f));
    else if (ext === ".ctf") sections.push(await readCtf(f));
    else throw new Error(`readEbsdStack: ${path.basename(f)}: expected a .ang or .ctf file, received extension "${ext}"`);
  }
  const ref = sections[0];
  for (const s of sections.slice(1)) {
    const same = s.rows === ref.rows && s.cols === ref.cols &&
      Math.abs(s.step.x - ref.step.x) <= 1e-6 * ref.step.x && Math.abs(s.step.y - ref.step.y) <= 1e-6 * ref.step.y;
    if (!same)
      throw new Error(
        `readEbsdStack: ${s.file} has a grid of ${s.cols} x ${s.rows} points, step ${s.step.x} x ${s.step.y} um; ` +
          `expected ${ref.cols} x ${ref.rows}, step ${ref.step.x} x ${ref.step.y} um as in ${ref.file}`);
    if (s.format !== ref.format)
      throw new Error(`readEbsdStack: ${s.file} is .${s.format}, expected .${ref.format} as ${ref.file} (one format per stack)`);
  }
  const plane = ref.rows * ref.cols;
  const shape: [number, number, number] = [sections.length, ref.rows, ref.cols];
  const spacing: [number, number, number] = [spacingZ, ref.step.y * 1000, ref.step.x * 1000];
  const stackF = (get: (m: EbsdMap) => Float32Array): Volume<Float32Array> => {
    const data = new Float32Array(plane * sections.length);
    sections.forEach((m, z) => data.set(get(m), z * plane));
    return { data, shape: [...shape], spacing: [...spacing], unit: "nm" };
  };
  const phaseData = new Int32Array(plane * sections.length);
  sections.forEach((m, z) => phaseData.set(m.phase, z * plane));
  const names = Object.keys(ref.quality).filter((q) => sections.every((m) => q in m.quality));
  const quality: Record<string, Volume<Float32Array>> = {};
  for (const q of names) quality[q] = stackF((m) => m.quality[q]);
  return {
    phi1: stackF((m) => m.phi1), Phi: stackF((m) => m.Phi), phi2: stackF((m) => m.phi2),
    phase: { data: phaseData, shape: [...shape], spacing: [...spacing], unit: "nm" },
    quality, sections,
  };
}

async function listFiles(source: string | readonly string[]): Promise<string[]> {
  if (Array.isArray(source)) {
    if (source.length === 0) throw new Error("readEbsdStack: expected at least one file, received an empty list");
    for (const f of source)
      if (typeof f !== "string") throw new Error(`readEbsdStack: expected file paths, received ${describeValue(f)}`);
    return [...(source as string[])];
  }
  if (typeof source !== "string")
    throw new Error(`readEbsdStack: expected a folder or a list of files, received ${describeValue(source)}`);
  if (!(await stat(source)).isDirectory()) return [source];
  const names = (await readdir(source)).filter((f) => /\.(ang|ctf)$/i.test(f));
  if (names.length === 0) throw new Error(`readEbsdStack: no .ang or .ctf files in ${source}`);
  const exts = new Set(names.map((f) => path.extname(f).toLowerCase()));
  if (exts.size > 1) throw new Error(`readEbsdStack: ${source} holds both .ang and .ctf files, expected one format`);
  names.sort(new Intl.Collator("en", { numeric: true }).compare);
  return names.map((f) => path.join(source, f));
}
