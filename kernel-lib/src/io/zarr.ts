/**
 * OME-Zarr I/O: chunked, compressed volumes on disk, read and written region by region.
 *
 * Format: **Zarr v2 with OME-NGFF 0.4 multiscales**. Why 0.4 and not 0.5 (Zarr v3):
 * every ome-zarr-py release reads 0.4 (0.5 only from 0.11 on, with zarr-python 3), as do
 * zarr-python 2 and 3, napari, Fiji/MoBIE and neuroglancer; zarrita reads v2 and v3 but its
 * writer (`zarr.create`) only makes v3 arrays, so tomolab writes the v2 metadata and chunks
 * itself (numcodecs' wasm zstd/blosc, bundled, no network). Reading: tomolab checks the
 * metadata and decodes the chunks itself (below); zarrita, an implementation independent of
 * the writer, does the indexing. Stores written by Python (v2, or v3 with the codecs below)
 * read too.
 *
 * Layout of a store at `path`: `.zgroup`, `.zattrs` (`multiscales`, version "0.4", axes
 * z/y/x of type space with the unit, one `scale` transform per level), and one array per
 * level in `0/`, `1/`, ... (`.zarray`, chunks under `z/y/x` keys, dimension_separator "/").
 * Chunks are written to a temporary file in the chunk's folder and renamed into place, so a
 * chunk is either absent, old or new, never partial: a block re-run after a crash rewrites
 * the same bytes (idempotent), and a leftover temporary file is never read.
 *
 * Reading (hardened with the fuzz suite, test/fuzz/zarrTarget.mjs): every level's `.zarray`
 * is checked (Zarr v2 as tomolab reads it: dtype `|u1`, `<u1`, `<u2`, `<i4`, `<u4` or `<f4`,
 * C order, no filters, zstd, blosc or no compressor, `dimension_separator` "/" or "."
 * (absent: "."), chunk files in that layout, a `fill_value` the dtype can hold, null reading
 * as 0; all levels of one dtype), and each chunk is checked before and after decoding: an
 * uncompressed chunk must be exactly the chunk's bytes; zstd frames must declare decoded
 * sizes adding up to it (a frame without one could be a decompression bomb); a blosc frame
 * is walked by tomolab's own checked decoder (io/bloscDecode.ts: numcodecs' wasm blosc
 * returns heap bytes for damaged frames). zarrita then does the indexing (which chunks a box
 * touches, edge chunks, fill_value for a missing chunk, as the Zarr spec says) from the
 * checked metadata and decoded chunks. A Zarr v3 level (`zarr.json`, read only) is checked
 * and decoded the same way: a regular grid, the default or v2 chunk key encoding, codecs
 * "bytes" (little-endian) then at most one of zstd, blosc, gzip; other codecs (sharding,
 * transpose, crc32c, ...) are refused with an error naming the field. A region, and a
 * chunk, must fit the memory budget (option `maxBytes`, default half of this machine's
 * memory) before anything is allocated.
 *
 * @module
 */
