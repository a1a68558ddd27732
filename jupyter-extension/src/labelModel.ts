// Label painter model: sparse labels, brush / eraser on a plane (the fill is floodFill.ts),
// undo / redo, counts, and the label file's content (see viewerTypes.ts LabelFile; reading
// and checking a file is labelFile.ts, the run encoding labelRuns.ts). No DOM here.
import { bytesToBase64 } from "./base64.js";
import { decodeLabelFile } from "./labelFile.js";
import { RunCursor, emptyRuns, encodeSlices } from "./labelRuns.js";
import { planeSize, planeToVoxel, type Shape } from "./planes.js";
import type { LabelClass, LabelFile, ViewPlane } from "./viewerTypes.js";

interface Stroke {
  value: number;
  /** Flat voxel indices changed, and their values before the stroke. */
  indices: number[];
  before: number[];
  seen: Set<number>;
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
    return encodeSlices(this.slices, this.shape);
  }

  /**
   * The label file content (see LabelFile).
   * @param lineage - `revision` and `ancestors` of the version written (see LabelFile); absent
   *   in files written without them.
   */
  toFile(
    classes: readonly LabelClass[],
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
