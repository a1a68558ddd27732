import { checkOneOf, checkOptions } from "../util/checks.js";
import { checkVolumes } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import type { Connectivity } from "./labelComponents.js";
import { allNeighbours } from "./neighbours.js";

/** Options of {@link reconstruction}. */
export interface ReconstructionOptions {
  /** Neighbourhood of the geodesic dilation. @default 26 (skimage's default footprint, a full 3x3x3 cube) */
  connectivity?: Connectivity;
}

/**
 * A volume padded by one voxel on each side for the reconstruction: the padding holds
 * -Infinity in both seed and mask, so it never rises nor lets a value through, and the
 * scans need no bounds checks. Float32 when it holds every value exactly (the scans only
 * compare and copy values), which halves the memory traffic; else float64. @internal
 */
export interface PaddedPair {
  /** Seed, becomes the reconstruction. */
  j: Float32Array | Float64Array;
  /** Mask (>= seed). */
  mask: Float32Array | Float64Array;
  /** Padded shape. */
  pz: number;
  py: number;
  px: number;
}

/** Arrays of the padded shape of `shape`, the padding at -Infinity. @internal */
export function paddedPair(shape: Shape3, float32: boolean): PaddedPair {
  const [nz, ny, nx] = shape;
  const pz = nz + 2;
  const py = ny + 2;
  const px = nx + 2;
  const n = pz * py * px;
  const j = (float32 ? new Float32Array(n) : new Float64Array(n)).fill(-Infinity);
  const mask = (float32 ? new Float32Array(n) : new Float64Array(n)).fill(-Infinity);
  return { j, mask, pz, py, px };
}

/** Whether float32 holds every value of arrays of this type. @internal */
export function float32Exact(data: Volume["data"]): boolean {
  return (
    data instanceof Float32Array ||
    data instanceof Uint8Array ||
    data instanceof Uint16Array ||
    data instanceof Int8Array ||
    data instanceof Int16Array ||
    data instanceof Uint8ClampedArray
  );
}

/**
 * Visit the interior voxels of a padded volume in raster order: `visit(p, i)` with the
 * padded index `p` and the unpadded index `i`. @internal
 */
export function forEachInterior(pad: PaddedPair, visit: (p: number, i: number) => void): void {
  const { pz, py, px } = pad;
  for (let z = 1, i = 0; z < pz - 1; z++)
    for (let y = 1; y < py - 1; y++)
      for (let x = 1, p = (z * py + y) * px + 1; x < px - 1; x++, p++, i++) visit(p, i);
}

/**
 * Grayscale reconstruction by dilation in place on a padded pair (see {@link paddedPair}):
 * `j` (the seed, `<= mask` everywhere) becomes the reconstruction under `mask`.
 * Vincent's hybrid algorithm: a forward and a backward raster scan, then a FIFO
 * propagation from the voxels that can still grow. @internal
 */
