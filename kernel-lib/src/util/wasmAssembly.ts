/**
 * The few pieces of the WebAssembly binary format (core 1.0 + SIMD128) that the
 * library's hand-assembled modules share: LEB128 numbers, vectors, sections,
 * the instructions every loop needs, a module of exported functions over one
 * memory, and compiling it once per thread. The modules themselves
 * (filters/wasmCorrelate.ts, classify/forest/wasmWalk.ts) hold their bodies.
 *
 * @internal
 */

/** Value types. */
export const I32 = 0x7f;
export const V128 = 0x7b;

/** Unsigned LEB128 of a non-negative integer < 2^32. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
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

/** A name: its byte length, then its (ASCII) bytes. */
export const name = (s: string): number[] => [
  ...uleb(s.length),
  ...Array.from(s, (c) => c.charCodeAt(0)),
];
/** A vector: its length, then its items. */
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
/** A section: id, byte size, contents. */
export const section = (id: number, bytes: number[]): number[] => [
  id,
  ...uleb(bytes.length),
  ...bytes,
];

// Instructions every module here uses.
export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const tee = (i: number): number[] => [0x22, ...uleb(i)];
export const i32const = (n: number): number[] => [0x41, ...sleb(n)];
export const I32_ADD = [0x6a];
export const I32_SUB = [0x6b];
export const I32_EQZ = [0x45];
export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const END = [0x0b];
export const br = (depth: number): number[] => [0x0c, depth];
export const brIf = (depth: number): number[] => [0x0d, depth];
/** A SIMD128 instruction (prefix 0xfd). */
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
export const V128_ZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];
/** `local = local op by` (`by`: the instructions that push the operand; `op`: add or subtract). */
export const update = (local: number, by: number[], op = I32_ADD): number[] => [
  ...get(local),
  ...by,
  ...op,
  ...set(local),
];
/** `while (counter !== 0) { body }` (the body must change the counter). */
export const whileNonZero = (counter: number, body: number[]): number[] => [
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

/** One exported function of a module: its type (params, results) and body (locals + code). */
export interface WasmFunction {
  name: string;
  params: number[];
  results: number[];
  body: number[];
}

/**
 * The bytes of a module holding `functions` (each exported under its name, each with its
 * own type) and one memory (at least one page, no maximum) exported as `memory`.
 */
export function wasmModule(functions: readonly WasmFunction[]): Uint8Array {
  const type = (f: WasmFunction) => [
    0x60,
    ...vec(f.params.map((t) => [t])),
    ...vec(f.results.map((t) => [t])),
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vec(functions.map(type))),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, 1]])), // memory: min 1 page, no max
    ...section(
      7,
      vec([
        ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
        [...name("memory"), 0x02, 0],
      ]),
    ),
    ...section(10, vec(functions.map((f) => [...uleb(f.body.length), ...f.body]))),
  ]);
}

/** The memory of an instance (the ES2022 lib used here has no WebAssembly typings). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

/**
 * `instantiate()` for a module compiled on first use (once per thread): each call
 * gives a new instance with its own memory. `unsupported` is the error's message when
 * the engine has no WebAssembly or rejects the module (no SIMD).
 */
export function compiledOnce<T>(bytes: () => Uint8Array, unsupported: string): () => T {
  let compiled: object | undefined;
  return () => {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (compiled === undefined) {
      const b = bytes();
      if (wasm === undefined || !wasm.validate(b)) throw new Error(unsupported);
      compiled = new wasm.Module(b);
    }
    return new wasm!.Instance(compiled).exports as T;
  };
}
