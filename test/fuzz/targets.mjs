// The fuzz targets: for each parser, its seed files (made by the project's own
// writers where it has one, else taken from the test fixtures), its
// mutations, the input its runner gets (test/fuzz/runners.mjs), what an error
// must name, and the judge that says when a result that differs from the
// seed's is legitimate.
//
// "Silent wrong result", concretely:
// - TIFF (readTiff, openTiff): a mutation may change what is returned only
//   through the fields that define it. Pixel-data bytes may change voxels
//   (uncompressed: no more voxels than bytes touched), never the shape, dtype
//   or spacing; StripOffsets/TileOffsets and Predictor may change voxels;
//   BitsPerSample/SampleFormat the dtype and voxels; X/YResolution,
//   ResolutionUnit and ImageDescription the spacing; NewSubfileType, the IFD
//   chain links and ImageDescription may drop pages (each slice returned must
//   then be one of the seed's slices, in order). Any other change, and any
//   change after a mutation that moved bytes (truncation, insertion,
//   deletion), is a silent wrong result.
// - PNG: every byte is covered by a CRC, so any mutation that returns a
//   different volume is a silent wrong result; the targeted mutations that
//   recompute a chunk's CRC may change the spacing through tEXt, the grey
//   levels through PLTE, and anything through IHDR when the image data still
//   inflate to exactly the size the new IHDR implies; nothing else.
// - JSON files (labels, forest, manifest): the parsed document may differ from
//   the seed only in leaf values of the same JSON type (finite numbers) or by
//   documented optional fields removed; a type change, a non-finite number, an
//   added key or a removed required field that still gives a different result
//   is a silent wrong result, and so is any result after a targeted mutation
//   that breaks an invariant (a cycle in a tree, a label value outside the
//   classes).
// - EBSD maps (readAng, readCtf), judged on a line diff of the mutated text
//   against the seed (the lines between the common leading and trailing ones
//   are the changed ones): the structure (rows, cols, grid, step, unit,
//   phase table, header record, column names) may change only when a header
//   line changed (for .ctf, up to and including the table header); the values
//   of a point may change only when its own data line changed, or anywhere
//   when the .ctf table header changed (columns renamed). A mutation that
//   changed the number of data lines (truncation, insertion or deletion of
//   lines) and still returns a map of the same size is a silent wrong result:
//   the header grid and the square-grid check of x/y must catch it. A number
//   turned into text (hex, "Infinity", "1,5", ...) must be an error. One
//   exception: a .ang without grid lines (grid inferred from x/y) cut after
//   whole rows, or inside the first row, is a smaller map no reader can tell
//   from a complete one; it may return fewer rows (or one shorter row) whose
//   points before the change are the seed's. Errors name the file (its base
//   name) and a line number or a header field.
//
// - Zarr stores (openZarr, readZarr, readRegion): judged against an independent reference
//   reader of the mutated store; see test/fuzz/zarrTarget.mjs.
//
// Adding a parser: a runner in runners.mjs and an entry in TARGETS below with
// `seeds`, `mutate`, `input`, `named`, `field` and `judge`.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { crc32 } from "node:zlib";
import { getPath, jsonDiff, mutateBytes, mutateJson } from "./mutate.mjs";
import { mutateTiffField, regionsAt, tiffLayout } from "./tiffLayout.mjs";
import { ZARR_FIELD, zarrJudge, zarrMutate, zarrSeeds } from "./zarrTarget.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const dist = (rel) => import(pathToFileURL(path.join(root, "kernel-lib", "dist", rel)).href);
const fixture = (...p) =>
  new Uint8Array(fs.readFileSync(path.join(root, "test", "fixtures", ...p)));

// ---------------------------------------------------------------- TIFF

