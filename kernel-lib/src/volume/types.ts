/** Typed arrays a volume may hold. Intensity work is Float32; class labels Uint8; instances Int32. */
export type VoxelArray = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float32Array;

/** Names of the supported voxel types, as used by {@link cast} and the file readers. */
export type DType = "uint8" | "uint16" | "int32" | "uint32" | "float32";

/** Shape `[nz, ny, nx]`: x varies fastest in `data`. */
export type Shape3 = [nz: number, ny: number, nx: number];

/** Physical voxel size `[dz, dy, dx]`, nanometres by convention. */
export type Spacing3 = [dz: number, dy: number, dx: number];

/**
 * A 3D grid of voxels: a plain record, never mutated by library functions.
 * Voxel (z, y, x) is `data[(z * ny + y) * nx + x]`. A 2D image has `nz = 1`.
 */
export interface Volume<T extends VoxelArray = VoxelArray> {
  data: T;
  shape: Shape3;
  spacing: Spacing3;
  /**
   * Unit of `spacing` when a reader knows it: "nm" for a calibrated file, "pixel" for one
   * without calibration (spacing 1 x 1 x 1), else the file's own unit. Optional: absent means
   * nanometres by convention; library functions do not carry it over to their results.
   */
  unit?: string;
}

/** Axis-aligned plane: xy (fixed z), xz (fixed y), yz (fixed x). */
export type Plane = "xy" | "xz" | "yz";
