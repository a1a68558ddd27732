/**
 * Private helpers of the simulators: seed mixing, lattice hashing and smooth
 * value noise. Everything here is integer or IEEE arithmetic with no platform
 * dependence, so equal seeds give equal bytes everywhere.
 * @internal
 */

/** Mix a seed with a stream name into a 32-bit seed, so each effect draws from its own stream. */
export function streamSeed(seed: number, name: string): number {
  let h = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ Math.floor(seed / 4294967296), 0x85ebca6b) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
    h ^= h >>> 13;
  }
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hash of an integer lattice point and a salt to a uniform number in [0, 1). */
export function hash3(x: number, y: number, z: number, salt: number): number {
  let h =
    Math.imul(x | 0, 0x8da6b343) ^
    Math.imul(y | 0, 0xd8163841) ^
    Math.imul(z | 0, 0xcb1ab31f) ^
    salt;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

const fade = (t: number) => t * t * t * (t * (t * 6 - 15) + 10);

/**
 * Smooth value noise in [0, 1] at a point given in lattice units (quintic
 * interpolation of hashed lattice values). The same point always gives the
 * same value: a texture that is consistent in 3D.
 */
export function valueNoise3(x: number, y: number, z: number, salt: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const z0 = Math.floor(z);
  const fx = fade(x - x0);
  const fy = fade(y - y0);
  const fz = fade(z - z0);
  const c000 = hash3(x0, y0, z0, salt);
  const c100 = hash3(x0 + 1, y0, z0, salt);
  const c010 = hash3(x0, y0 + 1, z0, salt);
  const c110 = hash3(x0 + 1, y0 + 1, z0, salt);
  const c001 = hash3(x0, y0, z0 + 1, salt);
  const c101 = hash3(x0 + 1, y0, z0 + 1, salt);
  const c011 = hash3(x0, y0 + 1, z0 + 1, salt);
  const c111 = hash3(x0 + 1, y0 + 1, z0 + 1, salt);
  const a = c000 + fx * (c100 - c000);
  const b = c010 + fx * (c110 - c010);
  const c = c001 + fx * (c101 - c001);
  const d = c011 + fx * (c111 - c011);
  const e = a + fy * (b - a);
  const f = c + fy * (d - c);
  return e + fz * (f - e);
}

/** One box-filter pass of radius r along one axis of a 3D float field (edge-replicating), in place via `tmp`. */
function boxAxis(
  a: Float32Array,
  tmp: Float32Array,
  shape: readonly number[],
  axis: number,
  r: number,
): void {
  const [nz, ny, nx] = shape;
  const len = shape[axis];
  const stride = axis === 0 ? ny * nx : axis === 1 ? nx : 1;
  const inv = 1 / (2 * r + 1);
  const line = new Float32Array(len + 2 * r + 1);
  const starts: number[] = [];
  if (axis === 0) for (let i = 0; i < ny * nx; i++) starts.push(i);
  else if (axis === 1)
    for (let z = 0; z < nz; z++) for (let x = 0; x < nx; x++) starts.push(z * ny * nx + x);
  else for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) starts.push((z * ny + y) * nx);
  for (const s of starts) {
    for (let i = 0; i < len; i++) line[i + r] = a[s + i * stride];
    for (let i = 0; i < r; i++) {
      line[i] = line[r];
      line[len + r + i] = line[len + r - 1];
    }
    let acc = 0;
    for (let i = 0; i < 2 * r + 1; i++) acc += line[i];
    for (let i = 0; i < len; i++) {
      tmp[s + i * stride] = acc * inv;
      acc += (i + 2 * r + 1 < line.length ? line[i + 2 * r + 1] : line[len + 2 * r - 1]) - line[i];
    }
  }
  a.set(tmp);
}

/**
 * A Gaussian random field: white noise smoothed by three box passes per axis
 * (an approximate Gaussian of standard deviation `sigma` voxels per axis),
 * rescaled to zero mean and unit variance. Isotropic, no lattice artefacts.
 */
export function gaussianRandomField(
  shape: readonly [number, number, number],
  sigma: readonly [number, number, number],
  seed: number,
): Float32Array {
  const n = shape[0] * shape[1] * shape[2];
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  // xorshift32 + Irwin-Hall(4) for speed: only smoothness and isotropy matter here.
  const u = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  for (let i = 0; i < n; i++) a[i] = u() + u() + u() + u() - 2;
  const tmp = new Float32Array(n);
  for (let axis = 0; axis < 3; axis++) {
    const sg = sigma[axis];
    if (!(sg > 0.3) || shape[axis] === 1) continue;
    const w = Math.sqrt((12 * sg * sg) / 3 + 1);
    const r = Math.max(1, Math.round((w - 1) / 2));
    for (let pass = 0; pass < 3; pass++) boxAxis(a, tmp, shape, axis, r);
  }
  let m = 0;
  for (let i = 0; i < n; i++) m += a[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (a[i] - m) ** 2;
  const sd = Math.sqrt(v / n) || 1;
  for (let i = 0; i < n; i++) a[i] = (a[i] - m) / sd;
  return a;
}
