// Label painter model: sparse labels, brush / eraser / flood fill on a plane, undo / redo,
// counts, and the label file format (see viewerTypes.ts LabelFile). No DOM here.
import type { LabelClass, LabelFile, ViewPlane } from "./viewerTypes.js";

export type Shape = [nz: number, ny: number, nx: number];

/** Default classes: 1 = void, 2 = CBD, 3 = NMC (0 = unlabelled). */
export const DEFAULT_CLASSES: LabelClass[] = [
  { id: 1, name: "void", color: "#3b82f6" },
  { id: 2, name: "CBD", color: "#f59e0b" },
  { id: 3, name: "NMC", color: "#10b981" },
];

export const LABELS_SUFFIX = ".labels.json";

/**
 * Label file name that stays in the notebook's folder: last path component, [A-Za-z0-9._-]
 * only, no leading dot, `.labels.json` suffix. Returns undefined when nothing usable is left.
 */
export function sanitizeLabelFileName(name: string): string | undefined {
  let base = String(name).replace(/\\/g, "/").split("/").pop() ?? "";
  if (base.endsWith(LABELS_SUFFIX)) base = base.slice(0, -LABELS_SUFFIX.length);
  base = base
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[.-]+/, "")
    .replace(/[.-]+$/, "");
  return base ? base + LABELS_SUFFIX : undefined;
}

/** Size of a plane's image: width (u axis) and height (v axis). */
export function planeSize(shape: Shape, plane: ViewPlane): [w: number, h: number] {
  const [nz, ny, nx] = shape;
  return plane === "xy" ? [nx, ny] : plane === "xz" ? [nx, nz] : [ny, nz];
}

/** Number of slices along a plane's normal. */
export function planeDepth(shape: Shape, plane: ViewPlane): number {
  return plane === "xy" ? shape[0] : plane === "xz" ? shape[1] : shape[2];
}

/** Voxel [z, y, x] of plane pixel (u, v) on slice `slice`. */
export function planeToVoxel(
  plane: ViewPlane,
  slice: number,
  u: number,
  v: number,
): [number, number, number] {
  return plane === "xy" ? [slice, v, u] : plane === "xz" ? [v, slice, u] : [v, u, slice];
}

interface Stroke {
  value: number;
  /** Flat voxel indices changed, and their values before the stroke. */
  indices: number[];
  before: number[];
  seen: Set<number>;
}

/** Error for a label file that cannot be read: the painter must not overwrite it. */
export class LabelFileError extends Error {
  override name = "LabelFileError";
}

/** Sparse painted labels: one Uint8Array per z slice, allocated on first paint. */
export class LabelStore {
  readonly shape: Shape;
  private readonly slices: (Uint8Array | null)[];
  private readonly tally = new Float64Array(256);
  private readonly undoStack: Stroke[] = [];
  private readonly redoStack: Stroke[] = [];
  private stroke: Stroke | null = null;
  /** Increases on every change (autosave compares it). */
  version = 0;
  /** Most undo steps kept. @default 100 */
  maxUndo = 100;

  constructor(shape: Shape) {
    this.shape = [shape[0], shape[1], shape[2]];
    this.slices = new Array<Uint8Array | null>(shape[0]).fill(null);
  }

  get(z: number, y: number, x: number): number {
    return this.slices[z]?.[y * this.shape[2] + x] ?? 0;
  }

  /** Voxels per class id (ids with a count > 0, as strings, like the label file). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let c = 1; c < 256; c++) if (this.tally[c] > 0) out[String(c)] = this.tally[c];
    return out;
  }

  /** True during a stroke that changed voxels (not yet ended: no version step yet). */
  get painting(): boolean {
    return (this.stroke?.indices.length ?? 0) > 0;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  private write(index: number, value: number): number {
    const [, ny, nx] = this.shape;
    const z = Math.floor(index / (ny * nx));
    const within = index - z * ny * nx;
    let s = this.slices[z];
    const old = s ? s[within] : 0;
    if (old === value) return old;
    if (!s) s = this.slices[z] = new Uint8Array(ny * nx);
    s[within] = value;
    this.tally[old]--;
    this.tally[value]++;
    return old;
  }

  /** Start a stroke (one undo step); painting outside a stroke makes its own step. */
  beginStroke(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 255)
      throw new RangeError(`label value must be an integer in [0, 255], received ${value}`);
    this.endStroke();
    this.stroke = { value, indices: [], before: [], seen: new Set() };
  }

