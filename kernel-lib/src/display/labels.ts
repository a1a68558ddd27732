import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describeFieldValue as received } from "../util/checks.js";
import { checkShape, checkVolume, formatShape } from "../volume/check.js";
import type { Volume } from "../volume/types.js";
import { writeFileAtomicSync } from "./reproduce.js";
import {
  DEFAULT_LABEL_CLASSES,
  LABELS_SUFFIX,
  type LabelClass,
  type LabelFile,
} from "./viewerTypes.js";

// the label file name rule and the default classes are shared with the extension
export { DEFAULT_LABEL_CLASSES, LABELS_SUFFIX, sanitizeLabelFileName } from "./viewerTypes.js";

/** Throw unless `a` is a Uint8Array (label values are bytes; wider arrays would wrap). */
function checkBytes(a: unknown, name: string): asserts a is Uint8Array {
  if (!(a instanceof Uint8Array))
    throw new TypeError(
      `\`${name}\` must be a Uint8Array, received ${ArrayBuffer.isView(a) ? a.constructor.name : received(a)}`,
    );
}

/** Run-length encoding of the label file: (value byte, LEB128 run length) pairs. */
export function encodeLabelRuns(data: Uint8Array): Uint8Array {
  checkBytes(data, "data");
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

/**
 * Inverse of {@link encodeLabelRuns}; throws RangeError unless the runs cover exactly `length`
 * voxels (and, with `allowed`, unless every value is allowed).
 * @param allowed - Optional lookup table of 256 entries: value v may appear when `allowed[v]` is
 *   non-zero.
 */
export function decodeLabelRuns(
  runs: Uint8Array,
  length: number,
  where = "label runs",
  allowed?: Uint8Array,
): Uint8Array {
  checkBytes(runs, "runs");
  if (!Number.isSafeInteger(length) || length < 0)
    throw new RangeError(
      `\`length\` must be a voxel count (integer >= 0), received ${received(length)}`,
    );
  if (allowed !== undefined && (!(allowed instanceof Uint8Array) || allowed.length !== 256))
    throw new TypeError(
      `\`allowed\` must be a Uint8Array of 256 entries, received ${received(allowed)}`,
    );
  const out = new Uint8Array(length);
  let pos = 0;
  let i = 0;
  while (i < runs.length) {
    const at = i;
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
    if (allowed && !allowed[value])
      throw new RangeError(
        `${where}: value ${value} (run at byte ${at}, voxel ${pos}) is not 0 or a declared class id`,
      );
    if (value !== 0) out.fill(value, pos, pos + run);
    pos += run;
  }
  if (pos !== length)
    throw new RangeError(`${where}: runs cover ${pos} voxels, the shape needs ${length}`);
  return out;
}

/** Voxel count per non-zero class id. */
export function countLabels(data: Uint8Array): Record<string, number> {
  checkBytes(data, "data");
  const counts = new Float64Array(256);
  for (let i = 0; i < data.length; i++) counts[data[i]]++;
  const out: Record<string, number> = {};
  for (let c = 1; c < 256; c++) if (counts[c] > 0) out[String(c)] = counts[c];
  return out;
}

/** Default of {@link LoadLabelsOptions.maxVoxels}: 2^31 voxels (2 GiB of uint8 labels). */
export const MAX_LABEL_VOXELS = 2 ** 31;

/** Longest text a JSON label file may have (V8's string length limit). */
const MAX_TEXT = 0x1fffffe8;

/** Options of how label file paths are resolved (see {@link resolveLabelPath}). */
export interface LabelPathOptions {
  /**
   * Folder that relative paths are resolved against (the notebook's folder). A relative path
   * that leaves it (`../x.labels.json`) is refused; an absolute path is used as given.
   * @default process.cwd() (in tslab, the notebook's folder)
   */
  baseDir?: string;
}

export interface LoadLabelsOptions extends LabelPathOptions {
  /** Shape the labels must have (e.g. the image's); a mismatch throws. @default no check */
  shape?: [number, number, number];
  /**
   * Largest volume (nz x ny x nx voxels) read; a larger `shape` in the file throws before
   * anything is allocated. @default {@link MAX_LABEL_VOXELS} (2^31)
   */
  maxVoxels?: number;
}

/** Painted labels with their class table, as returned by {@link loadLabels}. */
export type LabelVolume = Volume<Uint8Array> & {
  classes: LabelClass[];
  counts: Record<string, number>;
};

/**
 * The path of a label file, by the rule `loadLabels` and `saveLabels` share: an absolute path
 * is used as given; a relative one is resolved against `baseDir` (default: the working
 * directory, which tslab sets to the notebook's folder) and must stay inside it, so
 * `../other/x.labels.json` is refused (pass an absolute path to reach outside on purpose).
 * @throws TypeError / RangeError for a non-string, empty or escaping path.
 */
export function resolveLabelPath(file: string, options: LabelPathOptions = {}): string {
  if (typeof file !== "string")
    throw new TypeError(`label file path must be a string, received ${received(file)}`);
  if (file === "" || file.includes("\0"))
    throw new RangeError(
      `label file path must be a non-empty path, received ${JSON.stringify(file)}`,
    );
  const baseDir = options.baseDir ?? process.cwd();
  if (typeof baseDir !== "string" || baseDir === "")
    throw new TypeError(`\`baseDir\` must be a folder path, received ${received(baseDir)}`);
  if (path.isAbsolute(file)) return path.resolve(file);
  const base = path.resolve(baseDir);
  const abs = path.resolve(base, file);
  const rel = path.relative(base, abs);
  if (rel === "" || rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
    throw new RangeError(
      `label file ${JSON.stringify(file)} is outside the folder ${base} it is resolved against; relative label paths must stay in that folder (pass an absolute path to use another one)`,
    );
  return abs;
}

const COLOR = /^#[0-9a-fA-F]{6}$/;

/**
 * Check a class table (ids integers 1..255, unique; names strings; colours "#rrggbb").
 * @returns a 256-entry table, 1 at 0 and at each class id.
 */
function checkClasses(classes: unknown, where: string, field: string): Uint8Array {
  if (!Array.isArray(classes))
    throw new TypeError(
      `${where}\`${field}\` must be an array of { id, name, color }, received ${received(classes)}`,
    );
  const allowed = new Uint8Array(256);
  allowed[0] = 1;
  classes.forEach((c: unknown, k) => {
    const f = `${field}[${k}]`;
    if (typeof c !== "object" || c === null || Array.isArray(c))
      throw new TypeError(
        `${where}\`${f}\` must be an object { id, name, color }, received ${received(c)}`,
      );
    const { id, name, color } = c as Record<string, unknown>;
    if (typeof id !== "number")
      throw new TypeError(
        `${where}\`${f}.id\` must be an integer in 1..255, received ${received(id)}`,
      );
    if (!Number.isInteger(id) || id < 1 || id > 255)
      throw new RangeError(
        `${where}\`${f}.id\` must be an integer in 1..255, received ${String(id)}`,
      );
    if (allowed[id])
      throw new RangeError(`${where}\`${f}.id\` must be unique, received ${id} a second time`);
    allowed[id] = 1;
    if (typeof name !== "string")
      throw new TypeError(`${where}\`${f}.name\` must be a string, received ${received(name)}`);
    if (typeof color !== "string")
      throw new TypeError(
        `${where}\`${f}.color\` must be a colour "#rrggbb", received ${received(color)}`,
      );
    if (!COLOR.test(color))
      throw new RangeError(
        `${where}\`${f}.color\` must be a colour "#rrggbb", received ${JSON.stringify(color)}`,
      );
  });
  return allowed;
}

/**
 * Decode base64 text, or undefined when it is not base64: Node's decoder skips characters
 * outside the alphabet and stops at padding, so a string is whole base64 exactly when it
 * decodes to 3 bytes per 4 characters less its padding (a linear check, no regex).
 */
function decodeBase64(s: string): Buffer | undefined {
  if (s.length % 4 !== 0) return undefined;
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const buf = Buffer.from(s, "base64");
  return buf.length === (s.length / 4) * 3 - pad ? buf : undefined;
}

/**
 * Read a label file written by the tomolab-jupyterlab painter (`<name>.labels.json`, next to
 * the notebook) as a sparse class-label volume: 0 = unlabelled, 1.. = class ids.
 *
 * Every field is checked before the volume is allocated: `format` "tomolab-labels",
 * `version` 1, `shape` 3 positive integers within `maxVoxels`, `spacing` 3 positive finite
 * numbers, `classes` (ids 1..255 unique, names, "#rrggbb" colours), `encoding` "rle-varint",
 * `data` base64 runs covering exactly the volume with values 0 or declared class ids, `counts`
 * equal to the decoded counts, `saved` a string. Absent optional fields take defaults:
 * `spacing` [1, 1, 1], `classes` {@link DEFAULT_LABEL_CLASSES}, no `counts` check. Other fields
 * (the painter's `revision`, `ancestors`) are ignored.
 * @param file - Path of the label file: absolute, or relative to `baseDir` (the notebook folder)
 *   and inside it (see {@link resolveLabelPath}).
 * @returns Uint8 volume plus `classes` (id, name, colour) and `counts` per class id.
 * @throws RangeError / TypeError naming the file and the field when it is missing, not a label
 *   file or corrupt.
 */
export function loadLabels(file: string, options: LoadLabelsOptions = {}): LabelVolume {
  const abs = resolveLabelPath(file, options);
  const maxVoxels = options.maxVoxels ?? MAX_LABEL_VOXELS;
  if (typeof maxVoxels !== "number" || !Number.isInteger(maxVoxels) || maxVoxels < 1)
    throw new RangeError(
      `\`maxVoxels\` must be a positive integer, received ${received(maxVoxels)}`,
    );
  if (options.shape !== undefined) checkShape(options.shape, "options.shape");
  if (!existsSync(abs)) {
    const bak = `${abs}.bak`;
    throw new RangeError(
      `label file ${abs} does not exist${existsSync(bak) ? ` (its previous version ${bak} does)` : ""}`,
    );
  }
  const stat = statSync(abs);
  if (!stat.isFile()) throw new RangeError(`label file ${abs} is not a file`);
  if (stat.size > MAX_TEXT)
    throw new RangeError(
      `label file ${abs} has ${stat.size} bytes, more than the ${MAX_TEXT} a JSON label file can have; it is not a label file`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(abs, "utf8"));
  } catch (error) {
    throw new RangeError(`label file ${abs} is not valid JSON: ${(error as Error).message}`);
  }
  const f = parsed as Partial<Record<keyof LabelFile, unknown>>;
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    Array.isArray(parsed) ||
    f.format !== "tomolab-labels" ||
    f.version !== 1
  )
    throw new RangeError(
      `${abs} is not a tomolab label file (expected format "tomolab-labels" version 1, received ${typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? `format ${received(f.format)}, version ${received(f.version)}` : received(parsed)})`,
    );
  const where = `label file ${abs}: `;
  const shape = f.shape;
  if (
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    !shape.every((n) => typeof n === "number" && Number.isInteger(n) && n > 0)
  )
    throw new RangeError(
      `${where}\`shape\` must be 3 positive integers [nz, ny, nx], received ${JSON.stringify(shape) ?? "nothing"}`,
    );
  const [nz, ny, nx] = shape as [number, number, number];
  const voxels = nz * ny * nx;
  if (voxels > maxVoxels)
    throw new RangeError(
      `${where}\`shape\` ${formatShape(shape)} is ${voxels} voxels, more than the ${maxVoxels} (maxVoxels) a label volume may have here; pass a larger maxVoxels if the memory is there`,
    );
  if (options.shape && options.shape.some((n, i) => n !== shape[i]))
    throw new RangeError(
      `label file ${abs} has shape ${formatShape(shape)}, expected ${formatShape(options.shape)}`,
    );
  let spacing: [number, number, number] = [1, 1, 1];
  if (f.spacing !== undefined) {
    const sp = f.spacing;
    if (!Array.isArray(sp) || sp.length !== 3)
      throw new TypeError(
        `${where}\`spacing\` must be 3 positive finite numbers [dz, dy, dx], received ${received(sp)}`,
      );
    sp.forEach((d: unknown, i) => {
      if (typeof d !== "number")
        throw new TypeError(
          `${where}\`spacing[${i}]\` must be a positive finite number, received ${received(d)}`,
        );
      if (!(d > 0 && d < Infinity))
        throw new RangeError(
          `${where}\`spacing[${i}]\` must be a positive finite number, received ${String(d)}`,
        );
    });
    spacing = [sp[0], sp[1], sp[2]] as [number, number, number];
  }
  const classes = f.classes === undefined ? DEFAULT_LABEL_CLASSES : f.classes;
  const allowed = checkClasses(classes, where, "classes");
  if (f.encoding !== "rle-varint")
    throw new RangeError(
      `${where}\`encoding\` must be "rle-varint", received ${received(f.encoding)}`,
    );
  if (typeof f.data !== "string")
    throw new TypeError(
      `${where}\`data\` must be a base64 string of runs, received ${received(f.data)}`,
    );
  const runs = decodeBase64(f.data);
  if (!runs)
    throw new RangeError(
      `${where}\`data\` must be base64 (A-Z a-z 0-9 + /, padded with = to a multiple of 4 characters), received a string of length ${f.data.length} that is not`,
    );
  if (f.saved !== undefined && typeof f.saved !== "string")
    throw new TypeError(
      `${where}\`saved\` must be an ISO time string, received ${received(f.saved)}`,
    );
  let stored: [string, number][] | undefined;
  if (f.counts !== undefined) {
    const c = f.counts;
    if (typeof c !== "object" || c === null || Array.isArray(c))
      throw new TypeError(
        `${where}\`counts\` must be an object { classId: voxels }, received ${received(c)}`,
      );
    for (const [k, v] of Object.entries(c as Record<string, unknown>))
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
        throw new RangeError(
          `${where}\`counts.${k}\` must be a voxel count (integer >= 0), received ${received(v)}`,
        );
    stored = sortKeys(c as Record<string, number>).filter(([, v]) => v !== 0);
  }
  let data: Uint8Array;
  try {
    data = decodeLabelRuns(
      new Uint8Array(runs.buffer, runs.byteOffset, runs.length),
      voxels,
      `label file ${abs}: \`data\``,
      allowed,
    );
  } catch (error) {
    if (
      error instanceof RangeError &&
      /Array buffer allocation failed|Invalid typed array length/.test(error.message)
    )
      throw new RangeError(
        `${where}cannot allocate ${formatShape(shape)} = ${voxels} voxels of labels (${error.message})`,
      );
    throw error;
  }
  const counts = countLabels(data);
  if (stored && JSON.stringify(stored) !== JSON.stringify(sortKeys(counts)))
    throw new RangeError(
      `label file ${abs} is corrupt: stored counts ${JSON.stringify(f.counts)} differ from decoded ${JSON.stringify(counts)}`,
    );
  return {
    data,
    shape: [nz, ny, nx],
    spacing,
    classes: (classes as LabelClass[]).map((c) => ({ id: c.id, name: c.name, color: c.color })),
    counts,
  };
}

