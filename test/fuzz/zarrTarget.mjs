// The Zarr fuzz target (openZarr, readZarr, ZarrVolume.readRegion of kernel-lib/src/io/zarr.ts).
//
// A seed is a whole store folder made by createZarr/writeZarr (zstd, blosc (stored and really
// compressed) and uncompressed chunks; uint8, uint16, int32, uint32, float32; 1 to 3 pyramid levels; one store with a chunk
// never written). A mutation changes one file of it: a metadata document (.zattrs, a level's
// .zarray, .zgroup; targeted Zarr/NGFF fields, the structural JSON mutations or raw bytes of
// the text), a chunk file (byte mutations, an empty file, garbage, a zstd frame declaring a
// huge size, a blosc header declaring a huge or wrong size, another chunk's bytes), or the file
// set (a chunk or a metadata file removed, a chunk outside the grid or a stray file added, a
// chunk moved under the other dimension separator).
//
// "Silent wrong result", concretely: the judge reads the mutated store with an independent
// reference (modelStore below: Zarr v2 as the spec says, restricted to what zarr.ts documents:
// C order, no filters, zstd/blosc/no compressor, dtypes |u1 <u2 <i4 <u4 <f4, NGFF 0.4
// multiscales with axes z, y, x, all levels of one dtype) and any accepted result must be
// exactly what the reference returns: every level's shape, dtype and voxels (a missing chunk
// reads as fill_value, null reading as 0; a chunk file must decode to exactly the chunk's
// bytes), the spacing (the level's scale times each axis's own unit in nanometres), the unit,
// and the regions read chunk-wise. A result for a store the reference refuses (a chunk of the
// wrong decoded size, a zstd frame without its decoded size, a fill_value the dtype cannot
// hold, a region or chunk beyond the memory budget, ...) is a silent wrong result. Errors must
// name the store (or a file in it) and a field.
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { Blosc, Zstd } from "numcodecs";
import FileSystemStore from "@zarrita/storage/fs";
import * as zarrita from "zarrita";
import { mutateBytes, mutateJson } from "./mutate.mjs";

/** The memory budget the runner passes (option maxBytes): a declared huge shape must be refused. */
export const ZARR_MAX_BYTES = 64 * 2 ** 20;

const text = (json) => new TextEncoder().encode(JSON.stringify(json, null, 2));
const parse = (bytes) => JSON.parse(new TextDecoder().decode(bytes));