/** Seed TIFF files: the project's writer (several dtypes, deflate, BigTIFF) and fixtures of other writers. */
async function tiffSeeds(ctx) {
  const { writeTiff } = await dist("io/writeTiff.js");
  const made = [];
  const write = async (name, shape, Ctor, f, options) => {
    const n = shape[0] * shape[1] * shape[2];
    const data = Ctor.from({ length: n }, (_, i) => f(i));
    const file = path.join(ctx.dir, name);
    await writeTiff(file, { data, shape, spacing: [30, 5, 4] }, { overwrite: true, ...options });
    made.push({ name, bytes: new Uint8Array(fs.readFileSync(file)), options: {} });
  };
  await write("w-u8.tif", [4, 6, 5], Uint8Array, (i) => (i * 37 + 11) % 256);
  await write("w-u16-deflate.tif", [3, 7, 9], Uint16Array, (i) => (i * 2654 + 17) % 65536, {
    compression: "deflate",
  });
  await write("w-f32.tif", [3, 5, 6], Float32Array, (i) => (i - 40) / 8, { unit: "um" });
  await write("w-i32-deflate.tif", [3, 4, 5], Int32Array, (i) => i * 1_000_003 - 2 ** 30, {
    compression: "deflate",
  });
  await write("w-u32.tif", [2, 5, 4], Uint32Array, (i) => (i * 13631489) >>> 0, { unit: "pixel" });
  await write("w-u16-bigtiff.tif", [3, 5, 6], Uint16Array, (i) => i * 300, { bigTiff: true });
  const fixtures = [
    ["io", "imagej_2ch.tif", { channel: 1 }],
    ["io", "imagej_2t3z.tif", { frame: 1 }],
    ["io", "imagej_one_ifd.tif", {}],
    ["io", "imagej_u16_um.tif", {}],
    ["io", "u8_lzw.tif", {}],
    ["io", "u16_lzw.tif", {}],
    ["io", "u8_packbits.tif", {}],
    ["io", "f32_deflate_tiled.tif", {}],
    ["io", "rgb.tif", { channel: 2 }],
    ["io", "u16_be.tif", {}],
    ["io-decoders", "u16_lzw_predictor.tif", {}],
    ["io-decoders", "f32_deflate_predictor3.tif", {}],
    ["io-decoders", "u12.tif", {}],
    ["io-decoders", "rgb_planar_u16_deflate.tif", { channel: 1 }],
    ["io-decoders", "u16_tiled_be.tif", {}],
    ["io-decoders", "u1_packbits.tif", {}],
  ];
  for (const [folder, name, options] of fixtures)
    made.push({ name, bytes: fixture(folder, name), options });
  return made.map((s) => ({
    ...s,
    files: [{ name: s.name, bytes: s.bytes }],
    layout: tiffLayout(s.bytes),
  }));
}

function tiffMutate(seed, r) {
  const m =
    r.next() < 0.5 ? mutateTiffField(seed.bytes, seed.layout, r) : mutateBytes(seed.bytes, r);
  return { ...m, files: [{ name: seed.name, bytes: m.bytes }] };
}

/** What a change in each region may legitimately change in the result. */
function tiffAllowance(region) {
  const a = {
    voxels: false,
    dtype: false,
    spacing: false,
    subset: false,
    local: false,
    plane: false,
  };
  switch (region.kind) {
    case "pixels":
      a.voxels = true;
      a.local = !region.compressed;
      return a;
    case "ifd-next":
    case "first-ifd":
    case "ifd-count": // moves where the next-IFD link is read
      a.subset = true;
      a.spacing = true;
      return a;
    case "entry":
    case "value":
      switch (region.tag) {
        case 273:
        case 324:
        case 317:
        case 259: // Compression: another codec (or none) applied to the same declared strips
          a.voxels = true;
          break;
        case 258:
        case 339:
          a.voxels = true;
          a.dtype = true;
          break;
        case 256: // ImageWidth / ImageLength: in a one-IFD file nothing can cross-check them
        case 257:
          a.voxels = true;
          a.plane = true;
          break;
        case 282:
        case 283:
        case 296:
          a.spacing = true;
          break;
        case 270:
          a.spacing = true;
          a.subset = true;
          break;
        case 254:
          a.subset = true;
          a.spacing = true;
          break;
      }
      return a;
    default:
      return a;
  }
}

const bytesOf = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function sameBytes(a, b) {
  if (a.byteLength !== b.byteLength) return false;
  const x = bytesOf(a);
  const y = bytesOf(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const sameArray = (a, b) =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || v === b[i]);

/** Voxels that differ (NaN equal to NaN; bit patterns compared through the values). */
function differing(a, b) {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (a[i] !== a[i] && b[i] !== b[i]))) n++;
  return n;
}

