import { checkNonNegative, checkOneOf, checkOptions, expectedError } from "../util/checks.js";
import { checkSameShape, checkVolume, checkVolumes } from "../volume/check.js";
import type { Shape3, Spacing3, Volume } from "../volume/types.js";
import type { Connectivity } from "./labelComponents.js";
import { FloodHeap, LevelQueue, LevelTable, levelKeys, MAX_LEVELS } from "./watershedQueue.js";

/** Options of {@link watershed}. */
export interface WatershedOptions {
  /** Only voxels where the mask is non-zero are flooded (the rest stay 0). @default all voxels */
  mask?: Volume;
  /**
   * Neighbourhood of the flood: 6 (faces, skimage's `connectivity=1`), 18 (`2`) or 26 (`3`).
   * @default 6
   */
  connectivity?: Connectivity;
  /**
   * Compact watershed (skimage's `compactness`): > 0 adds this times the Euclidean distance
   * (voxels) to the flood's marker voxel to each queued value, giving rounder regions.
   * @default 0 (the classical watershed)
   */
  compactness?: number;
  /**
   * Tie order of equal-valued markers. `"skimage"`: a binary heap whose comparisons are
   * skimage 0.19's, so every tie falls as there. `"raster"`: a bucket queue over the ranks
   * of the relief's distinct values (at most 65536, any dtype but float64; else the heap):
   * about twice as fast, and the same flood except that markers of equal value leave the
   * queue in raster order where skimage's heap permutes them (ties between non-markers,
   * first in first out, are the same). The compact flood always uses the heap.
   * @default "skimage"
   */
  ties?: "skimage" | "raster";
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

const INTEGER_TYPES = ["Uint8Array", "Uint16Array", "Int32Array", "Uint32Array"];

/**
 * Marker-based watershed by priority flood (Meyer's algorithm), as
 * `skimage.segmentation.watershed(image, markers, connectivity, mask=mask, compactness=c)`:
 * the marker voxels are queued with their image value; the lowest queued voxel is taken
 * and each unlabelled neighbour inside the mask gets its label and is queued. Entries of
 * equal value leave the queue first-in first-out (an age counter), markers first, and
 * neighbours are visited in skimage's order, so ties (plateaus, equal marker values)
 * are resolved exactly as skimage 0.19 resolves them.
 *
 * With `compactness` > 0 (compact watershed, Neubert & Protzel 2014), a neighbour is
 * queued with its value plus `compactness` times its Euclidean distance (in voxels, as
 * skimage 0.19, which ignores the spacing) to the marker voxel its flood started from,
 * and is labelled when it leaves the queue rather than when it enters it.
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
  checkOptions(options, "options", ["mask", "connectivity", "compactness", "ties"]);
  if (!INTEGER_TYPES.includes(markers.data.constructor.name))
    throw expectedError(
      "markers.data",
      "integer labels (uint8, uint16, int32, uint32)",
      markers.data,
      TypeError,
    );
  if (markers.data instanceof Int32Array) {
    const m = markers.data;
    for (let i = 0; i < m.length; i++)
      if (m[i]! < 0)
        throw new RangeError(
          `\`markers\` must be labels >= 0 (0 = no seed), received ${m[i]} at voxel ${i}`,
        );
  }
  const connectivity = checkOneOf(options.connectivity ?? 6, "connectivity", [6, 18, 26] as const);
  const compactness = checkNonNegative(options.compactness ?? 0, "compactness");
  const ties = checkOneOf(options.ties ?? "skimage", "ties", ["skimage", "raster"] as const);
  const mask = options.mask;
  if (mask !== undefined) {
    checkVolume(mask, "mask");
    checkSameShape(mask, "mask", image, "image");
  }
  if (ties === "raster" && compactness === 0) {
    const labels = bucketFlood(image, markers, mask, connectivity);
    if (labels !== undefined) return labels;
  }
  const [nz, ny, nx] = image.shape;
  // Pad by one voxel on each side with mask 0, so that no bounds checks are needed.
  const pz = nz + 2;
  const py = ny + 2;
  const px = nx + 2;
  const np = pz * py * px;
  const src = image.data;
  // One cell per padded voxel holds its label (-1 outside the mask, 0 not yet flooded) and
  // its image value side by side, so that a neighbour costs one memory access: 8 bytes
  // (int32 label, float32 value) when float32 holds the image's values exactly, else 16
  // (int32 label, padding, float64 value).
  const wide =
    src instanceof Float64Array || src instanceof Int32Array || src instanceof Uint32Array;
  const buffer = new ArrayBuffer(np * (wide ? 16 : 8));
  const lab = new Int32Array(buffer);
  const val = wide ? new Float64Array(buffer) : new Float32Array(buffer);
  const ls = wide ? 4 : 2; // label index = ls * p, value index = 2 * p + 1
  const m = markers.data;
  const inMask = mask?.data;
  for (let p = 0; p < np; p++) lab[ls * p] = -1;
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      let p = ((z + 1) * py + y + 1) * px + 1;
      for (let x = 0; x < nx; x++, i++, p++) {
        if (inMask !== undefined && inMask[i] === 0) continue;
        lab[ls * p] = m[i]! | 0;
        val[2 * p + 1] = src[i]!;
      }
    }
  }
  const offsets = Int32Array.from(
    NEIGHBOUR_ORDER[connectivity],
    ([dz, dy, dx]) => (dz * py + dy) * px + dx,
  );
  const nOffsets = offsets.length;
  const heap = new FloodHeap(compactness > 0);
  for (let p = 0; p < np; p++) if (lab[ls * p]! > 0) heap.push(val[2 * p + 1]!, 0, p, p);
  let age = 1;
  if (compactness === 0) {
    while (heap.size > 0) {
      const p = heap.pop();
      const label = lab[ls * p]!;
      for (let k = 0; k < nOffsets; k++) {
        const q = p + offsets[k]!;
        if (lab[ls * q] !== 0) continue; // outside the mask or already flooded
        age++;
        lab[ls * q] = label;
        heap.push(val[2 * q + 1]!, age, q);
      }
    }
  } else {
    const plane = py * px;
    while (heap.size > 0) {
      const p = heap.pop();
      const s = heap.poppedSource;
      if (p !== s) {
        if (lab[ls * p] !== 0) continue; // reached from another neighbour first
        lab[ls * p] = lab[ls * s]!;
      }
      const sz = Math.floor(s / plane);
      const sy = Math.floor((s - sz * plane) / px);
      const sx = s - sz * plane - sy * px;
      for (let k = 0; k < nOffsets; k++) {
        const q = p + offsets[k]!;
        if (lab[ls * q] !== 0) continue;
        age++;
        const qz = Math.floor(q / plane);
        const qy = Math.floor((q - qz * plane) / px);
        const qx = q - qz * plane - qy * px;
        const d = Math.sqrt((qz - sz) ** 2 + (qy - sy) ** 2 + (qx - sx) ** 2);
        heap.push(val[2 * q + 1]! + compactness * d, age, q, s);
      }
    }
  }
  const data = new Int32Array(nz * ny * nx);
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0, p = ((z + 1) * py + y + 1) * px + 1; x < nx; x++, p++, i++) {
        const l = lab[ls * p]!;
        data[i] = l > 0 ? l : 0;
      }
    }
  }
  return { data, shape: [...image.shape] as Shape3, spacing: [...image.spacing] as Spacing3 };
}

/**
 * The classical flood on a bucket queue over the ranks of the image's distinct values
 * (cells of int32 label, int32 rank), or `undefined` when the image has no 32-bit level
 * key (float64) or more than {@link MAX_LEVELS} distinct values inside the mask.
 */
function bucketFlood(
  image: Volume,
  markers: Volume,
  mask: Volume | undefined,
  connectivity: Connectivity,
): Volume<Int32Array> | undefined {
  const key = levelKeys(image.data);
  if (key === undefined) return undefined;
  const [nz, ny, nx] = image.shape;
  const py = ny + 2;
  const px = nx + 2;
  const np = (nz + 2) * py * px;
  const cell = new Int32Array(2 * np).fill(-1); // [label (-1 outside the mask), level]
  const table = new LevelTable();
  const m = markers.data;
  const inMask = mask?.data;
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0, p = ((z + 1) * py + y + 1) * px + 1; x < nx; x++, i++, p++) {
        if (inMask !== undefined && inMask[i] === 0) continue;
        const slot = table.slot(key(i), MAX_LEVELS);
        if (slot < 0) return undefined;
        cell[2 * p] = m[i]! | 0;
        cell[2 * p + 1] = slot;
      }
  const rank = table.ranks();
  const queue = new LevelQueue(table.count);
  for (let p = 0; p < np; p++) {
    if (cell[2 * p] === -1) continue;
    const r = rank[cell[2 * p + 1]!]!;
    cell[2 * p + 1] = r;
    if (cell[2 * p]! > 0) queue.push(r, p);
  }
  const offsets = Int32Array.from(
    NEIGHBOUR_ORDER[connectivity],
    ([dz, dy, dx]) => (dz * py + dy) * px + dx,
  );
  const nOffsets = offsets.length;
  for (let p = queue.pop(); p >= 0; p = queue.pop()) {
    const label = cell[2 * p]!;
    for (let k = 0; k < nOffsets; k++) {
      const q = p + offsets[k]!;
      if (cell[2 * q] !== 0) continue; // outside the mask or already flooded
      cell[2 * q] = label;
      queue.push(cell[2 * q + 1]!, q);
    }
  }
  const data = new Int32Array(nz * ny * nx);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0, p = ((z + 1) * py + y + 1) * px + 1; x < nx; x++, p++, i++) {
        const l = cell[2 * p]!;
        data[i] = l > 0 ? l : 0;
      }
  return { data, shape: [...image.shape] as Shape3, spacing: [...image.spacing] as Spacing3 };
}
