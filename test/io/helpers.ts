/**
 * Shared by the I/O tests: the fixture manifest written by
 * test/fixtures/generate_io.py, the value formulas it used (recomputed here),
 * and runners for the independent readers (tifffile, ImageJ) that skip
 * cleanly when those are not installed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, "..", "fixtures", "io");
/**
 * The shared data folder as kernel-lib looks for it: `TOMOLAB_SHARED_DATA` when set (a path
 * that does not exist for `none`), else `../shared/data` beside the checkout.
 */
export const SHARED_DATA =
  process.env.TOMOLAB_SHARED_DATA === "none"
    ? path.join(os.tmpdir(), "tomolab-shared-data-hidden")
    : process.env.TOMOLAB_SHARED_DATA
      ? path.resolve(process.env.TOMOLAB_SHARED_DATA)
      : path.resolve(here, "..", "..", "..", "shared", "data");

export interface FixtureEntry {
  file: string;
  formula: string;
  shape: [number, number, number];
  dtype: string;
  spacing: [number, number, number];
  unit: string;
  compression: string;
  writer: string;
  channels?: number;
  channelOffset?: number;
  frames?: number;
  samples?: number;
}

export interface Manifest {
  files: FixtureEntry[];
  real: {
    electrode?: {
      shape: number[];
      dtype: string;
      counts: Record<string, number>;
      sliceSums: number[];
    };
    isbi_image?: { shape: number[]; dtype: string; sliceSums: number[]; firstRow: number[] };
  };
}

export const manifest: Manifest = JSON.parse(
  fs.readFileSync(path.join(FIXTURES, "manifest.json"), "utf8"),
);

/** Fixtures of test/fixtures/generate_io_decoders.py (tomolab's own TIFF decoders). */
export const DECODER_FIXTURES = path.resolve(here, "..", "fixtures", "io-decoders");

export interface DecoderFixture {
  file: string;
  formula: string;
  shape: [number, number, number];
  dtype: string;
  writer: string;
  compression: string;
  predictor?: number;
  samples?: number;
  channelOffset?: number;
}

export const decoderManifest: { files: DecoderFixture[] } = JSON.parse(
  fs.readFileSync(path.join(DECODER_FIXTURES, "manifest.json"), "utf8"),
);

/** The generator's formulas over the flat index i (see generate_io.py). */
export function formula(name: string, i: number): number {
  switch (name) {
    case "u8":
      return (i * 37 + 11) % 256;
    case "u16":
      return (i * 2654 + 17) % 65536;
    case "u32":
      return (i * 13631489 + 4000000000) % 2 ** 32;
    case "i8":
      return ((i * 37) % 256) - 128;
    case "i16":
      return ((i * 2654) % 65536) - 32768;
    case "i32":
      return ((i * 13631489) % 2 ** 32) - 2 ** 31;
    case "f32":
      if (i === 1) return -Infinity;
      if (i === 2) return Infinity;
      if (i === 3) return NaN;
      return (i - 150) / 8 + (i * i) / 1024;
    case "f64":
      return Math.fround((i - 150) / 3);
    case "f32plain": // f32 without the special values (written by ImageJ)
      return (i - 150) / 8 + (i * i) / 1024;
    case "u1": // the narrow formulas of generate_io_decoders.py
      return (i * 37 + 11) % 2;
    case "u4":
      return (i * 37 + 11) % 16;
    case "u12":
      return (i * 2654 + 17) % 4096;
    case "u24":
      return (i * 13631489 + 4000000000) % 2 ** 24;
    case "f16":
      return (i - 150) / 8;
    default:
      throw new Error(`unknown formula ${name}`);
  }
}

/** Expected voxels of a fixture: formula over (i * stride + offset). */
export function expected(name: string, n: number, stride = 1, offset = 0): number[] {
  return Array.from({ length: n }, (_, i) => formula(name, i * stride + offset));
}

/** Exact comparison that treats NaN as equal to NaN and -0 as 0. */
export function firstMismatch(got: ArrayLike<number>, want: ArrayLike<number>): string | null {
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    const a = got[i];
    const b = want[i];
    if (!(a === b || (Number.isNaN(a) && Number.isNaN(b))))
      return `index ${i}: got ${a}, expected ${b}`;
  }
  return null;
}

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tomolab-io-${label}-`));
}

const PYTHON = "/usr/bin/python3";

/** Why tifffile cannot be used here, or null when it can. */
export function tifffileUnavailable(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ["-c", "import numpy, tifffile"], { encoding: "utf8" });
  return r.status === 0
    ? null
    : `tifffile not importable by ${PYTHON}: ${r.stderr.trim().split("\n").pop()}`;
}

/** Run a Python snippet with Debian's python3; argv after the script are `args`; returns stdout. */
export function python(script: string, args: string[] = []): string {
  return execFileSync(PYTHON, ["-c", script, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
}

const IJ_JAR_CANDIDATES = ["/usr/share/java/ij.jar"];

/** Why headless ImageJ cannot be used here, or null when it can. */
export function imagejUnavailable(): string | null {
  const jar = IJ_JAR_CANDIDATES.find((j) => fs.existsSync(j));
  if (!jar) return "ImageJ (ij.jar, Debian package imagej) not installed";
  const r = spawnSync("java", ["-version"], { encoding: "utf8" });
  return r.status === 0 ? null : "java not found";
}

export interface ImageJView {
  path: string;
  nz: number;
  ny: number;
  nx: number;
  bitDepth: number;
  pixelDepth: number;
  pixelHeight: number;
  pixelWidth: number;
  unit: string;
  values: number[];
  error?: string;
}

/** Open files with ImageJ's own TIFF reader (ij.io.Opener) and report what ImageJ sees. */
export function imagejOpen(files: string[]): ImageJView[] {
  const jar = IJ_JAR_CANDIDATES.find((j) => fs.existsSync(j)) as string;
  const out = execFileSync(
    "java",
    [
      "-Djava.awt.headless=true",
      "-Dstdout.encoding=UTF-8",
      "-Dsun.stdout.encoding=UTF-8",
      "-Dfile.encoding=UTF-8",
      "-cp",
      jar,
      path.join(here, "IjProbe.java"),
      ...files,
    ],
    { encoding: "utf8", maxBuffer: 64 << 20 },
  );
  return out
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as ImageJView);
}
