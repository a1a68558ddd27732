import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { checkVolume, formatShape } from "../volume/check.js";
import type { Volume } from "../volume/types.js";
import { writeFileAtomicSync } from "./reproduce.js";
import type { LabelClass, LabelFile } from "./viewerTypes.js";

/** Default classes of the label painter: 1 = void, 2 = CBD, 3 = NMC (0 = unlabelled). */
export const DEFAULT_LABEL_CLASSES: readonly LabelClass[] = Object.freeze([
  { id: 1, name: "void", color: "#3b82f6" },
  { id: 2, name: "CBD", color: "#f59e0b" },
  { id: 3, name: "NMC", color: "#10b981" },
]);

/** Suffix of label files written by the painter. */
export const LABELS_SUFFIX = ".labels.json";

/**
 * A label file name that stays in the notebook's folder: the last path component only,
 * characters outside [A-Za-z0-9._-] replaced by "-", no leading dot, ending in `.labels.json`.
 * @throws RangeError when nothing usable is left.
 */
export function sanitizeLabelFileName(name: string): string {
  if (typeof name !== "string")
    throw new TypeError(`label file name must be a string, received ${typeof name}`);
  let base = name.replace(/\\/g, "/").split("/").pop() ?? "";
  if (base.endsWith(LABELS_SUFFIX)) base = base.slice(0, -LABELS_SUFFIX.length);
  base = base
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[.-]+/, "")
    .replace(/[.-]+$/, "");
  if (!base)
    throw new RangeError(
      `label file name ${JSON.stringify(name)} has no usable characters (allowed: A-Z a-z 0-9 . _ -)`,
    );
  return base + LABELS_SUFFIX;
}

/** Run-length encoding of the label file: (value byte, LEB128 run length) pairs. */
export function encodeLabelRuns(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    const value = data[i];
    let j = i + 1;
    while (j < data.length && data[j] === value) j++;
    out.push(value);
    let run = j - i;
    while (run >= 0x80) {
      out.push((run & 0x7f) | 0x80);
      run = Math.floor(run / 128);
    }
    out.push(run);
    i = j;
  }
  return Uint8Array.from(out);
}

/** Inverse of {@link encodeLabelRuns}; throws RangeError unless the runs cover exactly `length` voxels. */
export function decodeLabelRuns(
  runs: Uint8Array,
  length: number,
  where = "label runs",
): Uint8Array {
  const out = new Uint8Array(length);
  let pos = 0;
  let i = 0;
  while (i < runs.length) {
    const value = runs[i++];
    let run = 0;
    let scale = 1;
    for (;;) {
      if (i >= runs.length) throw new RangeError(`${where}: truncated run length at byte ${i}`);
      const b = runs[i++];
      run += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
      if (scale > 2 ** 49) throw new RangeError(`${where}: run length too long at byte ${i}`);
    }
    if (run === 0) throw new RangeError(`${where}: zero-length run at byte ${i}`);
    if (pos + run > length)
      throw new RangeError(`${where}: runs cover more than the ${length} voxels of the shape`);
    if (value !== 0) out.fill(value, pos, pos + run);
    pos += run;
  }
  if (pos !== length)
    throw new RangeError(`${where}: runs cover ${pos} voxels, the shape needs ${length}`);
  return out;
}

/** Voxel count per non-zero class id. */
export function countLabels(data: Uint8Array): Record<string, number> {
  const counts = new Float64Array(256);
  for (let i = 0; i < data.length; i++) counts[data[i]]++;
  const out: Record<string, number> = {};
  for (let c = 1; c < 256; c++) if (counts[c] > 0) out[String(c)] = counts[c];
  return out;
}

export interface LoadLabelsOptions {
  /** Shape the labels must have (e.g. the image's); a mismatch throws. @default no check */
  shape?: [number, number, number];
}

/** Painted labels with their class table, as returned by {@link loadLabels}. */
export type LabelVolume = Volume<Uint8Array> & {
  classes: LabelClass[];
  counts: Record<string, number>;
};