function tiffJudge(seed, m, ref, got) {
  // A truncation, insertion or deletion touches everything after it: the regions there moved.
  const touched = m.touched.flatMap(([s, e]) => regionsAt(seed.layout, s, e));
  // An entry whose tag number changed acts as the new tag too (the old one becomes absent).
  const view = new DataView(m.files[0].bytes.buffer, m.files[0].bytes.byteOffset);
  const retagged = m.lengthChanged
    ? []
    : touched
        .filter((r) => r.kind === "entry" && r.start + 2 <= view.byteLength)
        .map((r) => ({ ...r, tag: view.getUint16(r.start, seed.layout.le), was: r.tag }))
        .filter((r) => r.tag !== r.was);
  const regions = [...touched, ...retagged];
  if (regions.length === 0) return `${m.what}: touched no TIFF structure, yet the volume changed`;
  const allow = regions.map(tiffAllowance).reduce((x, y) => ({
    voxels: x.voxels || y.voxels,
    dtype: x.dtype || y.dtype,
    spacing: x.spacing || y.spacing,
    subset: x.subset || y.subset,
    plane: x.plane || y.plane,
    local: x.local && y.local && !m.lengthChanged, // moved pixel bytes change any voxel after them
  }));
  const touchedBytes = m.touched.reduce((n, [s, e]) => n + (e - s), 0);
  const fields = [...new Set(regions.map((r) => (r.tag ? `${r.kind} tag ${r.tag}` : r.kind)))].join(
    ", ",
  );
  if (!sameArray(got.spacing, ref.spacing) && !allow.spacing)
    return `${m.what} (${fields}): spacing ${ref.spacing} -> ${got.spacing}`;
  if (got.dtype !== ref.dtype && !allow.dtype)
    return `${m.what} (${fields}): dtype ${ref.dtype} -> ${got.dtype}`;
  if (!sameArray(got.shape, ref.shape)) {
    const planeChanged = got.shape[1] !== ref.shape[1] || got.shape[2] !== ref.shape[2];
    if (planeChanged && !allow.plane)
      return `${m.what} (${fields}): shape ${ref.shape} -> ${got.shape}`;
    if (got.shape[0] !== ref.shape[0] && !allow.subset)
      return `${m.what} (${fields}): shape ${ref.shape} -> ${got.shape}`;
    if (got.shape[0] > ref.shape[0])
      return `${m.what} (${fields}): more slices (${got.shape[0]}) than the seed's`;
    if (allow.voxels || allow.dtype || planeChanged) return null; // pages dropped and their voxels legitimately changed
    if (got.dtype !== ref.dtype)
      return `${m.what} (${fields}): shape ${ref.shape} -> ${got.shape}, dtype changed`;
    // Pages dropped: every slice returned is one of the seed's, in order.
    const plane = ref.shape[1] * ref.shape[2];
    let k = 0;
    for (let z = 0; z < got.shape[0]; z++) {
      const s = got.data.subarray(z * plane, (z + 1) * plane);
      while (k < ref.shape[0] && differing(s, ref.data.subarray(k * plane, (k + 1) * plane)) > 0)
        k++;
      if (k === ref.shape[0])
        return `${m.what} (${fields}): slice ${z} of ${got.shape[0]} is none of the seed's slices`;
      k++;
    }
    return null;
  }
  if (got.dtype === ref.dtype && !sameBytes(got.data, ref.data)) {
    if (!allow.voxels) return `${m.what} (${fields}): voxels changed`;
    const n = differing(got.data, ref.data);
    // One byte holds parts of at most 1 + ceil(8 / bits) samples of a packed sub-byte or 12-bit type.
    const bits = Math.max(...regions.map((r) => r.bits ?? 8));
    const perByte = bits % 8 === 0 ? 1 : 1 + Math.ceil(8 / bits);
    if (allow.local && n > touchedBytes * perByte)
      return `${m.what} (${fields}): ${n} voxels changed by ${touchedBytes} uncompressed pixel byte(s)`;
  }
  return null;
}

const TIFF_FIELD =
  /IFD \d+|TIFF header|BigTIFF header|byte-order mark|version number|not a TIFF file|ImageJ description|memory budget|`channel`|`frame`/;

// ---------------------------------------------------------------- PNG

async function pngSeeds(ctx) {
  const { writePngStack } = await dist("io/writePngStack.js");
  const seeds = [];
  const stack = async (name, Ctor, f, shape) => {
    const dir = path.join(ctx.dir, name);
    fs.rmSync(dir, { recursive: true, force: true });
    const n = shape[0] * shape[1] * shape[2];
    await writePngStack(dir, {
      data: Ctor.from({ length: n }, (_, i) => f(i)),
      shape,
      spacing: [20, 4, 4],
    });
    const names = fs.readdirSync(dir).sort();
    seeds.push({
      name,
      files: names.map((f) => ({
        name: f,
        bytes: new Uint8Array(fs.readFileSync(path.join(dir, f))),
      })),
      options: {},
    });
  };
  await stack("png-u8", Uint8Array, (i) => (i * 37 + 11) % 256, [3, 6, 7]);
  await stack("png-u16", Uint16Array, (i) => (i * 2654 + 17) % 65536, [2, 5, 4]);
  const misc = ["palette.png", "bits1.png"].map((f) => ({
    name: f,
    bytes: fixture("io", "png_misc", f),
  }));
  seeds.push({ name: "png-misc", files: [misc[0]], options: {} });
  seeds.push({ name: "png-bits1", files: [misc[1]], options: {} });
  seeds.push({
    name: "png-rgb",
    files: ["slice_000.png", "slice_001.png"].map((f) => ({
      name: f,
      bytes: fixture("io", "png_rgb", f),
    })),
    options: { grey: true },
  });
  return seeds;
}

/** The chunks of a PNG: `{ at, length, type }` (at = offset of the length field). */
function pngChunks(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    out.push({ at, length, type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)) });
    at += 12 + length;
  }
  return out;
}

/**
 * A mutation of one chunk's data with its CRC recomputed, so that the checks
 * behind the CRC (IHDR fields, chunk order, zlib Adler-32 and size, palette
 * indices) are reached.
 */
function pngChunkMutation(bytes, r) {
  const chunks = pngChunks(bytes).filter((c) => c.length > 0);
  const c = r.pick(chunks);
  const out = Uint8Array.from(bytes);
  const view = new DataView(out.buffer);
  const n = 1 + r.int(3);
  for (let k = 0; k < n; k++) {
    const p = c.at + 8 + r.int(c.length);
    out[p] = r.next() < 0.5 ? out[p] ^ (1 << r.int(8)) : r.pick([0, 1, 0xff, 0x7f, 0x80]);
  }
  view.setUint32(c.at + 8 + c.length, crc32(out.subarray(c.at + 4, c.at + 8 + c.length)));
  return {
    bytes: out,
    what: `${c.type} at ${c.at}: ${n} data byte(s) changed, CRC recomputed`,
    chunk: c.type,
    lengthChanged: false,
  };
}

