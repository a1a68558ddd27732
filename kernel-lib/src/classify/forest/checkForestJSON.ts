/**
 * Validation of a saved forest (`ForestJSON`) before anything is
 * allocated or predicted: every field's type and length, every node of every
 * tree. A forest that passes can be walked by the prediction loops without
 * leaving its tree or looping (each child lies strictly after its parent).
 * @internal
 */
import { describeFieldValue } from "../../util/checks.js";
import type { ForestParts } from "./model.js";
import type { NodeArrays } from "./nodes.js";

/** Largest node count the packed layout holds (offsets `4 x node` and `node x classes` are int32). */
const MAX_INT32 = 2 ** 31 - 1;

/** Tolerance of a leaf's class distribution summing to 1 (float32 frequencies). */
const SUM_TOLERANCE = 1e-4;

/** Short description of a received value for error messages. */
export function received(v: unknown): string {
  return describeFieldValue(v);
}

/**
 * Decode base64 text, or undefined when it is not base64: Node's decoder skips characters
 * outside the alphabet and stops at padding, so a string is whole base64 exactly when it
 * decodes to 3 bytes per 4 characters less its padding (a linear check, no regex).
 */
function decodeBase64(s: string): Buffer | undefined {
  if (s.length % 4 !== 0) return undefined;
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const buf = Buffer.from(s, "base64");
  return buf.length === (s.length / 4) * 3 - pad ? buf : undefined;
}