  /** Close the current stroke; an empty stroke leaves no undo step. */
  endStroke(): void {
    const s = this.stroke;
    this.stroke = null;
    if (!s || s.indices.length === 0) return;
    this.undoStack.push(s);
    if (this.undoStack.length > this.maxUndo) this.undoStack.shift();
    this.redoStack.length = 0;
    this.version++;
  }

  private paintVoxel(z: number, y: number, x: number): void {
    const s = this.stroke!;
    const [, ny, nx] = this.shape;
    const index = (z * ny + y) * nx + x;
    if (s.seen.has(index)) return;
    const old = this.write(index, s.value);
    if (old !== s.value) {
      s.seen.add(index);
      s.indices.push(index);
      s.before.push(old);
    }
  }

  /**
   * Paint a disc of `radius` (plane pixels; radius 0 = one voxel) centred on (u, v) of a plane
   * with the current stroke's value (0 = eraser).
   */
  paintDisc(plane: ViewPlane, slice: number, u: number, v: number, radius: number): void {
    if (!this.stroke) throw new Error("paintDisc outside a stroke: call beginStroke first");
    const [w, h] = planeSize(this.shape, plane);
    const r = Math.max(0, radius);
    const r2 = r * r + 0.25;
    const u0 = Math.max(0, Math.ceil(u - r));
    const u1 = Math.min(w - 1, Math.floor(u + r));
    const v0 = Math.max(0, Math.ceil(v - r));
    const v1 = Math.min(h - 1, Math.floor(v + r));
    for (let b = v0; b <= v1; b++) {
      for (let a = u0; a <= u1; a++) {
        if ((a - u) * (a - u) + (b - v) * (b - v) > r2) continue;
        const [z, y, x] = planeToVoxel(plane, slice, a, b);
        this.paintVoxel(z, y, x);
      }
    }
  }