/** Every file under `dir` as `{ name: "0/1/2/3", bytes }`, sorted. */
function storeFiles(dir) {
  const out = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.push({ name: r, bytes: new Uint8Array(fs.readFileSync(path.join(dir, r))) });
    }
  };
  walk("");
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export async function zarrSeeds(ctx, dist) {
  const { createZarr, writeZarr } = await dist("io/zarr.js");
  const seeds = [];
  const vol = (Ctor, shape, f, spacing, unit) => ({
    data: Ctor.from({ length: shape[0] * shape[1] * shape[2] }, (_, i) => f(i)),
    shape,
    spacing,
    unit,
  });
  const add = (name) => {
    const files = storeFiles(path.join(ctx.dir, name));
    seeds.push({ name, files, options: { maxBytes: ZARR_MAX_BYTES } });
  };
  const at = (name) => path.join(ctx.dir, name);
  await writeZarr(
    vol(Uint8Array, [3, 5, 4], (i) => (i * 37 + 11) % 256, [30, 5, 4], "nm"),
    at("u8-zstd"),
    {
      chunks: [2, 2, 3],
      compressor: "zstd",
      overwrite: true,
    },
  );
  add("u8-zstd");
  await writeZarr(
    vol(Uint16Array, [4, 3, 5], (i) => (i * 2654 + 17) % 65536, [10, 8, 8], "nm"),
    at("u16-blosc-2levels"),
    { chunks: [2, 3, 2], compressor: "blosc", levels: 2, overwrite: true },
  );
  add("u16-blosc-2levels");
  // One chunk row never written: it reads as fill_value.
  const partial = await createZarr(at("f32-none-partial"), {
    shape: [2, 3, 4],
    chunks: [1, 2, 3],
    dtype: "float32",
    compressor: "none",
    spacing: [2, 1, 1],
    unit: "um",
    overwrite: true,
  });
  await partial.writeRegion(
    [0, 0, 0],
    vol(Float32Array, [1, 3, 4], (i) => (i - 5) / 4, [2, 1, 1], "um"),
  );
  add("f32-none-partial");
  await writeZarr(
    vol(Uint32Array, [4, 4, 4], (i) => (i * 13631489) >>> 0, [1, 1, 1], "pixel"),
    at("u32-none-3levels"),
    { chunks: [2, 2, 2], compressor: "none", levels: 3, method: "nearest", overwrite: true },
  );
  add("u32-none-3levels");
  await writeZarr(
    vol(Int32Array, [3, 4, 2], (i) => i * 1_000_003 - 2 ** 30, [5, 5, 5], "nm"),
    at("i32-zstd-1chunk"),
    {
      chunks: [3, 4, 2],
      compressor: "zstd",
      overwrite: true,
    },
  );
  add("i32-zstd-1chunk");
  // Chunks big and smooth enough to really compress (small ones are stored: blosc "memcpyed", zstd raw blocks).
  await writeZarr(
    vol(Uint16Array, [8, 8, 16], (i) => 1000 + (i % 16) * 3 + Math.floor(i / 128), [4, 4, 4], "nm"),
    at("u16-blosc-compressed"),
    { chunks: [4, 8, 8], compressor: "blosc", overwrite: true },
  );
  add("u16-blosc-compressed");
  await writeZarr(
    vol(Uint16Array, [8, 8, 16], (i) => 500 + (i % 16) * 5 + Math.floor(i / 128), [4, 4, 4], "nm"),
    at("u16-zstd-compressed"),
    { chunks: [4, 8, 8], compressor: "zstd", overwrite: true },
  );
  add("u16-zstd-compressed");
  // Zarr v3 stores (read only), written with zarrita: NGFF 0.5 metadata in the root zarr.json.
  const v3 = async (name, shape, chunkShape, dtype, codecs, fillValue, values, levels, write) => {
    const dir = at(name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    const fsStore = new FileSystemStore(dir);
    const axes = ["z", "y", "x"].map((n) => ({ name: n, type: "space", unit: "micrometer" }));
    const datasets = levels.map((_, k) => ({
      path: String(k),
      coordinateTransformations: [{ type: "scale", scale: [2 * 2 ** k, 2 ** k, 0.5 * 2 ** k] }],
    }));
    const root = await zarrita.create(zarrita.root(fsStore), {
      attributes: { ome: { version: "0.5", multiscales: [{ axes, datasets }] } },
    });
    for (let k = 0; k < levels.length; k++) {
      const s = levels[k];
      const arr = await zarrita.create(root.resolve(String(k)), {
        shape: s,
        chunkShape,
        dtype,
        codecs,
        fillValue,
      });
      const n = s[0] * s[1] * s[2];
      const data = values(n, k);
      await write(arr, { data, shape: s, stride: [s[1] * s[2], s[2], 1] });
    }
    add(name);
  };
  const bytes = { name: "bytes", configuration: { endian: "little" } };
  await v3(
    "v3-u16-zstd-partial",
    [3, 4, 5],
    [2, 4, 3],
    "uint16",
    [bytes, { name: "zstd", configuration: { level: 3, checksum: false } }],
    9,
    (n) => Uint16Array.from({ length: n }, (_, i) => (i * 2654 + 17) % 65536),
    [[3, 4, 5]],
    // z 0..1 only: the chunks of z = 2 are never written and read as fill_value 9
    (arr, a) =>
      zarrita.set(arr, [zarrita.slice(0, 2), null, null], {
        data: a.data.slice(0, 40),
        shape: [2, 4, 5],
        stride: a.stride,
      }),
  );
  await v3(
    "v3-f32-none-2levels",
    [4, 4, 4],
    [2, 2, 4],
    "float32",
    [bytes],
    0,
    (n, k) => Float32Array.from({ length: n }, (_, i) => (i - 20) / 8 + k),
    [
      [4, 4, 4],
      [2, 2, 2],
    ],
    (arr, a) => zarrita.set(arr, null, a),
  );
  return seeds;
}

// ---------------------------------------------------------------- mutations

const isChunk = (name) =>
  !path.posix.basename(name).startsWith(".") && path.posix.basename(name) !== "zarr.json";
const isLevelMeta = (name) => name.endsWith(".zarray") || /.\/zarr\.json$/.test(name);
const metaFiles = (seed) => seed.files.filter((f) => !isChunk(f.name));
const chunkFiles = (seed) => seed.files.filter((f) => isChunk(f.name));

const ZARRAY_TARGETED = {
  shape: (v, r) => {
    const d = r.int(3);
    const s = [...v];
    s[d] = r.pick([s[d] + 1, s[d] - 1, s[d] * 2, s[d] * 64, 0, 1, 2 ** 40, 2 ** 53 + 2]);
    return s;
  },
  chunks: (v, r) => {
    const d = r.int(3);
    const s = [...v];
    s[d] = r.pick([s[d] + 1, s[d] - 1, s[d] * 2, 1, 64, 0, 2 ** 31, 2 ** 26]);
    return s;
  },
  dtype: (_v, r) =>
    r.pick([
      "|u1",
      "<u2",
      "<i4",
      "<u4",
      "<f4",
      ">u2",
      ">f4",
      "<f8",
      "|b1",
      "<i2",
      "|u2",
      "uint8",
      "<U4",
      1,
    ]),
  compressor: (_v, r) =>
    r.pick([
      null,
      { id: "zstd", level: 3 },
      { id: "blosc", cname: "zstd", clevel: 3, shuffle: 1, blocksize: 0 },
      { id: "blosc", cname: "nope", clevel: 3, shuffle: 1, blocksize: 0 },
      { id: "blosc", cname: "zstd", clevel: 99, shuffle: 1, blocksize: 0 },
      { id: "gzip", level: 1 },
      { id: "lz4" },
      { id: "zstd", level: "x" },
      { id: "zstd", level: 1.5 },
      "zstd",
    ]),
  fill_value: (_v, r) =>
    r.pick([
      0,
      1,
      255,
      256,
      -1,
      1.5,
      65535,
      65536,
      2 ** 31,
      2 ** 32,
      "NaN",
      null,
      "Infinity",
      "x",
      1e39,
    ]),
  order: (_v, r) => r.pick(["F", "c", null, "C"]),
  dimension_separator: (_v, r) => r.pick([".", "/", "_", null, undefined]),
  filters: (_v, r) =>
    r.pick([
      [{ id: "delta", dtype: "<u2" }],
      [],
      {},
      [{ id: "fixedscaleoffset", scale: 2, offset: 1 }],
    ]),
  zarr_format: (_v, r) => r.pick([3, "2", undefined, 2]),
};

function zarrayTargeted(json, r) {
  const key = r.pick(Object.keys(ZARRAY_TARGETED));
  const copy = structuredClone(json);
  const v = ZARRAY_TARGETED[key](json[key], r);
  if (v === undefined) delete copy[key];
  else copy[key] = v;
  return { json: copy, what: `${key} = ${JSON.stringify(v)}` };
}

const ZARRJSON_TARGETED = {
  shape: ZARRAY_TARGETED.shape,
  chunk_grid: (v, r) => ({
    ...v,
    configuration: { chunk_shape: ZARRAY_TARGETED.chunks(v.configuration.chunk_shape, r) },
  }),
  data_type: (_v, r) =>
    r.pick(["uint8", "uint16", "int32", "uint32", "float32", "int16", "float64", "|u1", 1]),
  fill_value: ZARRAY_TARGETED.fill_value,
  codecs: (v, r) =>
    r.pick([
      [{ name: "bytes", configuration: { endian: "little" } }],
      [{ name: "bytes", configuration: { endian: "big" } }, ...v.slice(1)],
      [{ name: "bytes" }, ...v.slice(1)],
      [...v, { name: "crc32c" }],
      [{ name: "transpose", configuration: { order: [2, 1, 0] } }, ...v],
      [v[0], { name: "zstd", configuration: { level: 3, checksum: false } }],
      [
        v[0],
        {
          name: "blosc",
          configuration: {
            cname: "zstd",
            clevel: 3,
            shuffle: "shuffle",
            typesize: 2,
            blocksize: 0,
          },
        },
      ],
      [v[0], { name: "gzip", configuration: { level: 1 } }],
      [{ name: "sharding_indexed", configuration: {} }],
    ]),
  chunk_key_encoding: (_v, r) =>
    r.pick([
      { name: "default", configuration: { separator: "." } },
      { name: "v2", configuration: { separator: "/" } },
      { name: "v2" },
      { name: "default" },
      { name: "other" },
    ]),
  node_type: (_v, r) => r.pick(["group", "array", undefined]),
  zarr_format: (_v, r) => r.pick([2, "3", undefined]),
};

function zarrJsonTargeted(json, r) {
  const key = r.pick(Object.keys(ZARRJSON_TARGETED));
  const copy = structuredClone(json);
  const v = ZARRJSON_TARGETED[key](json[key], r);
  if (v === undefined) delete copy[key];
  else copy[key] = v;
  return { json: copy, what: `${key} = ${JSON.stringify(v)}` };
}

/** The NGFF 0.5 metadata in a v3 root zarr.json: attributes.ome, mutated as .zattrs are. */
function omeTargeted(json, r, seed) {
  const m = zattrsTargeted(json.attributes.ome, r, seed);
  if (!m) return null;
  const copy = structuredClone(json);
  copy.attributes.ome = m.json;
  const text =
    m.text === undefined ? undefined : JSON.stringify(copy).replace('"__FUZZ_INFINITY__"', "1e999");
  if (text !== undefined) copy.attributes.ome = JSON.parse(m.text);
  return {
    json: copy,
    text: m.text === undefined ? undefined : text,
    what: `attributes.ome: ${m.what}`,
  };
}

function zattrsTargeted(json, r, seed) {
  const copy = structuredClone(json);
  const m = copy.multiscales[0];
  const n = m.datasets.length;
  const k = r.int(n);
  const levelPaths = m.datasets.map((d) => d.path);
  const op = r.pick([
    "path",
    "path",
    "scale",
    "unit",
    "unit",
    "name",
    "datasets",
    "axes",
    "multiscales",
  ]);
  switch (op) {
    case "path": {
      const p = r.pick([...levelPaths, "nope", "../0", "/0", "0/", "", "./0", `${seed.name}`]);
      m.datasets[k].path = p;
      return { json: copy, what: `datasets[${k}].path = ${JSON.stringify(p)}` };
    }
    case "scale": {
      const s = m.datasets[k].coordinateTransformations[0].scale;
      const i = r.int(3);
      const v = r.pick([s[i] * 2, s[i] / 4, 0, -1, "1", null, "INF"]);
      if (v === "INF") {
        s[i] = "__FUZZ_INFINITY__";
        const t = JSON.stringify(copy).replace('"__FUZZ_INFINITY__"', "1e999");
        return { json: copy, text: t, what: `datasets[${k}] scale[${i}] = 1e999` };
      }
      s[i] = v;
      return { json: copy, what: `datasets[${k}] scale[${i}] = ${JSON.stringify(v)}` };
    }
    case "unit": {
      const i = r.int(3);
      const v = r.pick([
        "micrometer",
        "millimeter",
        "angstrom",
        "nanometer",
        "parsec",
        "pixel",
        "",
        5,
        undefined,
      ]);
      if (typeof m.axes[i] !== "object") return null;
      if (v === undefined) delete m.axes[i].unit;
      else m.axes[i].unit = v;
      return { json: copy, what: `axes[${i}].unit = ${JSON.stringify(v)}` };
    }
    case "name": {
      const i = r.int(3);
      const j = (i + 1 + r.int(2)) % 3;
      [m.axes[i].name, m.axes[j].name] = [m.axes[j].name, m.axes[i].name];
      return { json: copy, what: `axes ${i} and ${j} names swapped` };
    }
    case "datasets": {
      const how = r.pick(["drop-last", "drop-first", "duplicate", "reverse"]);
      if (how === "drop-last") m.datasets.pop();
      else if (how === "drop-first") m.datasets.shift();
      else if (how === "duplicate") m.datasets.push(structuredClone(m.datasets[0]));
      else m.datasets.reverse();
      return { json: copy, what: `datasets ${how}` };
    }
    case "axes":
      m.axes.unshift({ name: "c", type: "channel" });
      return { json: copy, what: "a channel axis before z" };
    default:
      copy.multiscales = r.pick([[], {}, null]);
      return { json: copy, what: `multiscales = ${JSON.stringify(copy.multiscales)}` };
  }
}

/** A zstd frame declaring `size` decoded bytes (8-byte content size), one RLE block of `block` bytes. */
function zstdFrame(size, block) {
  const out = [0x28, 0xb5, 0x2f, 0xfd, 0xe0];
  for (let i = 0; i < 8; i++) out.push(Math.floor(size / 2 ** (8 * i)) & 255);
  const h = (block << 3) | (1 << 1) | 1;
  out.push(h & 255, (h >> 8) & 255, (h >> 16) & 255, 9);
  return Uint8Array.from(out);
}

/** A zstd frame without a content size: `n` RLE blocks of 128 KiB - 1 bytes (a decompression bomb). */
function zstdBomb(n) {
  const out = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x50];
  for (let i = 0; i < n; i++) {
    const h = ((128 * 1024 - 1) << 3) | (1 << 1) | (i === n - 1 ? 1 : 0);
    out.push(h & 255, (h >> 8) & 255, (h >> 16) & 255, 5);
  }
  return Uint8Array.from(out);
}