/** Decode a base64 field into a typed array of exactly `count` elements. */
function decodeField<T extends Int32Array | Float32Array | Float64Array>(
  json: Record<string, unknown>,
  field: string,
  Type: { new (n: number): T; BYTES_PER_ELEMENT: number; name: string },
  count: number,
  source: string,
  what: string,
): T {
  const s = json[field];
  if (typeof s !== "string")
    throw new TypeError(
      `${source}: \`${field}\` must be a base64 string of ${Type.name} data, received ${received(s)}`,
    );
  const buf = decodeBase64(s);
  if (!buf)
    throw new RangeError(
      `${source}: \`${field}\` must be base64 (A-Z a-z 0-9 + /, padded with = to a multiple of 4 characters), received a string of length ${s.length} that is not`,
    );
  const bytes = count * Type.BYTES_PER_ELEMENT;
  if (buf.length !== bytes)
    throw new RangeError(
      `${source}: \`${field}\` must hold ${count} ${Type.name.replace("Array", "")} values (${what}) = ${bytes} bytes, received ${buf.length} bytes`,
    );
  const out = new Type(count);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

function integerField(
  v: unknown,
  field: string,
  source: string,
  min: number,
  max = MAX_INT32,
): number {
  if (typeof v !== "number")
    throw new TypeError(`${source}: \`${field}\` must be an integer, received ${received(v)}`);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new RangeError(
      `${source}: \`${field}\` must be an integer in ${min}..${max}, received ${String(v)}`,
    );
  return v;
}

/**
 * Check a forest's JSON form and decode it into the parts of a forest
 * (child indices made absolute). Throws a TypeError (wrong type) or
 * RangeError (wrong value) naming `source` and the field, e.g.
 * `forest JSON: trees[3].left[17] ...`.
 * @internal
 */
export function checkForestJSON(json: unknown, source: string): ForestParts {
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new TypeError(
      `${source}: expected the object RandomForest.toJSON() made (format "tomolab-random-forest"), received ${received(json)}`,
    );
  const j = json as Record<string, unknown>;
  if (j.format !== "tomolab-random-forest")
    throw new TypeError(
      `${source}: \`format\` must be "tomolab-random-forest" (the object RandomForest.toJSON() made), received ${received(j.format)}`,
    );
  if (j.version !== 1)
    throw new RangeError(
      `${source}: \`version\` must be 1 (the only forest format version), received ${received(j.version)}`,
    );

  const classes = j.classes;
  if (!Array.isArray(classes))
    throw new TypeError(
      `${source}: \`classes\` must be an array of class values, received ${received(classes)}`,
    );
  if (classes.length < 2)
    throw new RangeError(
      `${source}: \`classes\` must hold at least two class values, received ${classes.length}`,
    );
  classes.forEach((c, k) => {
    integerField(c, `classes[${k}]`, source, 0);
    if (k > 0 && !((c as number) > (classes[k - 1] as number)))
      throw new RangeError(
        `${source}: \`classes\` must be ascending and distinct, received classes[${k - 1}] = ${String(classes[k - 1])} then classes[${k}] = ${String(c)}`,
      );
  });
  const K = classes.length;
  const F = integerField(j.nFeatures, "nFeatures", source, 1);
  const T = integerField(j.nTrees, "nTrees", source, 1);

  const sizes = j.treeSizes;
  if (!Array.isArray(sizes))
    throw new TypeError(
      `${source}: \`treeSizes\` must be an array of node counts, received ${received(sizes)}`,
    );
  if (sizes.length !== T)
    throw new RangeError(
      `${source}: \`treeSizes\` must have one entry per tree (nTrees = ${T}), received ${sizes.length}`,
    );
  const treeSizes = new Int32Array(T);
  let nodes = 0;
  for (let t = 0; t < T; t++) {
    treeSizes[t] = integerField(sizes[t], `treeSizes[${t}]`, source, 1);
    nodes += treeSizes[t]!;
  }
  if (nodes * 4 > MAX_INT32 || nodes * K > MAX_INT32)
    throw new RangeError(
      `${source}: the forest is too large (${nodes} nodes x ${K} classes); at most ${Math.floor(MAX_INT32 / Math.max(4, K))} nodes are supported`,
    );
  if (T * F > MAX_INT32)
    throw new RangeError(
      `${source}: nTrees x nFeatures = ${T} x ${F} is too large (at most ${MAX_INT32})`,
    );

  let oobError: number | undefined;
  if (j.oobError !== null && j.oobError !== undefined) {
    const e = j.oobError;
    if (typeof e !== "number")
      throw new TypeError(
        `${source}: \`oobError\` must be a number or null, received ${received(e)}`,
      );
    if (!(e >= 0 && e <= 1))
      throw new RangeError(`${source}: \`oobError\` must be in [0, 1], received ${String(e)}`);
    oobError = e;
  }
  const options = j.options;
  if (
    options !== undefined &&
    (typeof options !== "object" || options === null || Array.isArray(options))
  )
    throw new TypeError(
      `${source}: \`options\` must be an object when present, received ${received(options)}`,
    );

  const nodesOf = `${nodes} nodes, the sum of treeSizes`;
  const field = <A extends Int32Array | Float32Array | Float64Array>(
    name: string,
    Type: { new (n: number): A; BYTES_PER_ELEMENT: number; name: string },
    count = nodes,
    what = nodesOf,
  ) => decodeField(j, name, Type, count, source, what);
  const arrays: NodeArrays = {
    feature: field("feature", Int32Array),
    threshold: field("threshold", Float32Array),
    left: field("left", Int32Array),
    right: field("right", Int32Array),
    value: field("value", Float32Array, nodes * K, `${nodes} nodes x ${K} classes`),
  };
  const { feature, threshold, left, right, value } = arrays;
  const importances = field("importances", Float64Array, T * F, `${T} trees x ${F} features`);
  for (let i = 0; i < importances.length; i++) {
    const v = importances[i]!;
    if (!(v >= 0 && v < Infinity))
      throw new RangeError(
        `${source}: \`importances[${i}]\` (tree ${Math.floor(i / F)}, feature ${i % F}) must be a finite number >= 0, received ${String(v)}`,
      );
  }

  const roots = new Int32Array(T);
  let reached = new Uint8Array(0);
  let r = 0;
  for (let t = 0; t < T; t++) {
    const S = treeSizes[t]!;
    roots[t] = r;
    if (reached.length < S) reached = new Uint8Array(S);
    else reached.fill(0, 0, S);
    const at = (name: string, i: number) =>
      `${source}: \`trees[${t}].${name}[${i}]\` (${name}[${r + i}] of the flat array)`;
    for (let i = 0; i < S; i++) {
      const n = r + i;
      const f = feature[n]!;
      if (f === -1) {
        if (left[n] !== -1 || right[n] !== -1)
          throw new RangeError(
            `${at(left[n] !== -1 ? "left" : "right", i)} must be -1 at a leaf (feature -1), received ${left[n] !== -1 ? left[n] : right[n]}`,
          );
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const p = value[n * K + k]!;
          if (!(p >= 0 && p <= 1))
            throw new RangeError(
              `${source}: \`trees[${t}].value[${i}][${k}]\` (leaf class frequency) must be in [0, 1], received ${String(p)}`,
            );
          sum += p;
        }
        if (sum !== 0 && Math.abs(sum - 1) > SUM_TOLERANCE)
          throw new RangeError(
            `${source}: \`trees[${t}].value[${i}]\` (leaf class frequencies) must sum to 1, received a sum of ${+sum.toPrecision(6)}`,
          );
        continue;
      }
      if (f < 0 || f >= F)
        throw new RangeError(
          `${at("feature", i)} must be -1 (leaf) or a feature index in 0..${F - 1}, received ${f}`,
        );
      if (!Number.isFinite(threshold[n]!))
        throw new RangeError(
          `${at("threshold", i)} must be a finite split threshold, received ${threshold[n]}`,
        );
      for (let side = 0; side < 2; side++) {
        const arr = side === 0 ? left : right;
        const c = arr[n]!;
        if (c <= i || c >= S || reached[c]) {
          const name = side === 0 ? "left" : "right";
          throw new RangeError(
            reached[c] && c > i && c < S
              ? `${at(name, i)} = ${c} is already a child of another node or of this one (a tree reaches each node once)`
              : `${at(name, i)} must be a node after ${i} in its tree (${i + 1}..${S - 1}), received ${c}${c >= 0 && c <= i ? ": the tree would loop back to a node at or above it" : ""}`,
          );
        }
        reached[c] = 1;
        arr[n] = r + c;
      }
    }
    for (let i = 1; i < S; i++)
      if (!reached[i])
        throw new RangeError(
          `${source}: \`trees[${t}]\` node ${i} is not reached from the root (no node has it as a child)`,
        );
    r += S;
  }

  return {
    ...arrays,
    classes: [...(classes as number[])],
    nClasses: K,
    nFeatures: F,
    roots,
    treeSizes,
    importances,
    oobError,
    ...(options ? { options: options as Record<string, unknown> } : {}),
  };
}
