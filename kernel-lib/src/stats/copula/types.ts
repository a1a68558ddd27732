import type { Rng } from "../random.js";

/** Copula families (names as in vinecopulib where it has them). */
export type CopulaFamily =
  "indep" | "amh" | "clayton" | "frank" | "gumbel" | "joe" | "bb1" | "bb3" | "bb5" | "bb8";

/** Counter-clockwise rotation in degrees, as in VineCopula / vinecopulib. */
export type Rotation = 0 | 90 | 180 | 270;

/** A JSON-serialisable description of a copula. */
export interface CopulaSpec {
  family: CopulaFamily;
  /** Parameters in the family's order (`paramNames`). Omitted for `indep`. */
  params?: readonly number[];
  /** @default 0 */
  rotation?: Rotation;
}

/** A bivariate copula with fixed parameters and rotation. */
export interface Copula {
  readonly family: CopulaFamily;
  readonly label: string;
  readonly rotation: Rotation;
  readonly params: readonly number[];
  readonly paramNames: readonly string[];
  /** C(u1, u2). */
  cdf(u1: number, u2: number): number;
  /** Density c(u1, u2). */
  pdf(u1: number, u2: number): number;
  /** log c(u1, u2). */
  logpdf(u1: number, u2: number): number;
  /** First h-function h1(u1, u2) = P(U2 <= u2 | U1 = u1) = dC/du1. */
  hfunc1(u1: number, u2: number): number;
  /** Second h-function h2(u1, u2) = P(U1 <= u1 | U2 = u2) = dC/du2. */
  hfunc2(u1: number, u2: number): number;
  /** Inverse of h1 in u2: the u2 with hfunc1(u1, u2) = p. */
  hinv1(u1: number, p: number): number;
  /** Inverse of h2 in u1: the u1 with hfunc2(u1, u2) = p. */
  hinv2(p: number, u2: number): number;
  /** n pairs (u1, u2) drawn from the copula. */
  sample(n: number, rng: Rng | number): { u1: Float64Array; u2: Float64Array };
  /** Kendall's tau of the copula. */
  tau(): number;
  /** The spec this copula was made from. */
  toJSON(): Required<CopulaSpec>;
}

/** Unrotated, exchangeable copula evaluated inside (0, 1)^2. Internal. */
export interface BaseCopula {
  cdf(u: number, v: number): number;
  logpdf(u: number, v: number): number;
  /** dC/du = P(V <= v | U = u). */
  hfunc1(u: number, v: number): number;
}

/**
 * Rotated pseudo-observations with per-point logarithms, computed once per fit
 * and shared by every likelihood evaluation. Internal.
 */
export interface PairData {
  n: number;
  u: Float64Array;
  v: Float64Array;
  /** log u, log v. */
  lu: Float64Array;
  lv: Float64Array;
  /** log(1 - u), log(1 - v). */
  l1u: Float64Array;
  l1v: Float64Array;
  /** log(-log u), log(-log v). */
  llu: Float64Array;
  llv: Float64Array;
}

/** What the library knows about a family. Internal. */
export interface CopulaFamilyDef {
  name: CopulaFamily;
  label: string;
  paramNames: readonly string[];
  /** Parameter bounds used by fitting and validation (closed unless `openLower/openUpper`). */
  lower: readonly number[];
  upper: readonly number[];
  openLower?: readonly boolean[];
  openUpper?: readonly boolean[];
  make(params: readonly number[]): BaseCopula;
  /**
   * Optional fast log-likelihood: sum of log c over the data (a closed form in a
   * tight loop); must agree with `make(params).logpdf`.
   */
  logLik?(params: readonly number[], d: PairData): number;
  /** Kendall's tau of the unrotated copula. */
  tau(params: readonly number[]): number;
  /** True when rotating changes nothing useful (indep, frank: negative parameters cover negative dependence). */
  rotationless?: boolean;
}
