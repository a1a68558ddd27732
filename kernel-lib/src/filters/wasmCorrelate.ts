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

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];

// Instructions used below.
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];
const i32const = (n: number) => [0x41, ...sleb(n)];
const I32_ADD = [0x6a];
const I32_SUB = [0x6b];
const I32_EQZ = [0x45];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const br = (depth: number) => [0x0c, depth];
const brIf = (depth: number) => [0x0d, depth];
/** `local = local op by` (`by`: the instructions that push the operand; `op`: add or subtract). */
const update = (local: number, by: number[], op = I32_ADD) => [
  ...get(local),
  ...by,
  ...op,
  ...set(local),
];
/** `to = from`. */
const copy = (from: number, to: number) => [...get(from), ...set(to)];
/** `while (counter !== 0) { body }` (the body must change the counter). */
const whileNonZero = (counter: number, body: number[]) => [
  ...BLOCK,
  ...LOOP,
  ...get(counter),
  ...I32_EQZ,
  ...brIf(1),
  ...body,
  ...br(0),
  ...END,
  ...END,
];
const simd = (op: number) => [0xfd, ...uleb(op)];
const v128Load = (offset: number) => [...simd(0x00), 0, ...uleb(offset)];
const v128Store = (offset: number) => [...simd(0x0b), 0, ...uleb(offset)];
const V128_ZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];
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

/** `\0asm` and binary format version 1. */
const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function moduleBytes(): Uint8Array {
  const body = correlateBody();
  const params = new Array<number[]>(9).fill([I32]);
  return new Uint8Array([
    ...MAGIC_AND_VERSION,
    ...section(1, vec([[0x60, ...vec(params), 0]])), // type: (i32 x 9) -> ()
    ...section(3, vec([[0]])), // one function of type 0
    ...section(5, vec([[0x00, 1]])), // memory, min 1 page
    ...section(
      7,
      vec([
        [...name("corr"), 0x00, 0],
        [...name("memory"), 0x02, 0],
      ]),
    ),
    ...section(10, vec([[...uleb(body.length), ...body]])),
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

// The ES2022 lib used here has no WebAssembly typings: the few members used.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/** A new instance (with its own memory) of the correlation module; compiled once per thread. */
export function instantiateCorrelate(): CorrelateExports {
  if (compiled === undefined) {
    const bytes = moduleBytes();
    if (!wasm.validate(bytes)) {
      throw new Error(
        "this JavaScript engine lacks WebAssembly SIMD (needed by the filters); use Node >= 20",
      );
    }
    compiled = new wasm.Module(bytes);
  }
  return new wasm.Instance(compiled).exports as unknown as CorrelateExports;
}