function chunkTargeted(seed, chunk, r) {
  const b = chunk.bytes;
  const op = r.pick([
    "empty",
    "garbage",
    "zstd-huge",
    "zstd-bomb",
    "zstd-small",
    "blosc-nbytes",
    "blosc-cbytes",
    "blosc-blocksize",
    "other",
    "twice",
  ]);
  switch (op) {
    case "empty":
      return { bytes: new Uint8Array(0), what: "empty file" };
    case "garbage":
      return {
        bytes: Uint8Array.from({ length: 1 + r.int(40) }, () => r.int(256)),
        what: "random bytes",
      };
    case "zstd-huge":
      return {
        bytes: zstdFrame(r.pick([2 ** 40, 2 ** 31, 2 ** 33]), 1000),
        what: "zstd frame declaring a huge size",
      };
    case "zstd-bomb":
      return {
        bytes: zstdBomb(r.pick([2, 64, 2000])),
        what: "zstd frame without content size (many RLE blocks)",
      };
    case "zstd-small":
      return { bytes: zstdFrame(5, 5), what: "zstd frame of 5 bytes" };
    case "blosc-nbytes":
    case "blosc-cbytes":
    case "blosc-blocksize": {
      if (b.length < 16)
        return { bytes: new Uint8Array(16), what: "16 zero bytes (a blosc header of sizes 0)" };
      const out = Uint8Array.from(b);
      const at = op === "blosc-nbytes" ? 4 : op === "blosc-cbytes" ? 12 : 8;
      const v = r.pick([
        0,
        1,
        0x7fffffff,
        0xffffffff,
        new DataView(b.buffer, b.byteOffset).getUint32(at, true) + 1,
      ]);
      new DataView(out.buffer).setUint32(at, v >>> 0, true);
      return { bytes: out, what: `32-bit LE ${v} at ${at} (blosc header ${op.slice(6)})` };
    }
    case "other": {
      const others = chunkFiles(seed).filter((c) => c.name !== chunk.name);
      if (!others.length) return null;
      const o = r.pick(others);
      return { bytes: o.bytes, what: `the bytes of ${o.name}` };
    }
    default: {
      const out = new Uint8Array(2 * b.length);
      out.set(b, 0);
      out.set(b, b.length);
      return { bytes: out, what: "its bytes twice" };
    }
  }
}

