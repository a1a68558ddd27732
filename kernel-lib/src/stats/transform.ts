/**
 * Maps between bounded parameters and unconstrained optimiser coordinates.
 * Internal module.
 */

export interface ParamTransform {
  toFree(p: number): number;
  fromFree(z: number): number;
  /** True when the transform is the identity (an unbounded parameter). */
  identity: boolean;
}

/** Transform for a parameter in [lo, hi] (open at finite ends). */
export function boundTransform(lo: number, hi: number): ParamTransform {
  if (lo === -Infinity && hi === Infinity)
    return { toFree: (p) => p, fromFree: (z) => z, identity: true };
  if (hi === Infinity) {
    return {
      toFree: (p) => Math.log(Math.max(p - lo, 1e-300)),
      fromFree: (z) => lo + Math.exp(z),
      identity: false,
    };
  }
  if (lo === -Infinity) {
    return {
      toFree: (p) => Math.log(Math.max(hi - p, 1e-300)),
      fromFree: (z) => hi - Math.exp(z),
      identity: false,
    };
  }
  const w = hi - lo;
  return {
    toFree: (p) => {
      const t = Math.min(Math.max((p - lo) / w, 1e-12), 1 - 1e-12);
      return Math.log(t / (1 - t));
    },
    fromFree: (z) => lo + w / (1 + Math.exp(-z)),
    identity: false,
  };
}
