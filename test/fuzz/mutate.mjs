// Mutations of the fuzz suite: a seeded generator, byte-level mutations of any
// file, and structural mutations of JSON documents. Every mutation reports
// what it touched, in the coordinates of the original file, so the judges of
// test/fuzz/targets.mjs can decide whether a changed result is legitimate.

/** A small seeded generator (mulberry32): `next()` in [0, 1), `int(n)` in 0..n-1, `pick(array)`. */
export function rng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (a) => a[int(a.length)] };
}

/** A 32-bit hash of some numbers and strings (FNV-1a), to derive one input's seed. */
export function hashSeed(...parts) {
  let h = 0x811c9dc5;
  for (const ch of parts.join("\u0000")) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff];
export const INTERESTING_16 = [0, 1, 0x7fff, 0x8000, 0xffff, 0x100, 0x0100];
export const INTERESTING_32 = [
  0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x38000001, 0x10000, 0xfffffff,
];

/**
 * One byte-level mutation of `bytes`.
 * @returns `{ bytes, what, touched: [start, end) in the original, lengthChanged }`;
 *   `touched` runs to the end of the file for truncations, insertions and deletions
 *   (everything after them moved).
 */
export function mutateBytes(bytes, r) {
  const n = bytes.length;
  const kind = r.pick([
    "flip",
    "flip",
    "flip",
    "set8",
    "set16",
    "set32",
    "truncate",
    "duplicate",
    "delete",
    "random",
  ]);
  const out = Uint8Array.from(bytes);
  const at = r.int(Math.max(n, 1));
  switch (kind) {
    case "flip": {
      const bits = 1 + r.int(4);
      const touched = [];
      for (let k = 0; k < bits; k++) {
        const p = r.int(n);
        out[p] ^= 1 << r.int(8);
        touched.push(p);
      }
      return {
        bytes: out,
        what: `flip ${bits} bit(s) at ${touched.join(",")}`,
        touched: ranges(touched),
        lengthChanged: false,
      };
    }
    case "set8": {
      const v = r.pick(INTERESTING_8);
      out[at] = v;
      return {
        bytes: out,
        what: `byte ${at} = 0x${v.toString(16)}`,
        touched: [[at, at + 1]],
        lengthChanged: false,
      };
    }
    case "set16":
    case "set32": {
      const size = kind === "set16" ? 2 : 4;
      const p = Math.min(at, Math.max(0, n - size));
      const v = r.pick(size === 2 ? INTERESTING_16 : INTERESTING_32);
      const view = new DataView(out.buffer);
      const le = r.next() < 0.5;
      if (size === 2) view.setUint16(p, v, le);
      else view.setUint32(p, v, le);
      return {
        bytes: out,
        what: `${size * 8}-bit ${le ? "LE" : "BE"} 0x${v.toString(16)} at ${p}`,
        touched: [[p, p + size]],
        lengthChanged: false,
      };
    }
    case "truncate": {
      const cut = r.int(n);
      return {
        bytes: out.slice(0, cut),
        what: `truncate at ${cut} of ${n}`,
        touched: [[cut, n]],
        lengthChanged: true,
      };
    }
    case "duplicate": {
      const len = 1 + r.int(Math.min(64, n));
      const from = r.int(Math.max(1, n - len));
      const to = r.int(n + 1);
      const chunk = bytes.slice(from, from + len);
      const dup = new Uint8Array(n + chunk.length);
      dup.set(bytes.subarray(0, to), 0);
      dup.set(chunk, to);
      dup.set(bytes.subarray(to), to + chunk.length);
      return {
        bytes: dup,
        what: `duplicate ${chunk.length} bytes from ${from} at ${to}`,
        touched: [[to, n]],
        lengthChanged: true,
      };
    }
    case "delete": {
      const len = 1 + r.int(Math.min(32, n));
      const from = r.int(Math.max(1, n - len));
      const del = new Uint8Array(n - len);
      del.set(bytes.subarray(0, from), 0);
      del.set(bytes.subarray(from + len), from);
      return {
        bytes: del,
        what: `delete ${len} bytes at ${from}`,
        touched: [[from, n]],
        lengthChanged: true,
      };
    }
    default: {
      const len = 1 + r.int(16);
      const p = Math.min(at, Math.max(0, n - len));
      for (let k = p; k < Math.min(n, p + len); k++) out[k] = r.int(256);
      return {
        bytes: out,
        what: `${len} random bytes at ${p}`,
        touched: [[p, Math.min(n, p + len)]],
        lengthChanged: false,
      };
    }
  }
}

function ranges(points) {
  return points.map((p) => [p, p + 1]);
}

