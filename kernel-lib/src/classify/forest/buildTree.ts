/**
 * Growing one CART tree (Gini impurity) on binned data: depth first, sample
 * indices partitioned in place, per split either a class histogram over the
 * feature's bins (large nodes) or a sort of the node's codes (small nodes).
 * Every step is linear or n log n in the node's samples, so a tree costs
 * about `mtry x n x depth`. @internal
 */
import type { BinnedData } from "./binning.js";
import { createRng } from "../../stats/random.js";
import { allocNodes, type NodeArrays } from "./nodes.js";
import { treeSeed } from "./rng.js";

/** Resolved per-tree settings. @internal */
export interface TreeSettings {
  /** Features drawn per split (non-constant ones counted, as sklearn). */
  mtry: number;
  maxDepth: number;
  minSamplesLeaf: number;
  minSamplesSplit: number;
  bootstrap: boolean;
  /** Bootstrap draws per tree. */
  nBootstrap: number;
  /** Weight of each class. */
  classWeight: Float64Array;
  seed: number;
}

/** One grown tree, flat arrays (child indices local to the tree; feature -1 marks a leaf). @internal */
export interface TreeArrays extends NodeArrays {
  /** Impurity decrease per feature, normalised to sum 1 (all 0 for a single-leaf tree). */
  importance: Float64Array;
  /** Training rows not in this tree's bootstrap sample, and the leaf each falls into. */
  oobRows: Int32Array;
  oobLeaves: Int32Array;
}

const EPSILON = 2.220446049250313e-16;
const KEY = 2097152; // 2^21: sort keys are code * KEY + position

/** The best split of a node found so far. */
interface BestSplit {
  /** Gini proxy of the split ({@link giniProxy}); -Infinity: none yet. */
  score: number;
  feature: number;
  /** Last bin of the left side and first bin of the right side. */
  bin: number;
  next: number;
  /** Samples on the left. */
  nLeft: number;
  /** Class weights on the left. */
  left: Float64Array;
}

/** Gini impurity of class weights `c` summing to `w`: `1 - sum_k c_k^2 / w^2`. */
function gini(c: Float64Array, K: number, w: number): number {
  let sq = 0;
  for (let k = 0; k < K; k++) sq += c[k]! * c[k]!;
  return 1 - sq / (w * w);
}

/**
 * sklearn's proxy of the impurity decrease of a split (larger is better):
 * `sum_k L_k^2 / wL + sum_k R_k^2 / wR`, L the left class weights, R = totals - L.
 */
function giniProxy(left: Float64Array, totals: Float64Array, K: number, wl: number, wr: number) {
  let sl = 0;
  let sr = 0;
  for (let k = 0; k < K; k++) {
    const a = left[k]!;
    const r = totals[k]! - a;
    sl += a * a;
    sr += r * r;
  }
  return sl / wl + sr / wr;
}

/**
 * Score the candidate split "left = the `nLeft` samples swept so far (class
 * weights `left`, sum `wl`)" between bins `bin` and `next` of feature `f`,
 * and keep it when it beats the best (the first best one wins).
 */
function offerSplit(
  best: BestSplit,
  left: Float64Array,
  totals: Float64Array,
  K: number,
  wl: number,
  W: number,
  f: number,
  bin: number,
  next: number,
  nLeft: number,
): void {
  const wr = W - wl;
  if (!(wl > 0 && wr > 0)) return;
  const score = giniProxy(left, totals, K, wl, wr);
  if (score > best.score) {
    best.score = score;
    best.feature = f;
    best.bin = bin;
    best.next = next;
    best.nLeft = nLeft;
    best.left.set(left);
  }
}

