import type { Shape3 } from "../volume/types.js";

/** One block of a blockwise job: its core region. */
export interface Block {
  /** Position in z-major order. */
  index: number;
  /** First voxel of the core. */
  origin: Shape3;
  /** Core shape (smaller than the block shape at the far borders). */
  shape: Shape3;
}

const TARGET_VOXELS = 2 ** 21;
const MIN_VOXELS = 2 ** 15;

/**
 * Default core block shape for a volume: whole rows along x, whole xy planes
 * when a plane is small enough, and as many z slices as make about 2^21
 * voxels (8 MiB of float32), reduced so that each of `threads` threads gets
 * at least 4 blocks (never below 2^15 voxels). Slabs keep each block's rows
 * contiguous in memory and put the halo only where it is needed.
 */
export function defaultBlockShape(shape: Shape3, threads = 1): Shape3 {
  const [nz, ny, nx] = shape;
  const total = nz * ny * nx;
  const target = Math.max(
    MIN_VOXELS,
    Math.min(TARGET_VOXELS, Math.ceil(total / (4 * Math.max(1, threads)))),
  );
  const bx = nx;
  const by = Math.max(1, Math.min(ny, Math.floor(target / bx)));
  const bz = by < ny ? 1 : Math.max(1, Math.min(nz, Math.floor(target / (by * bx))));
  return [bz, by, bx];
}

/** Cut a volume into blocks of (at most) `blockShape`, z-major order. */
export function planBlocks(shape: Shape3, blockShape: Shape3): Block[] {
  const counts = shape.map((n, a) => Math.ceil(n / blockShape[a]!));
  const blocks: Block[] = [];
  for (let bz = 0; bz < counts[0]!; bz++) {
    for (let by = 0; by < counts[1]!; by++) {
      for (let bx = 0; bx < counts[2]!; bx++) {
        const origin: Shape3 = [bz * blockShape[0], by * blockShape[1], bx * blockShape[2]];
        const core: Shape3 = [
          Math.min(blockShape[0], shape[0] - origin[0]),
          Math.min(blockShape[1], shape[1] - origin[1]),
          Math.min(blockShape[2], shape[2] - origin[2]),
        ];
        blocks.push({ index: blocks.length, origin, shape: core });
      }
    }
  }
  return blocks;
}
