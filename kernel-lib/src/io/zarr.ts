/**
 * OME-Zarr I/O: chunked, compressed volumes on disk, read and written region by region.
 *
 * Format: **Zarr v2 with OME-NGFF 0.4 multiscales**. Why 0.4 and not 0.5 (Zarr v3):
 * every ome-zarr-py release reads 0.4 (0.5 only from 0.11 on, with zarr-python 3), as do
 * zarr-python 2 and 3, napari, Fiji/MoBIE and neuroglancer; zarrita reads v2 and v3 but its
 * writer (`zarr.create`) only makes v3 arrays, so tomolab writes the v2 metadata and chunks
 * itself (numcodecs' wasm zstd/blosc, bundled, no network) and reads them back with zarrita,
 * an implementation independent of the writer. zarrita also reads stores written by Python
 * (v2 or v3).
 *
 * Layout of a store at `path`: `.zgroup`, `.zattrs` (`multiscales`, version "0.4", axes
 * z/y/x of type space with the unit, one `scale` transform per level), and one array per
 * level in `0/`, `1/`, ... (`.zarray`, chunks under `z/y/x` keys, dimension_separator "/").
 * Chunks are written to a temporary file in the chunk's folder and renamed into place, so a
 * chunk is either absent, old or new, never partial: a block re-run after a crash rewrites
 * the same bytes (idempotent), and a leftover temporary file is never read.
 *
 * @module
 */
import { promises as fsp } from "node:fs";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import { Blosc, Zstd } from "numcodecs";
import type { DType, Shape3, Spacing3, Volume, VoxelArray } from "../volume/types.js";
import { allocate, dtypeOf } from "../volume/dtype.js";
import { openTiff } from "./openTiff.js";
import { nanometresPer } from "./units.js";

/** A box of voxels `[z0, z1) x [y0, y1) x [x0, x1)`. */
export interface ZarrBox {
  z0: number;
  y0: number;
  x0: number;
  z1: number;
  y1: number;
  x1: number;
}

/** Chunk compression: zstd, blosc (zstd inside, byte shuffle) or none. */
export type ZarrCompressor = "zstd" | "blosc" | "none";

/** Options of {@link createZarr}. */
export interface CreateZarrOptions {
  /** `[nz, ny, nx]` of level 0. */
  shape: Shape3;
  /** Chunk shape `[cz, cy, cx]`. @default [64, 64, 64] clipped to the shape */
  chunks?: Shape3;
  /** Voxel type. */
  dtype: DType;
  /** Voxel size `[dz, dy, dx]` in `unit`. @default [1, 1, 1] */
  spacing?: Spacing3;
  /**
   * Unit of `spacing`, written as the NGFF axis unit: "nm" (tomolab's convention) is written
   * "nanometer", "um" "micrometer", ...; "pixel" writes axes without unit. @default "nm"
   */
  unit?: string;
  /** Chunk compression. @default "zstd" */
  compressor?: ZarrCompressor;
  /** Compression level (zstd 1..22, blosc 1..9). @default 3 */
  level?: number;
  /** Number of multiscale levels (level k is 2^k times coarser in z, y, x). @default 1 */
  levels?: number;
  /** Replace an existing store at `path`. Without it an existing path is an error. @default false */
  overwrite?: boolean;
  /** Name of the image, written as the multiscale's NGFF `name`. @default "tomolab" */
  name?: string;
}

