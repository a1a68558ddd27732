/**
 * A small WebAssembly module holding the tree walk of forest prediction,
 * assembled here from its opcodes (no build tool, no binary file).
 *
 * Why WebAssembly: the same walk in JavaScript re-reads each typed array's
 * base and length and checks bounds at every step, and widens every float32
 * to float64 before comparing; here a step is a few loads from one 16-byte
 * node, one float32 comparison and a `select` (no branch to mispredict on
 * the split outcome), for {@link LOCKSTEP} rows at once.
 * The arithmetic is the one of the JavaScript walk: float32 `x <= threshold`,
 * leaf probabilities widened to float64 and summed per row in tree order, so
 * results are identical. A second function tells whether a block holds NaN.
 *
 * @internal
 */

import {
  BLOCK,
  END,
  I32,
  I32_ADD,
  I32_SUB,
  LOOP,
  V128,
  V128_ZERO,
  br,
  brIf,
  compiledOnce,
  get,
  i32const as i32c,
  set,
  simd,
  tee,
  uleb,
  vec,
  wasmModule,
  whileNonZero,
  type WasmMemory,
} from "../../util/wasmAssembly.js";

/** Memory access with alignment 2^`align` and a constant byte offset. */
const mem = (op: number, align: number, offset = 0) => [op, align, ...uleb(offset)];
const I32_LOAD = (off = 0) => mem(0x28, 2, off);
const F32_LOAD = (off = 0) => mem(0x2a, 2, off);
const F64_LOAD = (off = 0) => mem(0x2b, 3, off);
const F64_STORE = (off = 0) => mem(0x39, 3, off);
const ADD = I32_ADD;
const SUB = I32_SUB;
const SHL = [0x74];
const GE_S = [0x4e];
const OR = [0x72];
const MUL = [0x6c];
const SELECT = [0x1b];
const F32_LE = [0x5f];
const F64_ADD = [0xa0];
const F64_PROMOTE = [0xbb];
const V128_LOAD = [...simd(0x00), 4, 0];
const F32X4_NE = simd(0x42);
const V128_OR = simd(0x50);
const V128_ANY_TRUE = simd(0x53);
const add = (local: number, by: number[]) => [...get(local), ...by, ...ADD, ...set(local)];
const dec = (local: number) => [...get(local), ...i32c(1), ...SUB, ...set(local)];
/** Bytes per packed node: feature (i32), threshold (f32), right (i32), leaf (i32). */
export const NODE_BYTES = 16;

/** Parameters (all byte addresses or counts) of `walk`, and its first locals. */
const P = { nodes: 0, values: 1, roots: 2, trees: 3, x: 4, rowBytes: 5, rows: 6, acc: 7, K: 8 };
const L = { root: 9, xr: 10, a: 11, r: 12, k: 13, vp: 14 };
/** Locals of lockstep row `i`: its feature pointer, node index, node address and leaf word. */
const row = (i: number) => ({ xr: 15 + 4 * i, o: 16 + 4 * i, n: 17 + 4 * i, l: 18 + 4 * i });

/**
 * `walk(nodes, values, roots, trees, x, rowBytes, rows, acc, K)`: for each of
 * `trees` trees (root node indices at `roots`, i32) and each of `rows` rows
 * (a multiple of `G`; row `r`'s float32 features at `x + r * rowBytes`), walk
 * from the root to a leaf and add the leaf's K probabilities, as float64, to
 * `acc + 8 K r`. Node `o` is at `nodes + 16 o`: feature, threshold, right,
 * leaf; a split goes to `o + 1` when `x[feature] <= threshold`, else to
 * `right`, and has leaf -1; a leaf holds its float32 `values` offset in
 * `leaf` and loops to itself (feature 0, threshold NaN, right itself), so `G`
 * rows walk in lockstep until all are at leaves: their independent chains of
 * loads overlap. Trees are the outer loop, so the tree's nodes stay in cache
 * over the rows.
 */
