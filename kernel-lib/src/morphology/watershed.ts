import { checkOneOf, checkOptions, expectedError } from "../util/checks.js";
import { checkSameShape, checkVolume, checkVolumes } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import type { Connectivity } from "./labelComponents.js";

/** Options of {@link watershed}. */
export interface WatershedOptions {
  /** Only voxels where the mask is non-zero are flooded (the rest stay 0). @default all voxels */
  mask?: Volume;
  /**
   * Neighbourhood of the flood: 6 (faces, skimage's `connectivity=1`), 18 (`2`) or 26 (`3`).
   * @default 6
   */
  connectivity?: Connectivity;
}

/**
 * Neighbour offsets `[dz, dy, dx]` in the order skimage 0.19 visits them (its
 * `_offsets_to_raveled_neighbors`: sorted by distance with numpy 1.24's `argsort`).
 * The order decides which basin wins a tie, so it is kept as skimage has it.
 */
const NEIGHBOUR_ORDER: Record<Connectivity, readonly (readonly [number, number, number])[]> = {
  6: [
    [-1, 0, 0],
    [0, -1, 0],
    [0, 0, -1],
    [0, 0, 1],
    [0, 1, 0],
    [1, 0, 0],
  ],
  18: [
    [1, 0, 0],
    [-1, 0, 0],
    [0, -1, 0],
    [0, 1, 0],
    [0, 0, -1],
    [0, 0, 1],
    [1, 0, -1],
    [1, -1, 0],
    [0, 1, 1],
    [0, 1, -1],
    [-1, -1, 0],
    [0, -1, 1],
    [0, -1, -1],
    [-1, 1, 0],
    [-1, 0, 1],
    [-1, 0, -1],
    [1, 0, 1],
    [1, 1, 0],
  ],
  26: [
    [0, 1, 0],
    [-1, 0, 0],
    [0, 0, 1],
    [0, 0, -1],
    [1, 0, 0],
    [0, -1, 0],
    [0, 1, 1],
    [0, 1, -1],
    [1, 1, 0],
    [0, -1, 1],
    [0, -1, -1],
    [-1, 1, 0],
    [1, 0, 1],
    [-1, 0, 1],
    [-1, 0, -1],
    [-1, -1, 0],
    [1, 0, -1],
    [1, -1, 0],
    [1, 1, -1],
    [-1, -1, -1],
    [1, -1, -1],
    [-1, 1, 1],
    [-1, 1, -1],
    [-1, -1, 1],
    [1, -1, 1],
    [1, 1, 1],
  ],
};

/**
 * Binary min-heap of (value, age, index), ordered by value then age, with the same
 * sift-up / sift-down steps as skimage's `heap_general.pxi`, so that entries of equal key
 * (the markers, which all have age 0) leave the heap in the same order.
 */
class FloodHeap {
  size = 0;
  private value = new Float64Array(1024);
  private age = new Float64Array(1024);
  private index = new Int32Array(1024);

  private smaller(a: number, b: number): boolean {
    const va = this.value[a]!;
    const vb = this.value[b]!;
    return va !== vb ? va < vb : this.age[a]! < this.age[b]!;
  }

  private swap(a: number, b: number): void {
    const v = this.value[a]!;
    this.value[a] = this.value[b]!;
    this.value[b] = v;
    const g = this.age[a]!;
    this.age[a] = this.age[b]!;
    this.age[b] = g;
    const i = this.index[a]!;
    this.index[a] = this.index[b]!;
    this.index[b] = i;
  }

  push(value: number, age: number, index: number): void {
    if (this.size === this.value.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.value = grow(this.value);
      this.age = grow(this.age);
      this.index = grow(this.index);
    }
    let child = this.size++;
    this.value[child] = value;
    this.age[child] = age;
    this.index[child] = index;
    while (child > 0) {
      const parent = ((child + 1) >> 1) - 1;
      if (!this.smaller(child, parent)) break;
      this.swap(parent, child);
      child = parent;
    }
  }

