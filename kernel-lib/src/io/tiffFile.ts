/**
 * Low-level TIFF structure: header, the chain of image file directories
 * (IFDs) and tag values, read through a file handle with every offset checked
 * against the file size, so corrupt and truncated files give errors that say
 * what is wrong instead of zeros or a stack trace. Classic TIFF and BigTIFF,
 * either byte order (TIFF 6.0 section 2; BigTIFF as in libtiff).
 */
import { promises as fsp } from "node:fs";
import { fileError } from "./files.js";

/** Tag numbers used by the readers and writers. */
export const Tag = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  XResolution: 282,
  YResolution: 283,
  PlanarConfiguration: 284,
  ResolutionUnit: 296,
  Software: 305,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SampleFormat: 339,
} as const;

/** TIFF field types and their sizes in bytes. */
export const FieldType = {
  BYTE: 1,
  ASCII: 2,
  SHORT: 3,
  LONG: 4,
  RATIONAL: 5,
  SBYTE: 6,
  UNDEFINED: 7,
  SSHORT: 8,
  SLONG: 9,
  SRATIONAL: 10,
  FLOAT: 11,
  DOUBLE: 12,
  IFD: 13,
  LONG8: 16,
  SLONG8: 17,
  IFD8: 18,
} as const;

const TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};

/** One IFD entry: where its value is (inline bytes or a file offset). */
export interface TiffEntry {
  tag: number;
  type: number;
  count: number;
  /** Value bytes when they fit in the entry, else null. */
  inline: Uint8Array | null;
  /** File offset of the value when not inline, else -1. */
  offset: number;
}

/** One image file directory. */
export interface TiffIfd {
  /** Position in the IFD chain, from 0. */
  index: number;
  /** File offset of the IFD. */
  offset: number;
  entries: Map<number, TiffEntry>;
}

/**
 * An open TIFF file: header facts, every IFD of the main chain, and checked
 * reads of tag values and pixel data. Close it when done.
 */
export class TiffFile {
  private constructor(
    readonly fn: string,
    readonly path: string,
    private readonly handle: fsp.FileHandle,
    readonly size: number,
    readonly littleEndian: boolean,
    readonly bigTiff: boolean,
    readonly ifds: TiffIfd[],
  ) {}

