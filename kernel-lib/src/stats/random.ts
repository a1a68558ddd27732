/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna) seeded by
 * splitmix32, with normal (polar Box-Muller), exponential, gamma
 * (Marsaglia-Tsang) and beta variates. Reproducible across platforms: the
 * generator uses only 32-bit integer arithmetic.
 */
import { checkPositiveInt, checkSeed, expectedError } from "../util/checks.js";

/** A seeded source of random numbers. */
export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform double in the open interval (0, 1). */
  nextOpen(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal variate. */
  normal(): number;
  /** Standard exponential variate (rate 1). */
  exponential(): number;
  /** Gamma variate with the given shape and scale 1. */
  gamma(shape: number): number;
  /** Beta(a, b) variate. */
  beta(a: number, b: number): number;
  /** A new generator whose stream is independent of this one (seeded from it). */
  split(): Rng;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = NaN;

  constructor(seed: number, state?: readonly [number, number, number, number]) {
    if (state) {
      [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v >>> 0) as [
        number,
        number,
        number,
        number,
      ];
    } else {
      // Fold a double seed (possibly > 2^32 or fractional) into 32 bits.
      const hi = Math.floor(seed / 4294967296) >>> 0;
      const sm = splitmix32((seed >>> 0) ^ Math.imul(hi, 0x27d4eb2d));
      this.s0 = sm();
      this.s1 = sm();
      this.s2 = sm();
      this.s3 = sm();
    }
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  uint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  next(): number {
    const a = this.uint32() >>> 5; // 27 bits
    const b = this.uint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  nextOpen(): number {
    let x = this.next();
    while (x === 0) x = this.next();
    return x;
  }

  int(n: number): number {
    checkPositiveInt(n, "n");
    return Math.floor(this.next() * n);
  }

  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    let x: number;
    let y: number;
    let r: number;
    do {
      x = 2 * this.next() - 1;
      y = 2 * this.next() - 1;
      r = x * x + y * y;
    } while (r >= 1 || r === 0);
    const f = Math.sqrt((-2 * Math.log(r)) / r);
    this.spare = y * f;
    return x * f;
  }

  exponential(): number {
    return -Math.log(this.nextOpen());
  }

  gamma(shape: number): number {
    if (!(shape > 0)) throw expectedError("shape", "> 0 (a gamma shape)", shape);
    if (shape < 1) {
      // Boost by one and scale with U^(1/shape) (Marsaglia & Tsang 2000, note).
      const g = this.gamma(shape + 1);
      return g * Math.pow(this.nextOpen(), 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.nextOpen();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  split(): Rng {
    return new Xoshiro128(this.uint32() * 4294967296 + this.uint32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Create a seeded random number generator (xoshiro128** seeded by splitmix32).
 * @param seed - Any finite number; equal seeds give equal streams.
 * @example
 * const rng = createRng(42);
 * rng.next(); // uniform in [0, 1)
 * rng.normal(); // standard normal
 */
export function createRng(seed = 0): Rng {
  return new Xoshiro128(checkSeed(seed));
}

/**
 * A generator started from an explicit xoshiro128** state (four 32-bit words),
 * e.g. to reproduce the reference implementation's output.
 */
export function rngFromState(state: readonly [number, number, number, number]): Rng {
  return new Xoshiro128(0, state);
}

/** Accept a generator or a seed; a seed makes a new generator. */
export function toRng(rng: Rng | number): Rng {
  return typeof rng === "number" ? createRng(rng) : rng;
}