import { type Dirent, promises as fsp } from "node:fs";
import { gunzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import { Blosc, Zstd } from "numcodecs";
import type { DType, Shape3, Spacing3, Volume, VoxelArray } from "../volume/types.js";
import { allocate, dtypeOf } from "../volume/dtype.js";
import { bloscDecode, zstdDecodeExact } from "./bloscDecode.js";
import { checkBudget, resolveMaxBytes } from "./memory.js";
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
  /** Shape of level `level`, as its array metadata says. */
  levelShape(level: number): Shape3;
  /**
   * Read a box of level `level` (default 0) as a volume (spacing of that level). Missing
   * chunks read as the level's fill_value; a damaged chunk is an error naming its file.
   * `maxBytes` overrides the budget given to {@link openZarr} for this read.
   */
  readRegion(box: ZarrBox, options?: { level?: number; maxBytes?: number }): Promise<Volume>;
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
/** The dtypes tomolab reads from a Zarr v2 `.zarray` (numpy's names, little-endian). */
const FROM_V2: Record<string, DType> = {
  "|u1": "uint8",
  "<u1": "uint8",
  "<u2": "uint16",
  "<i4": "int32",
  "<u4": "uint32",
  "<f4": "float32",
};
/** The data types tomolab reads from a Zarr v3 `zarr.json`. */
const FROM_V3: Record<string, DType> = {
  uint8: "uint8",
  uint16: "uint16",
  int32: "int32",
  uint32: "uint32",
  float32: "float32",
};
const BYTES: Record<DType, number> = { uint8: 1, uint16: 2, int32: 4, uint32: 4, float32: 4 };
const INT_RANGE: Record<Exclude<DType, "float32">, [number, number]> = {
  uint8: [0, 255],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
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

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function checkShape(v: unknown, name: string, path: string): Shape3 {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((n) => Number.isSafeInteger(n) && n > 0)) {
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

/** One level (array) of a store, from its checked metadata. */
interface LevelMeta {
  /** The dataset path (folder of the array, relative to the store). */
  path: string;
  /** Its metadata file (`.zarray`, or `zarr.json` for v3). */
  file: string;
  /** Zarr v2 (read and decoded by tomolab, indexed by zarrita) or v3 (read by zarrita). */
  v2: boolean;
  shape: Shape3;
  chunks: Shape3;
  dtype: DType;
  /** fill_value (null reads as 0). */
  fill: number;
  /** Chunk key separator (v2). */
  separator: "/" | ".";
  /** How chunk bytes are compressed (v3 may also use gzip). */
  compressor: ZarrCompressor | "gzip";
  /** The encoder for writing (v2 only). */
  codec: Codec | null;
  /** v3: the chunk key encoding as stored (zarrita encodes the keys). */
  keyEncoding?: { name: "default" | "v2"; configuration: { separator: "/" | "." } };
}

interface Meta {
  shape: Shape3;
  chunks: Shape3;
  dtype: DType;
  spacing: Spacing3;
  unit: string;
  levels: LevelMeta[];
  /** Spacing of each level in `unit` (its scale times each axis's unit). */
  levelSpacing: Spacing3[];
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
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`zarr ${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(doc)) fail(file, `expected a JSON object, received ${JSON.stringify(doc)?.slice(0, 80)}`);
  return doc;
}

/** fill_value of a level of `dtype`: a number the dtype holds ("NaN", "Infinity", "-Infinity" for float32), null reading as 0. */
function checkFill(v: unknown, dtype: DType, file: string): number {
  if (v === null) return 0;
  if (dtype === "float32") {
    const named: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };
    if (typeof v === "string" && Object.hasOwn(named, v)) return named[v];
    if (typeof v === "number" && Number.isFinite(Math.fround(v))) return v;
    fail(file, `field fill_value: expected a float32 number, "NaN", "Infinity", "-Infinity" or null, received ${JSON.stringify(v)}`);
  }
  const [lo, hi] = INT_RANGE[dtype];
  if (typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi) return v;
  fail(file, `field fill_value: expected an integer in ${lo}..${hi} (${dtype}) or null, received ${JSON.stringify(v)}`);
}

function readCompressor(comp: unknown, file: string): { compressor: ZarrCompressor; codec: Codec | null } {
  if (comp === null) return { compressor: "none", codec: null };
  if (!isObject(comp) || (comp.id !== "zstd" && comp.id !== "blosc"))
    fail(file, `field compressor: tomolab reads zstd, blosc or null, received ${JSON.stringify(comp)}`);
  try {
    if (comp.id === "zstd") return { compressor: "zstd", codec: Zstd.fromConfig({ level: (comp.level as number | undefined) ?? 3 }) };
    return { compressor: "blosc", codec: Blosc.fromConfig(comp as never) };
  } catch (e) {
    fail(file, `field compressor: ${JSON.stringify(comp)} is not a valid ${comp.id} configuration (${e instanceof Error ? e.message : String(e)})`.replace(/\s+/g, " "));
  }
}

/** Read and check a Zarr v2 `.zarray` (the subset tomolab reads; see the module doc). */
async function readV2Level(file: string, levelPath: string): Promise<LevelMeta> {
  const za = await readJson(file);
  if (za.zarr_format !== 2) fail(file, `field zarr_format: expected 2 in a .zarray, received ${JSON.stringify(za.zarr_format)}`);
  const shape = checkShape(za.shape, "field shape", file);
  const chunks = checkShape(za.chunks, "field chunks", file);
  if (typeof za.dtype !== "string" || !Object.hasOwn(FROM_V2, za.dtype))
    fail(file, `field dtype: tomolab reads ${Object.keys(FROM_V2).join(", ")}, received ${JSON.stringify(za.dtype)}`);
  const dtype = FROM_V2[za.dtype];
  // Fortran order would be read as C order: transposed voxels. tomolab writes and reads C.
  if (za.order !== "C") fail(file, `field order: tomolab reads C (row-major) order, received ${JSON.stringify(za.order)}`);
  // A filter (delta, fixedscaleoffset, ...) changes what the chunk bytes mean.
  if (!(za.filters === null || za.filters === undefined || (Array.isArray(za.filters) && za.filters.length === 0)))
    fail(file, `field filters: tomolab reads stores without filters (null), received ${JSON.stringify(za.filters)}`);
  // Another separator makes every chunk key miss: the whole level would read as fill_value.
  const separator = za.dimension_separator === undefined ? "." : za.dimension_separator;
  if (separator !== "/" && separator !== ".")
    fail(file, `field dimension_separator: expected "/" or "." (absent: "."), received ${JSON.stringify(za.dimension_separator)}`);
  const fill = checkFill(za.fill_value, dtype, file);
  await checkChunkLayout(dirname(file), separator === "/" ? "z/y/x folders" : '"z.y.x" files', file, "dimension_separator");
  return { path: levelPath, file, v2: true, shape, chunks, dtype, fill, separator, ...readCompressor(za.compressor, file) };
}

/** The ways chunk keys are laid out in a level's folder. */
const LAYOUTS = {
  "z/y/x folders": (e: Dirent) => e.isDirectory() && /^\d+$/.test(e.name),
  '"z.y.x" files': (e: Dirent) => e.isFile() && /^\d+\.\d+\.\d+$/.test(e.name),
  '"c/z/y/x" folders': (e: Dirent) => e.isDirectory() && e.name === "c",
  '"c.z.y.x" files': (e: Dirent) => e.isFile() && /^c\.\d+\.\d+\.\d+$/.test(e.name),
};
type Layout = keyof typeof LAYOUTS;

/**
 * A level whose chunks are all stored in another layout than its metadata says ("0.1.2"
 * files where "0/1/2" is declared, ...) would read entirely as fill_value: refuse it. (A
 * level without any chunk, or with chunks in its own layout too, is left alone.)
 */
async function checkChunkLayout(dir: string, mine: Layout, file: string, field: string): Promise<void> {
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
  const found = (Object.keys(LAYOUTS) as Layout[]).filter((l) => entries.some(LAYOUTS[l]));
  if (found.length > 0 && !found.includes(mine))
    fail(file, `field ${field}: chunks are stored as ${found.join(", ")}, but the field says ${mine}: every chunk would read as fill_value`);
}

/**
 * Read and check a Zarr v3 `zarr.json` of an array: a regular chunk grid, the default or v2
 * chunk key encoding, and the codecs `bytes` (little-endian) with at most one of zstd, blosc
 * or gzip after it (tomolab decodes the chunks itself, as for v2).
 */
async function readV3Level(file: string, levelPath: string): Promise<LevelMeta> {
  const za = await readJson(file);
  if (za.zarr_format !== 3 || za.node_type !== "array")
    fail(file, `field node_type: expected a Zarr v3 array (zarr_format 3, node_type "array"), received ${JSON.stringify(za.zarr_format)}, ${JSON.stringify(za.node_type)}`);
  const shape = checkShape(za.shape, "field shape", file);
  const grid = isObject(za.chunk_grid) ? za.chunk_grid : {};
  if (grid.name !== "regular") fail(file, `field chunk_grid.name: tomolab reads "regular", received ${JSON.stringify(grid.name)}`);
  const chunks = checkShape(isObject(grid.configuration) ? grid.configuration.chunk_shape : undefined, "field chunk_grid.configuration.chunk_shape", file);
  if (typeof za.data_type !== "string" || !Object.hasOwn(FROM_V3, za.data_type))
    fail(file, `field data_type: tomolab reads ${Object.keys(FROM_V3).join(", ")}, received ${JSON.stringify(za.data_type)}`);
  const dtype = FROM_V3[za.data_type];
  const fill = checkFill(za.fill_value ?? null, dtype, file);
  const enc = isObject(za.chunk_key_encoding) ? za.chunk_key_encoding : {};
  const conf = isObject(enc.configuration) ? enc.configuration : {};
  if (enc.name !== "default" && enc.name !== "v2")
    fail(file, `field chunk_key_encoding.name: expected "default" or "v2", received ${JSON.stringify(enc.name)}`);
  const separator = conf.separator ?? (enc.name === "default" ? "/" : ".");
  if (separator !== "/" && separator !== ".")
    fail(file, `field chunk_key_encoding.configuration.separator: expected "/" or ".", received ${JSON.stringify(conf.separator)}`);
  if (Array.isArray(za.storage_transformers) && za.storage_transformers.length > 0)
    fail(file, `field storage_transformers: tomolab reads arrays without them, received ${JSON.stringify(za.storage_transformers)}`);
  const codecs = za.codecs;
  const names = Array.isArray(codecs) ? codecs.map((c) => (isObject(c) ? c.name : c)) : undefined;
  const bytes = Array.isArray(codecs) ? codecs[0] : undefined;
  const endian = isObject(bytes) && isObject(bytes.configuration) ? bytes.configuration.endian : undefined;
  const ok =
    names !== undefined &&
    names[0] === "bytes" &&
    (endian === "little" || (endian === undefined && BYTES[dtype] === 1)) &&
    names.length <= 2 &&
    (names.length === 1 || ["zstd", "blosc", "gzip"].includes(String(names[1])));
  if (!ok)
    fail(file, `field codecs: tomolab reads "bytes" (little-endian) then at most one of zstd, blosc, gzip; received ${JSON.stringify(codecs)}`);
  const compressor = (names.length === 2 ? names[1] : "none") as LevelMeta["compressor"];
  const layout: Layout =
    enc.name === "default"
      ? separator === "/" ? '"c/z/y/x" folders' : '"c.z.y.x" files'
      : separator === "/" ? "z/y/x folders" : '"z.y.x" files';
  await checkChunkLayout(dirname(file), layout, file, "chunk_key_encoding");
  return {
    path: levelPath,
    file,
    v2: false,
    shape,
    chunks,
    dtype,
    fill,
    separator,
    compressor,
    codec: null,
    keyEncoding: { name: enc.name, configuration: { separator } },
  };
}

/** Nanometres per NGFF axis unit ("nanometer", "micrometer", "angstrom", ...), or undefined for a non-length unit. */
const nmPerAxisUnit = (u: string): number | undefined =>
  nanometresPer(u.replace(/meter$/, "metre")) ?? (u === "angstrom" ? 0.1 : undefined);

/** Read and check the NGFF 0.4 metadata of a store, and every level's array metadata. */
async function readMeta(path: string): Promise<Meta> {
  let attrsFile = join(path, ".zattrs");
  let attrs: Record<string, unknown>;
  if (await exists(attrsFile)) attrs = await readJson(attrsFile);
  else if (await exists(join(path, "zarr.json"))) {
    attrsFile = join(path, "zarr.json");
    const z = await readJson(attrsFile);
    const a = isObject(z.attributes) ? z.attributes : {};
    attrs = isObject(a.ome) ? a.ome : a;
  } else fail(path, "no .zattrs or zarr.json (not an OME-Zarr store?)");
  const ms = attrs.multiscales;
  if (!Array.isArray(ms) || ms.length === 0) fail(attrsFile, "field multiscales missing or empty");
  const m = ms[0];
  if (!isObject(m)) fail(attrsFile, `field multiscales[0]: expected an object, received ${JSON.stringify(m)}`);
  const axes = m.axes;
  if (!Array.isArray(axes)) fail(attrsFile, "field multiscales[0].axes missing");
  const names = axes.map((a) => (typeof a === "string" ? a : isObject(a) ? a.name : undefined));
  const space = names.slice(-3).join("");
  if (space !== "zyx") fail(attrsFile, `field multiscales[0].axes: expected last axes z, y, x, received ${names.join(", ")}`);
  if (names.length !== 3) fail(attrsFile, `field multiscales[0].axes: tomolab reads 3 axes (z, y, x), received ${names.join(", ")}`);
  // Each axis has its own unit: all lengths (converted to nm axis by axis), all absent ("pixel"),
  // or all the same other unit (kept). A z in micrometres and y, x in nanometres is fine; a z in
  // micrometres with y, x without unit is not something one spacing can say.
  const units = axes.map((a, i) => {
    const u = isObject(a) ? a.unit : undefined;
    if (u !== undefined && (typeof u !== "string" || u === ""))
      fail(attrsFile, `field multiscales[0].axes[${i}].unit: expected a unit name, received ${JSON.stringify(u)}`);
    return u as string | undefined;
  });
  const lengths = units.map((u) => (u === undefined ? undefined : nmPerAxisUnit(u)));
  let unit: string;
  let factor: Spacing3;
  if (units.every((u) => u === undefined)) [unit, factor] = ["pixel", [1, 1, 1]];
  else if (lengths.every((f) => f !== undefined)) [unit, factor] = ["nm", lengths as Spacing3];
  else if (units.every((u) => u === units[0])) [unit, factor] = [units[0] as string, [1, 1, 1]];
  else
    fail(
      attrsFile,
      `field multiscales[0].axes: units must all be lengths, all the same or all absent, received ${units.map((u) => JSON.stringify(u) ?? "none").join(", ")}`,
    );
  const datasets = m.datasets;
  if (!Array.isArray(datasets) || datasets.length === 0) fail(attrsFile, "field multiscales[0].datasets missing or empty");
  const levelSpacing: Spacing3[] = [];
  const levels: LevelMeta[] = [];
  for (let k = 0; k < datasets.length; k++) {
    const d = datasets[k];
    const field = `field multiscales[0].datasets[${k}]`;
    if (!isObject(d) || typeof d.path !== "string") fail(attrsFile, `${field}.path missing`);
    // A path inside the store: relative, no empty, "." or ".." segment.
    if (!d.path.split("/").every((seg) => seg !== "" && seg !== "." && seg !== ".." && !seg.includes("\\")))
      fail(attrsFile, `${field}.path: expected a folder inside the store ("0", "1", ...), received ${JSON.stringify(d.path)}`);
    const ct = Array.isArray(d.coordinateTransformations) ? d.coordinateTransformations : [];
    const sc = ct.find((t) => isObject(t) && t.type === "scale") as { scale?: unknown } | undefined;
    const scale = sc?.scale;
    if (!Array.isArray(scale) || scale.length !== 3 || !scale.every((s) => typeof s === "number" && Number.isFinite(s) && s > 0)) {
      fail(attrsFile, `${field}.coordinateTransformations scale: expected 3 positive finite numbers, received ${JSON.stringify(scale)}`);
    }
    levelSpacing.push([scale[0] * factor[0], scale[1] * factor[1], scale[2] * factor[2]]);
    const v2File = join(path, d.path, ".zarray");
    const v3File = join(path, d.path, "zarr.json");
    let level: LevelMeta;
    if (await exists(v2File)) level = await readV2Level(v2File, d.path);
    else if (await exists(v3File)) level = await readV3Level(v3File, d.path);
    else fail(v2File, `missing: ${field}.path ${JSON.stringify(d.path)} of ${attrsFile} names no array (no .zarray or zarr.json)`);
    if (level.dtype !== levels[0]?.dtype && k > 0)
      fail(level.file, `field dtype: level ${k} is ${level.dtype}, level 0 ${levels[0].dtype}; tomolab reads pyramids of one dtype`);
    levels.push(level);
  }
  const l0 = levels[0];
  return { shape: l0.shape, chunks: l0.chunks, dtype: l0.dtype, spacing: levelSpacing[0], unit, levels, levelSpacing };
}

/**
 * Check a chunk file's bytes against what its level says before they are decoded (sizes
 * declared in a zstd frame or blosc header), decode them and check the decoded length.
 * @returns Exactly `chunks` voxels of `dtype` as bytes.
 */
async function decodeChunkBytes(file: string, raw: Uint8Array, lm: LevelMeta): Promise<Uint8Array> {
  const expected = lm.chunks[0] * lm.chunks[1] * lm.chunks[2] * BYTES[lm.dtype];
  const ctx = `expected ${expected} (field chunks [${lm.chunks.join(", ")}] of ${lm.dtype} in ${lm.file})`;
  if (lm.compressor === "none") {
    if (raw.length !== expected) fail(file, `chunk of ${raw.length} bytes, ${ctx}; a damaged or truncated chunk file?`);
    return raw;
  }
  let bytes: Uint8Array;
  try {
    // tomolab's checked decoders (io/bloscDecode.ts): sizes declared in the data are checked
    // before anything is decoded, and damaged data are an error, never the wasm heap's bytes
    bytes =
      lm.compressor === "zstd"
        ? await zstdDecodeExact(raw, expected)
        : lm.compressor === "gzip"
          ? new Uint8Array(gunzipSync(raw, { maxOutputLength: expected }))
          : await bloscDecode(raw, expected);
  } catch (e) {
    fail(file, `chunk: ${e instanceof Error ? e.message : String(e)} (field chunks [${lm.chunks.join(", ")}] of ${lm.dtype} in ${lm.file})`);
  }
  if (bytes.length !== expected) fail(file, `chunk decodes to ${bytes.length} bytes, ${ctx}`);
  return bytes;
}

/** The `.zarray` zarrita reads for a v2 level: tomolab's checked metadata, chunks already decoded. */
function servedZarray(lm: LevelMeta): Uint8Array {
  const f = lm.fill;
  const fill = Number.isNaN(f) ? "NaN" : f === Infinity ? "Infinity" : f === -Infinity ? "-Infinity" : f;
  const zarray = {
    zarr_format: 2,
    shape: lm.shape,
    chunks: lm.chunks,
    dtype: ZARR_DTYPE[lm.dtype],
    compressor: null,
    fill_value: fill,
    order: "C",
    filters: null,
    dimension_separator: lm.separator,
  };
  return new TextEncoder().encode(JSON.stringify(zarray));
}

/** The `zarr.json` zarrita reads for a v3 level: tomolab's checked metadata, chunks already decoded. */
function servedZarrJson(lm: LevelMeta): Uint8Array {
  const f = lm.fill;
  const fill = Number.isNaN(f) ? "NaN" : f === Infinity ? "Infinity" : f === -Infinity ? "-Infinity" : f;
  const meta = {
    zarr_format: 3,
    node_type: "array",
    shape: lm.shape,
    data_type: lm.dtype,
    chunk_grid: { name: "regular", configuration: { chunk_shape: lm.chunks } },
    chunk_key_encoding: lm.keyEncoding,
    codecs: [{ name: "bytes", configuration: { endian: "little" } }],
    fill_value: fill,
    attributes: {},
  };
  return new TextEncoder().encode(JSON.stringify(meta));
}

/**
 * The store zarrita reads: for each level, its checked metadata (`.zarray` or `zarr.json`,
 * with no codec but "bytes") and checked, decoded chunks (a missing chunk is undefined:
 * zarrita fills it with fill_value); anything else straight from the folder.
 */
class CheckedStore {
  readonly #root: string;
  readonly #levels: LevelMeta[];
  readonly #inner: FileSystemStore;
  constructor(root: string, levels: LevelMeta[]) {
    this.#root = root;
    this.#levels = [...levels].sort((a, b) => b.path.length - a.path.length);
    this.#inner = new FileSystemStore(root);
  }

  async get(key: `/${string}`, opts?: { signal?: AbortSignal }): Promise<Uint8Array | undefined> {
    const rel = key.replace(/^\/+/, "");
    const lm = this.#levels.find((l) => rel.startsWith(`${l.path}/`));
    if (!lm) return this.#inner.get(key, opts);
    const rest = rel.slice(lm.path.length + 1);
    if (rest === (lm.v2 ? ".zarray" : "zarr.json")) return lm.v2 ? servedZarray(lm) : servedZarrJson(lm);
    if (rest.startsWith(".") || rest === "zarr.json") return undefined;
    const file = join(this.#root, lm.path, rest);
    let raw: Uint8Array;
    try {
      raw = new Uint8Array(await fsp.readFile(file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      fail(file, `chunk file unreadable (${(e as Error).message})`);
    }
    return decodeChunkBytes(file, raw, lm);
  }
}

function checkBox(box: ZarrBox, shape: Shape3, path: string): void {
  const { z0, y0, x0, z1, y1, x1 } = box;
  const ok =
    [z0, y0, x0, z1, y1, x1].every(Number.isInteger) &&
    z0 >= 0 && y0 >= 0 && x0 >= 0 && z1 > z0 && y1 > y0 && x1 > x0 &&
    z1 <= shape[0] && y1 <= shape[1] && x1 <= shape[2];
  if (!ok) fail(path, `box ${JSON.stringify(box)} must be non-empty integers inside shape [${shape.join(", ")}]`);
}

/** Options of {@link openZarr}. */
export interface OpenZarrOptions {
  /**
   * Memory budget of one {@link ZarrVolume.readRegion} in bytes: a region (and one chunk)
   * bigger than this is refused before anything is allocated. @default half of this machine's memory
   */
  maxBytes?: number;
}

/**
 * Open an OME-Zarr store (NGFF 0.4 / Zarr v2 as tomolab writes; also NGFF 0.5 / Zarr v3 for
 * reading) lazily: only metadata is read (every level's, checked); voxels are read by
 * {@link ZarrVolume.readRegion} (only the chunks the box touches; a missing chunk reads as
 * the level's fill_value, as in the Zarr spec).
 *
 * Spacing: each level's `scale`, converted to nanometres axis by axis when the z/y/x axes
 * have length units (`unit` "nm"), else as stored with `unit` "pixel" (no unit) or the axes'
 * common unit.
 *
 * @throws Error naming the file and field when metadata are missing or malformed (no
 *   multiscales, axes other than z, y, x, mixed units, missing or non-finite scale, a
 *   dataset path outside the store, unsupported dtype, order, filters, compressor,
 *   dimension_separator or fill_value, levels of different dtypes).
 */
export async function openZarr(path: string, options: OpenZarrOptions = {}): Promise<ZarrVolume> {
  const defaultBudget = resolveMaxBytes(options.maxBytes);
  const meta = await readMeta(path);
  const store = new CheckedStore(path, meta.levels);
  const arrays = new Map<number, Promise<zarr.Array<zarr.DataType, CheckedStore>>>();
  const levelOf = (level: number): LevelMeta => {
    if (!Number.isInteger(level) || level < 0 || level >= meta.levels.length) {
      fail(path, `level must be 0..${meta.levels.length - 1}, received ${level}`);
    }
    return meta.levels[level];
  };
  const levelArray = (level: number) => {
    const lm = levelOf(level);
    let a = arrays.get(level);
    if (!a) {
      const loc = zarr.root(store).resolve(lm.path);
      a = lm.v2 ? zarr.open.v2(loc, { kind: "array", attrs: false }) : zarr.open.v3(loc, { kind: "array" });
      arrays.set(level, a);
    }
    return a;
  };

  const readRegion = async (box: ZarrBox, options: { level?: number; maxBytes?: number } = {}): Promise<Volume> => {
    const level = options.level ?? 0;
    const lm = levelOf(level);
    const maxBytes = options.maxBytes === undefined ? defaultBudget : resolveMaxBytes(options.maxBytes);
    checkBox(box, lm.shape, path);
    const [dz, dy, dx] = [box.z1 - box.z0, box.y1 - box.y0, box.x1 - box.x0];
    const voxels = dz * dy * dx;
    if (voxels > 2 ** 31 - 1)
      fail(
        path,
        `a region of ${voxels} voxels is more than one array can hold (2^31 - 1); read it in parts with readRegion (level ${level}: field shape [${lm.shape.join(", ")}] in ${lm.file})`,
      );
    checkBudget("readRegion", path, voxels * BYTES[lm.dtype], `a region of ${dz} x ${dy} x ${dx} ${lm.dtype} voxels`, maxBytes, "read it in parts with readRegion");
    // zarrita holds one whole chunk per chunk it reads (a missing one filled with fill_value)
    const chunkVoxels = lm.chunks[0] * lm.chunks[1] * lm.chunks[2];
    if (chunkVoxels > 2 ** 31 - 1)
      fail(lm.file, `field chunks [${lm.chunks.join(", ")}]: a chunk of ${chunkVoxels} voxels is more than one array can hold (2^31 - 1)`);
    checkBudget("readRegion", lm.file, chunkVoxels * BYTES[lm.dtype], `one chunk (field chunks [${lm.chunks.join(", ")}], ${lm.dtype})`, maxBytes, "rechunk the store");
    const arr = await levelArray(level);
    let out;
    try {
      out = await zarr.get(arr, [zarr.slice(box.z0, box.z1), zarr.slice(box.y0, box.y1), zarr.slice(box.x0, box.x1)]);
    } catch (error) {
      // tomolab's own checks (CheckedStore) already name the chunk file and the field
      if (error instanceof Error && error.message.startsWith("zarr ")) throw error;
      fail(
        join(path, lm.path),
        `reading z ${box.z0}-${box.z1}, y ${box.y0}-${box.y1}, x ${box.x0}-${box.x1} failed: ${error instanceof Error ? error.message : String(error)} (a damaged or truncated chunk file?)`,
      );
    }
    const src = out.data as unknown as VoxelArray;
    if (src.length !== voxels) fail(join(path, lm.path), `zarrita returned ${src.length} voxels for a box of ${voxels}`);
    // zarrita returns the store's dtype; copy only when it is another array type
    const data = src.constructor === allocate(meta.dtype, 0).constructor ? src : allocate(meta.dtype, src.length);
    if (data !== src) data.set(src as never);
    return { data, shape: [dz, dy, dx], spacing: [...meta.levelSpacing[level]] as Spacing3, unit: meta.unit };
  };

  const writeRegion = async (
    origin: [number, number, number] | ZarrBox,
    volume: Volume,
    options: { level?: number } = {},
  ): Promise<void> => {
    const level = options.level ?? 0;
    const lm = levelOf(level);
    if (!lm.v2) fail(path, "writing is supported for Zarr v2 stores only");
    const [oz, oy, ox] = Array.isArray(origin) ? origin : [origin.z0, origin.y0, origin.x0];
    if (dtypeOf(volume.data) !== meta.dtype) fail(path, `volume dtype ${dtypeOf(volume.data)} differs from the store's ${meta.dtype}`);
    const [nz, ny, nx] = volume.shape;
    if (volume.data.length !== nz * ny * nx) fail(path, `volume data length ${volume.data.length} != shape product ${nz * ny * nx}`);
    const { shape, chunks } = lm;
    checkBox({ z0: oz, y0: oy, x0: ox, z1: oz + nz, y1: oy + ny, x1: ox + nx }, shape, path);
    const [cz, cy, cx] = chunks;
    const chunkLen = cz * cy * cx;
    const dir = join(path, lm.path);
    for (let kz = Math.floor(oz / cz); kz * cz < oz + nz; kz++) {
      for (let ky = Math.floor(oy / cy); ky * cy < oy + ny; ky++) {
        for (let kx = Math.floor(ox / cx); kx * cx < ox + nx; kx++) {
          const file = join(dir, [kz, ky, kx].join(lm.separator));
          const z0 = Math.max(oz, kz * cz), z1 = Math.min(oz + nz, (kz + 1) * cz);
          const y0 = Math.max(oy, ky * cy), y1 = Math.min(oy + ny, (ky + 1) * cy);
          const x0 = Math.max(ox, kx * cx), x1 = Math.min(ox + nx, (kx + 1) * cx);
          // Fully covered in-bounds part of the chunk? Then no read is needed.
          const full =
            z0 === kz * cz && y0 === ky * cy && x0 === kx * cx &&
            z1 === Math.min((kz + 1) * cz, shape[0]) && y1 === Math.min((ky + 1) * cy, shape[1]) && x1 === Math.min((kx + 1) * cx, shape[2]);
          const chunk: VoxelArray = allocate(meta.dtype, chunkLen);
          if (lm.fill !== 0) chunk.fill(lm.fill);
          if (!full && (await exists(file))) {
            const bytes = await decodeChunkBytes(file, new Uint8Array(await fsp.readFile(file)), lm);
            new Uint8Array(chunk.buffer).set(bytes);
          }
          for (let z = z0; z < z1; z++) {
            for (let y = y0; y < y1; y++) {
              const src = ((z - oz) * ny + (y - oy)) * nx + (x0 - ox);
              const dst = ((z - kz * cz) * cy + (y - ky * cy)) * cx + (x0 - kx * cx);
              chunk.set(volume.data.subarray(src, src + (x1 - x0)) as never, dst);
            }
          }
          const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          await atomicWrite(file, lm.codec ? await lm.codec.encode(bytes) : bytes);
        }
      }
    }
  };

  const buildPyramid = async (options: { method?: "mean" | "nearest" } = {}): Promise<void> => {
    const method = options.method ?? "mean";
    for (let k = 1; k < meta.levels.length; k++) {
      const src = meta.levels[k - 1].shape;
      const dst = meta.levels[k].shape;
      const slab = Math.max(1, Math.floor(meta.levels[k].chunks[0]));
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
    levels: meta.levels.length,
    levelShape: (level: number) => [...levelOf(level).shape] as Shape3,
    readRegion,
    writeRegion,
    buildPyramid,
  };
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
 * @param options - `level`; `maxBytes`, the memory budget (see {@link OpenZarrOptions}).
 * @throws Error naming the file and field for malformed metadata or a damaged chunk, or
 *   when the level would need more than `maxBytes`.
 */
export async function readZarr(path: string, options: { level?: number; maxBytes?: number } = {}): Promise<Volume> {
  const z = await openZarr(path, { maxBytes: options.maxBytes });
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
