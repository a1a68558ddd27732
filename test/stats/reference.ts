import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Reference values written by test/fixtures/generate_stats.py (scipy, pyvinecopulib, sympy). */
export interface UnivariateRef {
  name: string;
  params: Record<string, number>;
  truncation?: [number, number];
  x: number[];
  pdf: number[];
  logpdf: number[];
  cdf: number[];
  p: number[];
  quantile: number[];
  mean: number;
  variance: number;
}
export interface CopulaRef {
  family: string;
  params: number[];
  rotation: 0 | 90 | 180 | 270;
  u1: number[];
  u2: number[];
  pdf: number[];
  cdf: number[];
  hfunc1: number[];
  hfunc2: number[];
  hinv1?: number[];
  hinv2?: number[];
  tau: number;
  source: string;
}
export interface Reference {
  univariate: UnivariateRef[];
  scipyFits: { name: string; data: number[]; params: Record<string, number>; logLik: number }[];
  copulas: CopulaRef[];
  copulasExtreme: CopulaRef[];
  spearman: { family: string; params: number[]; rho: number }[];
  copulaFits: {
    generator: { family: string; params: number[]; rotation: number };
    u1: number[];
    u2: number[];
    fits: { family: string; rotation: 0 | 90 | 180 | 270; params: number[]; logLik: number }[];
    selected: { family: string; rotation: number; params: number[] };
  }[];
}

const file = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../fixtures/stats/reference.json",
);
export const reference: Reference = JSON.parse(fs.readFileSync(file, "utf8"));

/** |a - b| <= atol + rtol |b| */
export function close(a: number, b: number, rtol: number, atol = 0): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}
