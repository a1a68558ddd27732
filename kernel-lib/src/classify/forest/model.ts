import { checkNonNegativeInt, checkOneOf, expectedError } from "../../util/checks.js";
import { argmaxRows } from "../../volume/argmax.js";
import { checkForestJSON } from "./checkForestJSON.js";
import type { NodeArrays } from "./nodes.js";
import { packForest, predictRowsInto, type PackedForest } from "./predictRows.js";

/** Row layout of a samples matrix given to a forest. */
export interface PredictOptions {
  /**
   * `"samples"`: row-major `count x nFeatures` (row i at `i * nFeatures`, as
   * {@link featuresAtLabels} returns); `"channels"`: channel-major, feature f
   * of row i at `f * count + i` (as {@link computeFeatures} returns).
   * @default "samples"
   */
  layout?: "samples" | "channels";
  /** Number of rows. @default samples.length / nFeatures */
  count?: number;
}

/** JSON form of a {@link RandomForest} (typed arrays as base64, little-endian). */
export interface ForestJSON {
  format: "tomolab-random-forest";
  version: 1;
  classes: number[];
  nFeatures: number;
  nTrees: number;
  oobError: number | null;
  /** Node count of each tree. */
  treeSizes: number[];
  /** base64 of Int32Array / Float32Array / Float64Array data. */
  feature: string;
  threshold: string;
  left: string;
  right: string;
  value: string;
  /** Per-tree importances (nTrees x nFeatures, Float64). */
  importances: string;
  /** The options the forest was trained with (informative). */
  options?: Record<string, unknown>;
}

/** A trained random forest classifier (see {@link trainForest}). */
export interface RandomForest {
  /** Sorted distinct label values; probability column k is `classes[k]`. */
  readonly classes: number[];
  /** Number of features (columns) a sample has. */
  readonly nFeatures: number;
  readonly nTrees: number;
  /** Out-of-bag error (fraction of training rows misclassified by the trees that did not see them), when trained with bootstrap. */
  readonly oobError: number | undefined;
  /** Mean decrease in Gini impurity per feature, normalised to sum 1 (sklearn's `feature_importances_`). */
  featureImportances(): Float64Array;
  /** Class probabilities (mean of the trees' leaf frequencies): `count x classes.length`, row-major. */
  predictProba(samples: Float32Array, options?: PredictOptions): Float32Array;
  /** Class values (argmax of {@link RandomForest.predictProba}; ties go to the first class). */
  predict(samples: Float32Array, options?: PredictOptions): Int32Array;
  /** JSON-safe copy that {@link forestFromJSON} restores exactly. */
  toJSON(): ForestJSON;
}

/** Flat node arrays of all trees (child indices absolute; feature -1 marks a leaf). @internal */
export interface ForestArrays extends NodeArrays {
  nClasses: number;
  nFeatures: number;
  /** Root node of each tree. */
  roots: Int32Array;
}

/** Everything that defines a forest. @internal */
export interface ForestParts extends ForestArrays {
  classes: number[];
  treeSizes: Int32Array;
  /** nTrees x nFeatures. */
  importances: Float64Array;
  oobError: number | undefined;
  options?: Record<string, unknown>;
}

/** Rows of a samples matrix, checked. @internal */
export function resolveRows(
  samples: unknown,
  nFeatures: number,
  options: PredictOptions | undefined,
  name = "samples",
): { layout: "samples" | "channels"; count: number } {
  if (!(samples instanceof Float32Array))
    throw expectedError(name, "a Float32Array", samples, TypeError);
  const layout = checkOneOf(options?.layout ?? "samples", "layout", ["samples", "channels"]);
  if (options?.count === undefined) {
    if (samples.length % nFeatures !== 0) {
      throw new RangeError(
        `\`${name}\` has ${samples.length} values, not a multiple of the forest's ${nFeatures} features`,
      );
    }
    return { layout, count: samples.length / nFeatures };
  }
  const count = checkNonNegativeInt(options.count, "count");
  if (count * nFeatures > samples.length) {
    throw new RangeError(
      `\`${name}\` has ${samples.length} values, fewer than count x nFeatures = ${count} x ${nFeatures}`,
    );
  }
  return { layout, count };
}

/**
 * `forest` as the implementation, for the functions that read its packed
 * arrays (a look-alike object with the same methods is refused). @internal
 */
export function checkForest(forest: unknown, name = "forest"): Forest {
  if (!(forest instanceof Forest))
    throw expectedError(
      name,
      "a RandomForest from trainForest or forestFromJSON",
      forest,
      TypeError,
    );
  return forest;
}

/** Throw if any value the forest will read is NaN. @internal */
export function checkNoNaN(samples: Float32Array, n: number, name: string): void {
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(samples[i]!)) {
      throw new RangeError(`\`${name}\` holds NaN (first at index ${i}); features must be numbers`);
    }
  }
}