/** An open OME-Zarr store: shape, type, spacing; voxels read and written by region. */
export interface ZarrVolume {
  /** The store folder. */
  readonly path: string;
  /** `[nz, ny, nx]` of level 0. */
  readonly shape: Shape3;
  /** Chunk shape of level 0. */
  readonly chunks: Shape3;
  readonly dtype: DType;
  /** Voxel size of level 0 in `unit`. */
  readonly spacing: Spacing3;
  /** "nm" when the store's unit is a length (converted), else "pixel" or the store's unit. */
  readonly unit: string;
  /** Number of multiscale levels. */
  readonly levels: number;
  /** Shape of level `level`. */
  levelShape(level: number): Shape3;
  /** Read a box of level `level` (default 0) as a volume (spacing of that level). */
  readRegion(box: ZarrBox, options?: { level?: number }): Promise<Volume>;
  /**
   * Write `volume` with its voxel (0,0,0) at `origin` (`[z, y, x]` or a box whose z0/y0/x0
   * are used) of level `level` (default 0). Chunks only partly covered are read, merged and
   * rewritten; callers running in parallel should write chunk-aligned boxes.
   */
  writeRegion(origin: [number, number, number] | ZarrBox, volume: Volume, options?: { level?: number }): Promise<void>;
  /**
   * Recompute levels `1..levels-1` from level 0 by 2x2x2 reduction ("mean", or "nearest":
   * the first voxel of each 2x2x2 block, for labels), slab by slab.
   */
  buildPyramid(options?: { method?: "mean" | "nearest" }): Promise<void>;
}

const ZARR_DTYPE: Record<DType, string> = {
  uint8: "|u1",
  uint16: "<u2",
  int32: "<i4",
  uint32: "<u4",
  float32: "<f4",
};
const FROM_ZARR: Record<string, DType> = {
  "|u1": "uint8",
  "<u1": "uint8",
  "|u2": "uint16",
  "<u2": "uint16",
  "<i4": "int32",
  "<u4": "uint32",
  "<f4": "float32",
  uint8: "uint8",
  uint16: "uint16",
  int32: "int32",
  uint32: "uint32",
  float32: "float32",
};
const NGFF_UNIT: Record<string, string> = {
  nm: "nanometer",
  um: "micrometer",
  "\u00b5m": "micrometer",
  micron: "micrometer",
  mm: "millimeter",
  m: "meter",
  cm: "centimeter",
  "\u00e5": "angstrom",
};

function fail(path: string, what: string): never {
  throw new Error(`zarr ${path}: ${what}`);
}

function checkShape(v: unknown, name: string, path: string): Shape3 {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((n) => Number.isInteger(n) && n > 0)) {
    fail(path, `${name} must be 3 positive integers [z, y, x], received ${JSON.stringify(v)}`);
  }
  return [v[0], v[1], v[2]];
}

async function exists(p: string): Promise<boolean> {
  return fsp.stat(p).then(
    () => true,
    () => false,
  );
}