function replaceFile(seed, name, bytes) {
  return seed.files.map((f) => (f.name === name ? { name, bytes } : f));
}

export function zarrMutate(seed, r) {
  for (;;) {
    const m = zarrMutateOnce(seed, r);
    if (m) return m;
  }
}

function zarrMutateOnce(seed, r) {
  const roll = r.next();
  if (roll < 0.4) {
    // a metadata document
    const metas = metaFiles(seed);
    const zarrays = metas.filter((f) => isLevelMeta(f.name));
    const f = r.next() < 0.5 ? r.pick(zarrays) : r.pick(metas);
    const json = parse(f.bytes);
    const how = r.next();
    let m;
    if (how < 0.5 && !f.name.endsWith(".zgroup")) {
      m = f.name.endsWith(".zarray")
        ? zarrayTargeted(json, r)
        : isLevelMeta(f.name)
          ? zarrJsonTargeted(json, r)
          : f.name === "zarr.json"
            ? omeTargeted(json, r, seed)
            : zattrsTargeted(json, r, seed);
      if (!m) return null;
    } else if (how < 0.85) {
      m = mutateJson(json, r);
    } else {
      const b = mutateBytes(f.bytes, r);
      return {
        files: replaceFile(seed, f.name, b.bytes),
        what: `${f.name}: ${b.what}`,
        file: f.name,
        kind: "meta",
      };
    }
    const bytes = m.text !== undefined ? new TextEncoder().encode(m.text) : text(m.json);
    return {
      files: replaceFile(seed, f.name, bytes),
      what: `${f.name}: ${m.what}`,
      file: f.name,
      kind: "meta",
    };
  }
  const chunks = chunkFiles(seed);
  if (roll < 0.8) {
    const c = r.pick(chunks);
    const m = r.next() < 0.65 ? mutateBytes(c.bytes, r) : chunkTargeted(seed, c, r);
    if (!m) return null;
    return {
      files: replaceFile(seed, c.name, m.bytes),
      what: `${c.name}: ${m.what}`,
      file: c.name,
      kind: "chunk",
    };
  }
  const op = r.pick(["drop-chunk", "drop-chunk", "drop-meta", "extra-chunk", "stray", "separator"]);
  if (op === "drop-chunk") {
    const c = r.pick(chunks);
    return {
      files: seed.files.filter((f) => f !== c),
      what: `remove ${c.name}`,
      file: c.name,
      kind: "files",
    };
  }
  if (op === "drop-meta") {
    const f = r.pick(metaFiles(seed));
    return {
      files: seed.files.filter((g) => g !== f),
      what: `remove ${f.name}`,
      file: f.name,
      kind: "files",
    };
  }
  if (op === "extra-chunk") {
    const c = r.pick(chunks);
    const level = c.name.split("/")[0];
    const name = `${level}/${r.pick(["9/0/0", "0/9/0", "0/0/9", "-1/0/0", "0.0.9"])}`;
    if (seed.files.some((f) => f.name === name)) return null;
    return {
      files: [...seed.files, { name, bytes: c.bytes }],
      what: `extra chunk ${name} (outside the grid)`,
      file: name,
      kind: "files",
    };
  }
  if (op === "stray") {
    const name = r.pick(["0/.zarray.tmp-1-ab", "0/0/0/.0.tmp-9-ff", "notes.txt", "0/README"]);
    if (seed.files.some((f) => f.name === name)) return null;
    return {
      files: [...seed.files, { name, bytes: Uint8Array.from([1, 2, 3]) }],
      what: `stray file ${name}`,
      file: name,
      kind: "files",
    };
  }
  const c = r.pick(chunks);
  const parts = c.name.split("/");
  const name = `${parts[0]}/${parts.slice(1).join(".")}`;
  return {
    files: [...seed.files.filter((f) => f !== c), { name, bytes: c.bytes }],
    what: `move ${c.name} to ${name} (the other dimension separator)`,
    file: c.name,
    kind: "files",
  };
}

