import { checkNonNegativeInt, describeValue, expectedError } from "../../util/checks.js";
import { findRoot } from "../numeric.js";
import type { Rng } from "../random.js";
import { toRng } from "../random.js";
import { COPULA_FAMILIES } from "./families/index.js";
import type {
  BaseCopula,
  Copula,
  CopulaFamily,
  CopulaFamilyDef,
  CopulaSpec,
  Rotation,
} from "./types.js";

const TRIM = 1e-10;
const trim = (u: number): number => (u < TRIM ? TRIM : u > 1 - TRIM ? 1 - TRIM : u);

/** The names of all copula families. */
export const copulaFamilies: readonly CopulaFamily[] = Object.keys(
  COPULA_FAMILIES,
) as CopulaFamily[];

/** Family metadata: label, parameter names and bounds. */
export function copulaFamilyInfo(family: CopulaFamily): {
  label: string;
  paramNames: readonly string[];
  lower: readonly number[];
  upper: readonly number[];
  rotationless: boolean;
} {
  const d = getDef(family);
  return {
    label: d.label,
    paramNames: d.paramNames,
    lower: d.lower,
    upper: d.upper,
    rotationless: d.rotationless ?? false,
  };
}

/** @internal */
export function getDef(family: CopulaFamily): CopulaFamilyDef {
  const d = (COPULA_FAMILIES as Record<string, CopulaFamilyDef>)[family];
  if (!d)
    throw new RangeError(
      `unknown copula family "${String(family)}", expected one of ${Object.keys(COPULA_FAMILIES).join(", ")}`,
    );
  return d;
}

/** @internal A copula rotation: 0, 90, 180 or 270 degrees. */
export function checkRotation(rotation: unknown): Rotation {
  if (rotation !== 0 && rotation !== 90 && rotation !== 180 && rotation !== 270)
    throw new RangeError(
      `copula rotation must be 0, 90, 180 or 270, received ${describeValue(rotation)}`,
    );
  return rotation;
}

/** @internal Check parameters against the family's bounds. */
export function checkCopulaParams(def: CopulaFamilyDef, params: readonly number[]): void {
  if (params.length !== def.paramNames.length) {
    throw new RangeError(
      `${def.name} copula takes ${def.paramNames.length} parameter(s) (${def.paramNames.join(", ")}), received ${params.length}`,
    );
  }
  params.forEach((p, i) => {
    const lo = def.lower[i]!;
    const hi = def.upper[i]!;
    const okLo = def.openLower?.[i] ? p > lo : p >= lo;
    const okHi = def.openUpper?.[i] ? p < hi : p <= hi;
    if (typeof p !== "number" || !okLo || !okHi) {
      throw new RangeError(
        `${def.name} copula: parameter \`${def.paramNames[i]}\` must be in ${def.openLower?.[i] ? "(" : "["}${lo}, ${hi}${def.openUpper?.[i] ? ")" : "]"}, received ${p}`,
      );
    }
  });
}

/**
 * Rotate data for the unrotated base copula as vinecopulib's `Bicop::rotate_data`
 * (counter-clockwise): 90: (u2, 1 - u1); 180: (1 - u1, 1 - u2); 270: (1 - u2, u1).
 */
export function rotateData(u1: number, u2: number, rotation: Rotation): [number, number] {
  switch (rotation) {
    case 90:
      return [u2, 1 - u1];
    case 180:
      return [1 - u1, 1 - u2];
    case 270:
      return [1 - u2, u1];
    default:
      return [u1, u2];
  }
}

/** Solve h(x) = p for x in (0, 1), h increasing from 0 to 1. */
function invertH(h: (x: number) => number, p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lo = 1e-14;
  const hi = 1 - 1e-14;
  const f = (x: number): number => h(x) - p;
  const fl = f(lo);
  const fh = f(hi);
  if (fl >= 0) return lo;
  if (fh <= 0) return hi;
  return findRoot(f, lo, hi, 1e-13);
}

