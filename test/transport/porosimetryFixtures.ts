import { readFileSync } from "node:fs";
import type { Shape3, Spacing3, Volume } from "../../kernel-lib/src/volume/types.js";

const dir = new URL("../fixtures/porosimetry/", import.meta.url);

export interface ArrayRef {
  file: string;
  shape: number[];
  dtype: "u8" | "f32";
}

/** test/fixtures/porosimetry/porosimetry.json, written by test/fixtures/generate_porosimetry.py. */
export const fixtures = JSON.parse(readFileSync(new URL("porosimetry.json", dir), "utf8")) as {
  pores: ArrayRef;
  particle: ArrayRef;
  porosimetry: {
    name: string;
    inlets: ArrayRef | null;
    sizes: number[];
    spacing: number[];
    expected: ArrayRef;
  }[];
  innerPores: { name: string; radius: number; spacing: number[]; expected: ArrayRef }[];
};

/** One fixture array as a Volume. */
export function readVolume(ref: ArrayRef, spacing: number[] = [1, 1, 1]): Volume {
  const buf = readFileSync(new URL(ref.file, dir));
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  const data = ref.dtype === "u8" ? copy : new Float32Array(copy.buffer);
  return { data, shape: ref.shape as Shape3, spacing: spacing as Spacing3 };
}