// ---------------------------------------------------------------- the reference reader

const V2_DTYPES = {
  "|u1": { Ctor: Uint8Array, min: 0, max: 255 },
  "<u1": { Ctor: Uint8Array, min: 0, max: 255 },
  "<u2": { Ctor: Uint16Array, min: 0, max: 65535 },
  "<i4": { Ctor: Int32Array, min: -(2 ** 31), max: 2 ** 31 - 1 },
  "<u4": { Ctor: Uint32Array, min: 0, max: 2 ** 32 - 1 },
  "<f4": { Ctor: Float32Array },
};
const NGFF_NM = {
  angstrom: 0.1,
  nanometer: 1,
  micrometer: 1e3,
  millimeter: 1e6,
  centimeter: 1e7,
  meter: 1e9,
};

class Refused extends Error {}
const refuse = (why) => {
  throw new Refused(why);
};
const shape3 = (v) =>
  Array.isArray(v) && v.length === 3 && v.every((n) => Number.isSafeInteger(n) && n > 0);
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

async function decodeChunk(name, bytes, compressor, expected) {
  if (compressor === null) {
    if (bytes.length !== expected) refuse(`${name}: ${bytes.length} bytes, expected ${expected}`);
    return bytes;
  }
  if (compressor.id === "gzip") {
    let out;
    try {
      out = gunzipSync(bytes, { maxOutputLength: expected });
    } catch (e) {
      refuse(`${name}: does not gunzip (${e?.message ?? e})`);
    }
    if (out.length !== expected)
      refuse(`${name}: gunzips to ${out.length} bytes, expected ${expected}`);
    return out;
  }
  if (compressor.id === "zstd") {
    // A frame must declare its decoded size (no bomb can then get past it).
    if (
      bytes.length < 6 ||
      bytes[0] !== 0x28 ||
      bytes[1] !== 0xb5 ||
      bytes[2] !== 0x2f ||
      bytes[3] !== 0xfd
    )
      refuse(`${name}: not a zstd frame`);
    const fhd = bytes[4];
    const fcsFlag = fhd >> 6;
    const single = (fhd >> 5) & 1;
    const didSize = [0, 1, 2, 4][fhd & 3];
    const fcsSize = fcsFlag === 0 ? single : [1, 2, 4, 8][fcsFlag];
    if (fcsSize === 0) refuse(`${name}: zstd frame without content size`);
    const at = 5 + (single ? 0 : 1) + didSize;
    if (bytes.length < at + fcsSize) refuse(`${name}: zstd frame header truncated`);
    let fcs = 0;
    for (let i = 0; i < fcsSize; i++) fcs += bytes[at + i] * 2 ** (8 * i);
    if (fcsSize === 2) fcs += 256;
    if (fcs !== expected) refuse(`${name}: zstd frame declares ${fcs} bytes, expected ${expected}`);
  } else {
    if (bytes.length < 16) refuse(`${name}: shorter than a blosc header`);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (dv.getUint32(4, true) !== expected)
      refuse(`${name}: blosc nbytes ${dv.getUint32(4, true)}, expected ${expected}`);
    if (dv.getUint32(12, true) !== bytes.length)
      refuse(`${name}: blosc cbytes ${dv.getUint32(12, true)} != file length`);
    // c-blosc writes a block size of 1..nbytes; another one makes it read outside the buffer
    const blocksize = dv.getUint32(8, true);
    if (blocksize < 1 || blocksize > expected)
      refuse(`${name}: blosc blocksize ${blocksize} outside 1..${expected}`);
    // a "memcpyed" frame holds the raw bytes after the header: they must all be there
    if (bytes[2] & 0x02 && bytes.length !== 16 + expected)
      refuse(`${name}: memcpyed blosc frame of the wrong length`);
  }
  let out;
  try {
    const codec =
      compressor.id === "zstd"
        ? new Zstd(1)
        : Blosc.fromConfig({ cname: "zstd", clevel: 1, shuffle: 1, blocksize: 0 });
    out = await codec.decode(Uint8Array.from(bytes));
  } catch (e) {
    refuse(`${name}: does not decode (${e?.message ?? e})`);
  }
  if (out.length !== expected)
    refuse(`${name}: decodes to ${out.length} bytes, expected ${expected}`);
  return out;
}

