/** The sparse contingency table of two label volumes (shared by the Rand, VI and IoU scores). */
import { checkNumberArray, checkOptions, expectedError } from "../util/checks.js";
import { checkSameShape, checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";

/** Options of {@link contingencyTable}. */
export interface ContingencyOptions {
  /** Voxels whose truth label is one of these are left out of the table. @default [] */
  ignoreTruth?: readonly number[];
  /** Voxels whose test label is one of these are left out of the table. @default [] */
  ignoreTest?: readonly number[];
}

/**
 * Counts of voxel pairs (truth label, test label), sparse: only the pairs
 * that occur are stored, in a Map keyed by `truthIndex * testLabels.length + testIndex`.
 */
export interface ContingencyTable {
  /** Distinct truth labels, in order of first occurrence. */
  truthLabels: number[];
  /** Distinct test labels, in order of first occurrence. */
  testLabels: number[];
  /** Voxels per truth label (`truthLabels` order). */
  truthSizes: Float64Array;
  /** Voxels per test label (`testLabels` order). */
  testSizes: Float64Array;
  /** Voxel count of each occurring (truth, test) pair, keyed by `i * testLabels.length + j`. */
  pairs: Map<number, number>;
  /** Voxels counted (all voxels minus the ignored ones). */
  total: number;
}

const INTEGER_TYPES = ["Uint8Array", "Uint16Array", "Int32Array", "Uint32Array"];

function checkLabels(v: unknown, name: string): asserts v is Volume {
  checkVolume(v, name);
  const d = (v as Volume).data;
  if (!INTEGER_TYPES.includes(d.constructor.name))
    throw expectedError(
      `${name}.data`,
      "integer labels (uint8, uint16, int32, uint32)",
      d,
      TypeError,
    );
}

/**
 * The contingency table of two label volumes of one shape, built in one pass
 * (labels are mapped to dense indices on first sight; the pair counts are a
 * Map, so memory grows with the number of overlapping pairs, not with the
 * product of the label counts).
 * @param truth - Reference labels (integer dtype).
 * @param test - Labels to score, same shape.
 * @example
 * const t = contingencyTable(truth, predicted, { ignoreTruth: [0] });
 * for (const [key, count] of t.pairs) { const i = Math.floor(key / t.testLabels.length); ... }
 */
export function contingencyTable(
  truth: Volume,
  test: Volume,
  options: ContingencyOptions = {},
): ContingencyTable {
  checkLabels(truth, "truth");
  checkLabels(test, "test");
  checkSameShape(test, "test", truth, "truth");
  checkOptions(options, "options", ["ignoreTruth", "ignoreTest"]);
  const ignoreTruth = new Set(checkNumberArray(options.ignoreTruth ?? [], "ignoreTruth"));
  const ignoreTest = new Set(checkNumberArray(options.ignoreTest ?? [], "ignoreTest"));
  const a = truth.data;
  const b = test.data;
  const n = a.length;
  // First pass: dense indices per label.
  const indexOf = (
    values: Volume["data"],
    skip: Set<number>,
    other: Volume["data"],
    otherSkip: Set<number>,
  ) => {
    const map = new Map<number, number>();
    const labels: number[] = [];
    const idx = new Int32Array(n).fill(-1);
    let last = NaN;
    let lastIdx = -1;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (skip.has(v) || otherSkip.has(other[i]!)) continue;
      if (v !== last) {
        let k = map.get(v);
        if (k === undefined) {
          k = labels.length;
          map.set(v, k);
          labels.push(v);
        }
        last = v;
        lastIdx = k;
      }
      idx[i] = lastIdx;
    }
    return { labels, idx };
  };
  const ta = indexOf(a, ignoreTruth, b, ignoreTest);
  const tb = indexOf(b, ignoreTest, a, ignoreTruth);
  const nb = tb.labels.length;
  if (ta.labels.length * nb > Number.MAX_SAFE_INTEGER)
    throw new RangeError(
      `contingencyTable: ${ta.labels.length} x ${nb} labels exceed the pair-key range`,
    );
  const truthSizes = new Float64Array(ta.labels.length);
  const testSizes = new Float64Array(nb);
  const pairs = new Map<number, number>();
  let total = 0;
  let lastKey = -1;
  let lastCount = 0;
  for (let i = 0; i < n; i++) {
    const ia = ta.idx[i]!;
    if (ia < 0) continue;
    const ib = tb.idx[i]!;
    truthSizes[ia] = truthSizes[ia]! + 1;
    testSizes[ib] = testSizes[ib]! + 1;
    total++;
    const key = ia * nb + ib;
    if (key === lastKey) {
      lastCount++;
      continue;
    }
    if (lastKey >= 0) pairs.set(lastKey, (pairs.get(lastKey) ?? 0) + lastCount);
    lastKey = key;
    lastCount = 1;
  }
  if (lastKey >= 0) pairs.set(lastKey, (pairs.get(lastKey) ?? 0) + lastCount);
  return { truthLabels: ta.labels, testLabels: tb.labels, truthSizes, testSizes, pairs, total };
}