/** Every path (array of keys) of a JSON value, objects and arrays included; big arrays sampled. */
export function jsonPaths(value, r, limit = 4000) {
  const out = [];
  const walk = (v, p) => {
    if (out.length >= limit) return;
    out.push(p);
    if (Array.isArray(v)) {
      const idx =
        v.length <= 16
          ? v.map((_, i) => i)
          : [0, 1, v.length - 1, r.int(v.length), r.int(v.length)];
      for (const i of new Set(idx)) walk(v[i], [...p, i]);
    } else if (v && typeof v === "object") {
      for (const k of Object.keys(v)) walk(v[k], [...p, k]);
    }
  };
  walk(value, []);
  return out;
}

export function getPath(v, p) {
  return p.reduce((o, k) => (o == null ? undefined : o[k]), v);
}

const WRONG_TYPES = [null, true, false, "x", "", "1", 0, -1, 1.5, [], {}, [1, 2, 3], { a: 1 }];
const HUGE = [1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 2 ** 31, -(2 ** 31), 2 ** 32, 1e15, -1];

/**
 * One structural mutation of a parsed JSON document.
 * @returns `{ json, text?, what, path, op }`: `text` is set when the result must be
 *   written as given (e.g. `1e999`, which JSON.stringify cannot produce).
 */
export function mutateJson(doc, r) {
  const json = structuredClone(doc);
  const paths = jsonPaths(json, r).filter((p) => p.length > 0);
  const path = r.pick(paths);
  const parent = getPath(json, path.slice(0, -1));
  const key = path[path.length - 1];
  const old = parent[key];
  const op = r.pick([
    "type",
    "type",
    "huge",
    "missing",
    "extra",
    "dup",
    "empty",
    "float",
    "infinity",
  ]);
  const where = path.join(".");
  switch (op) {
    case "type":
      parent[key] = structuredClone(r.pick(WRONG_TYPES));
      return {
        json,
        what: `${where} = ${JSON.stringify(parent[key])} (was ${typeof old})`,
        path,
        op,
      };
    case "huge":
      parent[key] = r.pick(HUGE);
      return { json, what: `${where} = ${parent[key]}`, path, op };
    case "missing":
      if (Array.isArray(parent)) parent.splice(key, 1);
      else delete parent[key];
      return { json, what: `remove ${where}`, path, op };
    case "extra": {
      const target = old && typeof old === "object" && !Array.isArray(old) ? old : parent;
      if (Array.isArray(target)) target.push(structuredClone(target[0] ?? 0));
      else target.__fuzz_extra = r.pick([1, "x", null]);
      return { json, what: `extra key/element near ${where}`, path, op };
    }
    case "dup":
      if (Array.isArray(old) && old.length > 0) old.push(structuredClone(old[r.int(old.length)]));
      else if (Array.isArray(parent)) parent.splice(key, 0, structuredClone(old));
      else parent[key] = [old, old];
      return { json, what: `duplicate an element at ${where}`, path, op };
    case "empty":
      parent[key] = Array.isArray(old)
        ? []
        : typeof old === "string"
          ? ""
          : typeof old === "object" && old
            ? {}
            : 0;
      return { json, what: `${where} emptied`, path, op };
    case "float":
      parent[key] = typeof old === "number" ? old + 0.5 : 0.5;
      return { json, what: `${where} = ${parent[key]}`, path, op };
    default: {
      // JSON has no Infinity: write 1e999, which JSON.parse reads as Infinity.
      parent[key] = "__FUZZ_INFINITY__";
      const text = JSON.stringify(json).replace(
        '"__FUZZ_INFINITY__"',
        r.next() < 0.5 ? "1e999" : "-1e999",
      );
      parent[key] = Infinity;
      return { json, text, what: `${where} = ±1e999`, path, op };
    }
  }
}

/**
 * Differences between two JSON values: `{ path, kind }` with kind "value" (same JSON
 * type, different leaf), "type", "removed" or "added".
 */
export function jsonDiff(a, b, path = [], out = []) {
  const kind = (v) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (kind(a) !== kind(b)) {
    out.push({ path, kind: "type" });
    return out;
  }
  if (kind(a) === "array") {
    if (a.length !== b.length) out.push({ path, kind: a.length > b.length ? "removed" : "added" });
    for (let i = 0; i < Math.min(a.length, b.length); i++) jsonDiff(a[i], b[i], [...path, i], out);
  } else if (kind(a) === "object") {
    for (const k of Object.keys(a)) {
      if (!(k in b)) out.push({ path: [...path, k], kind: "removed" });
      else jsonDiff(a[k], b[k], [...path, k], out);
    }
    for (const k of Object.keys(b)) if (!(k in a)) out.push({ path: [...path, k], kind: "added" });
  } else if (!Object.is(a, b)) {
    out.push({ path, kind: "value" });
  }
  return out;
}