function pngMutate(seed, r) {
  const k = r.int(seed.files.length);
  const m =
    r.next() < 0.35
      ? pngChunkMutation(seed.files[k].bytes, r)
      : mutateBytes(seed.files[k].bytes, r);
  const files = seed.files.map((f, i) => (i === k ? { name: f.name, bytes: m.bytes } : f));
  return { ...m, what: `${seed.files[k].name}: ${m.what}`, files, mutatedFile: seed.files[k].name };
}

/**
 * With the CRC recomputed, a changed tEXt chunk may change the spacing
 * (writePngStack stores it there) and a changed PLTE the grey levels; any
 * other different volume, and any different volume without a recomputed CRC,
 * is a silent wrong result.
 */
function pngJudge(_seed, m, ref, got) {
  const sameShape = got.shape.every((v, i) => v === ref.shape[i]) && got.dtype === ref.dtype;
  if (m.chunk === "tEXt" && sameShape && sameArrayBits(got.data, ref.data)) return null;
  if (m.chunk === "PLTE" && sameShape) return null;
  if (m.chunk === "IHDR") return null; // a valid IHDR whose scanlines still inflate to exactly the size it implies
  return m.chunk
    ? `${m.what}: a ${m.chunk} change (CRC valid) returned a different volume`
    : `${m.what}: a PNG mutation not caught (every byte is under a CRC) returned a different volume`;
}

const sameArrayBits = (a, b) => sameBytes(a, b);

// ---------------------------------------------------------------- JSON files

const text = (json) => new TextEncoder().encode(JSON.stringify(json));

/** A JSON mutation: structural (parsed) half the time, byte-level on the text otherwise. */
function jsonMutate(seed, r, targeted) {
  const roll = r.next();
  if (targeted && roll < 0.25) {
    const t = targeted(seed.json, r);
    if (t) return { ...t, files: [{ name: seed.name, bytes: text(t.json) }] };
  }
  if (roll < 0.6) {
    const m = mutateJson(seed.json, r);
    const bytes = m.text !== undefined ? new TextEncoder().encode(m.text) : text(m.json);
    return { ...m, files: [{ name: seed.name, bytes }] };
  }
  const m = mutateBytes(seed.bytes, r);
  return { ...m, files: [{ name: seed.name, bytes: m.bytes }] };
}

/**
 * Judge for JSON files; `optional(path)` says which fields may be removed (they have
 * defaults, or null as a documented value), `open(path)` where keys may be added (open
 * records such as metadata).
 */
function jsonJudge(optional, open) {
  return (seed, m, _ref, _got) => {
    if (m.mustError) return `${m.what}: accepted`;
    let doc;
    try {
      doc = JSON.parse(new TextDecoder().decode(m.files[0].bytes));
    } catch {
      return `${m.what}: text that is not JSON was accepted`;
    }
    // Each difference either explains a changed result (a finite leaf value, an optional
    // field removed, a key added to or removed from an open record), is neutral (a key the
    // library ignores), or must not be accepted at all (type changes, non-finite numbers,
    // required fields removed).
    let explained = false;
    const added = [];
    for (const d of jsonDiff(seed.json, doc)) {
      const where = d.path.join(".") || "(root)";
      if (d.kind === "value") {
        const v = getPath(doc, d.path);
        if (typeof v === "number" && !Number.isFinite(v))
          return `${m.what}: non-finite ${where} accepted`;
        explained = true;
      } else if (
        ((d.kind === "removed" ||
          (d.kind === "type" &&
            (getPath(doc, d.path) === null || getPath(seed.json, d.path) === null))) &&
          optional(d.path)) ||
        ((d.kind === "added" || d.kind === "removed") && open(d.path))
      ) {
        explained = true;
      } else if (d.kind === "added") {
        added.push(where);
      } else {
        return `${m.what}: ${d.kind === "type" ? "type changed at" : "required field removed:"} ${where}, yet accepted with a different result`;
      }
    }
    return explained
      ? null
      : `${m.what}: only unknown keys added (${added.join(", ")}), yet the result changed`;
  };
}

/** An error names the field: in backticks, or one of the format's field names as a word. */
const jsonField = (names) => new RegExp(`\`[^\`]+\`|JSON|\\b(${names.join("|")})\\b`);

