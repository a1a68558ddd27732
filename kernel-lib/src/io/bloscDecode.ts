/**
 * A checked decoder of blosc (c-blosc 1.x) frames, for Zarr chunks.
 *
 * Why not numcodecs' blosc decoder: its wasm build ignores c-blosc's error code, so a damaged
 * frame (a bit flip in a compressed block) decodes "successfully" to whatever the wasm heap
 * held: different garbage on every call (found by the fuzz suite, test/fuzz/zarrTarget.mjs).
 * This decoder walks the frame itself with every offset and size checked against the file
 * and decodes each block's streams with decoders that report errors: zstd (numcodecs' zstd,
 * which does; each frame must declare its decoded size), zlib (node:zlib) and lz4 (a block
 * decoder below, bounds-checked). Supported: the "memcpyed" frames c-blosc writes when
 * compression does not pay, byte shuffle or none, split and unsplit blocks; refused with an
 * error: blosclz, snappy and bit shuffle (tomolab writes zstd with byte shuffle; zarr-python's
 * default is lz4 with byte shuffle).
 *
 * Frame layout (c-blosc 1.x): a 16-byte header (version, versionlz, flags, typesize, nbytes,
 * blocksize, cbytes; little-endian), then, unless memcpyed, one int32 start offset per block,
 * then the blocks; a block is `nsplits` streams, each an int32 compressed size and that many
 * bytes (a size equal to the stream's decoded size means stored raw).
 *
 * @module
 */
import { inflateSync } from "node:zlib";
import { Zstd } from "numcodecs";

const MAX_SPLITS = 16;
const MIN_BUFFERSIZE = 128;
const FORMATS = ["blosclz", "lz4", "snappy", "zlib", "zstd"];

function bad(what: string): never {
  throw new Error(what);
}

/**
 * Decode an lz4 block (no frame) of exactly `size` bytes.
 * @throws Error when the block is malformed or does not decode to `size` bytes.
 */
export function lz4DecodeBlock(src: Uint8Array, size: number): Uint8Array {
  const dst = new Uint8Array(size);
  let ip = 0;
  let op = 0;
  const fail = (what: string): never => bad(`lz4 block: ${what} at byte ${ip}`);
  const length = (n: number): number => {
    if (n !== 15) return n;
    for (;;) {
      if (ip >= src.length) fail("length runs past the end");
      const b = src[ip++];
      n += b;
      if (b !== 255) return n;
    }
  };
  while (ip < src.length) {
    const token = src[ip++];
    const lit = length(token >>> 4);
    if (ip + lit > src.length) fail("literals run past the end");
    if (op + lit > size) fail(`literals past the decoded size ${size}`);
    dst.set(src.subarray(ip, ip + lit), op);
    ip += lit;
    op += lit;
    if (ip === src.length) break; // the last sequence has literals only
    if (ip + 2 > src.length) fail("match offset runs past the end");
    const offset = src[ip] | (src[ip + 1] << 8);
    ip += 2;
    if (offset === 0 || offset > op) fail(`match offset ${offset} before the start`);
    const match = length(token & 15) + 4;
    if (op + match > size) fail(`match past the decoded size ${size}`);
    for (let k = 0; k < match; k++, op++) dst[op] = dst[op - offset];
  }
  if (op !== size) fail(`decodes to ${op} bytes, expected ${size}`);
  return dst;
}

/** The sum of the decoded sizes the zstd frames of `b` declare, or a reason they cannot be trusted (more than `size` is one). */
function zstdDeclared(b: Uint8Array, size: number): number | string {
  let at = 0;
  let total = 0;
  if (b.length === 0) return "empty";
  while (at < b.length) {
    if (b.length - at < 8) return `frame at byte ${at} truncated`;
    const magic = (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
    if (magic >>> 4 === 0x184d2a5) {
      at += 8 + ((b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16) | (b[at + 7] << 24)) >>> 0);
      continue;
    }
    if (magic !== 0xfd2fb528) return `no zstd frame at byte ${at} (magic 0x${magic.toString(16)})`;
    const fhd = b[at + 4];
    const single = (fhd >> 5) & 1;
    const fcsFlag = fhd >> 6;
    const fcsSize = fcsFlag === 0 ? single : [1, 2, 4, 8][fcsFlag];
    if (fcsSize === 0)
      return `zstd frame at byte ${at} does not declare its decoded size (tomolab refuses such frames: they could decode to any size)`;
    let p = at + 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
    if (p + fcsSize > b.length) return `zstd frame header at byte ${at} truncated`;
    let fcs = 0;
    for (let i = 0; i < fcsSize; i++) fcs += b[p + i] * 2 ** (8 * i);
    if (fcsSize === 2) fcs += 256;
    total += fcs;
    if (total > size) return `zstd frame(s) declare ${total} decoded bytes or more, expected ${size}`;
    p += fcsSize;
    for (;;) {
      if (p + 3 > b.length) return `zstd block at byte ${p} truncated`;
      const h = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16);
      const type = (h >> 1) & 3;
      if (type === 3) return `zstd block at byte ${p} of reserved type`;
      p += 3 + (type === 1 ? 1 : h >>> 3);
      if (h & 1) break;
    }
    if ((fhd >> 2) & 1) p += 4; // content checksum
    if (p > b.length) return `zstd frame at byte ${at} truncated`;
    at = p;
  }
  return total;
}

/**
 * Decode zstd data of exactly `size` bytes: every frame must declare its decoded size and the
 * sizes must add up to `size` (checked before decoding, so a bomb is never expanded).
 * @throws Error saying what is wrong.
 */