function walkBody(G: number): number[] {
  const rows = Array.from({ length: G }, (_, i) => row(i));
  const at = (o: number, n: number) => [
    ...get(P.nodes),
    ...get(o),
    ...i32c(4),
    ...SHL,
    ...ADD,
    ...tee(n),
    ...I32_LOAD(12),
  ];
  const cmp = (q: ReturnType<typeof row>) => [
    ...get(q.xr),
    ...get(q.n),
    ...I32_LOAD(),
    ...i32c(2),
    ...SHL,
    ...ADD,
    ...F32_LOAD(),
    ...get(q.n),
    ...F32_LOAD(4),
    ...F32_LE,
  ];
  // o = x[feature] <= threshold ? o + 1 : right, by `select`: no branch to mispredict
  const step = (q: ReturnType<typeof row>) => [
    ...get(q.o),
    ...i32c(1),
    ...ADD,
    ...get(q.n),
    ...I32_LOAD(8),
    ...cmp(q),
    ...SELECT,
    ...set(q.o),
    ...at(q.o, q.n),
    ...set(q.l),
  ];
  const anySplit = rows.flatMap((q, i) => [...get(q.l), ...(i > 0 ? OR : [])]);
  const descend = [
    ...rows.flatMap((q, i) => [
      ...get(L.xr),
      ...(i > 0 ? [...get(P.rowBytes), ...i32c(i), ...MUL, ...ADD] : []),
      ...set(q.xr),
      ...get(L.root),
      ...set(q.o),
      ...at(q.o, q.n),
      ...set(q.l),
    ]),
    ...BLOCK,
    ...LOOP,
    ...anySplit,
    ...i32c(0),
    ...GE_S,
    ...brIf(1),
    ...rows.flatMap(step),
    ...br(0),
    ...END,
    ...END,
  ];
  // acc[a + k] += values[leaf + k] for k < K (K >= 1), row after row
  const accumulate = rows.flatMap((q) => [
    ...get(P.values),
    ...get(q.l),
    ...i32c(2),
    ...SHL,
    ...ADD,
    ...set(L.vp),
    ...get(P.K),
    ...set(L.k),
    ...LOOP,
    ...get(L.a),
    ...get(L.a),
    ...F64_LOAD(),
    ...get(L.vp),
    ...F32_LOAD(),
    ...F64_PROMOTE,
    ...F64_ADD,
    ...F64_STORE(),
    ...add(L.a, i32c(8)),
    ...add(L.vp, i32c(4)),
    ...get(L.k),
    ...i32c(1),
    ...SUB,
    ...tee(L.k),
    ...brIf(0),
    ...END,
  ]);
  const groups = whileNonZero(L.r, [
    ...descend,
    ...accumulate,
    ...add(L.xr, [...get(P.rowBytes), ...i32c(G), ...MUL]),
    ...get(L.r),
    ...i32c(G),
    ...SUB,
    ...set(L.r),
  ]);
  const trees = whileNonZero(P.trees, [
    ...get(P.roots),
    ...I32_LOAD(),
    ...set(L.root),
    ...add(P.roots, i32c(4)),
    ...get(P.x),
    ...set(L.xr),
    ...get(P.acc),
    ...set(L.a),
    ...get(P.rows),
    ...set(L.r),
    ...groups,
    ...dec(P.trees),
  ]);
  return [...vec([[...uleb(6 + 4 * G), I32]]), ...trees, ...END];
}

/**
 * `hasNaN(x, vectors)`: 1 if any of the `4 * vectors` float32 values at `x`
 * (16-byte aligned) is NaN, else 0 (one SIMD pass; x !== x only for NaN).
 */
function hasNaNBody(): number[] {
  const x = 0;
  const n = 1;
  const v = 2;
  const any = 3;
  return [
    ...vec([[2, V128]]),
    ...V128_ZERO,
    ...set(any),
    ...whileNonZero(n, [
      ...get(any),
      ...get(x),
      ...V128_LOAD,
      ...tee(v),
      ...get(v),
      ...F32X4_NE,
      ...V128_OR,
      ...set(any),
      ...add(x, i32c(16)),
      ...dec(n),
    ]),
    ...get(any),
    ...V128_ANY_TRUE,
    ...END,
  ];
}

/**
 * Rows walked in lockstep. Measured (CPU time, 262k rows, 100 trees, 61 and
 * 183 features): one row at a time with a branch 0.83 and 0.63 s; with
 * `select`, 2 rows 1.05 and 0.87 s, 4 rows 0.72 and 0.64 s, 6 rows 0.63 and
 * 0.53 s, 8 rows 0.65 and 0.50 s, 16 rows 0.69 and 0.48 s; 8 rows with a
 * branch 1.31 and 0.88 s.
 */
export const LOCKSTEP = 8;

function moduleBytes(): Uint8Array {
  return wasmModule([
    { name: "walk", params: new Array<number>(9).fill(I32), results: [], body: walkBody(LOCKSTEP) },
    { name: "hasNaN", params: [I32, I32], results: [I32], body: hasNaNBody() },
  ]);
}

/** The exports of an instance of the walk module. @internal */
export interface WalkExports {
  walk(
    nodes: number,
    values: number,
    roots: number,
    trees: number,
    x: number,
    rowBytes: number,
    rows: number,
    acc: number,
    K: number,
  ): void;
  hasNaN(x: number, vectors: number): number;
  memory: WasmMemory;
}

/** A new instance (with its own memory) of the walk module; compiled once per thread. @internal */
export const instantiateWalk = compiledOnce<WalkExports>(
  moduleBytes,
  "forest prediction needs WebAssembly with SIMD (Node >= 20)",
);