async function labelSeeds(ctx) {
  const { saveLabels } = await dist("display/labels.js");
  const seeds = [];
  const save = (name, shape, f, options) => {
    const data = Uint8Array.from({ length: shape[0] * shape[1] * shape[2] }, (_, i) => f(i));
    const file = saveLabels({ data, shape, spacing: [10, 5, 5] }, path.join(ctx.dir, name), {
      overwrite: true,
      ...options,
    });
    const bytes = new Uint8Array(fs.readFileSync(file));
    seeds.push({
      name,
      bytes,
      json: JSON.parse(new TextDecoder().decode(bytes)),
      files: [{ name, bytes }],
      options: {},
    });
  };
  save("a.labels.json", [2, 6, 7], (i) => (i % 11 === 0 ? 1 + (i % 3) : 0));
  save("b.labels.json", [3, 4, 5], (i) => [0, 0, 5, 5, 7][i % 5], {
    classes: [
      { id: 5, name: "pore", color: "#000000" },
      { id: 7, name: "solid", color: "#ffffff" },
    ],
  });
  return seeds;
}

/** Label-specific invariant breakers: a run value outside the classes, a run longer than the volume. */
function labelTargeted(json, r) {
  const runs = Buffer.from(json.data, "base64");
  if (runs.length < 2) return null;
  const copy = structuredClone(json);
  const declared = new Set([0, ...(json.classes ?? []).map((c) => c.id)]);
  if (r.next() < 0.5) {
    let v = 200;
    while (declared.has(v)) v++;
    runs[0] = v;
    copy.data = runs.toString("base64");
    return {
      json: copy,
      what: "data: first run value set to an undeclared class",
      mustError: true,
    };
  }
  runs[runs.length - 1] = Math.min(127, runs[runs.length - 1] + 1);
  copy.data = runs.toString("base64");
  if (copy.data === json.data) return null;
  return { json: copy, what: "data: last run one voxel longer than the volume", mustError: true };
}

async function forestSeeds(ctx) {
  const { trainForest } = await dist("classify/forest/trainForest.js");
  const seeds = [];
  const make = async (name, classes, F, options) => {
    const n = 90;
    const x = new Float32Array(n * F);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = classes[i % classes.length];
      for (let j = 0; j < F; j++) x[i * F + j] = y[i] * 2 + ((i * 7 + j * 3) % 5) / 2;
    }
    const forest = await trainForest(x, y, F, { threads: 1, seed: 1, ...options });
    const bytes = new TextEncoder().encode(JSON.stringify(forest));
    fs.writeFileSync(path.join(ctx.dir, name), bytes);
    seeds.push({
      name,
      bytes,
      json: JSON.parse(new TextDecoder().decode(bytes)),
      files: [{ name, bytes }],
      options: {},
    });
  };
  await make("three.forest.json", [1, 2, 3], 3, { trees: 4, maxDepth: 4 });
  await make("two.forest.json", [0, 5], 2, { trees: 3, maxDepth: 2, bootstrap: false });
  return seeds;
}

/** Forest-specific invariant breakers: cycles and shared children, bad features, NaN thresholds and frequencies. */
function forestTargeted(json, r) {
  const copy = structuredClone(json);
  const ints = (s) => new Int32Array(Uint8Array.from(Buffer.from(s, "base64")).buffer);
  const floats = (s) => new Float32Array(Uint8Array.from(Buffer.from(s, "base64")).buffer);
  const b64 = (a) => Buffer.from(new Uint8Array(a.buffer)).toString("base64");
  const left = ints(json.left);
  const feature = ints(json.feature);
  const internal = [...feature.keys()].filter((i) => feature[i] >= 0);
  if (internal.length === 0) return null;
  const i = r.pick(internal);
  const op = r.pick(["self", "root", "shared", "feature", "threshold", "value"]);
  if (op === "self" || op === "root" || op === "shared") {
    const before = left[i];
    const others = internal.filter((k) => k !== i);
    left[i] = op === "self" ? i : op === "root" ? 0 : others.length ? left[r.pick(others)] : i;
    if (left[i] === before) return null;
    copy.left = b64(left);
    return { json: copy, what: `left[${i}] ${before} -> ${left[i]} (${op})`, mustError: true };
  }
  if (op === "feature") {
    feature[i] = r.pick([json.nFeatures, json.nFeatures + 5, -2, 2 ** 31 - 1]);
    copy.feature = b64(feature);
    return { json: copy, what: `feature[${i}] = ${feature[i]}`, mustError: true };
  }
  if (op === "threshold") {
    const t = floats(json.threshold);
    t[i] = r.pick([NaN, Infinity, -Infinity]);
    copy.threshold = b64(t);
    return { json: copy, what: `threshold[${i}] = ${t[i]}`, mustError: true };
  }
  const v = new Float64Array(Uint8Array.from(Buffer.from(json.value, "base64")).buffer);
  const k = r.int(v.length);
  v[k] = r.pick([NaN, -0.5, 2, Infinity]);
  copy.value = b64(v);
  return { json: copy, what: `value[${k}] = ${v[k]}`, mustError: true };
}

async function manifestSeeds() {
  const bytes = new Uint8Array(fs.readFileSync(path.join(root, "data-samples", "manifest.json")));
  return [
    {
      name: "manifest.json",
      bytes,
      json: JSON.parse(new TextDecoder().decode(bytes)),
      files: [{ name: "manifest.json", bytes }],
      options: {},
    },
  ];
}