const V3_DTYPES = { uint8: "|u1", uint16: "<u2", int32: "<i4", uint32: "<u4", float32: "<f4" };

function modelFill(fill, dt) {
  if (fill === null) return 0;
  if (dt.Ctor === Float32Array) {
    const named = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };
    if (typeof fill === "string" && Object.hasOwn(named, fill)) return named[fill];
    if (typeof fill === "number" && Number.isFinite(Math.fround(fill))) return fill;
    refuse("fill_value");
  }
  if (!(Number.isInteger(fill) && fill >= dt.min && fill <= dt.max)) refuse("fill_value");
  return fill;
}

function parseDoc(files, name) {
  let doc;
  try {
    doc = parse(files.get(name));
  } catch {
    refuse(`${name}: not JSON`);
  }
  if (!isObj(doc)) refuse(`${name}: not an object`);
  return doc;
}

/**
 * zarr.ts's documented rule: a level whose chunk files are all in another layout than its
 * metadata says (z/y/x, z.y.x, c/z/y/x, c.z.y.x) is refused.
 */
function layoutCheck(files, levelPath, mine) {
  const inLevel = [...files.keys()]
    .filter((n) => n.startsWith(`${levelPath}/`))
    .map((n) => n.slice(levelPath.length + 1));
  const kinds = {
    nested: (n) => /^\d+\//.test(n),
    dotted: (n) => /^\d+\.\d+\.\d+$/.test(n),
    cNested: (n) => n.startsWith("c/"),
    cDotted: (n) => /^c\.\d+\.\d+\.\d+$/.test(n),
  };
  const found = Object.keys(kinds).filter((k) => inLevel.some(kinds[k]));
  if (found.length > 0 && !found.includes(mine)) refuse(`chunks stored as ${found}, not ${mine}`);
}

/** A v2 level's .zarray as the Zarr v2 spec (restricted to zarr.ts's documented subset) reads it. */
function modelV2(files, levelPath) {
  const za = parseDoc(files, `${levelPath}/.zarray`);
  if (za.zarr_format !== 2) refuse("zarr_format");
  if (!shape3(za.shape)) refuse("shape");
  if (!shape3(za.chunks)) refuse("chunks");
  if (typeof za.dtype !== "string" || !Object.hasOwn(V2_DTYPES, za.dtype)) refuse("dtype");
  const dt = V2_DTYPES[za.dtype];
  if (za.order !== "C") refuse("order");
  if (!(
    za.filters === null ||
    za.filters === undefined ||
    (Array.isArray(za.filters) && za.filters.length === 0)
  ))
    refuse("filters");
  const comp = za.compressor;
  if (!(comp === null || (isObj(comp) && (comp.id === "zstd" || comp.id === "blosc"))))
    refuse("compressor");
  const fill = modelFill(za.fill_value, dt);
  const sep = za.dimension_separator === undefined ? "." : za.dimension_separator;
  if (sep !== "." && sep !== "/") refuse("dimension_separator");
  // zarr.ts's documented rule: chunks stored only under the other separator are refused
  layoutCheck(files, levelPath, sep === "/" ? "nested" : "dotted");
  return { shape: za.shape, chunks: za.chunks, dt, fill, comp, key: (k) => k.join(sep) };
}