  /** Remove the smallest entry and return its voxel index. */
  pop(): number {
    const top = this.index[0]!;
    this.size--;
    if (this.size === 0) return top;
    this.swap(0, this.size);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      if (l >= this.size) break;
      let smallest = i;
      if (this.smaller(l, i)) smallest = l;
      if (r < this.size && this.smaller(r, smallest)) smallest = r;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
    return top;
  }
}

const INTEGER_TYPES = ["Uint8Array", "Uint16Array", "Int32Array", "Uint32Array"];

/**
 * Marker-based watershed by priority flood (Meyer's algorithm), as
 * `skimage.segmentation.watershed(image, markers, connectivity, mask=mask)`: the marker
 * voxels are queued with their image value; the lowest queued voxel is taken and each
 * unlabelled neighbour inside the mask gets its label and is queued. Entries of equal
 * value leave the queue first-in first-out (an age counter), markers first, and
 * neighbours are visited in skimage's order, so ties (plateaus, equal marker values)
 * are resolved exactly as skimage 0.19 resolves them.
 *
 * Voxels the flood cannot reach from a marker (outside the mask, or in a mask component
 * without a marker) stay 0. Markers outside the mask are dropped.
 *
 * @param image - Relief to flood, any dtype (e.g. the negated distance transform).
 * @param markers - Integer seed labels (0 = no seed), the image's shape.
 * @returns Int32 labels, the image's shape and spacing.
 * @see Meyer (1991), "Un algorithme optimal de ligne de partage des eaux"; skimage.segmentation.watershed.
 */
export function watershed(
  image: Volume,
  markers: Volume,
  options: WatershedOptions = {},
): Volume<Int32Array> {
  checkVolumes({ image, markers });
  checkOptions(options, "options", ["mask", "connectivity"]);
  if (!INTEGER_TYPES.includes(markers.data.constructor.name))
    throw expectedError(
      "markers.data",
      "integer labels (uint8, uint16, int32, uint32)",
      markers.data,
      TypeError,
    );
  const connectivity = checkOneOf(options.connectivity ?? 6, "connectivity", [6, 18, 26] as const);
  const mask = options.mask;
  if (mask !== undefined) {
    checkVolume(mask, "mask");
    checkSameShape(mask, "mask", image, "image");
  }
  const [nz, ny, nx] = image.shape;
  // Pad by one voxel on each side with mask 0, so that no bounds checks are needed.
  const pz = nz + 2;
  const py = ny + 2;
  const px = nx + 2;
  const np = pz * py * px;
  const values = image.data;
  const pmask = new Uint8Array(np);
  const out = new Int32Array(np);
  const m = markers.data;
  const inMask = mask?.data;
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      let p = ((z + 1) * py + y + 1) * px + 1;
      for (let x = 0; x < nx; x++, i++, p++) {
        if (inMask !== undefined && inMask[i] === 0) continue;
        pmask[p] = 1;
        out[p] = m[i]! | 0;
      }
    }
  }
  const offsets = Int32Array.from(
    NEIGHBOUR_ORDER[connectivity],
    ([dz, dy, dx]) => (dz * py + dy) * px + dx,
  );
  // Image value at a padded index (the padding is never queued).
  const valueAt = (p: number): number => {
    const x = (p % px) - 1;
    const r = (p - x - 1) / px;
    const y = (r % py) - 1;
    const z = (r - y - 1) / py - 1;
    return values[(z * ny + y) * nx + x]!;
  };
  const heap = new FloodHeap();
  for (let p = 0; p < np; p++) if (out[p] !== 0) heap.push(valueAt(p), 0, p);
  let age = 1;
  while (heap.size > 0) {
    const p = heap.pop();
    const label = out[p]!;
    for (let k = 0; k < offsets.length; k++) {
      const q = p + offsets[k]!;
      if (pmask[q] === 0 || out[q] !== 0) continue;
      age++;
      out[q] = label;
      heap.push(valueAt(q), age, q);
    }
  }
  const data = new Int32Array(nz * ny * nx);
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const p = ((z + 1) * py + y + 1) * px + 1;
      data.set(out.subarray(p, p + nx), i);
      i += nx;
    }
  }
  return { data, shape: [...image.shape] as Shape3, spacing: [...image.spacing] as Spacing3 };
}
