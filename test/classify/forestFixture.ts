import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/forest");

export interface Fixture {
  meta: Record<string, unknown> & { nFeatures: number };
  f32(name: string): Float32Array;
  i32(name: string): Int32Array;
}

/** A case written by test/fixtures/generate_forest.py. */
export function loadFixture(name: string): Fixture {
  const meta = JSON.parse(readFileSync(path.join(DIR, `${name}.json`), "utf8")) as Fixture["meta"] & {
    arrays: Record<string, { file: string }>;
  };
  const bytes = (key: string) => {
    const a = meta.arrays[key];
    if (!a) throw new Error(`fixture ${name} has no array ${key}`);
    const b = readFileSync(path.join(DIR, a.file));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  };
  return {
    meta,
    f32: (k) => new Float32Array(bytes(k)),
    i32: (k) => new Int32Array(bytes(k)),
  };
}

/** Spearman rank correlation. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const rank = (x: ArrayLike<number>) => {
    const idx = Array.from({ length: x.length }, (_, i) => i).sort((i, j) => x[i]! - x[j]!);
    const r = new Float64Array(x.length);
    idx.forEach((i, k) => (r[i] = k));
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  const mean = (n - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}

/** Pearson correlation. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}