  /**
   * Open `path`, check the header and walk the IFD chain.
   * @param fn - Public function name used in error messages, e.g. `"readTiff"`.
   */
  static async open(fn: string, path: string): Promise<TiffFile> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(path, "r");
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why =
        err.code === "ENOENT"
          ? "no such file"
          : err.code === "EISDIR"
            ? "is a folder, not a file"
            : err.message;
      throw fileError(fn, path, why);
    }
    try {
      const stat = await handle.stat();
      if (stat.isDirectory()) throw fileError(fn, path, "is a folder, not a file");
      const size = stat.size;
      const head = new Uint8Array(Math.min(16, size));
      await readFully(handle, head, 0);
      if (size < 8) throw fileError(fn, path, `not a TIFF file (only ${size} bytes)`);
      const bom = (head[0] << 8) | head[1];
      if (bom !== 0x4949 && bom !== 0x4d4d) {
        throw fileError(
          fn,
          path,
          `not a TIFF file (bad byte-order mark 0x${bom.toString(16).toUpperCase().padStart(4, "0")})`,
        );
      }
      const le = bom === 0x4949;
      const view = new DataView(head.buffer);
      const magic = view.getUint16(2, le);
      let bigTiff: boolean;
      let first: number;
      if (magic === 42) {
        bigTiff = false;
        first = view.getUint32(4, le);
      } else if (magic === 43) {
        bigTiff = true;
        if (size < 16)
          throw fileError(fn, path, `truncated: BigTIFF header needs 16 bytes, file has ${size}`);
        const offsetSize = view.getUint16(4, le);
        if (offsetSize !== 8)
          throw fileError(
            fn,
            path,
            `corrupt BigTIFF header (offset size ${offsetSize}, expected 8)`,
          );
        first = toNumber(view.getBigUint64(8, le));
      } else {
        throw fileError(
          fn,
          path,
          `not a TIFF file (bad version number ${magic}, expected 42 or BigTIFF 43)`,
        );
      }
      if (first === 0) throw fileError(fn, path, "contains no image (first IFD offset is 0)");
      const file = new TiffFile(fn, path, handle, size, le, bigTiff, []);
      await file.walkIfds(first);
      return file;
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  /** Close the file handle. */
  async close(): Promise<void> {
    await this.handle.close();
  }

  /** An Error naming the call and this file. */
  error(problem: string): Error {
    return fileError(this.fn, this.path, problem);
  }

  /**
   * Read `length` bytes at `offset` into `target` (or a new array), or throw a
   * truncation error naming `what` when the range runs past the end of the file.
   */
  async bytes(
    offset: number,
    length: number,
    what: string,
    target?: Uint8Array,
  ): Promise<Uint8Array> {
    if (offset < 0 || offset + length > this.size) {
      throw this.error(
        `truncated: ${what} at offset ${offset} (${length} bytes) runs past the end of the file (size ${this.size})`,
      );
    }
    const out = target ?? new Uint8Array(length);
    await readFully(this.handle, out.subarray(0, length), offset);
    return out;
  }

  private async walkIfds(first: number): Promise<void> {
    const seen = new Set<number>();
    const countSize = this.bigTiff ? 8 : 2;
    const entrySize = this.bigTiff ? 20 : 12;
    const nextSize = this.bigTiff ? 8 : 4;
    let offset = first;
    while (offset !== 0) {
      const index = this.ifds.length;
      if (seen.has(offset))
        throw this.error(`corrupt: IFD chain loops back to offset ${offset} (after ${index} IFDs)`);
      seen.add(offset);
      if (offset + countSize > this.size) {
        throw this.error(
          `truncated: IFD at offset ${offset} beyond end of file (size ${this.size})`,
        );
      }
      // One read usually covers the whole IFD; read the rest when it does not.
      let buf = new Uint8Array(Math.min(4096, this.size - offset));
      await readFully(this.handle, buf, offset);
      let view = new DataView(buf.buffer);
      const n = this.bigTiff
        ? toNumber(view.getBigUint64(0, this.littleEndian))
        : view.getUint16(0, this.littleEndian);
      if (n === 0) throw this.error(`corrupt: IFD ${index} at offset ${offset} has no entries`);
      const total = countSize + n * entrySize + nextSize;
      if (offset + total > this.size) {
        throw this.error(
          `truncated: IFD ${index} at offset ${offset} needs ${total} bytes but the file ends at ${this.size}`,
        );
      }
      if (total > buf.length) {
        buf = new Uint8Array(total);
        await readFully(this.handle, buf, offset);
        view = new DataView(buf.buffer);
      }
      const entries = new Map<number, TiffEntry>();
      const inlineSize = this.bigTiff ? 8 : 4;
      for (let i = 0; i < n; i++) {
        const p = countSize + i * entrySize;
        const tag = view.getUint16(p, this.littleEndian);
        const type = view.getUint16(p + 2, this.littleEndian);
        const count = this.bigTiff
          ? toNumber(view.getBigUint64(p + 4, this.littleEndian))
          : view.getUint32(p + 4, this.littleEndian);
        const size = TYPE_SIZE[type];
        if (size === undefined) continue; // unknown field types are skipped (TIFF 6.0, p. 16)
        const valuePos = p + (this.bigTiff ? 12 : 8);
        const bytes = size * count;
        if (bytes <= inlineSize) {
          entries.set(tag, {
            tag,
            type,
            count,
            inline: buf.slice(valuePos, valuePos + bytes),
            offset: -1,
          });
        } else {
          const at = this.bigTiff
            ? toNumber(view.getBigUint64(valuePos, this.littleEndian))
            : view.getUint32(valuePos, this.littleEndian);
          entries.set(tag, { tag, type, count, inline: null, offset: at });
        }
      }
      this.ifds.push({ index, offset, entries });
      const np = countSize + n * entrySize;
      offset = this.bigTiff
        ? toNumber(view.getBigUint64(np, this.littleEndian))
        : view.getUint32(np, this.littleEndian);
    }
  }

  /** The raw bytes of a tag's value (checked against the file size). */
  private async valueBytes(ifd: TiffIfd, entry: TiffEntry): Promise<Uint8Array> {
    if (entry.inline) return entry.inline;
    const length = TYPE_SIZE[entry.type] * entry.count;
    return this.bytes(entry.offset, length, `tag ${tagName(entry.tag)} of IFD ${ifd.index}`);
  }

  /**
   * Numeric values of a tag, or undefined when absent. RATIONAL values come as
   * numerator/denominator pairs (`[n0, d0, n1, d1, ...]`).
   */
  async values(ifd: TiffIfd, tag: number): Promise<number[] | undefined> {
    const entry = ifd.entries.get(tag);
    if (!entry) return undefined;
    if (entry.type === FieldType.ASCII)
      throw this.error(`corrupt: tag ${tagName(tag)} is text, expected numbers`);
    const bytes = await this.valueBytes(ifd, entry);
    return decodeValues(bytes, entry.type, entry.count, this.littleEndian);
  }

  /** First numeric value of a tag, or `fallback` when absent. */
  async value(ifd: TiffIfd, tag: number, fallback: number): Promise<number> {
    const v = await this.values(ifd, tag);
    return v && v.length > 0 ? v[0] : fallback;
  }

  /** Text of an ASCII tag up to its first NUL, or undefined when absent. */
  async text(ifd: TiffIfd, tag: number): Promise<string | undefined> {
    const entry = ifd.entries.get(tag);
    if (
      !entry ||
      (entry.type !== FieldType.ASCII &&
        entry.type !== FieldType.BYTE &&
        entry.type !== FieldType.UNDEFINED)
    ) {
      return undefined;
    }
    const bytes = await this.valueBytes(ifd, entry);
    const end = bytes.indexOf(0);
    return new TextDecoder("utf-8").decode(end >= 0 ? bytes.subarray(0, end) : bytes);
  }
}