/** Write `data` to `file` atomically: temporary file in the same folder, then rename. */
async function atomicWrite(file: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${file.slice(dir.length + 1)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

function makeCodec(compressor: ZarrCompressor, level: number) {
  if (compressor === "none") return null;
  if (compressor === "zstd") {
    return { config: { id: "zstd", level }, codec: Zstd.fromConfig({ level }) };
  }
  const config = { id: "blosc", cname: "zstd", clevel: level, shuffle: 1, blocksize: 0 };
  return { config, codec: Blosc.fromConfig(config) };
}

type Codec = { encode(a: Uint8Array): Promise<Uint8Array> | Uint8Array; decode(a: Uint8Array): Promise<Uint8Array> | Uint8Array };

interface Meta {
  shape: Shape3;
  chunks: Shape3;
  dtype: DType;
  spacing: Spacing3;
  unit: string;
  levelPaths: string[];
  levelScales: Spacing3[];
  compressor: ZarrCompressor;
  codec: Codec | null;
}

function levelShapeOf(shape: Shape3, level: number): Shape3 {
  const f = 2 ** level;
  return [Math.max(1, Math.ceil(shape[0] / f)), Math.max(1, Math.ceil(shape[1] / f)), Math.max(1, Math.ceil(shape[2] / f))];
}

/**
 * Create an empty OME-Zarr store (NGFF 0.4, Zarr v2) for a volume of `shape` and `dtype`.
 * Unwritten chunks read as 0.
 *
 * @param path - Store folder (created; its parent must exist).
 * @param options - See {@link CreateZarrOptions}.
 * @returns A {@link ZarrVolume} to write regions into.
 * @throws Error naming `path` when it exists without `overwrite: true`, or for a bad option.
 */
export async function createZarr(path: string, options: CreateZarrOptions): Promise<ZarrVolume> {
  const shape = checkShape(options.shape, "shape", path);
  const dtype = options.dtype;
  if (!(dtype in ZARR_DTYPE)) fail(path, `dtype must be one of ${Object.keys(ZARR_DTYPE).join(", ")}, received ${String(dtype)}`);
  const chunks = options.chunks
    ? checkShape(options.chunks, "chunks", path)
    : ([Math.min(64, shape[0]), Math.min(64, shape[1]), Math.min(64, shape[2])] as Shape3);
  const spacing = options.spacing ?? [1, 1, 1];
  if (!Array.isArray(spacing) || spacing.length !== 3 || !spacing.every((s) => Number.isFinite(s) && s > 0)) {
    fail(path, `spacing must be 3 positive numbers, received ${JSON.stringify(spacing)}`);
  }
  const unit = options.unit ?? "nm";
  const compressor = options.compressor ?? "zstd";
  if (!["zstd", "blosc", "none"].includes(compressor)) fail(path, `compressor must be zstd, blosc or none, received ${String(compressor)}`);
  const level = options.level ?? 3;
  const levels = options.levels ?? 1;
  if (!Number.isInteger(levels) || levels < 1 || levels > 16) fail(path, `levels must be an integer 1..16, received ${levels}`);
  if (await exists(path)) {
    if (!options.overwrite) fail(path, "already exists; pass overwrite: true to replace it");
    await fsp.rm(path, { recursive: true, force: true });
  }
  if (!(await exists(dirname(path)))) fail(path, `parent folder ${dirname(path)} does not exist`);
  await fsp.mkdir(path);
  const codec = makeCodec(compressor, level);
  const levelScales: Spacing3[] = [];
  for (let k = 0; k < levels; k++) {
    const s = levelShapeOf(shape, k);
    const c: Shape3 = [Math.min(chunks[0], s[0]), Math.min(chunks[1], s[1]), Math.min(chunks[2], s[2])];
    const zarray = {
      zarr_format: 2,
      shape: s,
      chunks: k === 0 ? chunks : c,
      dtype: ZARR_DTYPE[dtype],
      compressor: codec ? codec.config : null,
      fill_value: 0,
      order: "C",
      filters: null,
      dimension_separator: "/",
    };
    await atomicWrite(join(path, String(k), ".zarray"), JSON.stringify(zarray, null, 2));
    levelScales.push([spacing[0] * 2 ** k, spacing[1] * 2 ** k, spacing[2] * 2 ** k]);
  }
  const ngffUnit = NGFF_UNIT[unit.toLowerCase()];
  const axes = ["z", "y", "x"].map((name) =>
    ngffUnit ? { name, type: "space", unit: ngffUnit } : { name, type: "space" },
  );
  const zattrs = {
    multiscales: [
      {
        version: "0.4",
        name: options.name ?? "tomolab",
        axes,
        datasets: levelScales.map((scale, k) => ({
          path: String(k),
          coordinateTransformations: [{ type: "scale", scale }],
        })),
        type: levels > 1 ? "2x2x2 reduction (tomolab)" : undefined,
      },
    ],
  };
  await atomicWrite(join(path, ".zgroup"), JSON.stringify({ zarr_format: 2 }));
  await atomicWrite(join(path, ".zattrs"), JSON.stringify(zattrs, null, 2));
  return openZarr(path);
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fsp.readFile(file, "utf8");
  } catch {
    throw new Error(`zarr ${file}: missing (not an OME-Zarr store?)`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`zarr ${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** Read and check the NGFF 0.4 metadata of a store. */
async function readMeta(path: string): Promise<Meta> {
  const attrsFile = join(path, ".zattrs");
  let attrs: Record<string, unknown>;
  if (await exists(attrsFile)) attrs = await readJson(attrsFile);
  else if (await exists(join(path, "zarr.json"))) {
    const z = await readJson(join(path, "zarr.json"));
    const a = (z.attributes ?? {}) as Record<string, unknown>;
    attrs = (a.ome as Record<string, unknown>) ?? a;
  } else fail(path, "no .zattrs or zarr.json (not an OME-Zarr store?)");
  const ms = attrs.multiscales;
  if (!Array.isArray(ms) || ms.length === 0) fail(attrsFile, "field multiscales missing or empty");
  const m = ms[0] as Record<string, unknown>;
  const axes = m.axes;
  if (!Array.isArray(axes)) fail(attrsFile, "field multiscales[0].axes missing");
  const names = axes.map((a) => (typeof a === "string" ? a : (a as { name?: string }).name));
  const space = names.slice(-3).join("");
  if (space !== "zyx") fail(attrsFile, `field multiscales[0].axes: expected last axes z, y, x, received ${names.join(", ")}`);
  if (names.length !== 3) fail(attrsFile, `field multiscales[0].axes: tomolab reads 3 axes (z, y, x), received ${names.join(", ")}`);
  const axisUnit = typeof axes[2] === "object" ? (axes[2] as { unit?: string }).unit : undefined;
  const datasets = m.datasets;
  if (!Array.isArray(datasets) || datasets.length === 0) fail(attrsFile, "field multiscales[0].datasets missing or empty");
  const levelPaths: string[] = [];
  const levelScales: Spacing3[] = [];
  datasets.forEach((d: { path?: unknown; coordinateTransformations?: unknown }, k) => {
    if (typeof d.path !== "string") fail(attrsFile, `field multiscales[0].datasets[${k}].path missing`);
    const ct = Array.isArray(d.coordinateTransformations) ? d.coordinateTransformations : [];
    const sc = ct.find((t: { type?: string }) => t.type === "scale") as { scale?: unknown } | undefined;
    const scale = sc?.scale;
    if (!Array.isArray(scale) || scale.length !== 3 || !scale.every((s) => typeof s === "number" && s > 0)) {
      fail(attrsFile, `field multiscales[0].datasets[${k}].coordinateTransformations scale: expected 3 positive numbers, received ${JSON.stringify(scale)}`);
    }
    levelPaths.push(d.path);
    levelScales.push([scale[0], scale[1], scale[2]]);
  });
  const zarrayFile = join(path, levelPaths[0], ".zarray");
  let shape: Shape3;
  let chunks: Shape3;
  let dtypeName: string;
  let compressor: ZarrCompressor = "none";
  let codec: Codec | null = null;
  if (await exists(zarrayFile)) {
    const za = await readJson(zarrayFile);
    if (za.zarr_format !== 2) fail(zarrayFile, `field zarr_format: expected 2 in a .zarray, received ${JSON.stringify(za.zarr_format)}`);
    shape = checkShape(za.shape, "field shape", zarrayFile);
    chunks = checkShape(za.chunks, "field chunks", zarrayFile);
    dtypeName = String(za.dtype);
    // Fortran order would be read as C order: transposed voxels. tomolab writes and reads C.
    if (za.order !== "C") fail(zarrayFile, `field order: tomolab reads C (row-major) order, received ${JSON.stringify(za.order)}`);
    const fill = za.fill_value;
    if (!(fill === null || (typeof fill === "number" && Number.isFinite(fill)) || fill === "NaN"))
      fail(zarrayFile, `field fill_value: expected a finite number, "NaN" or null, received ${JSON.stringify(fill)}`);
    const comp = za.compressor as { id?: string; level?: number; clevel?: number } | null;
    if (comp !== null && (typeof comp !== "object" || !["zstd", "blosc"].includes(String(comp.id))))
      fail(zarrayFile, `field compressor: tomolab reads zstd, blosc or null, received ${JSON.stringify(comp)}`);
    if (comp && comp.id === "zstd") {
      compressor = "zstd";
      codec = Zstd.fromConfig({ level: comp.level ?? 3 });
    } else if (comp && comp.id === "blosc") {
      compressor = "blosc";
      codec = Blosc.fromConfig(comp as Record<string, unknown>);
    }
  } else {
    const za = await readJson(join(path, levelPaths[0], "zarr.json"));
    shape = checkShape(za.shape, "field shape", join(path, levelPaths[0], "zarr.json"));
    const grid = (za.chunk_grid as { configuration?: { chunk_shape?: unknown } } | undefined)?.configuration?.chunk_shape;
    chunks = checkShape(grid, "field chunk_grid.configuration.chunk_shape", join(path, levelPaths[0], "zarr.json"));
    dtypeName = String(za.data_type);
  }
  const dtype = FROM_ZARR[dtypeName];
  if (!dtype) fail(zarrayFile, `field dtype: tomolab reads ${Object.keys(ZARR_DTYPE).join(", ")}, received ${dtypeName}`);
  let unit = "pixel";
  let spacing = levelScales[0];
  if (axisUnit) {
    const nm = nanometresPer(axisUnit.replace(/meter$/, "metre"));
    const nmPerUnit = nm ?? (axisUnit === "angstrom" ? 0.1 : undefined);
    if (nmPerUnit !== undefined) {
      unit = "nm";
      spacing = [spacing[0] * nmPerUnit, spacing[1] * nmPerUnit, spacing[2] * nmPerUnit];
    } else unit = axisUnit;
  }
  return { shape, chunks, dtype, spacing, unit, levelPaths, levelScales, compressor, codec };
}

function checkBox(box: ZarrBox, shape: Shape3, path: string): void {
  const { z0, y0, x0, z1, y1, x1 } = box;
  const ok =
    [z0, y0, x0, z1, y1, x1].every(Number.isInteger) &&
    z0 >= 0 && y0 >= 0 && x0 >= 0 && z1 > z0 && y1 > y0 && x1 > x0 &&
    z1 <= shape[0] && y1 <= shape[1] && x1 <= shape[2];
  if (!ok) fail(path, `box ${JSON.stringify(box)} must be non-empty integers inside shape [${shape.join(", ")}]`);
}

/**
 * Open an OME-Zarr store (NGFF 0.4 / Zarr v2 as tomolab writes; also NGFF 0.5 / Zarr v3 for
 * reading) lazily: only metadata is read; voxels are read by {@link ZarrVolume.readRegion}
 * (through zarrita, only the chunks the box touches).
 *
 * Spacing: the level-0 `scale` converted to nanometres when the z/y/x axes have a length
 * unit (`unit` "nm"), else as stored with `unit` "pixel" (no unit) or the axis unit.
 *
 * @throws Error naming the file and field when metadata are missing or malformed (no
 *   multiscales, axes other than z, y, x, missing scale, unsupported dtype).
 */
export async function openZarr(path: string): Promise<ZarrVolume> {
  const meta = await readMeta(path);
  const store = new FileSystemStore(path);
  const arrays = new Map<number, Promise<zarr.Array<zarr.DataType, FileSystemStore>>>();
  const levelArray = (level: number) => {
    if (!Number.isInteger(level) || level < 0 || level >= meta.levelPaths.length) {
      fail(path, `level must be 0..${meta.levelPaths.length - 1}, received ${level}`);
    }
    let a = arrays.get(level);
    if (!a) {
      a = zarr.open(zarr.root(store).resolve(meta.levelPaths[level]), { kind: "array" });
      arrays.set(level, a);
    }
    return a;
  };
  const levelMeta = async (level: number) => {
    const file = join(path, meta.levelPaths[level], ".zarray");
    const za = await readJson(file);
    return { shape: checkShape(za.shape, "field shape", file), chunks: checkShape(za.chunks, "field chunks", file) };
  };
  const spacingOf = (level: number): Spacing3 => {
    const f = meta.levelScales[level].map((s, i) => s / meta.levelScales[0][i]);
    return [meta.spacing[0] * f[0], meta.spacing[1] * f[1], meta.spacing[2] * f[2]];
  };

  const readRegion = async (box: ZarrBox, options: { level?: number } = {}): Promise<Volume> => {
    const level = options.level ?? 0;
    const arr = await levelArray(level);
    const shape = arr.shape as Shape3;
    checkBox(box, shape, path);
    const voxels = (box.z1 - box.z0) * (box.y1 - box.y0) * (box.x1 - box.x0);
    if (voxels > 2 ** 31 - 1)
      fail(path, `a region of ${voxels} voxels is more than one array can hold (2^31 - 1); read it in parts with readRegion`);
    let out;
    try {
      out = await zarr.get(arr, [zarr.slice(box.z0, box.z1), zarr.slice(box.y0, box.y1), zarr.slice(box.x0, box.x1)]);
    } catch (error) {
      fail(
        join(path, meta.levelPaths[level]),
        `reading z ${box.z0}-${box.z1}, y ${box.y0}-${box.y1}, x ${box.x0}-${box.x1} failed: ${error instanceof Error ? error.message : String(error)} (a damaged or truncated chunk file?)`,
      );
    }
    const src = out.data as unknown as VoxelArray;
    // zarrita returns the store's dtype; copy only when it is another array type
    const data = src.constructor === allocate(meta.dtype, 0).constructor ? src : allocate(meta.dtype, src.length);
    if (data !== src) data.set(src as never);
    return { data, shape: [box.z1 - box.z0, box.y1 - box.y0, box.x1 - box.x0], spacing: spacingOf(level), unit: meta.unit };
  };

  const writeRegion = async (
    origin: [number, number, number] | ZarrBox,
    volume: Volume,
    options: { level?: number } = {},
  ): Promise<void> => {
    if (!(await exists(join(path, meta.levelPaths[0], ".zarray")))) fail(path, "writing is supported for Zarr v2 stores only");
    const level = options.level ?? 0;
    if (level < 0 || level >= meta.levelPaths.length) fail(path, `level must be 0..${meta.levelPaths.length - 1}, received ${level}`);
    const [oz, oy, ox] = Array.isArray(origin) ? origin : [origin.z0, origin.y0, origin.x0];
    if (dtypeOf(volume.data) !== meta.dtype) fail(path, `volume dtype ${dtypeOf(volume.data)} differs from the store's ${meta.dtype}`);
    const [nz, ny, nx] = volume.shape;
    if (volume.data.length !== nz * ny * nx) fail(path, `volume data length ${volume.data.length} != shape product ${nz * ny * nx}`);
    const { shape, chunks } = await levelMeta(level);
    checkBox({ z0: oz, y0: oy, x0: ox, z1: oz + nz, y1: oy + ny, x1: ox + nx }, shape, path);
    const [cz, cy, cx] = chunks;
    const chunkLen = cz * cy * cx;
    const dir = join(path, meta.levelPaths[level]);
    for (let kz = Math.floor(oz / cz); kz * cz < oz + nz; kz++) {
      for (let ky = Math.floor(oy / cy); ky * cy < oy + ny; ky++) {
        for (let kx = Math.floor(ox / cx); kx * cx < ox + nx; kx++) {
          const file = join(dir, String(kz), String(ky), String(kx));
          const z0 = Math.max(oz, kz * cz), z1 = Math.min(oz + nz, (kz + 1) * cz);
          const y0 = Math.max(oy, ky * cy), y1 = Math.min(oy + ny, (ky + 1) * cy);
          const x0 = Math.max(ox, kx * cx), x1 = Math.min(ox + nx, (kx + 1) * cx);
          // Fully covered in-bounds part of the chunk? Then no read is needed.
          const full =
            z0 === kz * cz && y0 === ky * cy && x0 === kx * cx &&
            z1 === Math.min((kz + 1) * cz, shape[0]) && y1 === Math.min((ky + 1) * cy, shape[1]) && x1 === Math.min((kx + 1) * cx, shape[2]);
          let chunk: VoxelArray = allocate(meta.dtype, chunkLen);
          if (!full && (await exists(file))) {
            chunk = await decodeChunk(file, meta, chunkLen);
          }
          for (let z = z0; z < z1; z++) {
            for (let y = y0; y < y1; y++) {
              const src = ((z - oz) * ny + (y - oy)) * nx + (x0 - ox);
              const dst = ((z - kz * cz) * cy + (y - ky * cy)) * cx + (x0 - kx * cx);
              chunk.set(volume.data.subarray(src, src + (x1 - x0)) as never, dst);
            }
          }
          const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          await atomicWrite(file, meta.codec ? await meta.codec.encode(bytes) : bytes);
        }
      }
    }
  };

  const buildPyramid = async (options: { method?: "mean" | "nearest" } = {}): Promise<void> => {
    const method = options.method ?? "mean";
    for (let k = 1; k < meta.levelPaths.length; k++) {
      const src = (await levelMeta(k - 1)).shape;
      const dst = (await levelMeta(k)).shape;
      const slab = Math.max(1, Math.floor((await levelMeta(k)).chunks[0]));
      for (let z0 = 0; z0 < dst[0]; z0 += slab) {
        const z1 = Math.min(dst[0], z0 + slab);
        const inp = await readRegion({ z0: 2 * z0, z1: Math.min(src[0], 2 * z1), y0: 0, y1: src[1], x0: 0, x1: src[2] }, { level: k - 1 });
        await writeRegion([z0, 0, 0], downsample2(inp, [z1 - z0, dst[1], dst[2]], method), { level: k });
      }
    }
  };

  return {
    path,
    shape: meta.shape,
    chunks: meta.chunks,
    dtype: meta.dtype,
    spacing: meta.spacing,
    unit: meta.unit,
    levels: meta.levelPaths.length,
    levelShape: (level: number) => levelShapeOf(meta.shape, level),
    readRegion,
    writeRegion,
    buildPyramid,
  };
}

async function decodeChunk(file: string, meta: Meta, chunkLen: number): Promise<VoxelArray> {
  const raw = new Uint8Array(await fsp.readFile(file));
  const bytes = meta.codec ? await meta.codec.decode(raw) : raw;
  const out = allocate(meta.dtype, chunkLen);
  const view = new Uint8Array(out.buffer);
  if (bytes.length !== view.length) fail(file, `chunk decodes to ${bytes.length} bytes, expected ${view.length}`);
  view.set(bytes);
  return out;
}

/** 2x2x2 reduction of `v` to `shape` (edge blocks average what exists). */
function downsample2(v: Volume, shape: Shape3, method: "mean" | "nearest"): Volume {
  const [nz, ny, nx] = v.shape;
  const [mz, my, mx] = shape;
  const dtype = dtypeOf(v.data);
  const out = allocate(dtype, mz * my * mx);
  const isInt = dtype !== "float32";
  for (let z = 0; z < mz; z++) {
    for (let y = 0; y < my; y++) {
      for (let x = 0; x < mx; x++) {
        let value: number;
        if (method === "nearest") value = v.data[((2 * z) * ny + 2 * y) * nx + 2 * x];
        else {
          let s = 0;
          let n = 0;
          for (let dz = 0; dz < 2 && 2 * z + dz < nz; dz++) {
            for (let dy = 0; dy < 2 && 2 * y + dy < ny; dy++) {
              for (let dx = 0; dx < 2 && 2 * x + dx < nx; dx++) {
                s += v.data[((2 * z + dz) * ny + 2 * y + dy) * nx + 2 * x + dx];
                n++;
              }
            }
          }
          value = isInt ? Math.round(s / n) : s / n;
        }
        out[(z * my + y) * mx + x] = value;
      }
    }
  }
  return { data: out, shape, spacing: [v.spacing[0] * 2, v.spacing[1] * 2, v.spacing[2] * 2], unit: v.unit };
}

/** Options of {@link writeZarr}: those of {@link createZarr} without shape/dtype/spacing. */
export interface WriteZarrOptions extends Omit<CreateZarrOptions, "shape" | "dtype" | "spacing"> {
  /** Downsampling for levels >= 1: "mean" (intensities) or "nearest" (labels). @default "mean" */
  method?: "mean" | "nearest";
}

/**
 * Write a volume as an OME-Zarr store (NGFF 0.4, Zarr v2), with `levels` multiscale levels.
 * Spacing is taken from the volume (nanometres, or pixels when `volume.unit` is "pixel").
 * @throws Error naming `path` when it exists without `overwrite: true`.
 */
export async function writeZarr(volume: Volume, path: string, options: WriteZarrOptions = {}): Promise<ZarrVolume> {
  const { method, ...rest } = options;
  const z = await createZarr(path, {
    unit: volume.unit === "pixel" ? "pixel" : "nm",
    ...rest,
    shape: volume.shape,
    dtype: dtypeOf(volume.data),
    spacing: volume.spacing,
  });
  await z.writeRegion([0, 0, 0], volume);
  if (z.levels > 1) await z.buildPyramid({ method });
  return z;
}

/**
 * Read a whole level (default 0) of an OME-Zarr store into memory.
 * @throws Error naming the file and field for malformed metadata.
 */
export async function readZarr(path: string, options: { level?: number } = {}): Promise<Volume> {
  const z = await openZarr(path);
  const level = options.level ?? 0;
  const s = z.levelShape(level);
  return z.readRegion({ z0: 0, y0: 0, x0: 0, z1: s[0], y1: s[1], x1: s[2] }, { level });
}

/** Options of {@link toZarr}. */
export interface ToZarrOptions extends WriteZarrOptions {
  /** Called after each slab of z slices with (slices done, total). */
  onProgress?: (done: number, total: number) => void;
  /** TIFF channel to read (multi-channel files). */
  channel?: number;
}

/**
 * Convert a multi-page TIFF stack to OME-Zarr without holding it: slabs of `chunks[0]` z
 * slices are read page by page ({@link openTiff}) and written chunk-aligned, so memory is one
 * slab (chunk depth x ny x nx voxels: 64 x 1536 x 2048 uint16 = 400 MB with the default
 * chunks). Levels >= 1 are then built slab by slab from the level below. Spacing and unit
 * come from the TIFF (nanometres when calibrated).
 * @throws Error naming the file for an unreadable TIFF or an existing `zarrPath`.
 */
export async function toZarr(tiffPath: string, zarrPath: string, options: ToZarrOptions = {}): Promise<ZarrVolume> {
  const { onProgress, channel, method, ...rest } = options;
  const tiff = await openTiff(tiffPath, channel === undefined ? {} : { channel });
  try {
    const z = await createZarr(zarrPath, {
      unit: tiff.unit,
      ...rest,
      shape: tiff.shape,
      dtype: tiff.dtype,
      spacing: tiff.spacing,
    });
    const slab = z.chunks[0];
    for (let z0 = 0; z0 < tiff.shape[0]; z0 += slab) {
      const z1 = Math.min(tiff.shape[0], z0 + slab);
      const v = await tiff.read({ pages: [z0, z1] });
      await z.writeRegion([z0, 0, 0], v);
      onProgress?.(z1, tiff.shape[0]);
    }
    if (z.levels > 1) await z.buildPyramid({ method });
    return z;
  } finally {
    await tiff.close();
  }
}
