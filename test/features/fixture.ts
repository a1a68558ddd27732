// Shared reader of test/fixtures/features (made by test/fixtures/generate_features.py).
import { readFileSync } from "node:fs";
import type { Shape3, Volume } from "../../kernel-lib/src/volume/types.js";

const dir = new URL("../fixtures/features/", import.meta.url);

export interface FeatureCase {
  name: string;
  channels: { filter: string; scale: number; index: number; range: number }[];
  positions: string;
  values: string;
  count: number;
}
export interface FilterCase {
  name: string;
  file: string;
  channels: number;
  input: "vol" | "img";
  [key: string]: unknown;
}
export interface Fixture {
  inputs: Record<string, { file: string; shape: Shape3; dtype?: "float32" }>;
  cases: FeatureCase[];
  filters: FilterCase[];
  kernels: { sigma: number; order: number; windowSize: number; left: number; values: number[] }[];
}

export const fixture = JSON.parse(readFileSync(new URL("features.json", dir), "utf8")) as Fixture;

export function raw(file: string): Uint8Array {
  const bytes = readFileSync(new URL(file, dir));
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

export const f32 = (file: string) => new Float32Array(raw(file).buffer);

/** A fixture input volume (uint8 grey values or float32). */
export function input(key: string): Volume {
  const spec = fixture.inputs[key]!;
  const bytes = raw(spec.file);
  return {
    data: spec.dtype === "float32" ? new Float32Array(bytes.buffer) : bytes,
    shape: spec.shape,
    spacing: [1, 1, 1],
  };
}

export function featureCase(name: string): {
  c: FeatureCase;
  positions: Float32Array;
  values: Float32Array;
} {
  const c = fixture.cases.find((x) => x.name === name)!;
  return { c, positions: f32(c.positions), values: f32(c.values) };
}

/** Largest |a - b| over all elements. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Deterministic uniform [0, 1) volume. */
export function random(
  shape: Shape3,
  seed: number,
  spacing: Shape3 = [1, 1, 1],
): Volume<Float32Array> {
  const n = shape[0] * shape[1] * shape[2];
  const data = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32;
  }
  return { data, shape, spacing };
}

/** A Gaussian-family filter fixture: its input volume and expected channels. */
export function filterCase(name: string): {
  c: FilterCase;
  volume: Volume;
  expected: Float32Array[];
} {
  const c = fixture.filters.find((x) => x.name === name);
  if (!c) throw new Error(`no filter fixture ${name}`);
  const volume = input(c.input);
  const n = volume.data.length;
  const all = f32(c.file);
  return {
    c,
    volume,
    expected: Array.from({ length: c.channels }, (_, k) => all.subarray(k * n, (k + 1) * n)),
  };
}

/** A quadratic volume q(z, y, x) = sum of a_ij x_i x_j + linear terms, float32. */
export function quadratic(
  shape: Shape3,
  h: { zz: number; yy: number; xx: number; zy: number; zx: number; yx: number },
): Volume<Float32Array> {
  const [nz, ny, nx] = shape;
  const data = new Float32Array(nz * ny * nx);
  const cz = nz / 2,
    cy = ny / 2,
    cx = nx / 2;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const Z = z - cz,
          Y = y - cy,
          X = x - cx;
        data[(z * ny + y) * nx + x] =
          0.5 * (h.zz * Z * Z + h.yy * Y * Y + h.xx * X * X) +
          h.zy * Z * Y +
          h.zx * Z * X +
          h.yx * Y * X +
          0.3 * Z -
          0.2 * X +
          5;
      }
    }
  }
  return { data, shape, spacing: [1, 1, 1] };
}

/** Largest |v - value| over the voxels at least `m` from every face (x fastest). */
export function interiorMaxDev(v: Volume<Float32Array>, value: number, m: number): number {
  const [nz, ny, nx] = v.shape;
  let dev = 0;
  for (let z = nz === 1 ? 0 : m; z < (nz === 1 ? 1 : nz - m); z++) {
    for (let y = m; y < ny - m; y++) {
      for (let x = m; x < nx - m; x++)
        dev = Math.max(dev, Math.abs(v.data[(z * ny + y) * nx + x]! - value));
    }
  }
  return dev;
}