  /** Paint discs along the segment (u0, v0) -> (u1, v1), one per pixel step. */
  paintLine(
    plane: ViewPlane,
    slice: number,
    u0: number,
    v0: number,
    u1: number,
    v1: number,
    radius: number,
  ): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(u1 - u0), Math.abs(v1 - v0))));
    for (let i = 0; i <= steps; i++) {
      const t = i / steps;
      this.paintDisc(
        plane,
        slice,
        Math.round(u0 + (u1 - u0) * t),
        Math.round(v0 + (v1 - v0) * t),
        radius,
      );
    }
  }

  /**
   * 2D flood fill (4-connected) on a plane from (u, v): the region of voxels with the seed's
   * label becomes `value`. One undo step. Returns the number of voxels changed.
   */
  floodFill(plane: ViewPlane, slice: number, u: number, v: number, value: number): number {
    const [w, h] = planeSize(this.shape, plane);
    if (u < 0 || v < 0 || u >= w || v >= h) return 0;
    const seedLabel = this.get(...planeToVoxel(plane, slice, u, v));
    if (seedLabel === value) return 0;
    this.beginStroke(value);
    const visited = new Uint8Array(w * h);
    const stack = [v * w + u];
    visited[v * w + u] = 1;
    while (stack.length > 0) {
      const p = stack.pop()!;
      const a = p % w;
      const b = (p - a) / w;
      this.paintVoxel(...planeToVoxel(plane, slice, a, b));
      const next = [
        a > 0 ? p - 1 : -1,
        a < w - 1 ? p + 1 : -1,
        b > 0 ? p - w : -1,
        b < h - 1 ? p + w : -1,
      ];
      for (const q of next) {
        if (q < 0 || visited[q]) continue;
        const qa = q % w;
        if (this.get(...planeToVoxel(plane, slice, qa, (q - qa) / w)) !== seedLabel) continue;
        visited[q] = 1;
        stack.push(q);
      }
    }
    const changed = this.stroke!.indices.length;
    this.endStroke();
    return changed;
  }

  /** Undo the last stroke; false when there is none. */
  undo(): boolean {
    this.endStroke();
    const s = this.undoStack.pop();
    if (!s) return false;
    for (let i = s.indices.length - 1; i >= 0; i--) this.write(s.indices[i], s.before[i]);
    this.redoStack.push(s);
    this.version++;
    return true;
  }

  /** Redo the last undone stroke; false when there is none. */
  redo(): boolean {
    this.endStroke();
    const s = this.redoStack.pop();
    if (!s) return false;
    for (const index of s.indices) this.write(index, s.value);
    this.undoStack.push(s);
    this.version++;
    return true;
  }

  /** Labels of one plane (w * h, u fastest), for drawing. */
  planeLabels(plane: ViewPlane, slice: number, out?: Uint8Array): Uint8Array {
    const [nz, ny, nx] = this.shape;
    const [w, h] = planeSize(this.shape, plane);
    const result = out && out.length === w * h ? out : new Uint8Array(w * h);
    if (plane === "xy") {
      const s = this.slices[slice];
      if (s) result.set(s);
      else result.fill(0);
      return result;
    }
    for (let z = 0; z < nz; z++) {
      const s = this.slices[z];
      const row = z * w;
      if (!s) {
        result.fill(0, row, row + w);
        continue;
      }
      if (plane === "xz") for (let x = 0; x < nx; x++) result[row + x] = s[slice * nx + x];
      else for (let y = 0; y < ny; y++) result[row + y] = s[y * nx + slice];
    }
    return result;
  }

  /** Run-length encoding of all voxels: (value byte, LEB128 length) runs, x fastest. */
  encodeRuns(): Uint8Array {
    const [nz, ny, nx] = this.shape;
    const plane = ny * nx;
    let buf = new Uint8Array(1024);
    let n = 0;
    const push = (b: number): void => {
      if (n === buf.length) {
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
      }
      buf[n++] = b;
    };
    let value = -1;
    let run = 0;
    const flush = (): void => {
      if (run === 0) return;
      push(value);
      let r = run;
      while (r >= 0x80) {
        push((r & 0x7f) | 0x80);
        r = Math.floor(r / 128);
      }
      push(r);
    };
    for (let z = 0; z < nz; z++) {
      const s = this.slices[z];
      if (!s) {
        if (value === 0) run += plane;
        else {
          flush();
          value = 0;
          run = plane;
        }
        continue;
      }
      for (let i = 0; i < plane; i++) {
        const v = s[i];
        if (v === value) run++;
        else {
          flush();
          value = v;
          run = 1;
        }
      }
    }
    flush();
    return buf.slice(0, n);
  }

  /**
   * The label file content (see LabelFile).
   * @param lineage - `revision` and `ancestors` of the version written (see LabelFile); absent
   *   in files written without them.
   */
  toFile(
    classes: LabelClass[],
    spacing: [number, number, number],
    saved = new Date(),
    lineage?: { revision: string; ancestors: string[] },
  ): LabelFile {
    return {
      format: "tomolab-labels",
      version: 1,
      shape: [...this.shape],
      spacing: [...spacing],
      classes: classes.map((c) => ({ id: c.id, name: c.name, color: c.color })),
      encoding: "rle-varint",
      data: bytesToBase64(this.encodeRuns()),
      counts: this.counts(),
      saved: saved.toISOString(),
      ...(lineage ? { revision: lineage.revision, ancestors: [...lineage.ancestors] } : {}),
    };
  }

  /**
   * Read a label file's text into a new store of `shape`.
   * @throws LabelFileError saying what is wrong (then the file must be left untouched).
   */
  static fromFile(
    text: string,
    shape: Shape,
    name = "label file",
  ): { store: LabelStore; classes?: LabelClass[] } {
    const { file, runs } = decodeLabelFile(text, shape, name);
    const store = new LabelStore(shape);
    store.applyChanges(emptyRuns(shape), runs, "overwrite");
    store.version = 0;
    return { store, classes: Array.isArray(file.classes) ? file.classes : undefined };
  }

  /**
   * Apply the changes between two versions of the labels to this store: `from` -> `to`, both
   * rle-varint runs (as {@link encodeRuns}) covering the store's shape. Not an undo step.
   *
   * - "three-way": a voxel takes `to`'s value only where the store still holds `from`'s. With
   *   `from` the last version both sides had (the base), `to` the other side's version and the
   *   store this side's, that is a 3-way merge: changes of either side are kept, and where both
   *   changed a voxel to different values this side's value wins (counted in `conflicts`).
   * - "overwrite": every voxel that differs between `from` and `to` takes `to`'s value (the
   *   store's own different value is overwritten and counted in `conflicts`).
   *
   * Only the stretches where `from` and `to` differ are visited.
   * @returns `applied`: voxels written (counted, not written, with `dryRun`); `conflicts`.
   * @throws RangeError when the runs do not cover the shape.
   */
  applyChanges(
    from: Uint8Array,
    to: Uint8Array,
    mode: "three-way" | "overwrite",
    dryRun = false,
  ): { applied: number; conflicts: number } {
    const [nz, ny, nx] = this.shape;
    const total = nz * ny * nx;
    const a = new RunCursor(from, total, "base runs");
    const b = new RunCursor(to, total, "changed runs");
    let applied = 0;
    let conflicts = 0;
    let pos = 0;
    while (pos < total) {
      if (a.left === 0) a.next();
      if (b.left === 0) b.next();
      const n = Math.min(a.left, b.left);
      const was = a.value;
      const now = b.value;
      if (was !== now) {
        for (let i = pos; i < pos + n; i++) {
          const mine = this.valueAt(i);
          if (mine === now) continue;
          const mineChanged = mine !== was;
          if (mineChanged) conflicts++;
          if (mineChanged && mode === "three-way") continue;
          applied++;
          if (!dryRun) this.write(i, now);
        }
      }
      a.left -= n;
      b.left -= n;
      pos += n;
    }
    a.end();
    b.end();
    if (applied > 0 && !dryRun) this.version++;
    return { applied, conflicts };
  }

  private valueAt(index: number): number {
    const plane = this.shape[1] * this.shape[2];
    const z = Math.floor(index / plane);
    return this.slices[z]?.[index - z * plane] ?? 0;
  }
}

