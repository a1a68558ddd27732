/**
 * The node arrays a tree or a whole forest is stored in (one entry per node,
 * `feature` -1 marking a leaf), shared by training, the JSON form and the
 * prediction packing. @internal
 */

/** Flat node arrays: split feature and threshold, children, and leaf class frequencies. @internal */
export interface NodeArrays {
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** nodes x classes: class probabilities of leaves (0 for inner nodes). */
  value: Float32Array;
}

/**
 * Zeroed node arrays for `nodes` nodes of `nClasses` classes, holding a copy
 * of `from` (fewer nodes) when given (to grow a tree's storage). @internal
 */
export function allocNodes(nodes: number, nClasses: number, from?: NodeArrays): NodeArrays {
  const a: NodeArrays = {
    feature: new Int32Array(nodes),
    threshold: new Float32Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    value: new Float32Array(nodes * nClasses),
  };
  if (from) {
    a.feature.set(from.feature);
    a.threshold.set(from.threshold);
    a.left.set(from.left);
    a.right.set(from.right);
    a.value.set(from.value);
  }
  return a;
}