/**
 * Make a copula with the family's parameters and a rotation.
 * Conventions follow vinecopulib (`Bicop`): h1(u1, u2) = P(U2 <= u2 | U1 = u1),
 * h2(u1, u2) = P(U1 <= u1 | U2 = u2); rotations are counter-clockwise
 * (90 and 270 give negative dependence); inputs are trimmed to [1e-10, 1 - 1e-10].
 * @param spec - Family, parameters (in the order of `copulaFamilyInfo(family).paramNames`), rotation.
 * @example
 * const c = createCopula({ family: "bb8", params: [4.24, 0.6], rotation: 270 }); // Furat et al. Table 4, (d, s)
 * c.tau(); // negative
 */
export function createCopula(spec: CopulaSpec): Copula {
  if (spec == null || typeof spec !== "object")
    throw expectedError("spec", "a copula spec { family, params, rotation }", spec, TypeError);
  const def = getDef(spec.family);
  const params = Object.freeze([...(spec.params ?? [])]);
  checkCopulaParams(def, params);
  const rotation = checkRotation(spec.rotation ?? 0);
  const base = def.make(params);
  return makeRotated(def, base, params, rotation);
}

/** @internal */
export function makeRotated(
  def: CopulaFamilyDef,
  base: BaseCopula,
  params: readonly number[],
  rotation: Rotation,
): Copula {
  const bh1 = (u: number, v: number): number => base.hfunc1(u, v);
  const bh2 = (u: number, v: number): number => base.hfunc1(v, u); // exchangeable
  const cdf = (a: number, b: number): number => {
    if (!(a > 0) || !(b > 0)) return 0;
    if (a >= 1) return Math.min(1, b);
    if (b >= 1) return Math.min(1, a);
    const u1 = trim(a);
    const u2 = trim(b);
    switch (rotation) {
      case 90:
        return clamp01(u2 - base.cdf(u2, 1 - u1));
      case 180:
        return clamp01(u1 + u2 - 1 + base.cdf(1 - u1, 1 - u2));
      case 270:
        return clamp01(u1 - base.cdf(1 - u2, u1));
      default:
        return base.cdf(u1, u2);
    }
  };
  const logpdf = (a: number, b: number): number => {
    const [r1, r2] = rotateData(trim(a), trim(b), rotation);
    return base.logpdf(r1, r2);
  };
  const hfunc1 = (a: number, b: number): number => {
    const u1 = trim(a);
    const u2 = trim(b);
    switch (rotation) {
      case 90:
        return bh2(u2, 1 - u1);
      case 180:
        return 1 - bh1(1 - u1, 1 - u2);
      case 270:
        return 1 - bh2(1 - u2, u1);
      default:
        return bh1(u1, u2);
    }
  };
  const hfunc2 = (a: number, b: number): number => {
    const u1 = trim(a);
    const u2 = trim(b);
    switch (rotation) {
      case 90:
        return 1 - bh1(u2, 1 - u1);
      case 180:
        return 1 - bh2(1 - u1, 1 - u2);
      case 270:
        return bh1(1 - u2, u1);
      default:
        return bh2(u1, u2);
    }
  };
  const hinv1 = (u1: number, p: number): number => invertH((x) => hfunc1(u1, x), p);
  const hinv2 = (p: number, u2: number): number => invertH((x) => hfunc2(x, u2), p);
  let tauCache: number | undefined;
  const indep = def.name === "indep";
  return {
    family: def.name,
    label: def.label,
    rotation,
    params,
    paramNames: def.paramNames,
    cdf,
    logpdf,
    pdf: (a, b) => Math.exp(logpdf(a, b)),
    hfunc1,
    hfunc2,
    hinv1: indep ? (_u1, p) => p : hinv1,
    hinv2: indep ? (p) => p : hinv2,
    sample(n: number, rng: Rng | number) {
      checkNonNegativeInt(n, "n");
      const r = toRng(rng);
      const u1 = new Float64Array(n);
      const u2 = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const a = r.nextOpen();
        const p = r.nextOpen();
        u1[i] = a;
        u2[i] = indep ? p : hinv1(a, p);
      }
      return { u1, u2 };
    },
    tau() {
      if (tauCache === undefined) {
        const t = def.tau(params);
        tauCache = rotation === 90 || rotation === 270 ? -t : t;
      }
      return tauCache;
    },
    toJSON: () => ({ family: def.name, params: [...params], rotation }),
  };
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
