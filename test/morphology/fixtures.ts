import { readFileSync } from "node:fs";
import type { Volume } from "../../kernel-lib/src/volume/types.js";

const dir = new URL("../fixtures/morphology/", import.meta.url);

export interface ArrayRef {
  file: string;
  shape: number[];
  dtype: "u8" | "i32" | "f32" | "f64";
}

export const fixtures = JSON.parse(readFileSync(new URL("morphology.json", dir), "utf8")) as {
  inputs: Record<string, ArrayRef>;
  edt: { name: string; input: string; spacing: number[]; labels: boolean; expected: ArrayRef }[];
  label: {
    name: string;
    input: string;
    connectivity: 6 | 18 | 26;
    count: number;
    expected: ArrayRef;
    voxels: number[];
    boxes: number[][];
  }[];
  ball: {
    name: string;
    input: string;
    radius: number;
    spacing: number[];
    dilate: ArrayRef;
    erode: ArrayRef;
    open: ArrayRef;
    close: ArrayRef;
  }[];
  reconstruction: {
    name: string;
    connectivity: 6 | 26;
    seed: ArrayRef;
    mask: string;
    expected: ArrayRef;
  }[];
  fillHoles: { name: string; input: string; connectivity: 6 | 26; expected: ArrayRef }[];
  hExtrema: { name: string; input: string; h: number; maxima: ArrayRef; minima: ArrayRef }[];
  localThickness: { name: string; input: string; sizes: number | number[]; expected: ArrayRef }[];
};

const TYPES = { u8: Uint8Array, i32: Int32Array, f32: Float32Array, f64: Float64Array };

/** Read one fixture array (little-endian raw file). */
export function readArray(ref: ArrayRef): Uint8Array | Int32Array | Float32Array | Float64Array {
  const buf = readFileSync(new URL(ref.file, dir));
  const T = TYPES[ref.dtype];
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new T(copy.buffer);
}

/** A fixture array as a Volume (float64 is converted to float32). */
export function readVolume(ref: ArrayRef, spacing: number[] = [1, 1, 1]): Volume {
  const a = readArray(ref);
  const data = a instanceof Float64Array ? Float32Array.from(a) : a;
  const shape = (ref.shape.length === 2 ? [1, ...ref.shape] : ref.shape) as [
    number,
    number,
    number,
  ];
  return { data, shape, spacing: spacing as [number, number, number] };
}

/** Largest |a - b| / max(1, |b|); Infinity only when one is infinite and the other is not. */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    if (a[i] === b[i]) continue;
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  }
  return worst;
}