export function reconstructPadded(pad: PaddedPair, connectivity: Connectivity): void {
  const { j, mask, pz, py, px } = pad;
  const nbrs = allNeighbours(connectivity);
  const all = Int32Array.from(nbrs, ([dz, dy, dx]) => (dz * py + dy) * px + dx);
  const half = all.length / 2; // allNeighbours lists the raster-preceding half first
  const before = all.subarray(0, half);
  const after = all.subarray(half);
  // Forward scan: max over the voxel and its preceding neighbours, clipped by the mask.
  for (let z = 1; z < pz - 1; z++)
    for (let y = 1; y < py - 1; y++) {
      const row = (z * py + y) * px;
      for (let p = row + 1; p < row + px - 1; p++) {
        const c = mask[p]!;
        let m = j[p]!;
        // stop as soon as the mask is reached: the voxel cannot rise further
        for (let k = 0; k < half && m < c; k++) {
          const v = j[p + before[k]!]!;
          if (v > m) m = v;
        }
        j[p] = m < c ? m : c;
      }
    }
  // Backward scan, listing the voxels still below the mask ("open": they may rise).
  let open = new Int32Array(1 << 16);
  let nOpen = 0;
  for (let z = pz - 2; z >= 1; z--)
    for (let y = py - 2; y >= 1; y--) {
      const row = (z * py + y) * px;
      for (let p = row + px - 2; p > row; p--) {
        const c = mask[p]!;
        let m = j[p]!;
        for (let k = 0; k < half && m < c; k++) {
          const v = j[p + after[k]!]!;
          if (v > m) m = v;
        }
        if (m < c) {
          j[p] = m;
          if (nOpen === open.length) {
            const grown = new Int32Array(2 * nOpen);
            grown.set(open);
            open = grown;
          }
          open[nOpen++] = p;
        } else j[p] = c;
      }
    }
  // The FIFO starts from every voxel above an open neighbour: a superset of Vincent's seeds
  // (which are the voxels above an open following neighbour), found from the open voxels,
  // which are few, instead of by a test at every voxel.
  let queue = new Int32Array(1 << 16);
  let head = 0;
  let tail = 0;
  const push = (p: number) => {
    if (tail === queue.length) {
      const live = tail - head;
      const grown = new Int32Array(Math.max(1 << 16, live * 2));
      grown.set(queue.subarray(head, tail));
      queue = grown;
      head = 0;
      tail = live;
    }
    queue[tail++] = p;
  };
  const queued = new Uint8Array(j.length);
  for (let o = 0; o < nOpen; o++) {
    const q = open[o]!;
    const jq = j[q]!;
    for (let k = 0; k < all.length; k++) {
      const p = q + all[k]!;
      if (j[p]! > jq && queued[p] === 0) {
        queued[p] = 1;
        push(p);
      }
    }
  }
  // FIFO propagation (the padding has j === mask, so it is never entered).
  const n = all.length;
  while (head < tail) {
    const p = queue[head++]!;
    const jp = j[p]!;
    for (let k = 0; k < n; k++) {
      const q = p + all[k]!;
      const jq = j[q]!;
      if (jq < jp) {
        const mq = mask[q]!;
        if (jq !== mq) {
          j[q] = jp < mq ? jp : mq;
          push(q);
        }
      }
    }
  }
}

/**
 * Morphological reconstruction by dilation: the seed dilated repeatedly
 * (geodesically) under the mask until stable, as
 * `skimage.morphology.reconstruction(seed, mask, method="dilation")`.
 * @param seed - Marker volume, `<= mask` everywhere.
 * @param mask - Volume limiting the growth, same shape.
 * @returns Float32 reconstruction, the mask's spacing.
 * @throws RangeError when a seed voxel exceeds the mask.
 * @see Vincent (1993), IEEE Trans. Image Process. 2(2), hybrid algorithm.
 */
export function reconstruction(
  seed: Volume,
  mask: Volume,
  options: ReconstructionOptions = {},
): Volume<Float32Array> {
  checkVolumes({ mask, seed });
  checkOptions(options, "options", ["connectivity"]);
  const connectivity = checkOneOf(options.connectivity ?? 26, "connectivity", [6, 18, 26] as const);
  const s = seed.data;
  const m = mask.data;
  for (let i = 0; i < s.length; i++) {
    if (s[i]! > m[i]!) {
      throw new RangeError(
        `\`seed\` must be <= \`mask\` everywhere, received seed ${s[i]} > mask ${m[i]} at voxel ${i}`,
      );
    }
  }
  const pad = paddedPair(seed.shape, float32Exact(s) && float32Exact(m));
  forEachInterior(pad, (p, i) => {
    pad.j[p] = s[i]!;
    pad.mask[p] = m[i]!;
  });
  reconstructPadded(pad, connectivity);
  const data = new Float32Array(s.length);
  forEachInterior(pad, (p, i) => {
    data[i] = pad.j[p]!;
  });
  return {
    data,
    shape: [...mask.shape] as Shape3,
    spacing: [...mask.spacing] as Spacing3,
  };
}