function sortKeys(r: Record<string, number>): [string, number][] {
  return Object.entries(r).sort(([a], [b]) => Number(a) - Number(b));
}

/** Options of {@link saveLabels}. */
export interface SaveLabelsOptions extends LabelPathOptions {
  /** The class table written with the labels. @default {@link DEFAULT_LABEL_CLASSES} */
  classes?: readonly LabelClass[];
  /**
   * Replace an existing label file (its previous version is kept as `<file>.bak`). Without it
   * an existing file is never touched. A file that is not a tomolab label file is never
   * replaced. @default false
   */
  overwrite?: boolean;
}

/**
 * Write a label volume in the painter's file format (e.g. to seed labels the painter then
 * edits). The file name must end in `.labels.json` (see {@link sanitizeLabelFileName}); the
 * path follows {@link resolveLabelPath} (absolute, or relative to `baseDir` and inside it).
 * An existing file is replaced only with `overwrite: true`, and only when it is a tomolab label
 * file; its previous version is then kept as `<file>.bak`. The write is atomic.
 * @param labels - Uint8 label volume: 0 = unlabelled, other values must be ids of `classes`.
 * @param file - Path of the label file, `<name>.labels.json`.
 * @param options - Options, or (as before) the class table alone.
 * @returns The absolute path written.
 * @throws RangeError / TypeError for a bad volume or class table, a value that is not a class
 *   id, a name not ending in `.labels.json`, an escaping path, or an existing file without
 *   `overwrite: true`.
 */