export async function zstdDecodeExact(b: Uint8Array, size: number): Promise<Uint8Array> {
  const declared = zstdDeclared(b, size);
  if (typeof declared === "string") throw new Error(declared);
  if (declared !== size) throw new Error(`zstd frame(s) declare ${declared} decoded bytes, expected ${size}`);
  const out = await new Zstd(1).decode(b);
  if (out.length !== size) throw new Error(`zstd data decode to ${out.length} bytes, expected ${size}`);
  return out;
}

/**
 * Decode a blosc frame that must hold exactly `expected` bytes.
 * @param b - The frame (a whole chunk file).
 * @throws Error saying which header field or block is wrong (the caller adds the file).
 */
export async function bloscDecode(b: Uint8Array, expected: number): Promise<Uint8Array> {
  if (b.length < 16) bad(`${b.length} bytes is shorter than a blosc header (16 bytes)`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const flags = b[2];
  const typesize = b[3];
  const nbytes = dv.getUint32(4, true);
  const blocksize = dv.getUint32(8, true);
  const cbytes = dv.getUint32(12, true);
  // format version 2 is what every c-blosc 1.x writes (and the only one numcodecs' c-blosc reads)
  if (b[0] !== 2) bad(`blosc header format version ${b[0]}, expected 2 (c-blosc 1.x)`);
  if (nbytes !== expected) bad(`blosc header declares ${nbytes} decoded bytes, expected ${expected}`);
  if (cbytes !== b.length) bad(`blosc header declares ${cbytes} compressed bytes, the file has ${b.length}`);
  // c-blosc writes a block size of 1..nbytes, memcpyed frames too (some versions copy them block by block)
  if (blocksize < 1 || blocksize > nbytes) bad(`blosc header block size ${blocksize}, expected 1..${nbytes}`);
  // bit 3 is no c-blosc 1.x flag (blosc2's delta); numcodecs' c-blosc mishandles it even in memcpyed frames
  if (flags & 0x08) bad(`blosc header flags 0x${flags.toString(16)}: bit 3 is not a c-blosc 1.x flag`);
  if (flags & 0x02) {
    if (cbytes !== 16 + nbytes)
      bad(`blosc header says uncompressed (memcpyed) ${nbytes} bytes, the file holds ${cbytes - 16} after the header`);
    return b.slice(16, 16 + nbytes);
  }
  if (typesize < 1) bad("blosc header type size 0");
  const format = FORMATS[flags >> 5] ?? `format code ${flags >> 5}`;
  if (!["lz4", "zlib", "zstd"].includes(format))
    bad(`blosc compressor ${format}: tomolab decodes blosc chunks with lz4, zlib or zstd inside`);
  const doShuffle = (flags & 0x01) !== 0 && typesize > 1;
  if (flags & 0x04 && blocksize >= typesize) bad("blosc bit shuffle: tomolab decodes byte-shuffled or unshuffled blosc chunks");
  const dontSplit = (flags & 0x10) !== 0;
  const nblocks = Math.ceil(nbytes / blocksize);
  const leftover = nbytes % blocksize;
  const table = 16 + 4 * nblocks;
  if (table > cbytes) bad(`blosc header declares ${nblocks} blocks, the file is too short for their offsets`);
  const out = new Uint8Array(nbytes);
  for (let j = 0; j < nblocks; j++) {
    const last = j === nblocks - 1 && leftover > 0;
    const bsize = last ? leftover : blocksize;
    let at = dv.getInt32(16 + 4 * j, true);
    if (at < table || at > cbytes - 4) bad(`blosc block ${j} starts at byte ${at}, outside ${table}..${cbytes - 4}`);
    const split = !dontSplit && typesize <= MAX_SPLITS && Math.floor(blocksize / typesize) >= MIN_BUFFERSIZE && !last;
    const nsplits = split ? typesize : 1;
    if (bsize % nsplits !== 0) bad(`blosc block ${j}: ${bsize} bytes do not split into ${nsplits} streams`);
    const neblock = bsize / nsplits;
    const block = new Uint8Array(bsize);
    for (let s = 0; s < nsplits; s++) {
      if (at > cbytes - 4) bad(`blosc block ${j} stream ${s} at byte ${at}: past the end`);
      const cs = dv.getInt32(at, true);
      at += 4;
      if (cs <= 0 || cs > cbytes - at) bad(`blosc block ${j} stream ${s}: compressed size ${cs} outside 1..${cbytes - at}`);
      const src = b.subarray(at, at + cs);
      let part: Uint8Array;
      if (cs === neblock) part = src;
      else {
        try {
          part =
            format === "lz4"
              ? lz4DecodeBlock(src, neblock)
              : format === "zlib"
                ? new Uint8Array(inflateSync(src, { maxOutputLength: neblock }))
                : await zstdDecodeExact(src, neblock);
        } catch (e) {
          bad(`blosc block ${j} stream ${s} (${format}): ${e instanceof Error ? e.message : String(e)}`);
        }
        if (part.length !== neblock) bad(`blosc block ${j} stream ${s} decodes to ${part.length} bytes, expected ${neblock}`);
      }
      block.set(part, s * neblock);
      at += cs;
    }
    const dst = out.subarray(j * blocksize, j * blocksize + bsize);
    if (doShuffle) {
      // byte unshuffle: byte k of element i was at k * n + i; bytes past the last whole element stay
      const n = Math.floor(bsize / typesize);
      for (let i = 0; i < n; i++) for (let k = 0; k < typesize; k++) dst[i * typesize + k] = block[k * n + i];
      dst.set(block.subarray(n * typesize), n * typesize);
    } else dst.set(block);
  }
  return out;
}