function toBase64(a: Int32Array | Float32Array | Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

/** The forest implementation. @internal */
export class Forest implements RandomForest {
  readonly classes: number[];
  readonly nFeatures: number;
  readonly nTrees: number;
  readonly oobError: number | undefined;
  /** @internal */
  readonly parts: ForestParts;
  private packed: PackedForest;
  private shared: PackedForest | undefined;

  constructor(parts: ForestParts) {
    this.parts = parts;
    this.classes = [...parts.classes];
    this.nFeatures = parts.nFeatures;
    this.nTrees = parts.roots.length;
    this.oobError = parts.oobError;
    this.packed = packForest(parts, false);
  }

  featureImportances(): Float64Array {
    const F = this.nFeatures;
    const out = new Float64Array(F);
    let used = 0;
    for (let t = 0; t < this.nTrees; t++) {
      let s = 0;
      for (let f = 0; f < F; f++) s += this.parts.importances[t * F + f]!;
      if (this.parts.treeSizes[t]! <= 1 || s === 0) continue;
      used++;
      for (let f = 0; f < F; f++) out[f] += this.parts.importances[t * F + f]!;
    }
    if (used === 0) return out;
    let sum = 0;
    for (let f = 0; f < F; f++) sum += out[f]! / used;
    for (let f = 0; f < F; f++) out[f] = out[f]! / used / sum;
    return out;
  }

  predictProba(samples: Float32Array, options?: PredictOptions): Float32Array {
    const { layout, count } = resolveRows(samples, this.nFeatures, options);
    const out = new Float32Array(count * this.classes.length);
    // NaN is found by the walk's own pass over the rows; then the scan names its index
    if (predictRowsInto(this.packed, samples, layout, count, 0, count, out, 0))
      checkNoNaN(samples, count * this.nFeatures, "samples");
    return out;
  }

  predict(samples: Float32Array, options?: PredictOptions): Int32Array {
    const proba = this.predictProba(samples, options);
    const K = this.classes.length;
    const rows = proba.length / K;
    const out = new Int32Array(rows);
    argmaxRows(proba, K, rows, out, this.classes);
    return out;
  }

  /** The forest packed for prediction in shared memory (made once), for worker threads. @internal */
  sharedPacked(): PackedForest {
    this.shared ??= packForest(this.parts, true);
    return this.shared;
  }

  toJSON(): ForestJSON {
    const p = this.parts;
    // child indices stored local to each tree, so the JSON does not depend on the concatenation
    const left = new Int32Array(p.left.length);
    const right = new Int32Array(p.right.length);
    for (let t = 0; t < this.nTrees; t++) {
      const r = p.roots[t]!;
      const e = r + p.treeSizes[t]!;
      for (let i = r; i < e; i++) {
        left[i] = p.feature[i]! >= 0 ? p.left[i]! - r : -1;
        right[i] = p.feature[i]! >= 0 ? p.right[i]! - r : -1;
      }
    }
    return {
      format: "tomolab-random-forest",
      version: 1,
      classes: [...p.classes],
      nFeatures: p.nFeatures,
      nTrees: this.nTrees,
      oobError: p.oobError ?? null,
      treeSizes: Array.from(p.treeSizes),
      feature: toBase64(p.feature),
      threshold: toBase64(p.threshold),
      left: toBase64(left),
      right: toBase64(right),
      value: toBase64(p.value),
      importances: toBase64(p.importances),
      ...(p.options ? { options: p.options } : {}),
    };
  }
}

/** Options of {@link forestFromJSON}. */
export interface ForestFromJSONOptions {
  /** What the JSON came from, named in error messages (e.g. its file). @default "forest JSON" */
  source?: string;
}

/**
 * Restore a forest saved with {@link RandomForest.toJSON} (e.g. after
 * `JSON.stringify` to a file): predictions and importances are identical.
 * The whole structure is checked first (field types and lengths, each tree
 * a tree: every node reached once from the root, children after their
 * parent, feature indices below `nFeatures`, finite thresholds, leaf class
 * frequencies in [0, 1] summing to 1), so a damaged or hand-edited file
 * gives an error instead of a prediction that never returns.
 * @param json - The object `toJSON()` returned (or its parsed JSON text).
 * @returns The forest.
 * @throws TypeError / RangeError naming the source and the field, e.g.
 *   `forest JSON: \`trees[3].left[17]\` must be a node after 17 ...`.
 * @example
 * ```ts
 * await writeFile("forest.json", JSON.stringify(forest));
 * const again = forestFromJSON(JSON.parse(await readFile("forest.json", "utf8")));
 * ```
 */
export function forestFromJSON(
  json: ForestJSON,
  options: ForestFromJSONOptions = {},
): RandomForest {
  const source = options.source ?? "forest JSON";
  if (typeof source !== "string") throw expectedError("source", "a string", source, TypeError);
  return new Forest(checkForestJSON(json, source));
}