/** Decode `count` values of a TIFF field type from bytes. */
function decodeValues(bytes: Uint8Array, type: number, count: number, le: boolean): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    switch (type) {
      case FieldType.BYTE:
      case FieldType.UNDEFINED:
        out.push(view.getUint8(i));
        break;
      case FieldType.SBYTE:
        out.push(view.getInt8(i));
        break;
      case FieldType.SHORT:
        out.push(view.getUint16(2 * i, le));
        break;
      case FieldType.SSHORT:
        out.push(view.getInt16(2 * i, le));
        break;
      case FieldType.LONG:
      case FieldType.IFD:
        out.push(view.getUint32(4 * i, le));
        break;
      case FieldType.SLONG:
        out.push(view.getInt32(4 * i, le));
        break;
      case FieldType.RATIONAL:
        out.push(view.getUint32(8 * i, le), view.getUint32(8 * i + 4, le));
        break;
      case FieldType.SRATIONAL:
        out.push(view.getInt32(8 * i, le), view.getInt32(8 * i + 4, le));
        break;
      case FieldType.FLOAT:
        out.push(view.getFloat32(4 * i, le));
        break;
      case FieldType.DOUBLE:
        out.push(view.getFloat64(8 * i, le));
        break;
      case FieldType.LONG8:
      case FieldType.IFD8:
        out.push(toNumber(view.getBigUint64(8 * i, le)));
        break;
      case FieldType.SLONG8:
        out.push(Number(view.getBigInt64(8 * i, le)));
        break;
    }
  }
  return out;
}

const TAG_NAMES = new Map<number, string>(Object.entries(Tag).map(([name, tag]) => [tag, name]));

/** Name of a tag for messages, e.g. `StripOffsets`, or `#50838` for others. */
export function tagName(tag: number): string {
  return TAG_NAMES.get(tag) ?? `#${tag}`;
}

function toNumber(v: bigint): number {
  // Offsets beyond 2^53 cannot be valid in any file this machine can hold.
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** Read exactly `target.length` bytes at `position` (loops over short reads). */
async function readFully(
  handle: fsp.FileHandle,
  target: Uint8Array,
  position: number,
): Promise<void> {
  const CHUNK = 1 << 30; // fs reads are limited to 2 GiB per call
  let done = 0;
  while (done < target.length) {
    const length = Math.min(CHUNK, target.length - done);
    const { bytesRead } = await handle.read(target, done, length, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at offset ${position + done}`);
    done += bytesRead;
  }
}
