// Label ids of an instance volume mapped to compact grain indices 0..n-1 (ascending label).
import { expectedError } from "../util/checks.js";
import { checkVolume } from "../volume/check.js";
import type { Volume } from "../volume/types.js";

/** Largest label kept in a dense lookup table; above it a Map is used. */
const DENSE_LIMIT = 1 << 24;

/** The labels of a volume (0 = background) and their compact indices. */
export interface LabelIndex {
  /** Label ids, ascending. */
  labels: Float64Array;
  /** Compact index of a label (-1 for 0 or a label that does not occur). */
  indexOf(label: number): number;
  /** Dense table `label -> index` when the labels are small enough, else null. */
  dense: Int32Array | null;
}

/** Check an instance volume: integer dtype (uint8, uint16, int32, uint32), no negative label. */
export function checkLabels(labels: unknown, name = "labels"): asserts labels is Volume {
  checkVolume(labels, name, { dtypes: ["uint8", "uint16", "int32", "uint32"] });
}

/** Scan the labels once and index them. */
export function labelIndex(labels: Volume, name = "labels"): LabelIndex {
  const data = labels.data;
  let max = 0;
  let min = 0;
  // One pass: extremes, and which labels occur while they fit a dense table.
  let seen = new Uint8Array(256);
  let dense = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v > max) {
      max = v;
      if (dense && v >= seen.length) {
        if (v > DENSE_LIMIT) dense = false;
        else {
          const grown = new Uint8Array(Math.min(DENSE_LIMIT + 1, Math.max(2 * seen.length, v + 1)));
          grown.set(seen);
          seen = grown;
        }
      }
    } else if (v < min) min = v;
    if (dense) seen[v] = 1;
  }
  if (min < 0) throw expectedError(`${name}.data`, "labels >= 0 (0 = background)", min);
  if (dense) {
    const table = new Int32Array(max + 1).fill(-1);
    let n = 0;
    for (let l = 1; l <= max; l++) if (seen[l]) table[l] = n++;
    const ids = new Float64Array(n);
    for (let l = 1; l <= max; l++) if (seen[l]) ids[table[l]!] = l;
    return { labels: ids, dense: table, indexOf: (l) => (l <= max ? table[l]! : -1) };
  }
  const set = new Set<number>();
  let prev = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== prev && v !== 0) set.add(v);
    prev = v;
  }
  const ids = Float64Array.from(set).sort();
  const map = new Map<number, number>();
  ids.forEach((l, i) => map.set(l, i));
  return { labels: ids, dense: null, indexOf: (l) => map.get(l) ?? -1 };
}