/** A v3 level's zarr.json (the Zarr v3 spec, restricted to zarr.ts's documented subset). */
function modelV3(files, levelPath) {
  const za = parseDoc(files, `${levelPath}/zarr.json`);
  if (za.zarr_format !== 3 || za.node_type !== "array") refuse("node_type");
  if (!shape3(za.shape)) refuse("shape");
  const grid = isObj(za.chunk_grid) ? za.chunk_grid : {};
  if (
    grid.name !== "regular" ||
    !isObj(grid.configuration) ||
    !shape3(grid.configuration.chunk_shape)
  )
    refuse("chunk_grid");
  if (typeof za.data_type !== "string" || !Object.hasOwn(V3_DTYPES, za.data_type))
    refuse("data_type");
  const dt = V2_DTYPES[V3_DTYPES[za.data_type]];
  const fill = modelFill(za.fill_value ?? null, dt);
  const enc = isObj(za.chunk_key_encoding) ? za.chunk_key_encoding : {};
  if (enc.name !== "default" && enc.name !== "v2") refuse("chunk_key_encoding");
  const conf = isObj(enc.configuration) ? enc.configuration : {};
  const sep = conf.separator ?? (enc.name === "default" ? "/" : ".");
  if (sep !== "/" && sep !== ".") refuse("separator");
  if (Array.isArray(za.storage_transformers) && za.storage_transformers.length)
    refuse("storage_transformers");
  const codecs = za.codecs;
  if (!Array.isArray(codecs) || codecs.length < 1 || codecs.length > 2) refuse("codecs");
  const [bytes, second] = codecs;
  if (!isObj(bytes) || bytes.name !== "bytes") refuse("codecs: bytes first");
  const endian = isObj(bytes.configuration) ? bytes.configuration.endian : undefined;
  if (!(endian === "little" || (endian === undefined && dt.Ctor.BYTES_PER_ELEMENT === 1)))
    refuse("codecs: endian");
  let comp = null;
  if (second !== undefined) {
    const name = isObj(second) ? second.name : second;
    if (!["zstd", "blosc", "gzip"].includes(name)) refuse("codecs: compressor");
    comp = { id: name };
  }
  layoutCheck(
    files,
    levelPath,
    enc.name === "default"
      ? sep === "/"
        ? "cNested"
        : "cDotted"
      : sep === "/"
        ? "nested"
        : "dotted",
  );
  const key = (k) => (enc.name === "default" ? ["c", ...k] : k).join(sep);
  return { shape: za.shape, chunks: grid.configuration.chunk_shape, dt, fill, comp, key };
}

/** One level of the store as the reference reads it. */
async function modelLevel(files, levelPath, maxBytes) {
  let level;
  if (files.has(`${levelPath}/.zarray`)) level = modelV2(files, levelPath);
  else if (files.has(`${levelPath}/zarr.json`)) level = modelV3(files, levelPath);
  else refuse(`${levelPath}: no .zarray or zarr.json`);
  const { dt, fill, comp } = level;
  const [nz, ny, nx] = level.shape;
  const [cz, cy, cx] = level.chunks;
  const size = dt.Ctor.BYTES_PER_ELEMENT;
  if (nz * ny * nx > 2 ** 31 - 1 || nz * ny * nx * size > maxBytes)
    refuse("level beyond the memory budget");
  if (cz * cy * cx * size > maxBytes) refuse("chunk beyond the memory budget");
  const data = new dt.Ctor(nz * ny * nx);
  for (let kz = 0; kz * cz < nz; kz++)
    for (let ky = 0; ky * cy < ny; ky++)
      for (let kx = 0; kx * cx < nx; kx++) {
        const name = `${levelPath}/${level.key([kz, ky, kx])}`;
        let chunk;
        if (files.has(name)) {
          const raw = await decodeChunk(name, files.get(name), comp, cz * cy * cx * size);
          const aligned = Uint8Array.from(raw);
          chunk = new dt.Ctor(aligned.buffer);
        }
        for (let z = kz * cz; z < Math.min(nz, (kz + 1) * cz); z++)
          for (let y = ky * cy; y < Math.min(ny, (ky + 1) * cy); y++)
            for (let x = kx * cx; x < Math.min(nx, (kx + 1) * cx); x++)
              data[(z * ny + y) * nx + x] = chunk
                ? chunk[((z - kz * cz) * cy + (y - ky * cy)) * cx + (x - kx * cx)]
                : fill;
      }
  return { shape: level.shape, chunks: level.chunks, dtype: dt.Ctor.name, data };
}

/** The whole store as the reference reads it, or throws Refused. */
export async function modelStore(fileList, maxBytes) {
  const files = new Map(fileList.map((f) => [f.name, f.bytes]));
  let attrs;
  if (files.has(".zattrs")) attrs = parseDoc(files, ".zattrs");
  else if (files.has("zarr.json")) {
    const root = parseDoc(files, "zarr.json");
    const a = isObj(root.attributes) ? root.attributes : {};
    attrs = isObj(a.ome) ? a.ome : a;
  } else refuse("no .zattrs or zarr.json");
  if (!isObj(attrs) || !Array.isArray(attrs.multiscales) || attrs.multiscales.length === 0)
    refuse("multiscales");
  const m = attrs.multiscales[0];
  if (!isObj(m) || !Array.isArray(m.axes) || m.axes.length !== 3) refuse("axes");
  const names = m.axes.map((a) => (typeof a === "string" ? a : isObj(a) ? a.name : undefined));
  if (names.join(",") !== "z,y,x") refuse("axes names");
  const units = m.axes.map((a) => (isObj(a) ? a.unit : undefined));
  if (!units.every((u) => u === undefined || (typeof u === "string" && u !== "")))
    refuse("axes unit");
  let factor;
  let unit;
  if (units.every((u) => u === undefined)) [factor, unit] = [[1, 1, 1], "pixel"];
  else if (units.every((u) => u !== undefined && Object.hasOwn(NGFF_NM, u)))
    [factor, unit] = [units.map((u) => NGFF_NM[u]), "nm"];
  else if (units.every((u) => u === units[0])) [factor, unit] = [[1, 1, 1], units[0]];
  else refuse("axes units mixed");
  if (!Array.isArray(m.datasets) || m.datasets.length === 0) refuse("datasets");
  const levels = [];
  for (const d of m.datasets) {
    if (!isObj(d) || typeof d.path !== "string") refuse("datasets path");
    const segs = d.path.split("/");
    if (!segs.every((s) => s !== "" && s !== "." && s !== ".."))
      refuse(`datasets path ${JSON.stringify(d.path)}`);
    const ct = Array.isArray(d.coordinateTransformations) ? d.coordinateTransformations : [];
    const sc = ct.find((t) => isObj(t) && t.type === "scale");
    const scale = sc?.scale;
    if (
      !Array.isArray(scale) ||
      scale.length !== 3 ||
      !scale.every((s) => typeof s === "number" && Number.isFinite(s) && s > 0)
    )
      refuse("scale");
    const level = await modelLevel(files, d.path, maxBytes);
    levels.push({ ...level, spacing: scale.map((s, i) => s * factor[i]) });
  }
  if (!levels.every((l) => l.dtype === levels[0].dtype)) refuse("levels of different dtypes");
  return { levels, unit };
}