/** Manifest-specific invariant breakers: a file path that leaves the folder, a slice beyond the volume. */
function manifestTargeted(json, r) {
  const copy = structuredClone(json);
  const s = r.pick(copy.samples);
  if (r.next() < 0.5 && s.files.length) {
    const f = r.pick(s.files);
    f.file = r.pick(["../outside.tif", "/etc/passwd", `${s.name}/../../x.tif`]);
    return { json: copy, what: `${s.name}: file path ${f.file}`, mustError: true };
  }
  if (s.meta && typeof s.meta.testSlice === "number") {
    s.meta.testSlice = s.shape[0] + r.int(5);
    return {
      json: copy,
      what: `${s.name}: meta.testSlice ${s.meta.testSlice} beyond ${s.shape[0]} slices`,
      mustError: true,
    };
  }
  return null;
}

// ---------------------------------------------------------------- EBSD (.ang, .ctf)

/** A small .ang (the layout of test/io/ebsd.test.ts): `rows` x 3 points, step 0.5 um, 2 phases. */
function angSeedText(rows, eol) {
  const head = [
    "# TEM_PIXperUM 1.0",
    "# Phase 1",
    "# MaterialName  \tIron (Alpha)",
    "# Formula \tFe",
    "# Symmetry 43",
    "# LatticeConstants 2.870 2.870 2.870 90.000 90.000 90.000",
    "# Phase 2",
    "# MaterialName Magnesium",
    "# Formula Mg",
    "# Symmetry 62",
    "# LatticeConstants 3.21 3.21 5.21 90 90 120",
    "#",
    "# GRID: SqrGrid",
    "# XSTEP: 0.5",
    "# YSTEP: 0.5",
    "# NCOLS_ODD: 3",
    "# NCOLS_EVEN: 3",
    `# NROWS: ${rows}`,
    "#",
  ];
  const body = [];
  for (let i = 0; i < 3 * rows; i++) {
    const x = (i % 3) * 0.5;
    const y = Math.floor(i / 3) * 0.5;
    const a = (k) => (0.1 * k + 0.05 * i).toFixed(5);
    body.push(
      `  ${a(0)} ${a(2)} ${a(3)} ${x} ${y} ${100 + i} ${(i / 10).toFixed(3)} ${(i % 2) + 1} ${i * 2} ${(i / 100).toFixed(3)}`,
    );
  }
  return [...head, ...body].join(eol) + eol;
}

/** A small .ctf: `cols` x 2 points, step 1.5 um, 2 phases (Mg, Fe), some points not indexed. */
function ctfSeedText(cols, eol) {
  const lines = [
    "Channel Text File",
    "Prj\tfuzz.cpr",
    "Author\t",
    "JobMode\tGrid",
    `XCells\t${cols}`,
    "YCells\t2",
    "XStep\t1.5",
    "YStep\t1.5",
    "Phases\t2",
    "3.2089;3.2089;5.2101\t90;90;120\tMagnesium\t9\t194\t\t\tref",
    "2.87;2.87;2.87\t90;90;90\tIron\t11\t229",
    "Phase\tX\tY\tBands\tError\tEuler1\tEuler2\tEuler3\tMAD\tBC\tBS",
  ];
  for (let i = 0; i < 2 * cols; i++) {
    const r = Math.floor(i / cols);
    const row = [i % 5 === 4 ? 0 : 1 + (i % 2), (i % cols) * 1.5, r * 1.5, 8 + i, 0];
    lines.push(
      [...row, 10 * i, 20 + i, 30 + i, (0.5 + i / 10).toFixed(4), 100 + i, 200 + i].join("\t"),
    );
  }
  return lines.join(eol) + eol;
}

const splitLines = (bytes) => new TextDecoder().decode(bytes).split(/\r\n|\n|\r/);

/** Index of the first data line: after the `#` header (.ang) or the table header (.ctf). */
const dataStart = (format, lines) =>
  format === "ang"
    ? lines.findIndex((l) => !l.startsWith("#"))
    : lines.findIndex((l) => /^Phase\tX\t/.test(l)) + 1;

/** The seed's lines and the index of its first data line (after the `#` header / the table header). */
function ebsdSeed(format, name, bytes) {
  const lines = splitLines(bytes);
  const data = dataStart(format, lines);
  return { name, bytes, lines, data, format, files: [{ name, bytes }], options: {} };
}

function ebsdSeeds(format) {
  return async () => {
    const enc = (s) => new TextEncoder().encode(s);
    const seeds =
      format === "ang"
        ? [
            ebsdSeed("ang", "a.ang", enc(angSeedText(3, "\r\n"))),
            ebsdSeed("ang", "b.ang", enc(angSeedText(2, "\n"))),
          ]
        : [
            ebsdSeed("ctf", "a.ctf", enc(ctfSeedText(3, "\r\n"))),
            ebsdSeed("ctf", "b.ctf", enc(ctfSeedText(2, "\n"))),
          ];
    // One small real file when the shared data are present (never in CI).
    const { sharedDataPath } = await dist("io/sharedData.js");
    const real = sharedDataPath(`ebsd-mtex/${format === "ang" ? "ACOM.ang" : "testdata_sqr.ctf"}`);
    if (real)
      seeds.push(ebsdSeed(format, path.basename(real), new Uint8Array(fs.readFileSync(real))));
    return seeds;
  };
}

