// The label file's run encoding ("rle-varint": a value byte, then the run length as an
// unsigned LEB128 varint; runs cover nz*ny*nx voxels, x fastest): encode a sparse volume,
// walk runs, count, compare. No DOM here.
import type { Shape } from "./planes.js";

/**
 * Run-length encoding of a sparse label volume (one slice array per z, null = unlabelled):
 * (value byte, LEB128 length) runs, x fastest.
 */
export function encodeSlices(slices: readonly (Uint8Array | null)[], shape: Shape): Uint8Array {
  const [nz, ny, nx] = shape;
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
    const s = slices[z];
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

/** Reads (value, length) runs of the rle-varint encoding, checking they cover `total` voxels. */
export class RunCursor {
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
