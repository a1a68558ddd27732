// Per-tree seeds of a forest; the generator itself is stats/random's xoshiro128**.

/** Seed of tree `index` of a forest seeded with `seed`. @internal */
export function treeSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}