/** Targeted text mutations: delete / duplicate a line, change a header value, a number into text, truncate at a line. */
function ebsdTextMutation(seed, r) {
  const lines = [...seed.lines];
  const eol = new TextDecoder().decode(seed.bytes).includes("\r\n") ? "\r\n" : "\n";
  const last = lines.length - (lines[lines.length - 1] === "" ? 1 : 0); // lines before the final empty one
  const k = r.int(last);
  const op = r.pick(["delete", "duplicate", "header", "number", "truncate"]);
  let what;
  if (op === "delete") {
    lines.splice(k, 1);
    what = `delete line ${k + 1}`;
  } else if (op === "duplicate") {
    lines.splice(k, 0, lines[k]);
    what = `duplicate line ${k + 1}`;
  } else if (op === "header") {
    const h = r.int(seed.data);
    const parts = lines[h].split(/(\s+)/);
    const v = r.pick(["0", "-1", "2.5", "1e9", "NaN", "x", "", "HexGrid", "4", "999999999"]);
    parts[parts.length - 1] = v;
    lines[h] = parts.join("");
    what = `header line ${h + 1}: last value -> ${JSON.stringify(v)}`;
  } else if (op === "number") {
    const d = seed.data + r.int(Math.max(1, last - seed.data));
    const parts = lines[d].split(/(\s+)/);
    const tokens = parts.map((p, i) => i).filter((i) => /\S/.test(parts[i]));
    const t = r.pick(tokens);
    const v = r.pick(["abc", "1,5", "0x10", "Infinity", "NaN", "1e", "--1", "1.2.3"]);
    parts[t] = v;
    lines[d] = parts.join("");
    what = `line ${d + 1}: a number -> ${JSON.stringify(v)}`;
    return { ...encodeLines(lines, eol, false), what, lengthChanged: true, mustError: true };
  } else {
    lines.length = k;
    what = `truncate after line ${k}`;
  }
  return { ...encodeLines(lines, eol, op === "truncate"), what, lengthChanged: true };
}

const encodeLines = (lines, eol, final) => ({
  bytes: new TextEncoder().encode(lines.join(eol) + (final ? eol : "")),
});

function ebsdMutate(seed, r) {
  const m = r.next() < 0.4 ? ebsdTextMutation(seed, r) : mutateBytes(seed.bytes, r);
  return { ...m, files: [{ name: seed.name, bytes: m.bytes }] };
}

const STRUCTURE = ["rows", "cols", "grid", "step", "unit", "format", "phases", "header", "columns"];

/**
 * Judge of the EBSD readers, on a line diff of the mutated text against the seed's (common
 * leading and trailing lines; the lines between are the changed ones). See the header comment.
 */
function ebsdJudge(seed, m, ref, got) {
  if (m.mustError) return `${m.what}: accepted`;
  const s = seed.lines;
  const t = splitLines(m.files[0].bytes);
  let p = 0;
  while (p < s.length && p < t.length && s[p] === t[p]) p++;
  let q = 0;
  while (q < s.length - p && q < t.length - p && s[s.length - 1 - q] === t[t.length - 1 - q]) q++;
  const seedEnd = s.length - q; // seed lines [p, seedEnd) changed
  const header = p < seed.data; // a header line (for .ctf: up to the table header) changed
  const tableHeader = seed.format === "ctf" && p <= seed.data - 1 && seedEnd > seed.data - 1;
  const data = seedEnd > seed.data; // a data line changed
  const blank = (l) => l.trim() === "";
  // Data lines among the changed ones, each file's data counted from its own first data line.
  const tData = dataStart(seed.format, t);
  const dataLines = (lines, start, to) =>
    lines.slice(Math.max(p, start), to).filter((l) => !blank(l)).length;
  const moved =
    data && (tData <= 0 || dataLines(s, seed.data, seedEnd) !== dataLines(t, tData, t.length - q));
  const where = `${m.what} (lines ${p + 1}..${seedEnd} of the seed changed)`;
  // A .ang without grid lines (the grid inferred from x/y) cut after whole rows (or inside the
  // first row) is a smaller map no reader can tell from a complete one: fewer rows (or one row
  // of fewer points), each point before the change as in the seed.
  const inferred = seed.format === "ang" && !("NROWS" in ref.header);
  const fewerRows =
    inferred &&
    got.rows * got.cols < ref.rows * ref.cols &&
    (got.cols === ref.cols || got.rows === 1);
  for (const key of STRUCTURE)
    if (
      !sameResultShallow(got[key], ref[key]) &&
      !header &&
      !(fewerRows && (key === "rows" || key === "cols"))
    )
      return `${where}: ${key} changed, yet no header line was touched`;
  if (fewerRows && !header) {
    const n = Math.min(got.rows * got.cols, p - seed.data);
    for (const [channel, a] of Object.entries(got.points))
      for (let i = 0; i < n; i++)
        if (!Object.is(a[i], ref.points[channel][i]))
          return `${where}: ${channel} of point ${i} (line ${seed.data + i + 1}, not touched) changed in a map cut to ${got.rows} rows`;
    return null;
  }
  if (got.rows * got.cols !== ref.rows * ref.cols) return null; // another size: judged above
  if (moved)
    return `${where}: data lines inserted or deleted, yet a map of the same size (${got.rows} x ${got.cols}) was returned`;
  if (tableHeader) return null; // columns renamed or reordered: any value may change
  for (const [channel, a] of Object.entries(got.points)) {
    const b = ref.points[channel];
    if (!b) continue; // a channel renamed: structure, judged above
    for (let i = 0; i < a.length; i++) {
      if (Object.is(a[i], b[i])) continue;
      const line = seed.data + i;
      if (line < p || line >= seedEnd)
        return `${where}: ${channel} of point ${i} (line ${line + 1}) changed, yet its line was not touched`;
    }
  }
  return null;
}