/** Grow tree `index` of a forest. @internal */
export function buildTree(data: BinnedData, s: TreeSettings, index: number): TreeArrays {
  const { n, nFeatures: F, codes, nBins, binOffset, binLo, binHi, y, nClasses: K } = data;
  const rng = createRng(treeSeed(s.seed, index));
  const w = new Float64Array(n);
  let counts: Int32Array | undefined;
  let m = 0;
  if (s.bootstrap) {
    counts = new Int32Array(n);
    for (let k = 0; k < s.nBootstrap; k++) counts[rng.int(n)]!++;
    for (let i = 0; i < n; i++) if (counts[i]! > 0) m++;
  } else m = n;
  let idx = new Int32Array(m);
  {
    let j = 0;
    for (let i = 0; i < n; i++) {
      const c = counts ? counts[i]! : 1;
      const wi = c * s.classWeight[y[i]!]!;
      if (wi === 0) continue; // zero-weight samples take no part (as in sklearn)
      idx[j++] = i;
      w[i] = wi;
    }
    m = j;
    idx = idx.subarray(0, m);
  }
  // Sample counts per bin are only needed to enforce minSamplesLeaf > 1
  // (every sample has a positive weight, so a bin is empty iff its weight is 0).
  const countSamples = s.minSamplesLeaf > 1;

  let maxBins = 1;
  for (let f = 0; f < F; f++) maxBins = Math.max(maxBins, nBins[f]!);
  const histW = new Float64Array(maxBins * K);
  const histN = new Int32Array(maxBins);
  const keys = new Float64Array(m);
  const local = new Int32Array(m);
  const perm = new Int32Array(F);
  for (let f = 0; f < F; f++) perm[f] = f;
  const left = new Float64Array(K);
  const right = new Float64Array(K);
  const totals = new Float64Array(K);
  const best: BestSplit = {
    score: -Infinity,
    feature: -1,
    bin: -1,
    next: -1,
    nLeft: 0,
    left: new Float64Array(K),
  };

  // Node storage, grown on demand.
  let cap = Math.max(16, Math.min(2 * m + 1, 1024));
  let store = allocNodes(cap, K);
  let { feature, threshold, left: lchild, right: rchild, value } = store;
  let splitBin = new Int32Array(cap);
  let nodes = 0;
  const grow = () => {
    cap *= 2;
    store = allocNodes(cap, K, store);
    ({ feature, threshold, left: lchild, right: rchild, value } = store);
    const bins = new Int32Array(cap);
    bins.set(splitBin);
    splitBin = bins;
  };
  const importance = new Float64Array(F);

  // Stack of pending nodes: start, end, depth, parent (-1 root), side (0 left, 1 right).
  const stack: number[] = [0, m, 0, -1, 0];
  while (stack.length > 0) {
    const side = stack.pop()!;
    const parent = stack.pop()!;
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    if (nodes === cap) grow();
    const node = nodes++;
    if (parent >= 0) {
      if (side === 0) lchild[parent] = node;
      else rchild[parent] = node;
    }
    const nNode = end - start;
    totals.fill(0);
    for (let p = start; p < end; p++) {
      const i = idx[p]!;
      totals[y[i]!] += w[i]!;
    }
    let W = 0;
    for (let k = 0; k < K; k++) W += totals[k]!;
    const impurity = W > 0 ? gini(totals, K, W) : 0;
    let isLeaf =
      depth >= s.maxDepth ||
      nNode < s.minSamplesSplit ||
      nNode < 2 * s.minSamplesLeaf ||
      impurity <= EPSILON;

    best.score = -Infinity;
    best.feature = -1;
    if (!isLeaf) {
      const minLeaf = s.minSamplesLeaf;
      let nonConstant = 0;
      for (let j = 0; j < F && nonConstant < s.mtry; j++) {
        const r = j + rng.int(F - j);
        const f = perm[r]!;
        perm[r] = perm[j]!;
        perm[j] = f;
        const nb = nBins[f]!;
        const col = f * n;
        // Candidates "left = bins <= prev" are scored as sklearn's proxy
        // (sum_k L_k^2 / wL + sum_k R_k^2 / wR); the first best one wins.
        let prev = -1;
        let nL = 0;
        let wl = 0;
        if (nb <= 4 * nNode || nNode >= KEY) {
          // Histogram over the bins.
          let lo = nb;
          let hi = -1;
          for (let p = start; p < end; p++) {
            const i = idx[p]!;
            const b = codes[col + i]!;
            if (countSamples) histN[b]!++;
            histW[b * K + y[i]!] += w[i]!;
            if (b < lo) lo = b;
            if (b > hi) hi = b;
          }
          if (lo < hi) {
            nonConstant++;
            left.fill(0);
            for (let b = lo; b <= hi; b++) {
              let wb = 0;
              for (let k = 0; k < K; k++) wb += histW[b * K + k]!;
              if (wb === 0) continue;
              const c = countSamples ? histN[b]! : 1;
              if (prev >= 0 && nL >= minLeaf && nNode - nL >= minLeaf)
                offerSplit(best, left, totals, K, wl, W, f, prev, b, nL);
              nL += c;
              for (let k = 0; k < K; k++) left[k] += histW[b * K + k]!;
              wl += wb;
              prev = b;
            }
          }
          if (countSamples) histN.fill(0, lo, hi + 1);
          histW.fill(0, lo * K, (hi + 1) * K);
        } else {
          // Sort the node's codes (with positions) and sweep.
          for (let q = 0; q < nNode; q++) {
            const i = idx[start + q]!;
            local[q] = i;
            keys[q] = codes[col + i]! * KEY + q;
          }
          if (nNode <= 48) {
            for (let q = 1; q < nNode; q++) {
              const v = keys[q]!;
              let r = q - 1;
              while (r >= 0 && keys[r]! > v) {
                keys[r + 1] = keys[r]!;
                r--;
              }
              keys[r + 1] = v;
            }
          } else keys.subarray(0, nNode).sort();
          const first = Math.floor(keys[0]! / KEY);
          const last = Math.floor(keys[nNode - 1]! / KEY);
          if (first === last) continue;
          nonConstant++;
          left.fill(0);
          for (let q = 0; q < nNode; q++) {
            const key = keys[q]!;
            const code = Math.floor(key / KEY);
            const i = local[key - code * KEY]!;
            if (q > 0 && code !== prev && q >= minLeaf && nNode - q >= minLeaf)
              offerSplit(best, left, totals, K, wl, W, f, prev, code, q);
            const wi = w[i]!;
            left[y[i]!] += wi;
            wl += wi;
            prev = code;
          }
        }
      }
      if (best.feature < 0) isLeaf = true;
    }

    if (isLeaf) {
      feature[node] = -1;
      if (W > 0) for (let k = 0; k < K; k++) value[node * K + k] = totals[k]! / W;
      continue;
    }
    // Split: threshold between the largest value of the left bin and the smallest of the next.
    const bestF = best.feature;
    const bestBin = best.bin;
    const off = binOffset[bestF]!;
    const a = binHi[off + bestBin]!;
    const b = binLo[off + best.next]!;
    let t = Math.fround(a / 2 + b / 2);
    if (!(t < b) || !Number.isFinite(t)) t = a;
    feature[node] = bestF;
    threshold[node] = t;
    splitBin[node] = bestBin;
    // Impurity decrease (sklearn's compute_feature_importances numerator).
    let wl = 0;
    for (let k = 0; k < K; k++) wl += best.left[k]!;
    const wr = W - wl;
    for (let k = 0; k < K; k++) right[k] = totals[k]! - best.left[k]!;
    const impL = gini(best.left, K, wl);
    const impR = gini(right, K, wr);
    importance[bestF] += W * impurity - wl * impL - wr * impR;
    // Stable partition of [start, end) by code <= bestBin: sample indices
    // stay ascending within a node, so the gathers of the next splits walk
    // the feature columns forward (cache and prefetch friendly).
    const col = bestF * n;
    let i0 = start;
    let nr = 0;
    for (let p = start; p < end; p++) {
      const i = idx[p]!;
      if (codes[col + i]! <= bestBin) idx[i0++] = i;
      else local[nr++] = i;
    }
    idx.set(local.subarray(0, nr), i0);
    if (countSamples && i0 - start !== best.nLeft)
      throw new Error("internal: partition size mismatch");
    // right first, so the left child is grown next (sklearn's depth-first order)
    stack.push(i0, end, depth + 1, node, 1);
    stack.push(start, i0, depth + 1, node, 0);
  }

  // sklearn: importances / root weight, then normalised to sum 1.
  let sum = 0;
  for (let f = 0; f < F; f++) sum += importance[f]!;
  if (sum > 0) for (let f = 0; f < F; f++) importance[f] = importance[f]! / sum;

  // Out-of-bag rows and their leaves (walked on the codes: code <= splitBin is x <= threshold).
  let oobRows = new Int32Array(0);
  let oobLeaves = new Int32Array(0);
  if (counts) {
    oobRows = new Int32Array(n - m);
    oobLeaves = new Int32Array(n - m);
    let j = 0;
    for (let i = 0; i < n; i++) {
      if (counts[i]! > 0) continue;
      let nd = 0;
      while (feature[nd]! >= 0) {
        nd = codes[feature[nd]! * n + i]! <= splitBin[nd]! ? lchild[nd]! : rchild[nd]!;
      }
      oobRows[j] = i;
      oobLeaves[j++] = nd;
    }
  }
  return {
    feature: feature.slice(0, nodes),
    threshold: threshold.slice(0, nodes),
    left: lchild.slice(0, nodes),
    right: rchild.slice(0, nodes),
    value: value.slice(0, nodes * K),
    importance,
    oobRows,
    oobLeaves,
  };
}