/** Reads (value, length) runs of the rle-varint encoding, checking they cover `total` voxels. */
class RunCursor {
  value = 0;
  /** Voxels left in the current run. */
  left = 0;
  private byte = 0;
  private covered = 0;

  constructor(
    private readonly runs: Uint8Array,
    private readonly total: number,
    private readonly what: string,
  ) {}

  /** Loads the next run. @throws RangeError at the end or on a malformed run. */
  next(): void {
    const r = this.runs;
    if (this.byte >= r.length)
      throw new RangeError(`${this.what} cover ${this.covered} of ${this.total} voxels`);
    this.value = r[this.byte++];
    let run = 0;
    let scale = 1;
    for (;;) {
      if (this.byte >= r.length)
        throw new RangeError(`${this.what} are truncated (run length at byte ${this.byte})`);
      const b = r[this.byte++];
      run += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
      if (scale > 2 ** 49)
        throw new RangeError(`${this.what}: run length too long at byte ${this.byte}`);
    }
    if (run === 0 || this.covered + run > this.total)
      throw new RangeError(`${this.what} do not match the ${this.total} voxels of the shape`);
    this.covered += run;
    this.left = run;
  }

  /** @throws RangeError when bytes are left after the last voxel. */
  end(): void {
    if (this.byte !== this.runs.length || this.left !== 0)
      throw new RangeError(`${this.what} run past the ${this.total} voxels of the shape`);
  }
}

/** Runs of an all-zero (unlabelled) volume of `shape`. */
export function emptyRuns(shape: Shape): Uint8Array {
  const out = [0];
  let r = shape[0] * shape[1] * shape[2];
  while (r >= 0x80) {
    out.push((r & 0x7f) | 0x80);
    r = Math.floor(r / 128);
  }
  out.push(r);
  return Uint8Array.from(out);
}

