/**
 * A tiny WebAssembly (SIMD128) module holding the inner loop of every
 * separable filter: a 1D correlation applied to many rows at once.
 *
 * The module is assembled here from its opcodes (about 200 bytes) so the
 * library needs no build tool and no binary file. Arithmetic is float32,
 * four lanes at a time; each output is `((0 + w0*x0) + w1*x1) + ...` in tap
 * order, a sequence of IEEE float32 operations that does not depend on the
 * position of the voxel in its block, so blockwise results equal
 * whole-volume results bit for bit.
 *
 * @internal
 */

import {
  I32,
  I32_SUB,
  LOOP,
  END,
  V128,
  V128_ZERO,
  brIf,
  compiledOnce,
  get,
  i32const,
  set,
  simd,
  tee,
  uleb,
  update,
  vec,
  wasmModule,
  whileNonZero,
  type WasmMemory,
} from "../util/wasmAssembly.js";

/** `to = from`. */
const copy = (from: number, to: number) => [...get(from), ...set(to)];
const v128Load = (offset: number) => [...simd(0x00), 0, ...uleb(offset)];
const v128Store = (offset: number) => [...simd(0x0b), 0, ...uleb(offset)];
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);

/** Parameters and locals of `corr`; all pointers and strides are in bytes. */
const P = {
  dst: 0,
  src: 1,
  w: 2,
  ntaps: 3,
  tapStride: 4,
  groups: 5,
  rows: 6,
  srcRowStride: 7,
  dstRowStride: 8,
};
const L = { i: 9, k: 10, p: 11, wp: 12, d: 13, s: 14, w: 15, acc: 16 };

/** Vectors (of 4 float32) accumulated per inner iteration: one group is `4 * ACCUMULATORS` outputs. */
export const ACCUMULATORS = 4;
/** Outputs computed per group; rows are rounded up to whole groups. */
export const GROUP = 4 * ACCUMULATORS;

/**
 * `corr(dst, src, w, ntaps, tapStride, groups, rows, srcRowStride, dstRowStride)`:
 * for each of `rows` rows and each of `GROUP*groups` outputs `i` of the row,
 * `dst[i] = sum_k w[k] * src[i + k*tapStride]` (float32), where `w` holds each
 * weight splatted over 4 lanes (16 bytes per tap). Rows advance `dst` and
 * `src` by their row strides; rows are processed in increasing order, so a row
 * may overrun into the next row's output (rewritten afterwards).
 */
function correlateBody(): number[] {
  const accs = Array.from({ length: ACCUMULATORS }, (_, j) => L.acc + j);
  const tap = (acc: number, offset: number) => [
    ...get(acc),
    ...get(L.w),
    ...get(L.p),
    ...v128Load(offset),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(acc),
  ];
  const taps = [
    ...LOOP, // runs at least once: ntaps >= 1
    ...get(L.wp),
    ...v128Load(0),
    ...set(L.w),
    ...accs.flatMap((a, j) => tap(a, 16 * j)),
    ...update(L.p, get(P.tapStride)),
    ...update(L.wp, i32const(16)),
    ...get(L.k),
    ...i32const(1),
    ...I32_SUB,
    ...tee(L.k),
    ...brIf(0),
    ...END,
  ];
  const groups = whileNonZero(L.i, [
    ...accs.flatMap((a) => [...V128_ZERO, ...set(a)]),
    ...copy(L.s, L.p),
    ...copy(P.w, L.wp),
    ...copy(P.ntaps, L.k),
    ...taps,
    ...accs.flatMap((a, j) => [...get(L.d), ...get(a), ...v128Store(16 * j)]),
    ...update(L.d, i32const(16 * ACCUMULATORS)),
    ...update(L.s, i32const(16 * ACCUMULATORS)),
    ...update(L.i, i32const(1), I32_SUB),
  ]);
  const rows = whileNonZero(P.rows, [
    ...copy(P.dst, L.d),
    ...copy(P.src, L.s),
    ...copy(P.groups, L.i),
    ...groups,
    ...update(P.dst, get(P.dstRowStride)),
    ...update(P.src, get(P.srcRowStride)),
    ...update(P.rows, i32const(1), I32_SUB),
  ]);
  const code = [...rows, ...END];
  const locals = vec([
    [...uleb(6), I32],
    [...uleb(1 + ACCUMULATORS), V128],
  ]);
  return [...locals, ...code];
}

function moduleBytes(): Uint8Array {
  return wasmModule([
    { name: "corr", params: new Array<number>(9).fill(I32), results: [], body: correlateBody() },
  ]);
}

/** The exports of an instance of the correlation module. */
export interface CorrelateExports {
  corr(
    dst: number,
    src: number,
    w: number,
    ntaps: number,
    tapStride: number,
    groups: number,
    rows: number,
    srcRowStride: number,
    dstRowStride: number,
  ): void;
  memory: WasmMemory;
}

/** A new instance (with its own memory) of the correlation module; compiled once per thread. */
export const instantiateCorrelate = compiledOnce<CorrelateExports>(
  moduleBytes,
  "this JavaScript engine lacks WebAssembly SIMD (needed by the filters); use Node >= 20",
);