export function saveLabels(
  labels: Volume<Uint8Array>,
  file: string,
  options: SaveLabelsOptions | readonly LabelClass[] = {},
): string {
  const opts: SaveLabelsOptions = Array.isArray(options)
    ? { classes: options as readonly LabelClass[] }
    : (options as SaveLabelsOptions);
  if (typeof opts !== "object" || opts === null)
    throw new TypeError(`saveLabels options must be an object, received ${received(opts)}`);
  checkVolume<Uint8Array>(labels, "labels", { dtypes: ["uint8"] });
  const classes = opts.classes ?? DEFAULT_LABEL_CLASSES;
  const allowed = checkClasses(classes, "", "classes");
  const abs = resolveLabelPath(file, opts);
  if (!path.basename(abs).endsWith(LABELS_SUFFIX) || path.basename(abs) === LABELS_SUFFIX)
    throw new RangeError(
      `label files are named <name>${LABELS_SUFFIX}, received ${JSON.stringify(file)} (sanitizeLabelFileName makes such a name)`,
    );
  const d = labels.data;
  for (let i = 0; i < d.length; i++)
    if (!allowed[d[i]])
      throw new RangeError(
        `\`labels\` holds ${d[i]} at voxel ${i}, which is not 0 or an id of \`classes\` (${classes.map((c) => c.id).join(", ")})`,
      );
  if (opts.overwrite !== undefined && typeof opts.overwrite !== "boolean")
    throw new TypeError(`\`overwrite\` must be a boolean, received ${received(opts.overwrite)}`);
  let previous: Buffer | undefined;
  if (existsSync(abs)) {
    if (!statSync(abs).isFile())
      throw new RangeError(`${abs} exists and is not a file; it is never replaced by a label file`);
    if (!opts.overwrite)
      throw new RangeError(
        `label file ${abs} already exists; pass { overwrite: true } to replace it (its previous version is then kept as ${path.basename(abs)}.bak)`,
      );
    previous = readFileSync(abs);
    let format: unknown;
    try {
      format = (JSON.parse(previous.toString("utf8")) as { format?: unknown })?.format;
    } catch {
      format = undefined;
    }
    if (format !== "tomolab-labels")
      throw new RangeError(
        `${abs} exists and is not a tomolab label file; it is never replaced (rename or delete it first)`,
      );
  }
  const content: LabelFile = {
    format: "tomolab-labels",
    version: 1,
    shape: [...labels.shape],
    spacing: [...labels.spacing],
    classes: classes.map((c) => ({ id: c.id, name: c.name, color: c.color })),
    encoding: "rle-varint",
    data: Buffer.from(encodeLabelRuns(labels.data)).toString("base64"),
    counts: countLabels(labels.data),
    saved: new Date().toISOString(),
  };
  if (previous) writeFileAtomicSync(`${abs}.bak`, previous);
  writeFileAtomicSync(abs, JSON.stringify(content));
  return abs;
}