/**
 * Voxels per class id of runs covering `shape` (ids with a count > 0, as strings).
 * @throws RangeError when the runs do not cover the shape exactly.
 */
export function runCounts(
  runs: Uint8Array,
  shape: Shape,
  what = "label runs",
): Record<string, number> {
  const total = shape[0] * shape[1] * shape[2];
  const c = new RunCursor(runs, total, what);
  const tally = new Float64Array(256);
  for (let pos = 0; pos < total; pos += c.left) {
    c.next();
    tally[c.value] += c.left;
  }
  c.left = 0;
  c.end();
  const out: Record<string, number> = {};
  for (let v = 1; v < 256; v++) if (tally[v] > 0) out[String(v)] = tally[v];
  return out;
}

/** Number of voxels whose value differs between two run encodings of `shape`. */
export function countDifferences(a: Uint8Array, b: Uint8Array, shape: Shape): number {
  const total = shape[0] * shape[1] * shape[2];
  const ca = new RunCursor(a, total, "first runs");
  const cb = new RunCursor(b, total, "second runs");
  let differ = 0;
  for (let pos = 0; pos < total;) {
    if (ca.left === 0) ca.next();
    if (cb.left === 0) cb.next();
    const n = Math.min(ca.left, cb.left);
    if (ca.value !== cb.value) differ += n;
    ca.left -= n;
    cb.left -= n;
    pos += n;
  }
  ca.end();
  cb.end();
  return differ;
}

/** True when two run encodings hold the same bytes. */
export function runsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Parse and check a label file's text for a volume of `shape`: format, shape, encoding, runs
 * covering the shape, stored counts matching the data.
 * @returns the parsed file and its decoded run bytes.
 * @throws LabelFileError saying what is wrong (then the file must be left untouched).
 */
export function decodeLabelFile(
  text: string,
  shape: Shape,
  name = "label file",
): { file: LabelFile; runs: Uint8Array } {
  let f: Partial<LabelFile>;
  try {
    f = JSON.parse(text) as Partial<LabelFile>;
  } catch (error) {
    throw new LabelFileError(`${name} is not valid JSON (${(error as Error).message})`);
  }
  if (f?.format !== "tomolab-labels" || f.version !== 1)
    throw new LabelFileError(
      `${name} is not a tomolab label file (format ${JSON.stringify(f?.format)}, version ${JSON.stringify(f?.version)})`,
    );
  if (!Array.isArray(f.shape) || f.shape.length !== 3 || f.shape.some((n, i) => n !== shape[i]))
    throw new LabelFileError(
      `${name} has shape ${JSON.stringify(f.shape)}, the volume has ${JSON.stringify(shape)}`,
    );
  if (f.encoding !== "rle-varint" || typeof f.data !== "string")
    throw new LabelFileError(`${name} has unsupported encoding ${JSON.stringify(f.encoding)}`);
  let runs: Uint8Array;
  try {
    runs = base64ToBytes(f.data);
  } catch {
    throw new LabelFileError(`${name}: data is not base64`);
  }
  let counts: Record<string, number>;
  try {
    counts = runCounts(runs, shape, `${name}: runs`);
  } catch (error) {
    const [nz, ny, nx] = shape;
    throw new LabelFileError(
      `${name} is corrupt (shape ${nz}x${ny}x${nx}): ${(error as Error).message}`,
    );
  }
  if (f.counts && JSON.stringify(sorted(f.counts)) !== JSON.stringify(sorted(counts)))
    throw new LabelFileError(
      `${name} is corrupt: stored counts ${JSON.stringify(f.counts)} differ from the data ${JSON.stringify(counts)}`,
    );
  return { file: f as LabelFile, runs };
}

function sorted(r: Record<string, number>): [string, number][] {
  return Object.entries(r).sort(([a], [b]) => Number(a) - Number(b));
}

/** Base64 of bytes (chunked, so large arrays do not overflow the argument list). */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64ToBytes(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