/** The boxes the runner reads chunk-wise from level 0 of a store of `shape` and `chunks`. */
export function zarrBoxes(shape, chunks) {
  const [nz, ny, nx] = shape;
  return [
    { z0: nz - 1, z1: nz, y0: ny - 1, y1: ny, x0: nx - 1, x1: nx },
    {
      z0: 0,
      z1: Math.min(nz, chunks[0]),
      y0: 0,
      y1: Math.min(ny, chunks[1]),
      x0: 0,
      x1: Math.min(nx, chunks[2]),
    },
    {
      z0: Math.floor(nz / 2),
      z1: nz,
      y0: Math.floor(ny / 3),
      y1: ny,
      x0: Math.floor(nx / 2),
      x1: nx,
    },
  ];
}

function crop(data, shape, b) {
  const out = new data.constructor((b.z1 - b.z0) * (b.y1 - b.y0) * (b.x1 - b.x0));
  let i = 0;
  for (let z = b.z0; z < b.z1; z++)
    for (let y = b.y0; y < b.y1; y++)
      for (let x = b.x0; x < b.x1; x++) out[i++] = data[(z * shape[1] + y) * shape[2] + x];
  return out;
}

// Voxel by voxel, NaN equal to NaN whatever its payload (copying a float32 through a JS number
// may quieten a signalling NaN).
const sameVoxels = (a, b) =>
  a.constructor === b.constructor && a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
const close = (a, b) =>
  a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= 1e-9 * Math.abs(b[i]));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Judge: an accepted result must be the reference's reading of the mutated store. */
export async function zarrJudge(seed, m, _ref, got) {
  let model;
  try {
    model = await modelStore(m.files, seed.options.maxBytes);
  } catch (e) {
    if (e instanceof Refused)
      return `${m.what}: accepted, but the reference refuses the store (${e.message})`;
    throw e;
  }
  const l0 = model.levels[0];
  const checks = [
    ["shape", got.shape, l0.shape],
    ["chunks", got.chunks, l0.chunks],
    ["dtype", got.dtype, l0.dtype],
    ["unit", got.unit, model.unit],
    ["levels", got.levels, model.levels.length],
    ["levelShapes", got.levelShapes, model.levels.map((l) => l.shape)],
    ["boxes", got.boxes, zarrBoxes(l0.shape, l0.chunks)],
  ];
  for (const [what, a, b] of checks)
    if (!same(a, b))
      return `${m.what}: ${what} ${JSON.stringify(a)}, the reference reads ${JSON.stringify(b)}`;
  if (!close(got.spacing, l0.spacing))
    return `${m.what}: spacing ${got.spacing}, the reference reads ${l0.spacing}`;
  for (let k = 0; k < model.levels.length; k++) {
    const l = model.levels[k];
    const g = got.level[k];
    if (!same(g.shape, l.shape) || g.dtype !== l.dtype)
      return `${m.what}: level ${k} shape/dtype ${g.shape} ${g.dtype}, the reference reads ${l.shape} ${l.dtype}`;
    if (!close(g.spacing, l.spacing))
      return `${m.what}: level ${k} spacing ${g.spacing}, the reference reads ${l.spacing}`;
    if (!sameVoxels(g.data, l.data)) {
      const i = g.data.findIndex((v, j) => !Object.is(v, l.data[j]));
      return `${m.what}: level ${k} voxel ${i} = ${g.data[i]}, the reference reads ${l.data[i]}`;
    }
  }
  for (let b = 0; b < got.boxes.length; b++)
    if (!sameVoxels(got.regions[b], crop(l0.data, l0.shape, got.boxes[b])))
      return `${m.what}: readRegion ${JSON.stringify(got.boxes[b])} differs from the reference's voxels`;
  return null;
}

/** Whether an error message names a Zarr field (or the budget, a chunk, a box). */
export const ZARR_FIELD =
  /\.zarray|\.zattrs|zarr\.json|\bfield\b|\bchunk\b|memory budget|multiscales|datasets|axes|\bshape\b|\bdtype\b|compressor|fill_value|\border\b|filters|dimension_separator|zarr_format|zstd|blosc|\blevel\b/;
