import { GROUP, instantiateCorrelate, type CorrelateExports } from "./wasmCorrelate.js";

/** Floats kept free after every buffer: the SIMD loop reads and writes up to a group past a row's end. */
const SLACK = GROUP + 16;
/** Buffers start on 64-byte boundaries. */
const ALIGN = 16;
const roundUp = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/**
 * This thread's WebAssembly memory for chains of separable passes: an
 * instance of the correlation core ({@link instantiateCorrelate}) and a small
 * first-fit allocator over its memory, so intermediate images of a filter
 * bank (smoothed block, partial derivative passes, tensor components) stay
 * in WebAssembly memory between passes instead of being copied in and out.
 * Pointers are float indices (byte offset / 4). The memory grows on demand
 * and is kept for the next block; {@link Arena.reset} frees everything.
 * @internal
 */
export class Arena {
  readonly wasm: CorrelateExports;
  private f32: Float32Array;
  /** End of the used region, in floats. */
  private end = 0;
  /** Free segments below `end`, sorted by position. */
  private freeList: { ptr: number; size: number }[] = [];
  private sizes = new Map<number, number>();

  constructor() {
    this.wasm = instantiateCorrelate();
    this.f32 = new Float32Array(this.wasm.memory.buffer);
  }

  /** Current float32 view of the whole memory (replaced when the memory grows). */
  get heap(): Float32Array {
    if (this.f32.buffer !== this.wasm.memory.buffer)
      this.f32 = new Float32Array(this.wasm.memory.buffer);
    return this.f32;
  }

  /** A view of `length` floats at `ptr`; valid until the next allocation. */
  view(ptr: number, length: number): Float32Array {
    return this.heap.subarray(ptr, ptr + length);
  }

  /** Reserve `length` floats (plus slack); returns the float index. */
  alloc(length: number): number {
    const size = roundUp(Math.max(1, length) + SLACK);
    for (let i = 0; i < this.freeList.length; i++) {
      const seg = this.freeList[i]!;
      if (seg.size >= size) {
        const ptr = seg.ptr;
        if (seg.size === size) this.freeList.splice(i, 1);
        else {
          seg.ptr += size;
          seg.size -= size;
        }
        this.sizes.set(ptr, size);
        return ptr;
      }
    }
    const ptr = this.end;
    this.ensure(ptr + size);
    this.end = ptr + size;
    this.sizes.set(ptr, size);
    return ptr;
  }

  /** Release a buffer from {@link Arena.alloc}. */
  free(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`arena: free of unknown pointer ${ptr}`);
    this.sizes.delete(ptr);
    let i = 0;
    while (i < this.freeList.length && this.freeList[i]!.ptr < ptr) i++;
    this.freeList.splice(i, 0, { ptr, size });
    // Coalesce with the neighbours.
    if (i + 1 < this.freeList.length && ptr + size === this.freeList[i + 1]!.ptr) {
      this.freeList[i]!.size += this.freeList[i + 1]!.size;
      this.freeList.splice(i + 1, 1);
    }
    if (i > 0 && this.freeList[i - 1]!.ptr + this.freeList[i - 1]!.size === ptr) {
      this.freeList[i - 1]!.size += this.freeList[i]!.size;
      this.freeList.splice(i, 1);
      i--;
    }
    const last = this.freeList[this.freeList.length - 1];
    if (last && last.ptr + last.size === this.end) {
      this.end = last.ptr;
      this.freeList.pop();
    }
  }

  /** Free every buffer (the memory itself is kept). */
  reset(): void {
    this.end = 0;
    this.freeList = [];
    this.sizes.clear();
  }

  /** Floats in use (high end of the allocated region). */
  get used(): number {
    return this.end;
  }

  private ensure(floats: number): void {
    const memory = this.wasm.memory;
    const bytes = floats * 4;
    if (memory.buffer.byteLength >= bytes) return;
    // Grow geometrically to limit the number of grow calls.
    const want = Math.max(bytes, Math.floor(memory.buffer.byteLength * 1.25));
    const pages = Math.ceil((want - memory.buffer.byteLength) / 65536);
    try {
      memory.grow(pages);
    } catch {
      try {
        memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
      } catch (error) {
        throw new RangeError(
          `filters need ${(bytes / 2 ** 20).toFixed(0)} MiB of WebAssembly memory for one block; use smaller blocks`,
          { cause: error },
        );
      }
    }
  }
}

let arena: Arena | undefined;

/** This thread's arena, created on first use. @internal */
export function getArena(): Arena {
  arena ??= new Arena();
  return arena;
}