/**
 * Read a label file written by the tomolab-jupyterlab painter (`<name>.labels.json`, next to
 * the notebook) as a sparse class-label volume: 0 = unlabelled, 1.. = class ids.
 * @param file - Path of the label file (relative to the kernel's cwd = the notebook folder).
 * @returns Uint8 volume plus `classes` (id, name, colour) and `counts` per class id.
 * @throws RangeError / TypeError naming the file when it is missing, not a label file or corrupt.
 */
export function loadLabels(file: string, options: LoadLabelsOptions = {}): LabelVolume {
  if (!existsSync(file)) {
    const bak = `${file}.bak`;
    throw new RangeError(
      `label file ${file} does not exist${existsSync(bak) ? ` (its previous version ${bak} does)` : ""}`,
    );
  }
  let parsed: Partial<LabelFile>;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<LabelFile>;
  } catch (error) {
    throw new RangeError(`label file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed?.format !== "tomolab-labels" || parsed.version !== 1)
    throw new RangeError(
      `${file} is not a tomolab label file (expected format "tomolab-labels" version 1, received ${JSON.stringify(parsed?.format)} ${JSON.stringify(parsed?.version)})`,
    );
  const shape = parsed.shape;
  if (
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    !shape.every((n) => Number.isInteger(n) && n > 0)
  )
    throw new RangeError(
      `label file ${file}: shape must be 3 positive integers, received ${JSON.stringify(shape)}`,
    );
  if (parsed.encoding !== "rle-varint" || typeof parsed.data !== "string")
    throw new RangeError(
      `label file ${file}: unsupported encoding ${JSON.stringify(parsed.encoding)}`,
    );
  if (options.shape && options.shape.some((n, i) => n !== shape[i]))
    throw new RangeError(
      `label file ${file} has shape ${formatShape(shape)}, expected ${formatShape(options.shape)}`,
    );
  const data = decodeLabelRuns(
    new Uint8Array(Buffer.from(parsed.data, "base64")),
    shape[0] * shape[1] * shape[2],
    `label file ${file}`,
  );
  const counts = countLabels(data);
  if (parsed.counts && JSON.stringify(sortKeys(parsed.counts)) !== JSON.stringify(sortKeys(counts)))
    throw new RangeError(
      `label file ${file} is corrupt: stored counts ${JSON.stringify(parsed.counts)} differ from decoded ${JSON.stringify(counts)}`,
    );
  const spacing = (
    Array.isArray(parsed.spacing) && parsed.spacing.length === 3 ? parsed.spacing : [1, 1, 1]
  ) as [number, number, number];
  return {
    data,
    shape: [shape[0], shape[1], shape[2]],
    spacing,
    classes: Array.isArray(parsed.classes) ? parsed.classes : [...DEFAULT_LABEL_CLASSES],
    counts,
  };
}

function sortKeys(r: Record<string, number>): [string, number][] {
  return Object.entries(r).sort(([a], [b]) => Number(a) - Number(b));
}

/**
 * Write a label volume in the painter's file format (e.g. to seed labels the painter then
 * edits). The previous file, if any, is kept as `<file>.bak`; the write is atomic.
 */
export function saveLabels(
  labels: Volume<Uint8Array>,
  file: string,
  classes: readonly LabelClass[] = DEFAULT_LABEL_CLASSES,
): void {
  checkVolume<Uint8Array>(labels, "labels", { dtypes: ["uint8"] });
  const content: LabelFile = {
    format: "tomolab-labels",
    version: 1,
    shape: [...labels.shape],
    spacing: [...labels.spacing],
    classes: classes.map((c) => ({ ...c })),
    encoding: "rle-varint",
    data: Buffer.from(encodeLabelRuns(labels.data)).toString("base64"),
    counts: countLabels(labels.data),
    saved: new Date().toISOString(),
  };
  if (existsSync(file)) writeFileAtomicSync(`${file}.bak`, readFileSync(file));
  writeFileAtomicSync(path.resolve(file), JSON.stringify(content));
}