const sameResultShallow = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const EBSD_FIELD =
  /line \d+|header \w+|GRID|NCOLS_ODD|NROWS|XCells|YCells|Phases|table header|empty file|binary content|no data rows|Channel Text File/;

const ebsdTarget = (format) => ({
  name: format,
  seeds: ebsdSeeds(format),
  mutate: ebsdMutate,
  input: (dir, seed) => ({ file: path.join(dir, seed.name) }),
  named: (_dir, seed) => [seed.name], // the readers name the file by its base name
  field: EBSD_FIELD,
  judge: ebsdJudge,
});

// ---------------------------------------------------------------- the targets

const tiffTarget = (name) => ({
  name,
  seeds: tiffSeeds,
  mutate: tiffMutate,
  input: (dir, seed) => ({ file: path.join(dir, seed.name), options: seed.options }),
  named: (dir, seed) => [path.join(dir, seed.name)],
  field: TIFF_FIELD,
  judge: tiffJudge,
});

const jsonTarget = ({ name, seeds, targeted, optional, open = () => false, input, fields }) => ({
  name,
  seeds,
  mutate: (seed, r) => jsonMutate(seed, r, targeted),
  input,
  named: (dir, seed) => [path.join(dir, seed.name), dir],
  field: jsonField(fields),
  judge: jsonJudge(optional, open),
});

const top = (p, keys) => p.length === 1 && keys.includes(p[0]);

/** Every fuzz target, by name. */
export const TARGETS = [
  tiffTarget("tiff"),
  tiffTarget("tiff-lazy"),
  {
    name: "png",
    seeds: pngSeeds,
    mutate: pngMutate,
    input: (dir, seed) => ({ dir, options: seed.options }),
    named: (dir, seed, m) => [
      m?.mutatedFile ? path.join(dir, m.mutatedFile) : dir,
      dir,
      ...seed.files.map((f) => path.join(dir, f.name)),
    ],
    field: /chunk|IHDR|IDAT|PLTE|IEND|signature|slice \d+|`channel`|memory budget/,
    judge: pngJudge,
  },
  jsonTarget({
    name: "labels",
    seeds: labelSeeds,
    targeted: labelTargeted,
    optional: (p) => top(p, ["spacing", "classes", "counts", "saved"]),
    input: (dir, seed) => ({ file: path.join(dir, seed.name), options: {} }),
    fields: [
      "format",
      "version",
      "shape",
      "spacing",
      "classes",
      "encoding",
      "data",
      "counts",
      "saved",
    ],
  }),
  jsonTarget({
    name: "forest",
    seeds: forestSeeds,
    targeted: forestTargeted,
    optional: (p) => top(p, ["options", "oobError"]), // oobError is null for forests without bootstrap
    open: (p) => p[0] === "options",
    input: (dir, seed) => ({ file: path.join(dir, seed.name) }),
    fields: [
      "format",
      "version",
      "classes",
      "nFeatures",
      "nTrees",
      "oobError",
      "treeSizes",
      "feature",
      "threshold",
      "left",
      "right",
      "value",
      "importances",
      "options",
      "trees",
    ],
  }),
  jsonTarget({
    name: "manifest",
    seeds: manifestSeeds,
    targeted: manifestTargeted,
    optional: (p) => top(p, ["note"]),
    open: (p) => (p[0] === "samples" && p[2] === "meta") || (p.length === 1 && p[0] === "samples"), // meta records; which samples are listed
    input: (dir) => ({ dir }),
    fields: [
      "format",
      "note",
      "samples",
      "name",
      "kind",
      "description",
      "committed",
      "shape",
      "spacing",
      "seed",
      "files",
      "file",
      "dtype",
      "sha256",
      "meta",
    ],
  }),
  ebsdTarget("ang"),
  ebsdTarget("ctf"),
  {
    name: "zarr",
    seeds: (ctx) => zarrSeeds(ctx, dist),
    mutate: zarrMutate,
    input: (dir, seed) => ({ dir, options: seed.options }),
    named: (dir) => [dir], // the store, or any file in it
    field: ZARR_FIELD,
    judge: zarrJudge, // see test/fuzz/zarrTarget.mjs
  },
];
